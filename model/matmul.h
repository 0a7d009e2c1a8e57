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
// PyTorch: https://pytorch.org/docs/stable/generated/torch.nn.Linear.html
#pragma once

// out (B,T,OC)  inp (B,T,C)  weight (OC,C)  bias (OC) or nullptr
void matmul_forward_naive(float* out, const float* inp, const float* weight, const float* bias, int B, int T, int C,
                          int OC);
// dinp (B,T,C) +=  dweight (OC,C) +=  dbias (OC) += or nullptr  dout (B,T,OC)  inp (B,T,C)  weight (OC,C)
void matmul_backward_naive(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                           const float* weight, int B, int T, int C, int OC);

// the same two, fast: arguments as above
void matmul_forward(float* out, const float* inp, const float* weight, const float* bias, int B, int T, int C, int OC);
void matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                     const float* weight, int B, int T, int C, int OC);
