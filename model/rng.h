// rng.h: a random generator that reproduces PyTorch's, so that a model built here
// from a descriptor and a seed starts from the very same weights as PyTorch's
// `torch.manual_seed(seed)` followed by `tensor.normal_(mean, std)` calls.
// Matched bit for bit against torch 1.13 on CPU, float32 tensors, by
// test/test_rng.cpp with values that dev/reference/rng.py writes.
// Leaves out everything else torch's generator can do (uniform_, randint, ...);
// only normal_ is needed to initialise GPT-2.
#pragma once
#include <cstddef>  // size_t
#include <cstdint>  // uint32_t, uint64_t

// The state of at::CPUGeneratorImpl: a 32-bit Mersenne Twister (mt19937) plus the
// second Box-Muller sample that a scalar normal draw keeps for the next call.
struct TorchGenerator {
    uint32_t state[624] = {};    // mt19937 words; call torch_manual_seed before drawing
    int next = 624;              // index of the next word to hand out; 624 = regenerate first
    bool has_cached = false;     // a spare double normal sample is waiting (scalar path only)
    double cached = 0;           // that sample, before mean/std are applied
};

// torch.manual_seed(seed): mt19937 seeded with the low 32 bits, cached sample dropped.
void torch_manual_seed(TorchGenerator& gen, uint64_t seed);

// One 32-bit draw, as generator->random() in ATen.
uint32_t torch_random(TorchGenerator& gen);

// tensor.normal_(mean, std) on a contiguous float32 CPU tensor of n values.
// n >= 16: torch's vectorised path (AVX2 build): n uniforms first, Box-Muller on
//   blocks of 16 (8 radii from the first half, 8 angles from the second half);
//   if n is not a multiple of 16 the last 16 values are redrawn and redone.
// n < 16: torch's scalar path: one double Box-Muller per value, spare sample cached.
// mean and std are doubles because torch receives Python floats; the n >= 16 path
// rounds them to float first, exactly as torch does.
void torch_normal_(TorchGenerator& gen, float* data, size_t n, double mean, double std);
