#!/bin/sh
# deps.sh: makes sure the build's two libraries are installed (called by `make`).
# Eigen 3.4 (headers) and doctest (header). OpenMP comes with the compiler.
# As root on Debian/Ubuntu it installs them; otherwise it prints the command and stops.
have() { [ -f /usr/include/eigen3/Eigen/Core ] && [ -f /usr/include/doctest/doctest.h ]; }
have && exit 0
if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "deps: installing libeigen3-dev doctest-dev"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libeigen3-dev doctest-dev) >/dev/null || exit 1
    have && exit 0
fi
echo "deps: Eigen 3.4 and doctest are missing. Install them with:" >&2
echo "    sudo apt-get install libeigen3-dev doctest-dev      (Debian/Ubuntu)" >&2
echo "    brew install eigen doctest libomp                   (macOS)" >&2
exit 1
