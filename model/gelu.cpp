// gelu.cpp: GELU (tanh approximation) forward and backward. See gelu.h.
#include "gelu.h"

#include <cmath>  // tanh, sqrt, M_PI

static const float GELU_SCALE = std::sqrt(2.0f / (float)M_PI);  // sqrt(2/pi)

void gelu_forward(float* out, const float* inp, size_t N) {
    // 0.5 * x * (1 + tanh(sqrt(2/pi) * (x + 0.044715 * x**3)))
    #pragma omp parallel for
    for (size_t i = 0; i < N; i++) {
        float x = inp[i];
        float cube = 0.044715f * x * x * x;
        out[i] = 0.5f * x * (1.0f + std::tanh(GELU_SCALE * (x + cube)));
    }
}

void gelu_backward(float* dinp, const float* inp, const float* dout, size_t N) {
    #pragma omp parallel for
    for (size_t i = 0; i < N; i++) {
        float x = inp[i];
        float cube = 0.044715f * x * x * x;
        float tanh_u = std::tanh(GELU_SCALE * (x + cube));
        // d/dx of 0.5 x (1 + tanh u): product rule, with du/dx = sqrt(2/pi)(1 + 3*0.044715 x^2)
        float sech2_u = 1.0f - tanh_u * tanh_u;
        float du_dx = GELU_SCALE * (1.0f + 3.0f * 0.044715f * x * x);
        float local_grad = 0.5f * (1.0f + tanh_u) + 0.5f * x * sech2_u * du_dx;
        dinp[i] += local_grad * dout[i];
    }
}
