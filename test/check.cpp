// check.cpp: the helpers of check.h that need a body.
#include "test/check.h"

#include <cstdio>      // popen
#include <sys/wait.h>  // WIFEXITED, WEXITSTATUS
#include <unistd.h>    // getpid

std::string temp_dir(const char* tag) {
    static int counter = 0;
    std::string dir = "/tmp/scratchgpt-test-" + std::to_string(getpid()) + "-" + tag + "-" + std::to_string(counter++);
    std::string cmd = "rm -rf '" + dir + "' && mkdir -p '" + dir + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return dir;
}

Run run_train(const std::string& args) {
    std::string cmd = "./train " + args + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int st = pclose(p);
    return {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), out};
}
