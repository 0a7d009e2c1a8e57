// files.cpp: reading and writing files. See files.h.
#include "data/common/files.h"

#include <cerrno>      // errno
#include <cstring>     // strerror
#include <fcntl.h>     // open
#include <sys/stat.h>  // stat, mkdir
#include <unistd.h>    // fsync, access

static std::string reason() { return std::strerror(errno); }

int open_regular_file(const std::string& path) {
    // subtle: open() of a FIFO blocks until a writer comes, unless O_NONBLOCK; a regular file
    // ignores the flag, which is then cleared so reads block as usual
    int fd = open(path.c_str(), O_RDONLY | O_NONBLOCK | O_CLOEXEC);
    if (fd < 0) throw Error(path + ": cannot open (" + reason() + ")");
    struct stat st;
    if (fstat(fd, &st) != 0 || !S_ISREG(st.st_mode)) {
        close(fd);
        throw Error(path + ": not a regular file (a device, FIFO or directory)");
    }
    fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) & ~O_NONBLOCK);
    return fd;
}

// fopen that throws Error("path: cannot open (reason)") instead of returning null; a reading mode
// opens through open_regular_file
static FILE* open_or_fail(const std::string& path, const char* mode) {
    if (mode[0] == 'r' && std::strchr(mode, '+') == nullptr) {
        int fd = open_regular_file(path);
        FILE* f = fdopen(fd, mode);
        if (!f) {
            close(fd);
            throw Error(path + ": cannot open (" + reason() + ")");
        }
        return f;
    }
    FILE* f = std::fopen(path.c_str(), mode);
    if (!f) throw Error(path + ": cannot open (" + reason() + ")");
    return f;
}

File::File(const std::string& path, const char* mode) : path_(path), f_(open_or_fail(path, mode)) {}

File::~File() { std::fclose(f_); }

void File::read_exact(void* dst, size_t n) {
    size_t got = std::fread(dst, 1, n, f_);
    if (got != n)
        throw Error(path_ + ": truncated (wanted " + std::to_string(n) + " more bytes, got " +
                    std::to_string(got) + ")");
}

size_t File::read_some(void* dst, size_t n) {
    size_t got = std::fread(dst, 1, n, f_);
    if (got < n && std::ferror(f_)) throw Error(path_ + ": read error (" + reason() + ")");
    return got;
}

size_t File::size() const {
    struct stat st;
    if (fstat(fileno(f_), &st) != 0) throw Error(path_ + ": cannot stat (" + reason() + ")");
    if (!S_ISREG(st.st_mode)) throw Error(path_ + ": not a regular file (a device, FIFO or directory): it has no size");
    return (size_t)st.st_size;
}

std::string read_file(const std::string& path) {
    File f(path);  // a regular file (issue 16: --tokenizer /dev/zero grew without bound)
    std::string out;
    char buf[1 << 16];
    while (size_t n = f.read_some(buf, sizeof buf)) out.append(buf, n);
    return out;
}

size_t file_size(const std::string& path) {
    struct stat st;
    if (stat(path.c_str(), &st) != 0) throw Error(path + ": cannot open (" + reason() + ")");
    return (size_t)st.st_size;
}

bool file_exists(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0;
}

// ----------------------------------------------------------------------------
// atomic writing

AtomicFile::AtomicFile(const std::string& path) : path_(path), tmp_path_(path + ".tmp") {
    f_ = std::fopen(tmp_path_.c_str(), "wb");
    if (!f_) throw Error(path_ + ": cannot write (" + reason() + ")");
}

AtomicFile::~AtomicFile() {
    if (f_) {  // commit() was not reached: drop the partial file
        std::fclose(f_);
        std::remove(tmp_path_.c_str());
    }
}

void AtomicFile::write(const void* src, size_t n) {
    if (std::fwrite(src, 1, n, f_) != n)
        throw Error(path_ + ": write failed (" + reason() + "); the previous file is kept");
}

void AtomicFile::commit() {
    // subtle: fflush only hands the bytes to the kernel; fsync makes them durable
    // before the rename makes them visible, so a power cut can't expose a hole.
    bool ok = std::fflush(f_) == 0 && fsync(fileno(f_)) == 0;
    ok = (std::fclose(f_) == 0) && ok;
    f_ = nullptr;
    if (!ok || std::rename(tmp_path_.c_str(), path_.c_str()) != 0) {
        std::string why = reason();
        std::remove(tmp_path_.c_str());
        throw Error(path_ + ": write failed (" + why + "); the previous file is kept");
    }
}

void make_dir(const std::string& dir) {
    std::string partial;
    for (size_t i = 0; i <= dir.size(); i++) {
        if (i == dir.size() || dir[i] == '/') {
            if (!partial.empty() && !file_exists(partial) && mkdir(partial.c_str(), 0755) != 0)
                throw Error(partial + ": cannot create directory (" + reason() + ")");
        }
        if (i < dir.size()) partial += dir[i];
    }
    if (access(dir.c_str(), W_OK) != 0) throw Error(dir + ": directory is not writable");
}
