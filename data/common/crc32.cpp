// crc32.cpp: CRC-32 (zlib's), plain and table-driven. See crc32.h.
//
// The math: read the message as a polynomial over GF(2), one coefficient per bit, and the CRC is
// its remainder after division by the generator polynomial P (degree 32). Division over GF(2) is
// shift-and-xor: shift the remainder one bit; if a 1 fell off the top, xor in P. "Reflected" means
// bits are taken least significant first, so the shift goes right and P is written bit-reversed
// (0xEDB88320). The initial value and final xor of all ones make leading zero bytes count.
// Reference: Ross Williams, "A painless guide to CRC error detection algorithms" (1993).
#include "data/common/crc32.h"

static const uint32_t POLY = 0xEDB88320u;  // x^32 + x^26 + x^23 + ... + x + 1, bit-reversed

uint32_t crc32_naive(uint32_t crc, const void* p, size_t n) {
    const unsigned char* bytes = (const unsigned char*)p;
    crc = ~crc;
    for (size_t i = 0; i < n; i++) {
        crc ^= bytes[i];
        for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (crc & 1 ? POLY : 0);
    }
    return ~crc;
}

// The fast version: slicing-by-8 (Intel, Kounavis and Berry 2005). TABLE[0][b] is the eight
// shift-and-xor steps of crc32_naive for the byte b done at once; TABLE[k][b] is the same byte
// followed by k zero bytes. Eight bytes are then eight independent lookups xor'ed together, as
// the remainder of a sum is the sum of the remainders (division over GF(2) is linear).
// ~1 byte per cycle on one core, against ~8 cycles per byte for the plain loop.
struct Crc32Tables {
    uint32_t t[8][256];
    Crc32Tables() {
        for (uint32_t b = 0; b < 256; b++) {
            uint32_t crc = b;
            for (int bit = 0; bit < 8; bit++) crc = (crc >> 1) ^ (crc & 1 ? POLY : 0);
            t[0][b] = crc;
        }
        for (int k = 1; k < 8; k++)
            for (int b = 0; b < 256; b++) t[k][b] = (t[k - 1][b] >> 8) ^ t[0][t[k - 1][b] & 0xFF];
    }
};

uint32_t crc32(uint32_t crc, const void* p, size_t n) {
    static const Crc32Tables tables;  // built once, thread-safe (C++11 statics)
    const uint32_t(&t)[8][256] = tables.t;
    const unsigned char* bytes = (const unsigned char*)p;
    crc = ~crc;
    // eight bytes at a time: the first four meet the CRC's bytes (little-endian, like the
    // reflected CRC), the next four are still ahead of it
    for (; n >= 8; n -= 8, bytes += 8) {
        uint32_t lo = crc ^ ((uint32_t)bytes[0] | (uint32_t)bytes[1] << 8 | (uint32_t)bytes[2] << 16 |
                             (uint32_t)bytes[3] << 24);
        crc = t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^
              t[3][bytes[4]] ^ t[2][bytes[5]] ^ t[1][bytes[6]] ^ t[0][bytes[7]];
    }
    for (; n > 0; n--, bytes++) crc = (crc >> 8) ^ t[0][(crc ^ *bytes) & 0xFF];  // the tail, byte by byte
    return ~crc;
}
