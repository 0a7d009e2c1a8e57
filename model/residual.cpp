// residual.cpp: the residual connection. See residual.h.
#include "model/residual.h"

void residual_forward(float* out, const float* inp1, const float* inp2, size_t N) {
    // x = x + self.attn(self.ln_1(x))
    #pragma omp parallel for
    for (size_t i = 0; i < N; i++) out[i] = inp1[i] + inp2[i];
}

void residual_backward(float* dinp1, float* dinp2, const float* dout, size_t N) {
    #pragma omp parallel for
    for (size_t i = 0; i < N; i++) {
        dinp1[i] += dout[i];
        dinp2[i] += dout[i];
    }
}
