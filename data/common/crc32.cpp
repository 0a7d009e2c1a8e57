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
// Measured (`make bench-crc32`, one thread, Zen 5): ~8 GB/s as the three streams of crc32 below,
// against 0.17 GB/s for the plain loop and ~7 GB/s for zlib's crc32 in the same run; one chain alone
// ran ~3 GB/s (measured before the streams were added, commit a3a57c6).
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

// One 8-byte step of slicing-by-8 on the inverted CRC state: the first four bytes meet the CRC's
// (little-endian, like the reflected CRC), the next four are still ahead of it.
static inline uint32_t step8(const uint32_t (&t)[8][256], uint32_t crc, const unsigned char* b) {
    uint32_t lo = crc ^ ((uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 | (uint32_t)b[3] << 24);
    return t[7][lo & 0xFF] ^ t[6][(lo >> 8) & 0xFF] ^ t[5][(lo >> 16) & 0xFF] ^ t[4][lo >> 24] ^ t[3][b[4]] ^
           t[2][b[5]] ^ t[1][b[6]] ^ t[0][b[7]];
}

// ----------------------------------------------------------------------------
// joining the CRCs of pieces: CRC(A B) from CRC(A), CRC(B) and B's length
//
// Appending n bytes to A multiplies A's remainder by x^(8n) (mod P), and the CRC is linear, so
//   crc32(A B) = crc32(A) * x^(8 len(B)) mod P  xor  crc32(B)
// (the initial value and final xor cancel out in this form; zlib's crc32_combine is the same).
// Polynomials here are reflected: bit 31 is x^0, bit 0 is x^31.

// a * b mod P
static uint32_t multiply_mod_p(uint32_t a, uint32_t b) {
    uint32_t product = 0;
    for (uint32_t bit = 1u << 31; bit != 0; bit >>= 1) {  // for each term x^k of a, from k = 0 up
        if (a & bit) product ^= b;
        b = (b >> 1) ^ (b & 1 ? POLY : 0);  // b *= x (mod P)
    }
    return product;
}

// x^(8n) mod P by squaring: x^(2^k) for k = 3, 4, ... multiplied in for each set bit of n
static uint32_t x_pow_8n(size_t n) {
    uint32_t result = 1u << 31, square = 1u << 23;  // x^0; x^8 (bit 31 - 8)
    for (; n != 0; n >>= 1) {
        if (n & 1) result = multiply_mod_p(result, square);
        square = multiply_mod_p(square, square);
    }
    return result;
}

static uint32_t crc32_join(uint32_t crc_a, uint32_t crc_b, size_t len_b) {
    return multiply_mod_p(crc_a, x_pow_8n(len_b)) ^ crc_b;
}

// ----------------------------------------------------------------------------

uint32_t crc32(uint32_t crc, const void* p, size_t n) {
    static const Crc32Tables tables;  // built once, thread-safe (C++11 statics)
    const uint32_t(&t)[8][256] = tables.t;
    const unsigned char* bytes = (const unsigned char*)p;
    // Three streams: each step8 waits on the previous one's table lookups (~7 cycles per 8 bytes),
    // so one chain leaves the core's load ports idle. Three equal pieces run interleaved, each its
    // own chain, then are joined (crc32_join); 2-3x the speed of one chain on a long buffer.
    const size_t STREAM_MIN = 4096;
    if (n >= 3 * STREAM_MIN) {
        const size_t len = n / 3 / 8 * 8;  // bytes per piece, whole steps
        const unsigned char *b0 = bytes, *b1 = bytes + len, *b2 = bytes + 2 * len;
        uint32_t c0 = ~crc, c1 = ~0u, c2 = ~0u;  // piece 0 continues `crc`; 1 and 2 start anew
        for (size_t i = 0; i < len; i += 8) {
            c0 = step8(t, c0, b0 + i);
            c1 = step8(t, c1, b1 + i);
            c2 = step8(t, c2, b2 + i);
        }
        crc = crc32_join(crc32_join(~c0, ~c1, len), ~c2, len);
        bytes += 3 * len;
        n -= 3 * len;
    }
    crc = ~crc;
    for (; n >= 8; n -= 8, bytes += 8) crc = step8(t, crc, bytes);
    for (; n > 0; n--, bytes++) crc = (crc >> 8) ^ t[0][(crc ^ *bytes) & 0xFF];  // the tail, byte by byte
    return ~crc;
}
