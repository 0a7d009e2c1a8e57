// rng.h: a random generator that draws the same numbers as PyTorch's CPU generator,
// so that `-e d4 --seed 42` initialises the same weights as torch.manual_seed(42).
// (placeholder: a plain mt19937 + Box-Muller until the PyTorch-exact version lands)
#pragma once
#include <cstddef>
#include <cstdint>
#include <random>

struct TorchGenerator {
    std::mt19937 engine;
};

// torch.manual_seed(seed)
void torch_manual_seed(TorchGenerator& gen, uint64_t seed);
// tensor.normal_(mean, std) on a float tensor of n elements
void torch_normal_(TorchGenerator& gen, float* data, size_t n, float mean, float std);
