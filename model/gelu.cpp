// gelu.cpp: GELU (tanh approximation) forward and backward. See gelu.h.
// Speed: the plain loop (gelu_forward_naive) calls std::tanh once per element, a scalar libm
// call that costs more than all the other arithmetic together. The fast versions run tanh on
// Eigen arrays, which vectorise it (Eigen's rational approximation, within 5 ulp of std::tanh, ~15x faster);
// the rest of each formula is the plain loop, which the compiler vectorises by itself.
#include "model/gelu.h"
#include "data/common/profile.h"  // ProfileScope: the per-layer timers of --profile
#include "model/parallel.h"  // worth_threads: small N stays on one thread
#include "model/views.h"  // Vec, ConstVec: a chunk of the buffer seen as an Eigen vector

#include <cmath>    // sqrt, tanh, M_PI

static const float GELU_SCALE = std::sqrt(2.0f / (float)M_PI);  // sqrt(2/pi)
// ----------------------------------------------------------------------------
// plain versions: one element at a time, std::tanh

void gelu_forward_naive(float* out, const float* inp, size_t N) {
    for (size_t i = 0; i < N; i++) {
        float x = inp[i];
        // 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))
        float u = GELU_SCALE * (x + 0.044715f * x * x * x);
        out[i] = 0.5f * x * (1.0f + std::tanh(u));
    }
}

void gelu_backward_naive(float* dinp, const float* inp, const float* dout, size_t N) {
    for (size_t i = 0; i < N; i++) {
        float x = inp[i];
        float th = std::tanh(GELU_SCALE * (x + 0.044715f * x * x * x));  // tanh u, recomputed from the input
        // product rule on 0.5 x (1 + tanh u): 0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) du/dx
        float du_dx = GELU_SCALE * (1.0f + 3.0f * 0.044715f * x * x);
        dinp[i] += (0.5f * (1.0f + th) + 0.5f * x * (1.0f - th * th) * du_dx) * dout[i];
    }
}

// ----------------------------------------------------------------------------
// fast versions: tanh over a chunk at a time, vectorised

// elements per chunk: the parallel unit, and the size of the tanh scratch on the stack (4 KB)
static const size_t CHUNK = 1024;

// th[i] = tanh(sqrt(2/pi) * (x[i] + 0.044715 x[i]^3)) for n <= CHUNK elements.
// subtle: th must be 64-byte aligned. Eigen computes the elements before the first aligned
// address with its scalar tanh, which differs in the last bit from the vector one, so on an
// unaligned buffer results would depend on the buffer's address (and a run would not repeat).
static void gelu_tanh(float* th, const float* x, size_t n) {
    for (size_t i = 0; i < n; i++) th[i] = GELU_SCALE * (x[i] + 0.044715f * x[i] * x[i] * x[i]);
    Eigen::Map<Eigen::ArrayXf, Eigen::Aligned64> u(th, (Eigen::Index)n);
    u = u.tanh();
}

void gelu_forward(float* out, const float* inp, size_t N) {
    ProfileScope timer("gelu_forward");  // --profile: the time of this call, in its layer's row
    // 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))
    #pragma omp parallel for if(worth_threads(N))
    for (size_t i0 = 0; i0 < N; i0 += CHUNK) {
        const size_t n = N - i0 < CHUNK ? N - i0 : CHUNK;
        alignas(64) float th[CHUNK];
        gelu_tanh(th, inp + i0, n);
        for (size_t i = 0; i < n; i++) out[i0 + i] = 0.5f * inp[i0 + i] * (1.0f + th[i]);
    }
}

void gelu_backward(float* dinp, const float* inp, const float* dout, size_t N) {
    ProfileScope timer("gelu_backward");  // --profile: the time of this call, in its layer's row
    #pragma omp parallel for if(worth_threads(N))
    for (size_t i0 = 0; i0 < N; i0 += CHUNK) {
        const size_t n = N - i0 < CHUNK ? N - i0 : CHUNK;
        alignas(64) float th[CHUNK];
        gelu_tanh(th, inp + i0, n);  // recomputed from the cached input, not stored
        for (size_t i = 0; i < n; i++) {
            float x = inp[i0 + i];
            // d/dx of 0.5 x (1 + tanh u): product rule, with du/dx = sqrt(2/pi)(1 + 3*0.044715 x^2)
            float sech2_u = 1.0f - th[i] * th[i];
            float du_dx = GELU_SCALE * (1.0f + 3.0f * 0.044715f * x * x);
            float local_grad = 0.5f * (1.0f + th[i]) + 0.5f * x * sech2_u * du_dx;
            dinp[i0 + i] += local_grad * dout[i0 + i];
        }
    }
}
