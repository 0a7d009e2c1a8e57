// safetensors.cpp: the .safetensors reader (mmap) and writer. See safetensors.h.
#include "model/train/safetensors.h"

#include <algorithm>  // std::sort: offsets in order, for the gap/overlap check
#include <cstring>    // memcpy: unaligned elements
#include <sys/mman.h> // mmap, munmap
#include <sys/stat.h> // fstat
#include <unistd.h>   // close

#include "model/bf16.h"         // bf16_to_float
#include "data/common/json.h"   // json_parse: the header

// subtle: elements are read and written in the machine's byte order; the format is little-endian,
// which is every CPU this project builds for (x86-64, arm64)

static size_t dtype_bytes(SafeDtype d) { return d == SafeDtype::F32 ? 4 : 2; }

const char* safe_dtype_name(SafeDtype d) {
    return d == SafeDtype::F32 ? "F32" : d == SafeDtype::F16 ? "F16" : "BF16";
}

// ----------------------------------------------------------------------------
// reading

// The header's length field: 8 bytes, little-endian.
static uint64_t read_u64_le(const uint8_t* p) {
    uint64_t v = 0;
    for (int k = 7; k >= 0; k--) v = v << 8 | p[k];
    return v;
}

// One header entry -> a SafeTensor, every field checked; data_size is the data section's length.
static SafeTensor parse_entry(const std::string& path, const std::string& name, const Json& e,
                              const uint8_t* data, size_t data_size, size_t offsets[2]) {
    const std::string where = path + ": tensor " + name;
    if (e.kind != Json::Object) throw Error(where + ": header entry is not an object");
    const Json* dtype = e.find("dtype");
    const Json* shape = e.find("shape");
    const Json* offs = e.find("data_offsets");
    if (!dtype || !shape || !offs) throw Error(where + ": header entry needs dtype, shape and data_offsets");
    SafeTensor t;
    if (dtype->kind != Json::String) throw Error(where + ": dtype is not a string");
    if (dtype->text == "F32") t.dtype = SafeDtype::F32;
    else if (dtype->text == "F16") t.dtype = SafeDtype::F16;
    else if (dtype->text == "BF16") t.dtype = SafeDtype::BF16;
    else throw Error(where + ": unsupported dtype " + dtype->text + " (F32, F16 and BF16 are read)");
    if (shape->kind != Json::Array) throw Error(where + ": shape is not a list");
    // count = product of the dims, refusing any product past 2^62 (no overflow below)
    const int64_t LIMIT = (int64_t)1 << 62;
    size_t count = 1;
    for (const Json& d : shape->items) {
        size_t n = (size_t)json_int(d, where, "a dimension", 0, LIMIT);
        if (n != 0 && count > (size_t)LIMIT / n) throw Error(where + ": shape's element count overflows");
        t.shape.push_back(n);
        count *= n;
    }
    t.count = count;
    if (offs->kind != Json::Array || offs->items.size() != 2) throw Error(where + ": data_offsets is not [begin, end]");
    size_t begin = (size_t)json_int(offs->items[0], where, "data_offsets[0]", 0, LIMIT);
    size_t end = (size_t)json_int(offs->items[1], where, "data_offsets[1]", 0, LIMIT);
    if (begin > end || end > data_size)
        throw Error(where + ": data_offsets [" + std::to_string(begin) + ", " + std::to_string(end) +
                    "] leave the data section of " + std::to_string(data_size) + " bytes");
    if (count > (size_t)LIMIT / 4 || end - begin != count * dtype_bytes(t.dtype))
        throw Error(where + ": data_offsets hold " + std::to_string(end - begin) + " bytes, its shape and dtype need " +
                    std::to_string(count * dtype_bytes(t.dtype)));
    t.data = data + begin;
    offsets[0] = begin;
    offsets[1] = end;
    return t;
}

SafetensorsFile::SafetensorsFile(const std::string& path) : path_(path) {
    // map the whole file read-only; the kernel pages tensors in as they are converted
    int fd = open_regular_file(path);  // a FIFO or device is refused without blocking
    struct stat st;
    if (fstat(fd, &st) != 0) {
        close(fd);
        throw Error(path + ": cannot stat (" + std::strerror(errno) + ")");
    }
    size_ = (size_t)st.st_size;
    if (size_ > 0) {
        map_ = mmap(nullptr, size_, PROT_READ, MAP_PRIVATE, fd, 0);
        if (map_ == MAP_FAILED) {
            map_ = nullptr;
            close(fd);
            throw Error(path + ": cannot mmap (" + std::strerror(errno) + ")");
        }
    }
    close(fd);  // the mapping stays valid without the descriptor
    try {
        const uint8_t* bytes = (const uint8_t*)map_;
        // [8-byte N][N bytes of JSON][data section]
        if (size_ < 8) throw Error(path + ": " + std::to_string(size_) + " bytes, too short for a safetensors header");
        uint64_t n = read_u64_le(bytes);
        if (n > size_ - 8)
            throw Error(path + ": header length " + std::to_string(n) + " goes beyond the file's " +
                        std::to_string(size_) + " bytes (not a safetensors file?)");
        Json header = json_parse(std::string((const char*)bytes + 8, (size_t)n), path + " header");
        if (header.kind != Json::Object) throw Error(path + ": header is not a JSON object");
        const uint8_t* data = bytes + 8 + n;
        const size_t data_size = size_ - 8 - (size_t)n;
        std::vector<std::pair<size_t, size_t>> spans;  // [begin, end) of every tensor
        std::vector<std::string> names;
        for (const auto& [name, entry] : header.members) {
            if (name == "__metadata__") continue;  // free-form strings ({"format": "pt"}): not needed
            size_t offsets[2];
            tensors_.emplace(name, parse_entry(path, name, entry, data, data_size, offsets));
            spans.push_back({offsets[0], offsets[1]});
            names.push_back(name);
        }
        // the spec: the tensors tile the data section, in any order, no byte twice and none left over
        std::vector<size_t> order(spans.size());
        for (size_t k = 0; k < order.size(); k++) order[k] = k;
        std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return spans[a] < spans[b]; });
        size_t covered = 0;
        for (size_t k : order) {
            if (spans[k].first < covered)
                throw Error(path + ": tensor " + names[k] + ": data_offsets overlap another tensor's");
            if (spans[k].first > covered)
                throw Error(path + ": tensor " + names[k] + ": data_offsets leave a gap before it (bytes " +
                            std::to_string(covered) + ".." + std::to_string(spans[k].first) + " unused)");
            covered = spans[k].second;
        }
        if (covered != data_size)
            throw Error(path + ": " + std::to_string(data_size - covered) + " bytes after the last tensor");
    } catch (...) {
        if (map_) munmap(map_, size_);
        map_ = nullptr;
        throw;
    }
}

SafetensorsFile::~SafetensorsFile() {
    if (map_) munmap(map_, size_);
}

const SafeTensor* SafetensorsFile::find(const std::string& name) const {
    auto it = tensors_.find(name);
    return it == tensors_.end() ? nullptr : &it->second;
}

float fp16_to_float(uint16_t h) {
    // value = (-1)^sign * 2^(exponent-15) * 1.mantissa, or 2^-14 * 0.mantissa when exponent is 0
    uint32_t sign = (uint32_t)(h >> 15) << 31, exponent = h >> 10 & 0x1f, mantissa = h & 0x3ff;
    uint32_t u;
    if (exponent == 0x1f) {
        u = sign | 0x7f800000u | mantissa << 13;                 // inf, NaN (payload kept)
    } else if (exponent != 0) {
        u = sign | (exponent + 127 - 15) << 23 | mantissa << 13;  // normal: rebias the exponent
    } else if (mantissa == 0) {
        u = sign;                                                 // +-0
    } else {
        // subnormal: shift the mantissa up until its leading 1 is the implicit bit
        int e = -1;
        do { mantissa <<= 1; e++; } while (!(mantissa & 0x400));
        u = sign | (uint32_t)(127 - 15 - e) << 23 | (mantissa & 0x3ff) << 13;
    }
    float x;
    std::memcpy(&x, &u, 4);
    return x;
}

void safetensor_to_float(const SafeTensor& t, float* out) {
    if (t.dtype == SafeDtype::F32) {
        std::memcpy(out, t.data, t.count * 4);  // the bytes are already fp32; memcpy: unaligned is fine
        return;
    }
    for (size_t i = 0; i < t.count; i++) {
        uint16_t h;
        std::memcpy(&h, t.data + 2 * i, 2);
        out[i] = t.dtype == SafeDtype::F16 ? fp16_to_float(h) : bf16_to_float(h);
    }
}

// ----------------------------------------------------------------------------
// writing

SafetensorsWriter::SafetensorsWriter(const std::string& path, const std::vector<SafeTensorSpec>& specs,
                                     const std::map<std::string, std::string>& metadata)
    : f_(path), specs_(specs) {
    // the header: metadata first, then the tensors in the order their data will follow
    std::string h = "{";
    if (!metadata.empty()) {
        h += "\"__metadata__\":{";
        for (const auto& [k, v] : metadata) h += (h.back() == '{' ? "" : ",") + json_quote(k) + ":" + json_quote(v);
        h += "}";
    }
    size_t offset = 0;
    for (const SafeTensorSpec& s : specs) {
        size_t count = 1;
        std::string dims;
        for (size_t d : s.shape) {
            count *= d;
            dims += (dims.empty() ? "" : ",") + std::to_string(d);
        }
        h += (h.size() == 1 ? "" : ",") + json_quote(s.name) + ":{\"dtype\":\"F32\",\"shape\":[" + dims +
             "],\"data_offsets\":[" + std::to_string(offset) + "," + std::to_string(offset + 4 * count) + "]}";
        offset += 4 * count;
    }
    h += "}";
    // the spec allows trailing spaces: pad so the data section starts 8-byte aligned
    while (h.size() % 8) h += ' ';
    uint8_t len[8];
    for (int k = 0; k < 8; k++) len[k] = (uint8_t)((uint64_t)h.size() >> (8 * k));
    f_.write(len, 8);
    f_.write(h.data(), h.size());
}

void SafetensorsWriter::write(const float* data) {
    if (next_ >= specs_.size()) throw Error(f_.path() + ": more tensors written than declared");
    size_t count = 1;
    for (size_t d : specs_[next_].shape) count *= d;
    f_.write(data, count * sizeof(float));
    next_++;
}

void SafetensorsWriter::commit() {
    if (next_ != specs_.size())
        throw Error(f_.path() + ": " + std::to_string(next_) + " of " + std::to_string(specs_.size()) + " tensors written");
    f_.commit();
}
