// test_threads.cpp: how ./train's threads wait (train.cpp's wait_briefly). Unless the user set
// OMP_WAIT_POLICY or GOMP_SPINCOUNT, ./train restarts itself with OMP_WAIT_POLICY=passive and
// GOMP_SPINCOUNT=1000, so that OpenMP read them at start; a variable the user set is kept as it is. What it buys (no
// 200x slowdown when another program keeps a core busy) is timed by dev/bench_busy.py, not here.
#include <doctest.h>

#include <cstdlib>   // getenv, setenv, unsetenv
#include <fstream>
#include <string>
#include <vector>
#include <sys/wait.h>  // waitpid
#include <unistd.h>    // fork, pipe, dup2, execl

#include "data/common/files.h"  // read_file, file_exists
#include "test/check.h"         // run_train, temp_dir

#ifdef _OPENMP  // without OpenMP no thread waits for another: ./train runs on one, as it is

// Sets (value) or removes (nullptr) an environment variable of this process, and so of every
// ./train it starts, for the enclosing scope.
struct ScopedEnv {
    ScopedEnv(const char* name_, const char* value) : name(name_) {
        const char* old = std::getenv(name_);
        had = old != nullptr;
        if (had) saved = old;
        if (value) setenv(name_, value, 1);
        else unsetenv(name_);
    }
    ~ScopedEnv() {
        if (had) setenv(name.c_str(), saved.c_str(), 1);
        else unsetenv(name.c_str());
    }
    std::string name, saved;
    bool had = false;
};

// The line a 1-step run on a small text prints about its threads ("threads: 2 (...)"), or the
// whole output if there is none.
static std::string threads_line(const std::string& extra_flags) {
    std::string dir = temp_dir("threads");
    std::string text;
    for (int i = 0; i < 200; i++) text += "Threads that wait should sleep. ";
    std::ofstream(dir + "/text.txt") << text;
    Run r = run_train("-i " + dir + "/text.txt -e l1h1c16 -b 2 -t 8 -x 1 -v 0 -s 0 " + extra_flags);
    REQUIRE_MESSAGE(r.status == 0, r.output);
    size_t at = r.output.find("threads: ");
    if (at == std::string::npos) return r.output;
    return r.output.substr(at, r.output.find('\n', at) - at);
}

TEST_CASE("threads/the threads line says how waiting threads wait") {
    ScopedEnv gomp("GOMP_SPINCOUNT", nullptr);
    {
        ScopedEnv policy("OMP_WAIT_POLICY", nullptr);  // the user chose nothing: ./train sets both
        CHECK(threads_line("--threads 2") == "threads: 2 (OMP_WAIT_POLICY=passive, GOMP_SPINCOUNT=1000)");
        CHECK(threads_line("--threads 1") == "threads: 1");  // no thread ever waits for another
    }
    {
        ScopedEnv policy("OMP_WAIT_POLICY", "active");  // the user's choice is kept
        CHECK(threads_line("--threads 2") == "threads: 2 (OMP_WAIT_POLICY=active)");
    }
    {
        ScopedEnv policy("OMP_WAIT_POLICY", nullptr);
        ScopedEnv spins("GOMP_SPINCOUNT", "1000");  // so is a spin count, with no policy added
        CHECK(threads_line("--threads 2") == "threads: 2 (GOMP_SPINCOUNT=1000)");
    }
}

#ifdef __linux__  // /proc
// The environment a process was started with, one "NAME=value" per entry (/proc/PID/environ:
// the block its runtime libraries read at start, whatever the process did to it later).
static std::vector<std::string> start_environment(pid_t pid) {
    std::string block = read_file("/proc/" + std::to_string(pid) + "/environ");
    std::vector<std::string> vars;
    for (size_t start = 0, end; start < block.size(); start = end + 1) {
        end = block.find('\0', start);
        if (end == std::string::npos) end = block.size();
        vars.push_back(block.substr(start, end - start));
    }
    return vars;
}

TEST_CASE("threads/./train restarts itself so that OpenMP reads its wait settings at start") {
    require_input("/proc/self/environ", "a Linux /proc (this test reads a process's start environment)");
    ScopedEnv policy("OMP_WAIT_POLICY", nullptr);
    ScopedEnv gomp("GOMP_SPINCOUNT", nullptr);
    // ./train tokenizer encode, waiting on a pipe that stays open until the check is done
    int fds[2];
    REQUIRE(pipe(fds) == 0);
    pid_t pid = fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        dup2(fds[0], 0);
        close(fds[1]);
        execl("./train", "./train", "tokenizer", "encode", "--threads", "2", (char*)nullptr);
        _exit(127);
    }
    close(fds[0]);
    // The first image of ./train starts without the variable, restarts with it (same pid), then
    // waits on the pipe. Polled for up to 10 s: a missing restart fails when the time is up.
    bool passive = false, spins = false;
    for (int i = 0; i < 2000 && !(passive && spins); i++) {
        for (const std::string& v : start_environment(pid)) {
            passive |= v == "OMP_WAIT_POLICY=passive";
            spins |= v == "GOMP_SPINCOUNT=1000";
        }
        if (!(passive && spins)) usleep(5000);
    }
    CHECK(passive);
    CHECK(spins);
    close(fds[1]);  // end of input: ./train encodes nothing and exits
    int status = 0;
    REQUIRE(waitpid(pid, &status, 0) == pid);
    CHECK(WIFEXITED(status));
    CHECK(WEXITSTATUS(status) == 0);
}
#endif  // __linux__
#endif  // _OPENMP
