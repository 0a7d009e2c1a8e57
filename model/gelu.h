// gelu.h: the MLP's nonlinearity, GELU in GPT-2's tanh approximation.
//   forward:  y = 0.5 x (1 + tanh(u)),  u = sqrt(2/pi) (x + 0.044715 x^3)
//   backward: dx += dy * (0.5 (1 + tanh u) + 0.5 x (1 - tanh^2 u) sqrt(2/pi) (1 + 3*0.044715 x^2))
// Elementwise, so shapes do not matter: N = B*T*4C. Backward recomputes tanh from the
// cached input instead of storing it. subtle: built without -ffast-math on purpose;
// llm.c found fast-math's tanh broke this backward.
// gelu_forward_naive / gelu_backward_naive are the plain loops (std::tanh, one element at a
// time), to read first and the tests' second oracle. gelu_forward / gelu_backward, which the model
// calls, are the same formulas with tanh vectorised by Eigen (gelu.cpp says why and how).
// PyTorch: nn.GELU(approximate='tanh'), https://pytorch.org/docs/stable/generated/torch.nn.GELU.html
#pragma once
#include <cstddef>  // size_t

// out (N)  inp (N)
void gelu_forward_naive(float* out, const float* inp, size_t N);
// dinp (N) +=  inp (N)  dout (N)
void gelu_backward_naive(float* dinp, const float* inp, const float* dout, size_t N);

// the same two, fast: arguments as above
void gelu_forward(float* out, const float* inp, size_t N);
void gelu_backward(float* dinp, const float* inp, const float* dout, size_t N);
