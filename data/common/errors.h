// errors.h: the two kinds of failure, shared by every folder.
// Every failure the user can cause is thrown as one of these, with a one-line message that
// names the file or flag and the problem; train.cpp's main prints it as "error: ..." and
// exits with the status below. Nothing here is GPT-2.
#pragma once
#include <stdexcept>  // std::runtime_error

struct Error : std::runtime_error {          // a failed run: exit status 1
    using std::runtime_error::runtime_error;
};
struct UsageError : std::runtime_error {     // a wrong command line: exit status 2
    using std::runtime_error::runtime_error;
};
