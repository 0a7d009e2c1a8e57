#!/bin/sh
# deps.sh: makes sure the build's libraries are installed (called by `make` as: sh dev/deps.sh CXX NO_OMP).
# Eigen 3.4 (headers) and doctest (header); as root on Debian/Ubuntu it installs them,
# otherwise it prints the command and stops.
# OpenMP: g++ ships it (libgomp); clang++ needs LLVM's libomp (Debian: libomp-dev). Checked, not installed,
# unless NO_OMP=1 (the serial build needs none).
CXX=${1:-c++}
NO_OMP=$2
have() { [ -f /usr/include/eigen3/Eigen/Core ] && [ -f /usr/include/doctest/doctest.h ]; }
have_omp() { [ "$NO_OMP" = 1 ] || echo '#include <omp.h>' | $CXX -fopenmp -x c++ -fsyntax-only - 2>/dev/null; }
if ! have && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
    echo "deps: installing libeigen3-dev doctest-dev"
    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libeigen3-dev doctest-dev) >/dev/null || exit 1
fi
if ! have; then
    echo "deps: Eigen 3.4 and doctest are missing. Install them with:" >&2
    echo "    sudo apt-get install libeigen3-dev doctest-dev      (Debian/Ubuntu)" >&2
    echo "    brew install eigen doctest libomp                   (macOS)" >&2
    exit 1
fi
if ! have_omp; then
    echo "deps: $CXX -fopenmp cannot find omp.h, so OpenMP is missing for this compiler. Either:" >&2
    echo "    sudo apt-get install libomp-dev                     (clang++ on Debian/Ubuntu)" >&2
    echo "    make NO_OMP=1 ...                                   (serial: no OpenMP needed, slower)" >&2
    exit 1
fi
exit 0
