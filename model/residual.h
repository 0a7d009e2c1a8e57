// residual.h: the residual connection, x + f(x), twice per block.
//   forward:  out = inp1 + inp2
//   backward: dinp1 += dout;  dinp2 += dout   (a sum routes its gradient to both inputs)
// Elementwise over N = B*T*C. Nothing cached.
#pragma once
#include <cstddef>  // size_t

// out (N)  inp1 (N)  inp2 (N)
void residual_forward(float* out, const float* inp1, const float* inp2, size_t N);
// dinp1 (N) +=  dinp2 (N) +=  dout (N)
void residual_backward(float* dinp1, float* dinp2, const float* dout, size_t N);
