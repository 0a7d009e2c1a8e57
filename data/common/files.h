// files.h: reading and writing files, shared by every folder (errors: errors.h).
// Every failure is thrown as an Error (errors.h) naming the path and the problem.
// Nothing here is GPT-2.
// Writes are atomic: into "path.tmp", flushed, fsync'ed, then renamed over
// "path", so a crash or a full disk never leaves a half-written file under the
// real name.
#pragma once
#include <cstddef>    // size_t
#include <cstdint>    // int32_t
#include <cstdio>     // FILE
#include <string>
#include <vector>

#include "data/common/errors.h"  // Error, UsageError

// ----------------------------------------------------------------------------
// reading

// The whole file as bytes; throws Error naming the path if it cannot be read.
std::string read_file(const std::string& path);
// fopen for reading that throws Error("path: reason") instead of returning null.
FILE* open_or_fail(const std::string& path, const char* mode);
// fread exactly n bytes or throw Error("path: truncated (...)").
void read_exact(FILE* f, void* dst, size_t n, const std::string& path);
// Size of a file in bytes, or throws.
size_t file_size(const std::string& path);
bool file_exists(const std::string& path);

// The llm.c 256-int32 header every binary format here starts with.
constexpr int HEADER_INTS = 256;
using Header = std::vector<int32_t>;  // HEADER_INTS entries

// ----------------------------------------------------------------------------
// atomic writing

// Usage:  AtomicFile f(path); f.write(buf, n); ... f.commit();
// If commit() is never reached (an exception, a crash) the real path is untouched
// and the temporary file is removed by the destructor.
class AtomicFile {
public:
    explicit AtomicFile(const std::string& path);
    ~AtomicFile();
    AtomicFile(const AtomicFile&) = delete;
    AtomicFile& operator=(const AtomicFile&) = delete;
    void write(const void* src, size_t n);  // throws Error on a short write (disk full)
    void commit();                          // flush, fsync, rename over the real path
private:
    std::string path_, tmp_path_;
    FILE* f_ = nullptr;
};

// Makes a directory (and parents) if missing; throws Error if it cannot be made or written.
void make_dir(const std::string& dir);
