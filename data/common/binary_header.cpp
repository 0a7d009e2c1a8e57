// binary_header.cpp: llm.c's 256-int32 header, read, checked and written. See binary_header.h.
#include "data/common/binary_header.h"

#include <cstring>  // memcpy

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

BinaryHeader header_parse(const std::string& path, const void* bytes, size_t n, const HeaderFormat& format) {
    std::string kind = format.kind;
    // the magic first, from the first 4 bytes: a text file given by mistake is "not a <kind>",
    // whatever its length
    int32_t magic = 0;
    if (n >= sizeof magic) std::memcpy(&magic, bytes, sizeof magic);
    if (n >= sizeof magic && magic != format.magic)
        throw Error(path + ": not a " + kind + " (magic " + std::to_string(magic) + ", expected " +
                    std::to_string(format.magic) + ")" + format.hint);
    if (n < HEADER_BYTES)
        throw Error(path + ": truncated: " + std::to_string(n) + " bytes, shorter than the " +
                    std::to_string(HEADER_BYTES) + "-byte " + kind + " header" + format.hint);
    BinaryHeader h;
    std::memcpy(h.slots, bytes, HEADER_BYTES);
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

void header_write(AtomicFile& f, const HeaderFormat& format, BinaryHeader h) {
    h[HEADER_SLOT_MAGIC] = format.magic;
    h[HEADER_SLOT_VERSION] = format.version;
    f.write(h.slots, HEADER_BYTES);
}
