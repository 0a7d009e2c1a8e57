// test_binary_header.cpp: data/common/binary_header, the 256-int32 header every binary format
// starts with: wide values across slots, the one wording of the magic/version/size errors, the writer,
// and the checksum slots: every bit flip in a header is reported as damage, llm.c's files pass unchecked.
#include <doctest.h>

#include <cstdint>
#include <cstring>  // memcpy
#include <string>

#include "data/common/binary_header.h"
#include "data/common/crc32.h"  // crc32: the body's checksum
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
    uint32_t written;
    {
        AtomicFile f(path);
        written = header_write(f, WIDGET, h, crc32(0, "body", 4));
        f.write("body", 4);
        f.commit();
    }
    int32_t want[256] = {42, 2, 17, 0, 0, 1 << 8};  // 2^40: the low word 0, the high word 2^8
    // the checksum slots, computed apart from this code by Python's zlib (the same CRC-32):
    // zlib.crc32(b"body") and zlib.crc32 of these 1024 header bytes with slot 255 zero
    want[253] = 0x31435243;           // the tag, the bytes "CRC1"
    want[254] = (int32_t)0xdba80bb2u;
    want[255] = (int32_t)0x5f4e658cu;
    CHECK(read_file(path) == std::string((const char*)want, sizeof want) + "body");
    CHECK(written == 0x5f4e658cu);
    File f(path);
    BinaryHeader back = header_read(f, WIDGET);
    CHECK(back[2] == 17);
    CHECK(back.get_u64(4) == 1ull << 40);
    char rest[4];
    f.read_exact(rest, 4);  // the reader stops at the end of the header
    CHECK(std::string(rest, 4) == "body");
}

// a widget file as header_write writes it: its header (slot 2 = 17) and body, checksums sealed
static std::string sealed_widget(const std::string& body) {
    std::string bytes = header_with(42, 2) + body;
    std::memcpy(&bytes[8], "\x11\0\0\0", 4);
    header_seal(bytes);
    return bytes;
}

TEST_CASE("binary_header/every single bit flip in a header with checksums is reported as damage") {
    const std::string path = "dir/w.bin", bytes = sealed_widget("body");
    CHECK(header_parse(path, bytes.data(), bytes.size(), WIDGET)[2] == 17);  // intact: reads
    int damaged = 0;
    for (size_t bit = 0; bit < 8 * HEADER_BYTES; bit++) {
        std::string flipped = bytes;
        flipped[bit / 8] = (char)(flipped[bit / 8] ^ (1 << (bit % 8)));
        std::string msg = error_of([&] { header_parse(path, flipped.data(), flipped.size(), WIDGET); });
        if (msg.rfind("dir/w.bin: damaged: ", 0) == 0) damaged++;
        else FAIL_CHECK("bit " << bit << ": " << msg);  // the magic and version too: damage, not "not a widget"
    }
    CHECK(damaged == 8 * (int)HEADER_BYTES);
    // the two wordings: the header's CRC (any slot), and a tag that is neither the tag nor 0 with the
    // CRC then untestable (a file of this format whose tag alone was overwritten, then resealed is moot)
    std::string slot2 = bytes;
    slot2[8] ^= 1;
    CHECK(error_of([&] { header_parse(path, slot2.data(), slot2.size(), WIDGET); })
              .rfind("dir/w.bin: damaged: its header does not match its checksum (CRC-32 ", 0) == 0);
    std::string tag = header_with(42, 2);  // no checksums, then a tag slot that is not 0
    tag[4 * HEADER_SLOT_CHECKSUMS] = 1;
    CHECK(error_of([&] { header_parse(path, tag.data(), tag.size(), WIDGET); }) ==
          "dir/w.bin: damaged: its header's checksum tag (slot 253) is 00000001, neither 31435243 nor 0 (a bit flip or "
          "an overwrite since it was written) (HINT: make one)");
}

TEST_CASE("binary_header/header_check_body names the file, both CRCs and the byte count") {
    const std::string body = "body";
    std::string bytes = sealed_widget(body);
    BinaryHeader h = header_parse("w.bin", bytes.data(), bytes.size(), WIDGET);
    CHECK(h.has_checksums());
    CHECK(h.body_crc() == 0xdba80bb2u);  // zlib.crc32(b"body")
    header_check_body("w.bin", h.body_crc(), crc32(0, body.data(), 4), 4, WIDGET);  // intact: no throw
    CHECK(error_of([&] { header_check_body("w.bin", h.body_crc(), crc32(0, "bodz", 4), 4, WIDGET); }) ==
          "w.bin: damaged: its widget data does not match its checksum (CRC-32 of 4 bytes 42a15a08, recorded dba80bb2) "
          "(a bit flip or an overwrite since it was written) (HINT: make one)");  // 42a15a08: zlib.crc32(b"bodz")
}

TEST_CASE("binary_header/a header without checksums (llm.c's) reads, whatever its body") {
    std::string bytes = header_with(42, 1) + "any body";
    BinaryHeader h = header_parse("w.bin", bytes.data(), bytes.size(), WIDGET);
    CHECK_FALSE(h.has_checksums());
}
