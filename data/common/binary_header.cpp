// binary_header.cpp: llm.c's 256-int32 header, read, checked and written. See binary_header.h.
#include "data/common/binary_header.h"

#include <cstdio>   // snprintf
#include <cstring>  // memcpy

#include "data/common/crc32.h"  // crc32: the checksum slots

// subtle: memcpy, not shifts or casts: the slots keep the exact bytes the value has in memory
// (the doubles' NaN payloads too), which is what the old memcpy-at-an-offset code wrote.
uint64_t BinaryHeader::get_u64(int slot) const {
    uint64_t value;
    std::memcpy(&value, &slots[slot], sizeof value);
    return value;
}
void BinaryHeader::set_u64(int slot, uint64_t value) { std::memcpy(&slots[slot], &value, sizeof value); }
double BinaryHeader::get_f64(int slot) const {
    double value;
    std::memcpy(&value, &slots[slot], sizeof value);
    return value;
}
void BinaryHeader::set_f64(int slot, double value) { std::memcpy(&slots[slot], &value, sizeof value); }

// "3", "1 or 2", "1 to 4": the versions a reader accepts
static std::string accepted(const HeaderFormat& format) {
    std::string newest = std::to_string(format.version), oldest = std::to_string(format.oldest_version);
    if (format.oldest_version == format.version) return newest;
    return oldest + (format.version == format.oldest_version + 1 ? " or " : " to ") + newest;
}

static std::string hex(uint32_t x) {
    char s[16];
    std::snprintf(s, sizeof s, "%08x", x);
    return s;
}

// the CRC-32 of a header's bytes with its own slot read as 0
static uint32_t header_crc_of(BinaryHeader h) {
    h[HEADER_SLOT_HEADER_CRC] = 0;
    return crc32(0, h.slots, HEADER_BYTES);
}

// The header's own checksum, when its tag says it has one: checked before anything else in the
// header is believed, the magic too, so a flipped bit anywhere in it is "damaged", never "not a
// <kind>" nor a wrong size.
static void check_header_crc(const std::string& path, const BinaryHeader& h, const HeaderFormat& format) {
    if (!h.has_checksums()) return;  // llm.c's file, one written before checksums, or no file of ours
    uint32_t computed = header_crc_of(h);
    if (computed != h.header_crc())
        throw Error(path + ": damaged: its header does not match its checksum (CRC-32 " + hex(computed) +
                    ", recorded " + hex(h.header_crc()) + ") (a bit flip or an overwrite since it was written)" +
                    format.hint);
}

// llm.c writes 0 in the tag's slot, so in a file of this format any value there but 0 or the tag is
// a damaged tag: a flipped bit of it must not turn the checks off unnoticed.
static void check_tag(const std::string& path, const BinaryHeader& h, const HeaderFormat& format) {
    int32_t tag = h[HEADER_SLOT_CHECKSUMS];
    if (tag != 0 && tag != HEADER_CHECKSUM_TAG)
        throw Error(path + ": damaged: its header's checksum tag (slot " + std::to_string(HEADER_SLOT_CHECKSUMS) +
                    ") is " + hex((uint32_t)tag) + ", neither " + hex(HEADER_CHECKSUM_TAG) +
                    " nor 0 (a bit flip or an overwrite since it was written)" + format.hint);
}

BinaryHeader header_parse(const std::string& path, const void* bytes, size_t n, const HeaderFormat& format) {
    std::string kind = format.kind;
    BinaryHeader h;
    std::memcpy(h.slots, bytes, n < HEADER_BYTES ? n : HEADER_BYTES);  // the slots past n stay 0
    if (n >= HEADER_BYTES) check_header_crc(path, h, format);
    // the magic first, from the first 4 bytes: a text file given by mistake is "not a <kind>",
    // whatever its length
    int32_t magic = h[HEADER_SLOT_MAGIC];
    if (n >= sizeof magic && magic != format.magic)
        throw Error(path + ": not a " + kind + " (magic " + std::to_string(magic) + ", expected " +
                    std::to_string(format.magic) + ")" + format.hint);
    if (n < HEADER_BYTES)
        throw Error(path + ": truncated: " + std::to_string(n) + " bytes, shorter than the " +
                    std::to_string(HEADER_BYTES) + "-byte " + kind + " header" + format.hint);
    check_tag(path, h, format);
    int32_t version = h[HEADER_SLOT_VERSION];
    if (version < format.oldest_version || version > format.version) {
        std::string why = version == format.foreign_version && format.foreign_version != 0
                              ? std::string("; ") + format.foreign_why
                              : "";
        throw Error(path + ": unsupported " + kind + " version " + std::to_string(version) + " (expected " +
                    accepted(format) + why + ")" + format.hint);
    }
    return h;
}

BinaryHeader header_read(File& f, const HeaderFormat& format) {
    char bytes[HEADER_BYTES];
    size_t n = f.read_some(bytes, HEADER_BYTES);
    // subtle: fread stops early only at the end of the file (read_some throws on an error), so n
    // is the whole file when it is shorter than a header
    return header_parse(f.path(), bytes, n, format);
}

uint32_t header_write(AtomicFile& f, const HeaderFormat& format, BinaryHeader h, uint32_t body_crc) {
    h[HEADER_SLOT_MAGIC] = format.magic;
    h[HEADER_SLOT_VERSION] = format.version;
    h[HEADER_SLOT_CHECKSUMS] = HEADER_CHECKSUM_TAG;
    h[HEADER_SLOT_BODY_CRC] = (int32_t)body_crc;
    h[HEADER_SLOT_HEADER_CRC] = (int32_t)header_crc_of(h);  // last: it covers every slot above
    f.write(h.slots, HEADER_BYTES);
    return h.header_crc();
}

void header_check_body(const std::string& path, uint32_t recorded, uint32_t computed, size_t body_bytes,
                       const HeaderFormat& format) {
    if (computed == recorded) return;
    throw Error(path + ": damaged: its " + format.kind + " data does not match its checksum (CRC-32 of " +
                std::to_string(body_bytes) + " bytes " + hex(computed) + ", recorded " + hex(recorded) +
                ") (a bit flip or an overwrite since it was written)" + format.hint);
}

void header_seal(std::string& file_bytes) {
    if (file_bytes.size() < HEADER_BYTES) return;  // no header to seal
    BinaryHeader h;
    std::memcpy(h.slots, file_bytes.data(), HEADER_BYTES);
    h[HEADER_SLOT_CHECKSUMS] = HEADER_CHECKSUM_TAG;
    h[HEADER_SLOT_BODY_CRC] = (int32_t)crc32(0, file_bytes.data() + HEADER_BYTES, file_bytes.size() - HEADER_BYTES);
    h[HEADER_SLOT_HEADER_CRC] = (int32_t)header_crc_of(h);
    std::memcpy(&file_bytes[0], h.slots, HEADER_BYTES);
}
