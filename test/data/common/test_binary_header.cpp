// test_binary_header.cpp: data/common/binary_header, the 256-int32 header every binary format
// starts with: wide values across slots, the one wording of the magic/version/size errors, the writer.
#include <doctest.h>

#include <cstdint>
#include <cstring>  // memcpy
#include <string>

#include "data/common/binary_header.h"
#include "test/check.h"  // temp_dir, error_of

// a made-up format, so the wording is checked apart from any real one
static const HeaderFormat WIDGET = {"widget", 42, 2, 1, " (HINT: make one)", 7, "version 7 is someone else's"};

// n bytes of a header with the given magic and version, the other slots zero
static std::string header_with(int32_t magic, int32_t version, size_t n = HEADER_BYTES) {
    int32_t slots[256] = {magic, version};
    return std::string((const char*)slots, sizeof slots).substr(0, n);
}

TEST_CASE("binary_header/uint64 and double span two slots, low word first") {
    BinaryHeader h;
    h.set_u64(20, 0x0000000500000007ull);
    CHECK(h[20] == 7);
    CHECK(h[21] == 5);
    CHECK(h.get_u64(20) == 0x0000000500000007ull);
    h.set_u64(22, ~0ull);
    CHECK(h.get_u64(22) == ~0ull);
    CHECK(h.get_u64(20) == 0x0000000500000007ull);  // neighbours untouched
    double x = -1.0 / 7.0, back;
    h.set_f64(10, x);
    int32_t want[2];
    std::memcpy(want, &x, sizeof x);  // the bytes of the double, as they are in memory
    CHECK(h[10] == want[0]);
    CHECK(h[11] == want[1]);
    back = h.get_f64(10);
    CHECK(std::memcmp(&back, &x, sizeof x) == 0);
    int nonzero = 0;  // only slots 10..11 and 20..23 were set
    for (int i = 0; i < HEADER_INTS; i++) nonzero += h[i] != 0;
    CHECK(nonzero == 6);
}

TEST_CASE("binary_header/header_parse errors, one wording for every format") {
    const std::string path = "dir/w.bin";
    auto message = [&](const std::string& bytes) {
        return error_of([&] { header_parse(path, bytes.data(), bytes.size(), WIDGET); });
    };
    CHECK(message(header_with(43, 2)) == "dir/w.bin: not a widget (magic 43, expected 42) (HINT: make one)");
    CHECK(message(header_with(43, 2, 4)) == "dir/w.bin: not a widget (magic 43, expected 42) (HINT: make one)");
    CHECK(message(header_with(42, 2, 100)) ==
          "dir/w.bin: truncated: 100 bytes, shorter than the 1024-byte widget header (HINT: make one)");
    CHECK(message("") == "dir/w.bin: truncated: 0 bytes, shorter than the 1024-byte widget header (HINT: make one)");
    CHECK(message(header_with(42, 3)) == "dir/w.bin: unsupported widget version 3 (expected 1 or 2) (HINT: make one)");
    CHECK(message(header_with(42, 0)) == "dir/w.bin: unsupported widget version 0 (expected 1 or 2) (HINT: make one)");
    CHECK(message(header_with(42, 7)) ==
          "dir/w.bin: unsupported widget version 7 (expected 1 or 2; version 7 is someone else's) (HINT: make one)");
    // both accepted versions read, and the slots come back as they were
    for (int32_t version : {1, 2}) {
        std::string bytes = header_with(42, version);
        int32_t value = -123;
        std::memcpy(&bytes[4 * 255], &value, 4);
        BinaryHeader h = header_parse(path, bytes.data(), bytes.size() + 10, WIDGET);  // a body may follow
        CHECK(h[HEADER_SLOT_VERSION] == version);
        CHECK(h[255] == -123);
    }
    // a format with one version and no hint says so plainly
    HeaderFormat plain = {"gadget", 5, 3, 3};
    std::string bytes = header_with(5, 4);
    CHECK(error_of([&] { header_parse(path, bytes.data(), bytes.size(), plain); }) ==
          "dir/w.bin: unsupported gadget version 4 (expected 3)");
}

TEST_CASE("binary_header/header_write then header_read") {
    std::string dir = temp_dir("header"), path = dir + "/w.bin";
    BinaryHeader h;
    h[HEADER_SLOT_MAGIC] = 99;  // overwritten: the format decides magic and version
    h[2] = 17;
    h.set_u64(4, 1ull << 40);
    {
        AtomicFile f(path);
        header_write(f, WIDGET, h);
        f.write("body", 4);
        f.commit();
    }
    int32_t want[256] = {42, 2, 17, 0, 0, 1 << 8};  // 2^40: the low word 0, the high word 2^8
    CHECK(read_file(path) == std::string((const char*)want, sizeof want) + "body");
    File f(path);
    BinaryHeader back = header_read(f, WIDGET);
    CHECK(back[2] == 17);
    CHECK(back.get_u64(4) == 1ull << 40);
    char rest[4];
    f.read_exact(rest, 4);  // the reader stops at the end of the header
    CHECK(std::string(rest, 4) == "body");
}
