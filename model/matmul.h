// matmul.h: the linear layer, where almost all of GPT-2's compute goes
// (qkv, attention projection, MLP up and down, and the logits against the tied wte).
//   forward:  out = inp @ weight^T + bias                    (nn.Linear)
//   backward: dinp += dout @ weight;  dweight += dout^T @ inp;  dbias += dout summed over (b,t)
// With the project's one layout rule (views.h) these are three Eigen GEMMs on Maps of
// our buffers; nothing is copied and nothing is cached (backward needs inp and weight,
// which the model keeps anyway). Each GEMM is split across OpenMP threads by matmul.cpp,
// not by Eigen, so the result is the same at any thread count.
// Two versions of each: matmul_forward_naive / matmul_backward_naive are the textbook triple loops
// (one output element at a time, summed in double), to read first and the tests' second oracle;
// matmul_forward / matmul_backward are the fast ones the model calls: a GEMM blocks the sums so that
// each operand is reused from cache and the inner loop runs on vector registers (many times faster).
// Mixed precision (--precision bf16): pass weight_bf16, the weight's bf16 copy (gpt2.h), and the
// products run on gemm_bf16 (gemm_bf16.h): inp, dout and the weight rounded to bf16, sums in fp32,
// results fp32. The bias, dbias and everything stored stay fp32. nullptr: the fp32 products.
// PyTorch: https://pytorch.org/docs/stable/generated/torch.nn.Linear.html
#pragma once
#include "model/bf16.h"  // bf16

// out (B,T,OC)  inp (B,T,C)  weight (OC,C)  bias (OC) or nullptr
void matmul_forward_naive(float* out, const float* inp, const float* weight, const float* bias, int B, int T, int C,
                          int OC);
// dinp (B,T,C) +=  dweight (OC,C) +=  dbias (OC) += or nullptr  dout (B,T,OC)  inp (B,T,C)  weight (OC,C)
void matmul_backward_naive(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                           const float* weight, int B, int T, int C, int OC);

// the same two, fast: arguments as above, plus weight_bf16 (OC,C) or nullptr (see above)
void matmul_forward(float* out, const float* inp, const float* weight, const float* bias, int B, int T, int C, int OC,
                    const bf16* weight_bf16 = nullptr);
void matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                     const float* weight, int B, int T, int C, int OC, const bf16* weight_bf16 = nullptr);
