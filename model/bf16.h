// bf16.h: the bfloat16 number format, and rounding floats to it.
// bf16 is the top half of an fp32: the same sign and 8-bit exponent (so the same range, 1e-38 to
// 3e38), but 7 stored mantissa bits instead of 23 (about 2-3 decimal digits). Mixed precision
// (--precision bf16) rounds the inputs of every matrix product to bf16 and keeps everything else
// in fp32: a product of two bf16 numbers is exact in fp32 (8+8 significant bits <= 24), so the only
// error is the rounding of the inputs, at most 2^-8 relative each. Why bf16 and not fp16: fp16's
// 5-bit exponent overflows at 65504, so fp16 training needs loss scaling; bf16 never does.
// PyTorch: https://pytorch.org/docs/stable/amp.html#cpu-ops-that-can-autocast-to-bfloat16
#pragma once
#include <cstddef>  // size_t
#include <cstdint>  // uint16_t, uint32_t
#include <cstring>  // memcpy: a float's bits

// A bf16 number, stored as its 16 bits (the C++17 compilers we support have no bf16 type).
using bf16 = uint16_t;

// What the matrix products of a model take as inputs (--precision): fp32, the exact path checked
// against PyTorch, or bf16, mixed precision. Everything but the products is fp32 either way.
enum class Precision { fp32, bf16 };

// x rounded to the nearest bf16, ties to even (what PyTorch's .to(torch.bfloat16) and the CPU's
// own conversion instructions do). NaN stays a (quiet) NaN; infinities and zeros keep their sign.
inline bf16 bf16_round(float x) {
    uint32_t u;
    std::memcpy(&u, &x, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (bf16)((u >> 16) | 0x0040u);  // NaN: set the quiet bit
    // add half of the dropped 16 bits' unit, plus 1 if the kept part is odd (ties to even);
    // a carry out of the mantissa correctly bumps the exponent (and rounds the largest finite to inf)
    u += 0x7fffu + ((u >> 16) & 1u);
    return (bf16)(u >> 16);
}

// The float a bf16 stands for: exact (its 16 bits, then 16 zero bits).
inline float bf16_to_float(bf16 h) {
    uint32_t u = (uint32_t)h << 16;
    float x;
    std::memcpy(&x, &u, sizeof x);
    return x;
}

// out[i] = bf16_round(in[i]) for i in [0,n): the weights' bf16 copy (gpt2.h).
// Inline, like bf16_round: AdamW calls it on each 1024-float chunk it has just updated.
inline void bf16_round_array(bf16* out, const float* in, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = bf16_round(in[i]);
}
