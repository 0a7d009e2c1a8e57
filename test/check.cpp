// check.cpp: the helpers of check.h that need a body.
#include "test/check.h"

#include <unistd.h>  // getpid

std::string temp_dir(const char* tag) {
    static int counter = 0;
    std::string dir = "/tmp/scratchgpt-test-" + std::to_string(getpid()) + "-" + tag + "-" + std::to_string(counter++);
    std::string cmd = "rm -rf '" + dir + "' && mkdir -p '" + dir + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return dir;
}
