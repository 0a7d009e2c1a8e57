// test_crc32.cpp: data/common/crc32, the checksum of every binary file here, against values computed
// apart from this code (CRC-32's published check value, Python's zlib.crc32) and fast against plain.
#include <doctest.h>

#include <cstdint>
#include <string>
#include <vector>

#include "data/common/crc32.h"
#include "data/common/splitmix.h"  // splitmix64_next: test bytes

TEST_CASE("crc32/the published check value and Python's zlib.crc32") {
    // "123456789" -> 0xCBF43926: the check value every CRC-32 (IEEE) catalogue gives
    CHECK(crc32(0, "123456789", 9) == 0xCBF43926u);
    CHECK(crc32_naive(0, "123456789", 9) == 0xCBF43926u);
    CHECK(crc32(0, "", 0) == 0u);
    // python3 -c "import zlib; print(hex(zlib.crc32(bytes(1 << 20))), hex(zlib.crc32(bytes(range(256)) * 3)))"
    std::vector<unsigned char> zeros(1 << 20, 0), ramp;
    for (int rep = 0; rep < 3; rep++)
        for (int b = 0; b < 256; b++) ramp.push_back((unsigned char)b);
    CHECK(crc32(0, zeros.data(), zeros.size()) == 0xa738ea1cu);
    CHECK(crc32(0, ramp.data(), ramp.size()) == 0xb0c0df2au);
    CHECK(crc32_naive(0, ramp.data(), ramp.size()) == 0xb0c0df2au);
}

TEST_CASE("crc32/the 8-byte slices equal the plain loop at every length and alignment, and pieces continue") {
    std::vector<unsigned char> bytes(300);
    uint64_t state = 7;
    for (unsigned char& b : bytes) b = (unsigned char)splitmix64_next(state);
    int mismatches = 0;
    for (size_t start = 0; start < 8; start++)
        for (size_t n = 0; start + n <= bytes.size(); n++)
            mismatches += crc32(0, &bytes[start], n) != crc32_naive(0, &bytes[start], n);
    CHECK(mismatches == 0);
    uint32_t whole = crc32(0, bytes.data(), bytes.size());
    for (size_t cut : {0, 1, 7, 8, 13, 299, 300})
        CHECK(crc32(crc32(0, bytes.data(), cut), &bytes[cut], bytes.size() - cut) == whole);
    // one flipped bit anywhere changes it (a CRC catches every single-bit error)
    for (size_t bit = 0; bit < 8 * bytes.size(); bit += 37) {
        std::vector<unsigned char> flipped = bytes;
        flipped[bit / 8] ^= (unsigned char)(1 << (bit % 8));
        CHECK(crc32(0, flipped.data(), flipped.size()) != whole);
    }
}

TEST_CASE("crc32/the three streams of a long buffer, joined, equal the plain loop") {
    // 3 * 4096 bytes and up go through three interleaved pieces and crc32_join; lengths around the
    // threshold and with tails, from odd offsets, and continued from a CRC of earlier bytes
    std::vector<unsigned char> bytes(40000);
    uint64_t state = 11;
    for (unsigned char& b : bytes) b = (unsigned char)splitmix64_next(state);
    for (size_t n : {12287, 12288, 12289, 12296, 24577, 39990})
        for (size_t start : {0, 3}) {
            CAPTURE(n);
            CAPTURE(start);
            CHECK(crc32(0, &bytes[start], n) == crc32_naive(0, &bytes[start], n));
            uint32_t before = crc32_naive(0, bytes.data(), 5);
            CHECK(crc32(before, &bytes[5], n) == crc32_naive(0, bytes.data(), n + 5));
        }
}
