// fixture.h: reads the reference files that dev/reference/*.py write with PyTorch.
// Format (little-endian): a 256-int32 header {magic 20241125, version 1, tensor count},
// then per tensor: a 64-byte zero-padded name, int32 dtype (0 float32, 1 int32),
// int32 ndim, ndim int32 dims, then the data, row-major (PyTorch's order).
// The writer is dev/reference/fixture.py; the two share these constants.
#pragma once
#include <cstdint>
#include <cstring>  // std::memcpy
#include <map>
#include <string>
#include <vector>

constexpr int FIXTURE_MAGIC = 20241125;
constexpr int FIXTURE_VERSION = 1;

struct FixtureTensor {
    std::vector<int> shape;
    std::vector<float> f;    // dtype 0
    std::vector<int32_t> i;  // dtype 1
};

struct Fixture {
    std::string path;
    std::map<std::string, FixtureTensor> tensors;
    // The tensor by name; fails the test (REQUIRE) with the fixture's path if absent.
    const FixtureTensor& get(const std::string& name) const;
    const std::vector<float>& f(const std::string& name) const { return get(name).f; }
    const std::vector<int32_t>& i(const std::string& name) const { return get(name).i; }
};

// Loads test/fixtures/<name>.bin; a missing file fails with a hint naming the dev script.
Fixture fixture_load(const std::string& name);

// The exact fingerprint dev/reference/gpt2.py stores for a tensor too big to commit
// (gpt2_init.bin): sum over i of bits[i] * (2654435761*i + 1), modulo 2^32.
inline uint32_t fixture_fingerprint(const float* x, size_t n) {
    uint32_t h = 0;
    for (size_t i = 0; i < n; i++) {
        uint32_t bits;
        std::memcpy(&bits, &x[i], 4);
        h += bits * (uint32_t)(2654435761u * (uint32_t)i + 1u);
    }
    return h;
}
