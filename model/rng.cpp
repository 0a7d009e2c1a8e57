// rng.cpp: placeholder generator. See rng.h.
#include "rng.h"

#include <cmath>

void torch_manual_seed(TorchGenerator& gen, uint64_t seed) { gen.engine.seed((uint32_t)seed); }

void torch_normal_(TorchGenerator& gen, float* data, size_t n, float mean, float std) {
    std::normal_distribution<float> dist(mean, std);
    for (size_t i = 0; i < n; i++) data[i] = dist(gen.engine);
}
