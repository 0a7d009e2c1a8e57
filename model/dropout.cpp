// dropout.cpp: inverted dropout with a counter-based mask. See dropout.h.
#include "model/dropout.h"
#include "data/common/profile.h"  // ProfileScope: the per-layer timers of --profile
#include "data/common/splitmix.h"  // splitmix64_mix
#include "model/parallel.h"  // worth_threads: small N stays on one thread

bool dropout_keep(float p, uint64_t seed, size_t i) {
    // splitmix64's finaliser: a well-mixed hash of (seed, i), so element i's coin does not depend
    // on which thread or in which order it is computed
    uint64_t r = splitmix64_mix(seed * 0x9e3779b97f4a7c15ULL + i + 1);
    double u = (double)(r >> 11) * (1.0 / 9007199254740992.0);  // uniform in [0,1) from 53 bits
    return u >= p;
}

// x_i = keep_i * x_i / (1-p), in place: what both passes do
static void apply_mask(float* x, float p, uint64_t seed, size_t N) {
    if (p <= 0.0f) return;
    const float scale = 1.0f / (1.0f - p);
    #pragma omp parallel for if(worth_threads(N))
    for (size_t i = 0; i < N; i++) x[i] = dropout_keep(p, seed, i) ? x[i] * scale : 0.0f;
}

void dropout_forward(float* x, float p, uint64_t seed, size_t N) {
    ProfileScope timer("dropout_forward");  // --profile: the time of this call, in its layer's row
    apply_mask(x, p, seed, N);
}

void dropout_backward(float* dx, float p, uint64_t seed, size_t N) {
    ProfileScope timer("dropout_backward");  // --profile: the time of this call, in its layer's row
    // forward: y = keep * x / (1-p), so dx = keep * dy / (1-p): the same mask, applied to the gradient
    apply_mask(dx, p, seed, N);
}
