// fuzz.h: what every libFuzzer harness in test/fuzz/ shares (issue 16). A harness hands one input
// to one parser of outside data; the only outcomes allowed are success or an Error / UsageError of
// one line. Anything else is a finding libFuzzer reports: a crash or a sanitizer report, another
// exception escaping (std::bad_alloc, std::out_of_range), an allocation over -malloc_limit_mb, an
// input slower than -timeout, or a FUZZ_CHECK of a property. Built by `make fuzz` (README: Fuzzing).
#pragma once
#include <cstdint>   // uint8_t
#include <cstdio>    // fopen: the input as a file
#include <cstdlib>   // abort
#include <string>
#include <sys/stat.h>  // mkdir
#include <unistd.h>    // getpid

#include "data/common/binary_header.h"  // header_seal: fuzz_binary_file
#include "data/common/errors.h"  // Error, UsageError: the expected failures

// A property every input must keep; abort() makes it a finding with the input saved.
#define FUZZ_CHECK(cond)                                                                        \
    do {                                                                                        \
        if (!(cond)) {                                                                          \
            std::fprintf(stderr, "FUZZ_CHECK failed: %s (%s:%d)\n", #cond, __FILE__, __LINE__); \
            std::abort();                                                                       \
        }                                                                                       \
    } while (0)

// The directory of this process's files (libFuzzer runs one input at a time in a process):
// /dev/shm when there is one, so writing the input costs no disk.
inline const std::string& fuzz_dir() {
    static const std::string dir = [] {
        struct stat st;
        std::string base = stat("/dev/shm", &st) == 0 ? "/dev/shm" : "/tmp";
        std::string d = base + "/scratchgpt-fuzz-" + std::to_string(getpid());
        mkdir(d.c_str(), 0700);
        return d;
    }();
    return dir;
}

// Writes bytes to fuzz_dir()/name and returns the path: the loaders under test read files.
inline std::string fuzz_file(const void* data, size_t size, const char* name) {
    std::string path = fuzz_dir() + "/" + name;
    FILE* f = std::fopen(path.c_str(), "wb");
    FUZZ_CHECK(f != nullptr);
    if (size) FUZZ_CHECK(std::fwrite(data, 1, size, f) == size);
    std::fclose(f);
    return path;
}

// The same for our binary formats, whose headers carry checksums (data/common/binary_header.h).
// A random edit almost never keeps a CRC-32 right, so written as it is nearly every input would stop
// at the checksum. Three sizes in four are therefore sealed first (header_seal: the checksums made
// right for these bytes, the tag too), so the fuzzer reaches the parsers behind the checksums; a size
// of 3 mod 4 is written as it is, so the refusals of damaged files are fuzzed as well.
inline std::string fuzz_binary_file(const void* data, size_t size, const char* name) {
    std::string bytes((const char*)data, size);
    if (size % 4 != 3) header_seal(bytes);
    return fuzz_file(bytes.data(), bytes.size(), name);
}

// Runs f; an Error or UsageError is the expected answer to a bad input, and its message must be
// one non-empty line (main prints it as "error: ..."). Every other exception escapes: a finding.
template <class F>
bool fuzz_expect_errors(F f) {
    try {
        f();
        return true;
    } catch (const Error& e) {
        std::string m = e.what();
        FUZZ_CHECK(!m.empty() && m.find('\n') == std::string::npos);
    } catch (const UsageError& e) {
        std::string m = e.what();
        FUZZ_CHECK(!m.empty() && m.find('\n') == std::string::npos);
    }
    return false;
}
