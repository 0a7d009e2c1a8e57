#!/bin/sh
# deps.sh: finds the build's libraries (Eigen 3.4 and doctest headers, the compiler's OpenMP) and checks them.
#   sh dev/deps.sh find eigen|doctest             prints the include directory (the Makefile's EIGEN_INC, DOCTEST_INC)
#   sh dev/deps.sh find omp-flags|omp-libs CXX    prints CXX's OpenMP compile or link flags (OMP_FLAGS, OMP_LIBS)
#   sh dev/deps.sh check CXX NO_OMP EIGEN_INC DOCTEST_INC "OMP_FLAGS"    (make's deps target) checks what the build
#       uses; as root on Debian/Ubuntu it installs Eigen and doctest, otherwise it prints what to install and exits 1.
#       With CXX=mpicxx (make MPI=1) it does the same for OpenMPI (Debian libopenmpi-dev openmpi-bin).
# `find` exits 1 when it found nothing and then prints Debian's place (where `check`, as root, installs).
# Headers are looked for through pkg-config, then Homebrew (/opt/homebrew on arm64, /usr/local on Intel), MacPorts
# (/opt/local), /usr. OpenMP: g++ ships libgomp; clang++ needs LLVM's libomp (Debian libomp-dev); Apple's clang has
# no -fopenmp driver flag, so it gets -Xpreprocessor -fopenmp and the headers and library of Homebrew's or MacPorts'
# libomp. Tested on fake trees only, not on a Mac (test/dev/test_deps.cpp): DETECT_ROOT is put before every searched
# path, and DETECT_UNAME and DETECT_CXX_VERSION stand in for `uname -s` and `CXX --version`.
ROOT=${DETECT_ROOT:-}
HOMEBREW="$ROOT/opt/homebrew $ROOT/usr/local"
MACPORTS="$ROOT/opt/local"

# the -I directories pkg-config gives for package $1 (none when it or pkg-config is missing)
pkg_dirs() {
    command -v pkg-config >/dev/null || return 0
    for flag in $(pkg-config --cflags-only-I "$1" 2>/dev/null); do echo "${flag#-I}"; done
}
# the first of the directories $2... that holds the file $1
first_with() {
    file=$1; shift
    for dir; do [ -f "$dir/$file" ] && { echo "$dir"; return 0; }; done
    return 1
}
eigen_dirs() {
    pkg_dirs eigen3
    # Homebrew's eigen is Eigen 5; its eigen@3 lives apart, in opt/
    for p in $HOMEBREW; do echo "$p/opt/eigen@3/include/eigen3 $p/include/eigen3"; done
    echo "$MACPORTS/include/eigen3 $ROOT/usr/include/eigen3"
}
# doctest.h in include/doctest/ (its own install) or in include/ (copied by hand);
# subtle: never /usr/include itself: `-isystem /usr/include` breaks g++'s #include_next in <cstdlib>
doctest_dirs() {
    for dir in $(pkg_dirs doctest); do echo "$dir/doctest $dir"; done
    for p in $HOMEBREW $MACPORTS; do echo "$p/include/doctest $p/include"; done
    echo "$ROOT/usr/include/doctest"
}
apple_clang() {
    case "${DETECT_CXX_VERSION:-$($1 --version 2>/dev/null)}" in *"Apple clang"* | *"Apple LLVM"*) return 0 ;; esac
    return 1
}
# libomp for Apple's clang: "INCLUDE_DIR LIB_DIR" of Homebrew's (keg-only, so under opt/) or MacPorts'
libomp_dirs() {
    for p in $HOMEBREW; do [ -f "$p/opt/libomp/include/omp.h" ] && { echo "$p/opt/libomp/include $p/opt/libomp/lib"; return 0; }; done
    [ -f "$MACPORTS/include/libomp/omp.h" ] && { echo "$MACPORTS/include/libomp $MACPORTS/lib/libomp"; return 0; }
    return 1
}
# prints OpenMP's compile flags ($2 = flags) or link flags ($2 = libs) for compiler $1
omp() {
    apple_clang "$1" || { echo "-fopenmp"; return 0; }
    dirs=$(libomp_dirs); found=$?
    inc=${dirs% *} lib=${dirs#* }
    if [ "$2" = flags ]; then echo "-Xpreprocessor -fopenmp${dirs:+ -I$inc}"; else echo "${dirs:+-L$lib }-lomp"; fi
    return $found
}
macos() { [ "${DETECT_UNAME:-$(uname -s)}" = Darwin ]; }

# make's deps target: are the headers where the build looks, and does CXX compile an OpenMP include?
check() {
    CXX=$1 NO_OMP=$2 EIGEN_INC=$3 DOCTEST_INC=$4 OMP_FLAGS=$5
    # make MPI=1: OpenMPI's compiler wrapper and mpirun
    if [ "${CXX##*/}" = mpicxx ] && ! command -v "$CXX" >/dev/null; then
        if [ -z "$ROOT" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
            echo "deps: installing libopenmpi-dev openmpi-bin (make MPI=1)"
            (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libopenmpi-dev openmpi-bin) >/dev/null || exit 1
        fi
        if ! command -v "$CXX" >/dev/null; then
            echo "deps: make MPI=1 builds with OpenMPI's mpicxx, which is missing. Install it with:" >&2
            if macos; then echo "    brew install open-mpi                               (macOS)" >&2
            else echo "    sudo apt-get install libopenmpi-dev openmpi-bin     (Debian/Ubuntu)" >&2; fi
            echo "or on a cluster: module load openmpi (or your site's MPI); or build without MPI=1" >&2
            exit 1
        fi
    fi
    have() { [ -f "$EIGEN_INC/Eigen/Core" ] && [ -f "$DOCTEST_INC/doctest.h" ]; }
    # installs into the real machine only, never into a test's fake tree (DETECT_ROOT)
    if ! have && [ -z "$ROOT" ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null; then
        echo "deps: installing libeigen3-dev doctest-dev"
        (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq libeigen3-dev doctest-dev) >/dev/null || exit 1
    fi
    if ! have; then
        [ -f "$EIGEN_INC/Eigen/Core" ] || echo "deps: Eigen 3.4 is missing (no Eigen/Core in EIGEN_INC=$EIGEN_INC)" >&2
        [ -f "$DOCTEST_INC/doctest.h" ] || echo "deps: doctest is missing (no doctest.h in DOCTEST_INC=$DOCTEST_INC)" >&2
        echo "Install them with:" >&2
        if macos; then
            echo "    brew install eigen@3 doctest libomp                 (macOS, Homebrew)" >&2
            echo "    sudo port install eigen3 doctest libomp             (macOS, MacPorts)" >&2
        else
            echo "    sudo apt-get install libeigen3-dev doctest-dev      (Debian/Ubuntu)" >&2
        fi
        echo "or give their folders: make EIGEN_INC=/path/to/eigen3 DOCTEST_INC=/folder/of/doctest.h" >&2
        exit 1
    fi
    [ "$NO_OMP" = 1 ] && exit 0  # the serial build needs no OpenMP
    if ! echo '#include <omp.h>' | $CXX $OMP_FLAGS -x c++ -fsyntax-only - 2>/dev/null; then
        echo "deps: $CXX $OMP_FLAGS cannot find omp.h, so OpenMP is missing for this compiler. Either:" >&2
        if macos; then
            echo "    brew install libomp        (or: sudo port install libomp)" >&2
        else
            echo "    sudo apt-get install libomp-dev                     (clang++ on Debian/Ubuntu)" >&2
        fi
        echo "    make NO_OMP=1 ...                                   (serial: no OpenMP needed, slower)" >&2
        exit 1
    fi
    exit 0
}

case "$1 $2" in
"find eigen") first_with Eigen/Core $(eigen_dirs) || { echo "$ROOT/usr/include/eigen3"; exit 1; } ;;
"find doctest") first_with doctest.h $(doctest_dirs) || { echo "$ROOT/usr/include/doctest"; exit 1; } ;;
"find omp-flags") omp "$3" flags ;;
"find omp-libs") omp "$3" libs ;;
check\ *) shift; check "$@" ;;
*) echo "usage: sh dev/deps.sh find eigen|doctest|omp-flags CXX|omp-libs CXX, or check CXX NO_OMP EIGEN_INC DOCTEST_INC OMP_FLAGS" >&2; exit 2 ;;
esac
