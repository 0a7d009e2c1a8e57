// test_deps.cpp: dev/deps.sh, which finds Eigen, doctest and OpenMP for the Makefile, run on fake machines.
// No Mac runs these tests: each case builds a fake file tree (Homebrew on arm64 and Intel, MacPorts, Debian,
// pkg-config, nothing installed) and tells the script to search under it (DETECT_ROOT), what `uname -s` says
// (DETECT_UNAME) and what the compiler says it is (DETECT_CXX_VERSION). A fake pkg-config goes first on PATH,
// so the real one of the machine running the tests is never asked. The expected flags are written by hand from
// where Homebrew and MacPorts put these packages.
#include <doctest.h>

#include <fstream>
#include <string>

#include "test/check.h"  // run_shell, temp_dir

// what the compilers of the machines below say first to `--version`
constexpr const char* APPLE_CLANG = "Apple clang version 15.0.0 (clang-1500.3.9.4)";
constexpr const char* HOMEBREW_GCC = "g++-14 (Homebrew GCC 14.2.0) 14.2.0";
constexpr const char* DEBIAN_GCC = "g++ (Debian 12.2.0-14) 12.2.0";

// A fake machine: a root folder standing in for "/", its uname, its compiler's version line.
struct FakeMachine {
    std::string root, uname, cxx_version;

    FakeMachine(const char* tag, const char* uname_s, const char* version)
        : root(temp_dir(tag)), uname(uname_s), cxx_version(version) {
        pkg_config("", "");  // a pkg-config that knows neither package
    }
    // an empty file at root + path, with its folders
    void add(const std::string& path) const {
        std::string file = root + path;
        REQUIRE(run_shell("mkdir -p \"$(dirname '" + file + "')\" && : > '" + file + "'").status == 0);
    }
    // root/bin/pkg-config, first on PATH: answers `--cflags-only-I eigen3|doctest` with -IDIR, or fails
    // ("Package eigen3 was not found") where DIR is ""
    void pkg_config(const std::string& eigen_dir, const std::string& doctest_dir) const {
        std::string answer = "#!/bin/sh\ncase \"$*\" in\n";
        if (!eigen_dir.empty()) answer += "*eigen3*) echo '-I" + eigen_dir + "' ;;\n";
        if (!doctest_dir.empty()) answer += "*doctest*) echo '-I" + doctest_dir + "' ;;\n";
        answer += "*) echo \"Package $2 was not found\" >&2; exit 1 ;;\nesac\n";
        std::string script = root + "/bin/pkg-config";
        add("/bin/pkg-config");
        std::ofstream(script) << answer;
        REQUIRE(run_shell("chmod +x '" + script + "'").status == 0);
    }
    // sh dev/deps.sh ARGS on this machine (stdout and stderr together)
    Run deps(const std::string& args) const {
        return run_shell("env DETECT_ROOT='" + root + "' DETECT_UNAME='" + uname + "' DETECT_CXX_VERSION='" +
                         cxx_version + "' PATH='" + root + "/bin':\"$PATH\" sh dev/deps.sh " + args);
    }
};

// What `find WHAT` prints (its one line, without the newline); fails the test unless it exits with `status`
// (0 found, 1 nothing found).
static std::string find(const FakeMachine& m, const std::string& what, int status = 0) {
    Run r = m.deps("find " + what + " c++");
    INFO("dev/deps.sh find " << what << " -> exit " << r.status << ": " << r.output);
    CHECK(r.status == status);
    CHECK((!r.output.empty() && r.output.back() == '\n' && r.output.find('\n') == r.output.size() - 1));
    return r.output.substr(0, r.output.find('\n'));
}

// ----------------------------------------------------------------------------
// find: where each layout keeps Eigen, doctest and libomp

TEST_CASE("deps/find on a Mac with Homebrew on arm64 (/opt/homebrew) and Apple's clang") {
    FakeMachine m("deps-brew-arm", "Darwin", APPLE_CLANG);
    m.add("/opt/homebrew/include/eigen3/Eigen/Core");
    m.add("/opt/homebrew/include/doctest/doctest.h");
    m.add("/opt/homebrew/opt/libomp/include/omp.h");  // keg-only: not linked into /opt/homebrew/include
    std::string r = m.root;
    CHECK(find(m, "eigen") == r + "/opt/homebrew/include/eigen3");
    CHECK(find(m, "doctest") == r + "/opt/homebrew/include/doctest");
    // Apple's clang has no -fopenmp driver flag: the preprocessor gets it, and libomp comes from Homebrew
    CHECK(find(m, "omp-flags") == "-Xpreprocessor -fopenmp -I" + r + "/opt/homebrew/opt/libomp/include");
    CHECK(find(m, "omp-libs") == "-L" + r + "/opt/homebrew/opt/libomp/lib -lomp");
    // Homebrew's eigen formula is Eigen 5; eigen@3 (keg-only) is the 3.4 this project is written for
    m.add("/opt/homebrew/opt/eigen@3/include/eigen3/Eigen/Core");
    CHECK(find(m, "eigen") == r + "/opt/homebrew/opt/eigen@3/include/eigen3");
}

TEST_CASE("deps/find on a Mac with Homebrew on Intel (/usr/local) and Apple's clang") {
    FakeMachine m("deps-brew-x86", "Darwin", APPLE_CLANG);
    m.add("/usr/local/include/eigen3/Eigen/Core");
    m.add("/usr/local/include/doctest/doctest.h");
    m.add("/usr/local/opt/libomp/include/omp.h");
    std::string r = m.root;
    CHECK(find(m, "eigen") == r + "/usr/local/include/eigen3");
    CHECK(find(m, "doctest") == r + "/usr/local/include/doctest");
    CHECK(find(m, "omp-flags") == "-Xpreprocessor -fopenmp -I" + r + "/usr/local/opt/libomp/include");
    CHECK(find(m, "omp-libs") == "-L" + r + "/usr/local/opt/libomp/lib -lomp");
}

TEST_CASE("deps/find on a Mac with MacPorts (/opt/local) and Apple's clang") {
    FakeMachine m("deps-macports", "Darwin", APPLE_CLANG);
    m.add("/opt/local/include/eigen3/Eigen/Core");
    m.add("/opt/local/include/doctest.h");  // doctest.h copied straight into include/
    m.add("/opt/local/include/libomp/omp.h");
    std::string r = m.root;
    CHECK(find(m, "eigen") == r + "/opt/local/include/eigen3");
    CHECK(find(m, "doctest") == r + "/opt/local/include");
    CHECK(find(m, "omp-flags") == "-Xpreprocessor -fopenmp -I" + r + "/opt/local/include/libomp");
    CHECK(find(m, "omp-libs") == "-L" + r + "/opt/local/lib/libomp -lomp");
}

TEST_CASE("deps/find asks pkg-config first, and passes over an answer without the headers") {
    FakeMachine m("deps-pkg-config", "Darwin", HOMEBREW_GCC);
    m.add("/opt/homebrew/include/eigen3/Eigen/Core");
    m.add("/opt/homebrew/include/doctest/doctest.h");
    m.add("/custom/eigen3/Eigen/Core");
    m.add("/custom/include/doctest/doctest.h");
    std::string r = m.root;
    m.pkg_config(r + "/custom/eigen3", r + "/custom/include");
    CHECK(find(m, "eigen") == r + "/custom/eigen3");
    CHECK(find(m, "doctest") == r + "/custom/include/doctest");
    // Homebrew's g++ on a Mac is GCC, with its own OpenMP (libgomp): plain -fopenmp, no libomp
    CHECK(find(m, "omp-flags") == "-fopenmp");
    CHECK(find(m, "omp-libs") == "-fopenmp");
    // pkg-config names a folder that has no Eigen/Core: the next place is searched
    m.pkg_config(r + "/elsewhere/eigen3", "");
    CHECK(find(m, "eigen") == r + "/opt/homebrew/include/eigen3");
    CHECK(find(m, "doctest") == r + "/opt/homebrew/include/doctest");
}

TEST_CASE("deps/find on Debian: the folders and flags the Makefile has always used") {
    FakeMachine m("deps-debian", "Linux", DEBIAN_GCC);
    m.add("/usr/include/eigen3/Eigen/Core");
    m.add("/usr/include/doctest/doctest.h");
    std::string r = m.root;
    CHECK(find(m, "eigen") == r + "/usr/include/eigen3");
    CHECK(find(m, "doctest") == r + "/usr/include/doctest");
    CHECK(find(m, "omp-flags") == "-fopenmp");
    CHECK(find(m, "omp-libs") == "-fopenmp");
    // subtle: a doctest.h straight in /usr/include is never used, as `-isystem /usr/include` breaks g++
    FakeMachine bare("deps-debian-bare", "Linux", DEBIAN_GCC);
    bare.add("/usr/include/doctest.h");
    CHECK(find(bare, "doctest", 1) == bare.root + "/usr/include/doctest");
}

TEST_CASE("deps/find with nothing installed: exits 1 and prints Debian's folders, where check installs") {
    FakeMachine m("deps-empty", "Darwin", APPLE_CLANG);
    std::string r = m.root;
    CHECK(find(m, "eigen", 1) == r + "/usr/include/eigen3");
    CHECK(find(m, "doctest", 1) == r + "/usr/include/doctest");
    CHECK(find(m, "omp-flags", 1) == "-Xpreprocessor -fopenmp");
    CHECK(find(m, "omp-libs", 1) == "-lomp");
}

// ----------------------------------------------------------------------------
// check (make's deps target): what is missing, and the command that installs it on this system

// `check CXX NO_OMP EIGEN_INC DOCTEST_INC OMP_FLAGS` on machine m; the output must hold every one of `words`
static void expect_check(const FakeMachine& m, const std::string& args, int status, std::initializer_list<const char*> words) {
    Run r = m.deps("check " + args);
    INFO("dev/deps.sh check " << args << " (uname " << m.uname << ") -> exit " << r.status << ":\n" << r.output);
    CHECK(r.status == status);
    for (const char* w : words) CHECK_MESSAGE(r.output.find(w) != std::string::npos, w);
    if (status == 0) CHECK(r.output.empty());
}

TEST_CASE("deps/check: missing headers fail with the install command for the system, and install nothing") {
    FakeMachine mac("deps-check-mac", "Darwin", APPLE_CLANG);
    std::string dirs = "'" + mac.root + "/usr/include/eigen3' '" + mac.root + "/usr/include/doctest' '-fopenmp'";
    expect_check(mac, "true '' " + dirs, 1,
                 {"deps: Eigen 3.4 is missing (no Eigen/Core in EIGEN_INC=", "deps: doctest is missing",
                  "brew install eigen@3 doctest libomp", "port install eigen3 doctest libomp", "make EIGEN_INC="});
    // subtle: the tests may run as root on Debian; with DETECT_ROOT set, check never runs apt-get
    FakeMachine debian("deps-check-debian", "Linux", DEBIAN_GCC);
    dirs = "'" + debian.root + "/usr/include/eigen3' '" + debian.root + "/usr/include/doctest' '-fopenmp'";
    expect_check(debian, "true '' " + dirs, 1, {"deps: Eigen 3.4 is missing", "apt-get install libeigen3-dev doctest-dev"});
    Run r = debian.deps("check true '' " + dirs);
    CHECK(r.output.find("installing") == std::string::npos);
    CHECK(r.output.find("brew") == std::string::npos);
    // only doctest missing: only doctest is named
    debian.add("/usr/include/eigen3/Eigen/Core");
    expect_check(debian, "true '' " + dirs, 1, {"deps: doctest is missing (no doctest.h in DOCTEST_INC="});
    CHECK(debian.deps("check true '' " + dirs).output.find("Eigen 3.4 is missing") == std::string::npos);
}

TEST_CASE("deps/check: a compiler without omp.h fails with the libomp install command, unless NO_OMP=1") {
    for (const char* uname : {"Darwin", "Linux"}) {
        FakeMachine m("deps-check-omp", uname, APPLE_CLANG);
        m.add("/opt/homebrew/include/eigen3/Eigen/Core");
        m.add("/opt/homebrew/include/doctest/doctest.h");
        std::string dirs = "'" + m.root + "/opt/homebrew/include/eigen3' '" + m.root + "/opt/homebrew/include/doctest'";
        // `true` stands in for a compiler that compiles `#include <omp.h>`, `false` for one that cannot
        expect_check(m, "true '' " + dirs + " '-Xpreprocessor -fopenmp'", 0, {});
        bool mac = std::string(uname) == "Darwin";
        expect_check(m, "false '' " + dirs + " '-Xpreprocessor -fopenmp'", 1,
                     {"deps: false -Xpreprocessor -fopenmp cannot find omp.h", "make NO_OMP=1",
                      mac ? "brew install libomp" : "apt-get install libomp-dev"});
        expect_check(m, "false 1 " + dirs + " '-Xpreprocessor -fopenmp'", 0, {});
    }
}

// ----------------------------------------------------------------------------
// the Makefile: folders and flags given on make's command line replace what deps.sh finds

TEST_CASE("deps/Makefile: EIGEN_INC, DOCTEST_INC, OMP_FLAGS and OMP_LIBS on the command line win") {
    // -n prints the commands without running them; -B prints every compile. subtle: the switches of
    // the make running these tests (make test NO_OMP=1, DEBUG=1, BLAS=openblas) reach this one twice,
    // through MAKEFLAGS and as environment variables: both are cleared.
    Run r = run_shell("env -u MAKEFLAGS -u MAKELEVEL -u MFLAGS make -n -B NO_OMP= DEBUG= BLAS= EIGEN_INC=/opt/e3 DOCTEST_INC=/opt/dt "
                      "OMP_FLAGS='-Xpreprocessor -fopenmp -I/opt/omp/include' OMP_LIBS='-L/opt/omp/lib -lomp' train");
    INFO(r.output.substr(0, 2000));
    CHECK(r.status == 0);
    CHECK(r.output.find(" -isystem /opt/e3 -isystem /opt/dt ") != std::string::npos);
    CHECK(r.output.find(" -Xpreprocessor -fopenmp -I/opt/omp/include -c train.cpp ") != std::string::npos);
    CHECK(r.output.find(" -L/opt/omp/lib -lomp\n") != std::string::npos);
    CHECK(r.output.find("eigen3") == std::string::npos);  // nothing found by deps.sh is left in
}
