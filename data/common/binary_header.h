// binary_header.h: llm.c's 256-int32 header, the one way every binary file here starts
// (model checkpoint, training state, token shard, llm.c tokenizer). Slot 0 is the format's
// magic and slot 1 its version; each format names its other slots in an enum in its own
// header, and leaves the slots it does not name at zero. Little-endian machines only, like llm.c.
// Reading checks magic and version with the same one-line errors for every format;
// values wider than an int32 (double, uint64) span consecutive slots through named helpers.
// Checksums (issue 16): every file written here also carries two CRC-32s (crc32.h) in the last
// three slots, which llm.c never reads and always writes as 0, so llm.c loads our files as they
// are and its files (no checksums) load here as they always did:
//   HEADER_SLOT_CHECKSUMS   = HEADER_CHECKSUM_TAG when the two slots below hold CRCs; 0 (llm.c): none
//   HEADER_SLOT_BODY_CRC    = CRC-32 of every byte after the header (the weights, tokens, ...)
//   HEADER_SLOT_HEADER_CRC  = CRC-32 of the 1024 header bytes with this slot 0 (sizes, steps, the CRC above)
// The header's CRC is checked as the header is read, before any size in it is trusted; the body's by
// each format's reader once it has the body (header_check_body), so a bit flip anywhere in the file
// is an Error naming the file, never a run on garbage.
// Reference: llm.c train_gpt2.c (gpt2_build_from_checkpoint) and dev/data/data_common.py.
#pragma once
#include <cstddef>  // size_t
#include <cstdint>  // int32_t, uint64_t

#include "data/common/files.h"  // File, AtomicFile, Error

constexpr int HEADER_INTS = 256;
constexpr size_t HEADER_BYTES = HEADER_INTS * sizeof(int32_t);  // 1024: a format's body starts here
// the two slots every format shares
constexpr int HEADER_SLOT_MAGIC = 0, HEADER_SLOT_VERSION = 1;
// the checksum slots every format shares (no format names a slot this high)
constexpr int HEADER_SLOT_CHECKSUMS = 253, HEADER_SLOT_BODY_CRC = 254, HEADER_SLOT_HEADER_CRC = 255;
constexpr int32_t HEADER_CHECKSUM_TAG = 0x31435243;  // the bytes "CRC1"

// What a reader needs to know of one format, and what its errors say.
struct HeaderFormat {
    const char* kind;              // "token shard": the errors say "not a token shard"
    int32_t magic;                 // slot 0
    int32_t version;               // slot 1 as written; the newest one read
    int32_t oldest_version;        // the oldest version read (== version if only one)
    const char* hint = "";         // " (HINT: ...)" appended to every header error, or ""
    int32_t foreign_version = 0;   // a version of this magic that we know but do not read (0: none)
    const char* foreign_why = "";  // ... and why, e.g. "version 5 is llm.c's bf16 format"
};

// The 256 slots, zero unless set. Index with the format's slot names: h[SHARD_SLOT_TOKENS].
struct BinaryHeader {
    int32_t slots[HEADER_INTS] = {0};

    int32_t& operator[](int slot) { return slots[slot]; }
    int32_t operator[](int slot) const { return slots[slot]; }
    // a uint64 in slots [slot, slot+1], low word first (the bytes of a little-endian uint64)
    uint64_t get_u64(int slot) const;
    void set_u64(int slot, uint64_t value);
    // a double in slots [slot, slot+1], its 8 bytes as they are in memory
    double get_f64(int slot) const;
    void set_f64(int slot, double value);
    // the checksum slots: whether the file has them, and what they say
    bool has_checksums() const { return slots[HEADER_SLOT_CHECKSUMS] == HEADER_CHECKSUM_TAG; }
    uint32_t body_crc() const { return (uint32_t)slots[HEADER_SLOT_BODY_CRC]; }
    uint32_t header_crc() const { return (uint32_t)slots[HEADER_SLOT_HEADER_CRC]; }
};

// Reads the first HEADER_BYTES of an open file and checks magic and version. Throws one-line
// Errors naming the file (each followed by format.hint):
//   "PATH: damaged: its header does not match its checksum (...)"  (a file with checksums: first)
//   "PATH: not a <kind> (magic X, expected Y)"                 (on any file of 4+ bytes)
//   "PATH: truncated: N bytes, shorter than the 1024-byte <kind> header"
//   "PATH: damaged: its header's checksum tag (slot 253) is X, neither ... nor 0 (...)"
//   "PATH: unsupported <kind> version V (expected 1 or 2)"   (plus "; " foreign_why for foreign_version)
BinaryHeader header_read(File& f, const HeaderFormat& format);
// The same check on a header already in memory (n bytes of the file at `bytes`).
BinaryHeader header_parse(const std::string& path, const void* bytes, size_t n, const HeaderFormat& format);
// Writes h with format's magic and version in slots 0 and 1 and the checksum slots filled in
// (whatever h held there). body_crc: the crc32 of every byte the caller writes after the header.
// Returns the header's own CRC (HEADER_SLOT_HEADER_CRC), which names the file exactly.
uint32_t header_write(AtomicFile& f, const HeaderFormat& format, BinaryHeader h, uint32_t body_crc);
// After reading the body of a file with checksums (h.has_checksums()): `computed` is the crc32 of its
// `body_bytes` bytes, `recorded` its header's h.body_crc(). Throws, if they differ,
//   "PATH: damaged: its <kind> data does not match its checksum (...)"
void header_check_body(const std::string& path, uint32_t recorded, uint32_t computed, size_t body_bytes,
                       const HeaderFormat& format);
// A whole file held in memory (at least a header): sets its checksum slots to what header_write would
// have written for these bytes. For tools and tests that edit a header and must keep the file whole.
void header_seal(std::string& file_bytes);
