// files.h: reading and writing files, shared by every folder (errors: errors.h).
// Every failure is thrown as an Error (errors.h) naming the path and the problem.
// Nothing here is GPT-2.
// Reads go through File, which closes itself (RAII), so no error path can leak a FILE*.
// Writes are atomic: into "path.tmp", flushed, fsync'ed, then renamed over
// "path", so a crash or a full disk never leaves a half-written file under the
// real name.
#pragma once
#include <cstddef>    // size_t
#include <cstdio>     // FILE
#include <string>

#include "data/common/errors.h"  // Error, UsageError

// ----------------------------------------------------------------------------
// reading

// An open file that closes itself.  Usage:  File f(path); f.read_exact(buf, n);
// Every failure throws Error naming the path; the destructor closes on every path out.
class File {
public:
    // throws Error("path: cannot open (reason)"); a mode that reads ("rb", "r") takes regular files
    // only (open_regular_file)
    explicit File(const std::string& path, const char* mode = "rb");
    ~File();
    File(const File&) = delete;
    File& operator=(const File&) = delete;
    // exactly n bytes, or throws Error("path: truncated (wanted n more bytes, got k)")
    void read_exact(void* dst, size_t n);
    // up to n bytes, 0 at the end of the file; throws Error("path: read error (reason)")
    size_t read_some(void* dst, size_t n);
    size_t size() const;                         // bytes in the file (fstat)
    const std::string& path() const { return path_; }
    FILE* get() const { return f_; }             // for stdio calls File does not wrap
private:
    std::string path_;
    FILE* f_ = nullptr;
};

// open(2) of a regular file for reading, or Error "PATH: not a regular file (a device, FIFO or
// directory)": a FIFO's open would wait for a writer and /dev/zero never ends, so no reader here
// takes either (issue 16). The check never blocks (O_NONBLOCK until fstat has seen a regular file).
// Returns the descriptor; the caller closes it. Every reader of a file goes through it.
int open_regular_file(const std::string& path);
// The whole file as bytes; throws Error naming the path if it cannot be read.
std::string read_file(const std::string& path);
// Size of a file in bytes, or throws.
size_t file_size(const std::string& path);
bool file_exists(const std::string& path);

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
    const std::string& path() const { return path_; }
private:
    std::string path_, tmp_path_;
    FILE* f_ = nullptr;
};

// Makes a directory (and parents) if missing; throws Error if it cannot be made or written.
void make_dir(const std::string& dir);
