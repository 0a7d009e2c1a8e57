// attention.h: causal multi-head self-attention, the only place positions talk to each other.
// inp is the output of the qkv matmul, (B,T,3C) = [q | k | v], each C split into NH heads of hs = C/NH.
// For one (b, head), with q_t, k_t, v_t the head's hs-vectors at position t:
//   forward:  s[t,t2] = q_t . k_t2 / sqrt(hs)  for t2 <= t (causal: a position sees only its past)
//             att[t,:] = softmax(s[t,:]);  out_t = sum_t2 att[t,t2] v_t2
//   backward: datt = dout v^T;  dv += att^T dout;  ds = att * (datt - sum_t2 att datt);
//             dq += ds k / sqrt(hs);  dk += ds^T q / sqrt(hs)
// Forward caches att (B,NH,T,T), the softmax output, for backward; the scores s are not kept.
// Backward adds datt, the gradient of att, into its own (B,NH,T,T) buffer (the += rule), only
// where t2 <= t: the masked entries are constants 0, and their datt is left as it was.
// attention_forward_naive / attention_backward_naive are the plain loops, one (b, t, head) at a
// time, to read first and the tests' second oracle. The fast ones, which the model calls, do each
// (b, head) as four small GEMMs on strided Maps into the qkv buffer (views.h), on the causal
// triangle only: the same arithmetic, in blocks that vectorise and reuse the cache.
// Mixed precision (precision = bf16): the four products take bf16 inputs on gemm_bf16 (gemm_bf16.h);
// the softmax, its backward and every stored tensor stay fp32.
// PyTorch: nanoGPT's CausalSelfAttention, https://github.com/karpathy/nanoGPT/blob/master/model.py
#pragma once
#include "model/bf16.h"  // Precision

// out (B,T,C)  att (B,NH,T,T)  inp (B,T,3C)
void attention_forward_naive(float* out, float* att, const float* inp, int B, int T, int C, int NH);
// dinp (B,T,3C) +=  datt (B,NH,T,T) +=  dout (B,T,C)  inp (B,T,3C)  att (B,NH,T,T)
void attention_backward_naive(float* dinp, float* datt, const float* dout, const float* inp, const float* att,
                              int B, int T, int C, int NH);

// the same two, fast: arguments as above, plus the precision of the products
void attention_forward(float* out, float* att, const float* inp, int B, int T, int C, int NH,
                       Precision precision = Precision::fp32);
void attention_backward(float* dinp, float* datt, const float* dout, const float* inp, const float* att,
                        int B, int T, int C, int NH, Precision precision = Precision::fp32);
