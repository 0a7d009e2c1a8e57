// residual.cpp: the residual connection. See residual.h.
#include "model/residual.h"
#include "data/common/profile.h"  // ProfileScope: the per-layer timers of --profile
#include "model/parallel.h"  // worth_threads: small N stays on one thread

void residual_forward(float* out, const float* inp1, const float* inp2, size_t N) {
    ProfileScope timer("residual_forward");  // --profile: the time of this call, in its layer's row
    // x = x + self.attn(self.ln_1(x))
    #pragma omp parallel for if(worth_threads(N))
    for (size_t i = 0; i < N; i++) out[i] = inp1[i] + inp2[i];
}

void residual_backward(float* dinp1, float* dinp2, const float* dout, size_t N) {
    ProfileScope timer("residual_backward");  // --profile: the time of this call, in its layer's row
    #pragma omp parallel for if(worth_threads(N))
    for (size_t i = 0; i < N; i++) {
        dinp1[i] += dout[i];
        dinp2[i] += dout[i];
    }
}
