// test_safetensors.cpp: the .safetensors reader and writer (model/train/safetensors.h): fp16
// decoding against an independent formula, a write/read round trip, and every malformed file.
#include <doctest.h>

#include <cmath>    // ldexp, isnan
#include <cstdint>
#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "model/train/safetensors.h"
#include "test/check.h"

// 8-byte little-endian length, then the header, then the data section.
static std::string safetensors_bytes(const std::string& header, const std::string& data, uint64_t claimed_len) {
    std::string out;
    for (int k = 0; k < 8; k++) out += (char)(claimed_len >> (8 * k) & 0xff);
    return out + header + data;
}
static std::string write_safetensors(const std::string& dir, const std::string& header, const std::string& data) {
    std::string path = dir + "/t.safetensors";
    std::ofstream(path, std::ios::binary) << safetensors_bytes(header, data, header.size());
    return path;
}

TEST_CASE("safetensors/fp16_to_float matches the definition for all 65536 values") {
    // IEEE binary16: (-1)^s * 2^(e-15) * (1 + m/1024), subnormal 2^-14 * m/1024, e=31 inf/NaN
    for (uint32_t h = 0; h < 65536; h++) {
        const int s = h >> 15, e = h >> 10 & 31, m = h & 1023;
        float got = fp16_to_float((uint16_t)h);
        if (e == 31) {
            CHECK((m == 0 ? std::isinf(got) : std::isnan(got)));
            continue;
        }
        double want = e == 0 ? std::ldexp((double)m, -24) : std::ldexp(1.0 + m / 1024.0, e - 15);
        if (s) want = -want;
        if (got != (float)want || std::signbit(got) != (s == 1)) {
            CHECK_MESSAGE(false, "fp16 bits " << h << ": got " << got << " want " << want);
            break;
        }
    }
    CHECK(fp16_to_float(0x3C00) == 1.0f);
    CHECK(fp16_to_float(0x7BFF) == 65504.0f);
}

TEST_CASE("safetensors/write then read: names, shapes, bytes") {
    std::string dir = temp_dir("safetensors");
    std::vector<float> a = {1, 2, 3, 4, 5, 6}, b = {-0.5f};
    {
        SafetensorsWriter w(dir + "/x.safetensors", {{"a.weight", {2, 3}}, {"b", {}}}, {{"format", "pt"}});
        w.write(a.data());
        w.write(b.data());
        w.commit();
    }
    SafetensorsFile f(dir + "/x.safetensors");
    REQUIRE(f.tensors().size() == 2);
    const SafeTensor* t = f.find("a.weight");
    REQUIRE(t != nullptr);
    CHECK(t->dtype == SafeDtype::F32);
    CHECK(t->shape == std::vector<size_t>{2, 3});
    std::vector<float> got(t->count);
    safetensor_to_float(*t, got.data());
    CHECK(got == a);
    REQUIRE(f.find("b") != nullptr);
    CHECK(f.find("b")->shape.empty());  // a scalar: shape [], one element
    CHECK(f.find("b")->count == 1);
    // the header length is a multiple of 8, so the data starts aligned (the writer's promise)
    std::string bytes = read_file(dir + "/x.safetensors");
    CHECK(((unsigned char)bytes[0] | (unsigned char)bytes[1] << 8) % 8 == 0);
}

TEST_CASE("safetensors/F16 and BF16 elements convert to fp32") {
    std::string dir = temp_dir("safetensors");
    // F16 1.0 = 0x3C00, -2.0 = 0xC000; BF16 1.5 = 0x3FC0, -0.25 = 0xBE80 (little-endian bytes)
    std::string data = std::string("\x00\x3C\x00\xC0", 4) + std::string("\xC0\x3F\x80\xBE", 4);
    std::string path = write_safetensors(dir, "{\"h\":{\"dtype\":\"F16\",\"shape\":[2],\"data_offsets\":[0,4]},"
                                              "\"b\":{\"dtype\":\"BF16\",\"shape\":[2],\"data_offsets\":[4,8]}}", data);
    SafetensorsFile f(path);
    float h[2], b[2];
    safetensor_to_float(*f.find("h"), h);
    safetensor_to_float(*f.find("b"), b);
    CHECK(h[0] == 1.0f);
    CHECK(h[1] == -2.0f);
    CHECK(b[0] == 1.5f);
    CHECK(b[1] == -0.25f);
}

TEST_CASE("safetensors/every malformed file is a one-line error naming the file and the tensor") {
    std::string dir = temp_dir("safetensors");
    const std::string data8(8, '\0');
    auto entry = [](const char* name, const char* dtype, const char* shape, const char* offsets) {
        return std::string("\"") + name + "\":{\"dtype\":\"" + dtype + "\",\"shape\":" + shape + ",\"data_offsets\":" + offsets + "}";
    };
    struct Bad { std::string header, data, why; };
    Bad bad[] = {
        {"{" + entry("w", "F32", "[2]", "[0,8]") + "", data8, "malformed JSON"},
        {"[1,2]", "", "header is not a JSON object"},
        {"{" + entry("w", "F32", "[2]", "[0,16]") + "}", data8, "tensor w: data_offsets [0, 16] leave the data section of 8 bytes"},
        {"{" + entry("w", "F32", "[2]", "[8,0]") + "}", data8, "tensor w: data_offsets [8, 0] leave"},
        {"{" + entry("w", "F32", "[3]", "[0,8]") + "}", data8, "tensor w: data_offsets hold 8 bytes, its shape and dtype need 12"},
        {"{" + entry("w", "I64", "[1]", "[0,8]") + "}", data8, "tensor w: unsupported dtype I64"},
        {"{" + entry("w", "F32", "[2]", "[0,8]") + "," + entry("v", "F16", "[2]", "[4,8]") + "}", data8 + "\0\0\0\0",
         "overlap another tensor's"},
        {"{" + entry("w", "F32", "[1]", "[4,8]") + "}", data8, "tensor w: data_offsets leave a gap"},
        {"{" + entry("w", "F32", "[1]", "[0,4]") + "}", data8, "4 bytes after the last tensor"},
        {"{" + entry("w", "F32", "[4294967296,4294967296,4294967296]", "[0,8]") + "}", data8, "tensor w: shape's element count overflows"},
        {"{" + entry("w", "F32", "[-1]", "[0,8]") + "}", data8, "tensor w: a dimension is not an integer"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2]}}", data8, "tensor w: header entry needs dtype, shape and data_offsets"},
        {"{\"w\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"w\":{}}", data8, "duplicate key 'w'"},
    };
    for (const Bad& b : bad) {
        CAPTURE(b.header);
        std::string path = write_safetensors(dir, b.header, b.data);
        std::string err = error_of([&] { SafetensorsFile f(path); });
        CHECK(err.find(path) == 0);
        CHECK_MESSAGE(err.find(b.why) != std::string::npos, err);
        CHECK(err.find('\n') == std::string::npos);
    }
    // the length field: beyond the file, and a file too short to hold it
    std::string path = dir + "/len.safetensors";
    std::ofstream(path, std::ios::binary) << safetensors_bytes("{}", "", 1000);
    CHECK(error_of([&] { SafetensorsFile f(path); }).find("header length 1000 goes beyond the file's 10 bytes") != std::string::npos);
    std::ofstream(path, std::ios::binary) << safetensors_bytes("{}", "", ~(uint64_t)0);  // 2^64-1: no overflow in the check
    CHECK(error_of([&] { SafetensorsFile f(path); }).find("goes beyond the file") != std::string::npos);
    std::ofstream(path, std::ios::binary | std::ios::trunc) << "abc";
    CHECK(error_of([&] { SafetensorsFile f(path); }).find("3 bytes, too short") != std::string::npos);
    CHECK(error_of([&] { SafetensorsFile f(dir + "/missing.safetensors"); }).find("cannot open") != std::string::npos);
}
