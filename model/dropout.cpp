// dropout.cpp: inverted dropout with a counter-based mask. See dropout.h.
#include "model/dropout.h"

// splitmix64's finaliser: a well-mixed 64-bit hash of (seed, i), so element i's coin
// does not depend on which thread or in which order it is computed.
static uint64_t mix(uint64_t z) {
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
}

bool dropout_keep(float p, uint64_t seed, size_t i) {
    uint64_t r = mix(seed * 0x9e3779b97f4a7c15ULL + i + 1);
    double u = (double)(r >> 11) * (1.0 / 9007199254740992.0);  // uniform in [0,1) from 53 bits
    return u >= p;
}

void dropout_forward(float* x, float p, uint64_t seed, size_t N) {
    if (p <= 0.0f) return;
    const float scale = 1.0f / (1.0f - p);
    #pragma omp parallel for
    for (size_t i = 0; i < N; i++) x[i] = dropout_keep(p, seed, i) ? x[i] * scale : 0.0f;
}

void dropout_backward(float* dx, float p, uint64_t seed, size_t N) {
    // forward: y = keep * x / (1-p), so dx = keep * dy / (1-p): the same mask, applied to the gradient
    dropout_forward(dx, p, seed, N);
}
