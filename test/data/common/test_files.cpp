// test_files.cpp: data/common/files, the File handle (RAII reading) and read_file: what they read,
// and the one-line errors naming the path.
#include <doctest.h>

#include <cstdio>
#include <string>

#include "data/common/files.h"
#include "test/check.h"  // temp_dir, error_of

static void write_text(const std::string& path, const std::string& text) {
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    REQUIRE(std::fwrite(text.data(), 1, text.size(), f) == text.size());
    std::fclose(f);
}

TEST_CASE("files/File reads exactly, in pieces, and knows its size") {
    std::string dir = temp_dir("files"), path = dir + "/a.txt";
    write_text(path, "hello world");
    File f(path);
    CHECK(f.path() == path);
    CHECK(f.size() == 11);
    char buf[16];
    f.read_exact(buf, 5);
    CHECK(std::string(buf, 5) == "hello");
    CHECK(f.read_some(buf, sizeof buf) == 6);  // the rest, fewer than asked
    CHECK(std::string(buf, 6) == " world");
    CHECK(f.read_some(buf, sizeof buf) == 0);  // the end
    CHECK(error_of([&] { f.read_exact(buf, 1); }) == path + ": truncated (wanted 1 more bytes, got 0)");
    CHECK(read_file(path) == "hello world");
    write_text(path, "");
    CHECK(read_file(path).empty());
}

TEST_CASE("files/errors name the path") {
    std::string dir = temp_dir("files");
    CHECK(error_of([&] { File f(dir + "/missing"); }) == dir + "/missing: cannot open (No such file or directory)");
    CHECK(error_of([&] { read_file(dir + "/missing"); }) == dir + "/missing: cannot open (No such file or directory)");
    // issue 16: a whole-file read takes regular files only: /dev/zero grew without bound, a FIFO
    // without a writer blocked; a directory opens, but cannot be read; a sized format asks File::size
    CHECK(error_of([&] { read_file(dir); }) == dir + ": not a regular file (a device, FIFO or directory)");
    CHECK(error_of([&] { read_file("/dev/zero"); }) == "/dev/zero: not a regular file (a device, FIFO or directory)");
    CHECK(error_of([&] { File("/dev/zero").size(); }).find("/dev/zero: not a regular file") == 0);
    CHECK_FALSE(file_exists(dir + "/missing"));
    CHECK(file_exists(dir));
}
