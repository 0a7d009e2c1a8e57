// errors.h: the two kinds of failure, shared by every folder.
// Every failure the user can cause is thrown as one of these, with a one-line message that
// names the file or flag and the problem; train.cpp's main prints it as "error: ..." and
// exits with the status below. Nothing here is GPT-2.
// subtle: a message quotes what the user gave (a flag's value, a path, a token), which may hold
// a newline or a terminal escape; the constructors write every control byte as \xHH, so a
// message is one line whatever it quotes (issue 16's fuzzer found `./train bench $'d\n2'`).
#pragma once
#include <stdexcept>  // std::runtime_error
#include <string>

// The message with each control byte (below 0x20, and DEL) as the 4 characters \xHH.
inline std::string one_line(const std::string& message) {
    static const char* hex = "0123456789abcdef";
    std::string out;
    for (unsigned char c : message) {
        if (c >= 0x20 && c != 0x7F) { out += (char)c; continue; }
        out += "\\x";
        out += hex[c >> 4];
        out += hex[c & 15];
    }
    return out;
}

struct Error : std::runtime_error {          // a failed run: exit status 1
    explicit Error(const std::string& message) : std::runtime_error(one_line(message)) {}
};
struct UsageError : std::runtime_error {     // a wrong command line: exit status 2
    explicit UsageError(const std::string& message) : std::runtime_error(one_line(message)) {}
};
