// fixture.cpp: reader for test/fixtures/*.bin. See fixture.h.
#include "test/fixture.h"
#include "test/check.h"

#include <cstdio>
#include <cstring>  // strnlen

const FixtureTensor& Fixture::get(const std::string& name) const {
    auto it = tensors.find(name);
    INFO(path << " has no tensor named " << name);
    REQUIRE(it != tensors.end());
    return it->second;
}

Fixture fixture_load(const std::string& name) {
    Fixture fx;
    fx.path = "test/fixtures/" + name + ".bin";
    require_input(fx.path, "/usr/bin/python3 dev/reference/" + name + ".py writes it");
    FILE* f = std::fopen(fx.path.c_str(), "rb");
    REQUIRE(f != nullptr);
    int32_t header[256];
    REQUIRE(std::fread(header, sizeof(int32_t), 256, f) == 256);
    REQUIRE(header[0] == FIXTURE_MAGIC);
    REQUIRE(header[1] == FIXTURE_VERSION);
    for (int k = 0; k < header[2]; k++) {
        char tname[64];
        int32_t dtype, ndim;
        REQUIRE(std::fread(tname, 1, 64, f) == 64);
        REQUIRE(std::fread(&dtype, 4, 1, f) == 1);
        REQUIRE(std::fread(&ndim, 4, 1, f) == 1);
        FixtureTensor t;
        t.shape.resize(ndim);
        size_t n = 1;
        for (int d = 0; d < ndim; d++) {
            REQUIRE(std::fread(&t.shape[d], 4, 1, f) == 1);
            n *= (size_t)t.shape[d];
        }
        if (dtype == 0) {
            t.f.resize(n);
            REQUIRE(std::fread(t.f.data(), 4, n, f) == n);
        } else {
            t.i.resize(n);
            REQUIRE(std::fread(t.i.data(), 4, n, f) == n);
        }
        fx.tensors[std::string(tname, strnlen(tname, 64))] = std::move(t);
    }
    std::fclose(f);
    return fx;
}
