// rng.cpp: PyTorch's CPU generator and its normal_ for float tensors, in plain C++.
// Three parts, each the counterpart of an ATen file (torch 1.13):
//   mt19937            at::mt19937 (ATen/core/MT19937RNGEngine.h), seeded by CPUGeneratorImpl
//   vectorised normal  normal_fill_AVX2 (ATen/native/cpu/DistributionTemplates.h), whose log and
//                      sincos are the Cephes polynomials of avx_mathfun.h; we redo them one
//                      lane at a time with the very same float operations in the same order
//   scalar normal      at::normal_distribution<double> (ATen/core/DistributionsHelper.h)
// subtle: torch's AVX2 kernels are compiled with -mfma and GCC's default contraction, so
// GCC fused some of avx_mathfun.h's mul+add pairs into one FMA (one rounding instead of
// two). Bit-exactness needs the same pairs fused and no others: those are written as
// explicit std::fma (found against PyTorch's output; test/test_rng.cpp), and the pragma
// below stops our compiler from fusing anything else.
#include "model/rng.h"

#include <cmath>    // std::fma, std::sqrt, std::log1p, std::sin, std::cos
#include <cstring>  // std::memcpy (float <-> bit pattern)

#if defined(__clang__)
#pragma STDC FP_CONTRACT OFF
#elif defined(__GNUC__)
#pragma GCC optimize("fp-contract=off")
#endif

// ----------------------------------------------------------------------------
// mt19937, the standard 32-bit Mersenne Twister (Matsumoto & Nishimura 1998)

void torch_manual_seed(TorchGenerator& gen, uint64_t seed) {
    // at::mt19937 keeps only the low 32 bits of the seed
    gen.state[0] = (uint32_t)(seed & 0xffffffffu);
    for (uint32_t i = 1; i < 624; i++)
        gen.state[i] = 1812433253u * (gen.state[i - 1] ^ (gen.state[i - 1] >> 30)) + i;
    gen.next = 624;           // the first draw regenerates the whole block
    gen.has_cached = false;   // manual_seed also drops the spare Box-Muller sample
    gen.cached = 0;
}

uint32_t torch_random(TorchGenerator& gen) {
    if (gen.next >= 624) {
        // regenerate all 624 words: mix the top bit of word i with the low 31 of word i+1
        for (int i = 0; i < 624; i++) {
            uint32_t y = (gen.state[i] & 0x80000000u) | (gen.state[(i + 1) % 624] & 0x7fffffffu);
            gen.state[i] = gen.state[(i + 397) % 624] ^ (y >> 1) ^ ((y & 1u) ? 0x9908b0dfu : 0u);
        }
        gen.next = 0;
    }
    // tempering
    uint32_t y = gen.state[gen.next++];
    y ^= y >> 11;
    y ^= (y << 7) & 0x9d2c5680u;
    y ^= (y << 15) & 0xefc60000u;
    y ^= y >> 18;
    return y;
}

// at::uniform_real_distribution<float>(0,1): the low 24 bits of one draw, times 2^-24
static float uniform_float(TorchGenerator& gen) {
    return (float)(torch_random(gen) & ((1u << 24) - 1)) * (1.0f / (float)(1u << 24));
}

// at::uniform_real_distribution<double>(0,1): two draws make 64 bits (first draw high),
// the low 53 of them times 2^-53
static double uniform_double(TorchGenerator& gen) {
    uint64_t hi = torch_random(gen);
    uint64_t lo = torch_random(gen);
    uint64_t bits = (hi << 32) | lo;
    return (double)(bits & ((1ull << 53) - 1)) * (1.0 / (double)(1ull << 53));
}

// ----------------------------------------------------------------------------
// the vectorised path: Cephes logf and sincosf exactly as avx_mathfun.h evaluates them

// The constants are written as double literals rounded to float, as avx_mathfun.h does.
static float F(double x) { return (float)x; }

static float bits_to_float(uint32_t b) { float f; std::memcpy(&f, &b, 4); return f; }
static uint32_t float_to_bits(float f) { uint32_t b; std::memcpy(&b, &f, 4); return b; }

// log256_ps for one lane; x > 0 here (x = 1 - u with u < 1)
static float cephes_log(float x) {
    const float one = 1.0f;
    if (x < bits_to_float(0x00800000u)) x = bits_to_float(0x00800000u);  // no denormals
    uint32_t b = float_to_bits(x);
    int32_t exponent = (int32_t)(b >> 23) - 0x7f;
    // keep the mantissa, give it the exponent of 0.5: m in [0.5, 1)
    float m = bits_to_float((b & ~0x7f800000u) | float_to_bits(0.5f));
    float e = (float)exponent;
    e = e + one;
    // if m < sqrt(1/2): e -= 1, m = m + m - 1; else m = m - 1 (computed branch-free as in AVX)
    bool small = m < F(0.707106781186547524);
    float tmp = small ? m : 0.0f;
    m = m - one;
    e = e - (small ? one : 0.0f);
    m = m + tmp;
    float z = m * m;
    // y = m^3 * P(m), P of degree 8 by Horner (each step one fused multiply-add in torch's build)
    const double p[9] = {7.0376836292E-2, -1.1514610310E-1, 1.1676998740E-1, -1.2420140846E-1, 1.4249322787E-1,
                         -1.6668057665E-1, 2.0000714765E-1, -2.4999993993E-1, 3.3333331174E-1};
    float y = F(p[0]);
    for (int k = 1; k < 9; k++) y = std::fma(y, m, F(p[k]));
    y = y * m;
    // log(x) = m - z/2 + y + e*log(2), log(2) split in two parts (q2 + q1) for precision;
    // torch's build fused y*z + e*q1 (e*q1 rounded first), y - z*0.5 and out + e*q2
    y = std::fma(y, z, e * F(-2.12194440e-4));
    y = std::fma(-z, 0.5f, y);
    float out = m + y;
    out = std::fma(e, F(0.693359375), out);
    return out;
}

// sincos256_ps for one lane: sin and cos of x
static void cephes_sincos(float x, float* s, float* c) {
    bool sign_sin = std::signbit(x);
    x = std::fabs(x);
    // octant j = trunc(x*4/pi) rounded up to even; y = j as float
    float y = x * F(1.27323954473516);
    int32_t j = (int32_t)y;
    j = (j + 1) & ~1;
    y = (float)j;
    bool swap_sin = (j & 4) != 0;
    bool poly_sin = (j & 2) == 0;  // which polynomial gives the sine
    // x = ((x - y*DP1) - y*DP2) - y*DP3: pi/4 in three parts ("extended precision modular arithmetic")
    x = std::fma(y, F(-0.78515625), x);
    x = std::fma(y, F(-2.4187564849853515625e-4), x);
    x = std::fma(y, F(-3.77489497744594108e-8), x);
    bool sign_cos = ((~(uint32_t)(j - 2)) & 4u) != 0;
    sign_sin = sign_sin != swap_sin;
    float z = x * x;
    // cosine polynomial: 1 - z/2 + z^2 * Q(z); the last multiply is fused with "- z*0.5"
    float yc = std::fma(F(2.443315711809948E-005), z, F(-1.388731625493765E-003));
    yc = std::fma(yc, z, F(4.166664568298827E-002));
    yc = yc * z;
    yc = std::fma(yc, z, -(z * 0.5f));
    yc = yc + 1.0f;
    // sine polynomial: x + x*z*P(z)
    float ys = std::fma(F(-1.9515295891E-4), z, F(8.3321608736E-3));
    ys = std::fma(ys, z, F(-1.6666654611E-1));
    ys = ys * z;
    ys = std::fma(ys, x, x);
    // the AVX code selects with masks and adds +0 to the chosen value; +0 + (-0) = +0, so keep the adds
    float sin_pick1 = poly_sin ? 0.0f : yc, sin_pick2 = poly_sin ? ys : 0.0f;
    float rest_c = yc - sin_pick1, rest_s = ys - sin_pick2;
    float sv = sin_pick1 + sin_pick2;
    float cv = rest_c + rest_s;
    *s = sign_sin ? -sv : sv;
    *c = sign_cos ? -cv : cv;
}

// normal_fill_16_AVX2: data[0..8) are u1 candidates, data[8..16) angles; both halves become normals
static void normal_fill_16(float* data, float mean, float std) {
    const float two_pi = (float)(2.0 * 3.14159265358979323846);
    for (int k = 0; k < 8; k++) {
        // "u1 = 1 - u": [0,1) -> (0,1] so the log is finite
        float u1 = 1.0f - data[k];
        float u2 = data[k + 8];
        float radius = std::sqrt(-2.0f * cephes_log(u1));
        float theta = two_pi * u2;
        float sn, cs;
        cephes_sincos(theta, &sn, &cs);
        float n1 = radius * cs, n2 = radius * sn;
        data[k] = std::fma(n1, std, mean);
        data[k + 8] = std::fma(n2, std, mean);
    }
}

// ----------------------------------------------------------------------------
// normal_

void torch_normal_(TorchGenerator& gen, float* data, size_t n, double mean, double std) {
    if (n >= 16) {
        // torch: fill with uniforms, transform each full block of 16 in place
        for (size_t i = 0; i < n; i++) data[i] = uniform_float(gen);
        for (size_t i = 0; i + 16 <= n; i += 16) normal_fill_16(data + i, (float)mean, (float)std);
        if (n % 16 != 0) {
            // subtle: the tail is not a block of its own; the LAST 16 values are redrawn and
            // transformed again, overwriting normals the loop above already wrote
            float* last = data + n - 16;
            for (size_t i = 0; i < 16; i++) last[i] = uniform_float(gen);
            normal_fill_16(last, (float)mean, (float)std);
        }
        return;
    }
    // torch: at::normal_distribution<double>(mean, std) per value, the spare sample cached in the generator
    for (size_t i = 0; i < n; i++) {
        double ret;
        if (gen.has_cached) {
            ret = gen.cached;
            gen.has_cached = false;
        } else {
            double u1 = uniform_double(gen);
            double u2 = uniform_double(gen);
            double r = std::sqrt(-2.0 * std::log1p(-u2));
            double theta = 2.0 * 3.14159265358979323846 * u1;
            gen.cached = r * std::sin(theta);
            gen.has_cached = true;
            ret = r * std::cos(theta);
        }
        data[i] = (float)(ret * std + mean);
    }
}
