// attention.h: causal multi-head self-attention, the only place positions talk to each other.
// inp is the output of the qkv matmul, (B,T,3C) = [q | k | v], each C split into NH heads of hs = C/NH.
// For one (b, head), with q_t, k_t, v_t the head's hs-vectors at position t:
//   forward:  s[t,t2] = q_t . k_t2 / sqrt(hs)  for t2 <= t (causal: a position sees only its past)
//             att[t,:] = softmax(s[t,:]);  out_t = sum_t2 att[t,t2] v_t2
//   backward: datt = dout v^T;  dv += att^T dout;  ds = att * (datt - sum_t2 att datt);
//             dq += ds k / sqrt(hs);  dk += ds^T q / sqrt(hs)
// PyTorch: nanoGPT's CausalSelfAttention, https://github.com/karpathy/nanoGPT/blob/master/model.py
//
// What forward keeps: not att. att is (B,NH,T,T) per layer, T times larger than anything else
// (GPT-2 124M at B=4 T=1024: 4.8 GB of its 10 GB). Forward keeps one number per query instead,
// the log-sum-exp of its scores, lse[t] = log sum_t2<=t exp(s[t,t2]), (B,NH,T), from which
// backward rebuilds any att entry exactly as forward had it: att[t,t2] = exp(s[t,t2] - lse[t]),
// s being recomputed from q and k (one more GEMM in backward, 1/T of the memory).
// This is FlashAttention (Dao et al. 2022, https://arxiv.org/abs/2205.14135), on a CPU, where
// the point is the memory and the cache; it is not faster per FLOP than the (T,T) matrices.
//
// The plain three loops (attention_forward_naive below, one (b, t, head) at a time):
//   for each query t:   s[t2] = q_t . k_t2 * scale, t2 <= t;   m = max s;   l = sum exp(s - m)
//                       out_t = sum_t2 exp(s[t2] - m) / l * v_t2;          lse[t] = m + log l
// It needs all of query t's scores before the first weight: a (T) row per query.
//
// The online softmax (attention_forward): the scores come in key blocks of ATTENTION_BLOCK_K, and
// the row's max m and sum l are kept running, per query, across blocks. A block whose scores
// raise the max to m' rescales what came before by exp(m - m'):
//   m' = max(m, max_block s);   c = exp(m - m');   l = c l + sum_block exp(s - m');
//   o  = c o + sum_block exp(s - m') v_t2;     after the last block: out = o / l, lse = m' + log l
// Every weight and partial sum is then relative to the same final max, so out is the same
// softmax-weighted sum as the plain loops' (up to rounding), and no row of T scores ever exists.
// Blocks, per (b, head): queries in blocks of ATTENTION_BLOCK_Q (the columns of each product).
// A query block [t0, t1) walks its keys 0..t1-1 in order: the keys before t0, which all of its
// queries see, in blocks of ATTENTION_BLOCK_K; then the diagonal keys t0..t1-1 in smaller blocks,
// each against only the queries at or after its first key, with the causal mask inside (weights
// past t set to 0). Key blocks above the diagonal are never visited.
//   forward per (query block, key block):   S = K^T Q (scores), online softmax, O += V P
//   backward, the same walk:                S = K^T Q again, P = exp(S scale - lse) (exact att),
//     dV += dO P^T;  dP = V^T dO;  dS = P * (dP - D) scale;  dQ += K dS;  dK += Q dS^T
// where D_t = dout_t . out_t is the softmax backward's sum_t2 att[t,t2] datt[t,t2] (the same
// number: datt[t,t2] = dout_t . v_t2 and out_t = sum_t2 att[t,t2] v_t2), computed once per query
// from the cached out instead of from a row of att.
// Sizes, for hs = 64 (GPT-2's) and the L1 (32-48 KB) and L2 (1-2 MB) caches of one core: a query
// block (Q, O: 64 x 64 floats, 16 KB each) stays in L1 while a key block (K, V: 64 x 256, 64 KB
// each) and its scores (256 x 64, 64 KB) stream through L2. 64 query columns keep the GEMM
// kernels at full width; 256 keys per block spread the online softmax's per-query bookkeeping
// (a max, a rescale of o) over many keys. On the diagonal a whole 64 x 64 block would waste half
// its products on masked entries: forward (2 products per block) takes that, since smaller blocks
// cost more bookkeeping than they save; backward (5 products) splits it into blocks of 32 keys,
// wasting a quarter. Measured on Zen 5 against the (T,T) version, one thread, hs = 32-64: forward
// 0.86x the time at T = 64, 0.93x at 256, 0.6x at 1024; backward 1.15x, 1.03x, 0.97x.
// Mixed precision (precision = bf16): the block products take bf16 inputs on gemm_bf16 (gemm_bf16.h):
// q, k, v, dout, att and dS are rounded as they enter a product (dout in D too); sums, softmax and
// every stored tensor stay fp32. subtle: rounding the online softmax's exp(s - m) is not rounding
// att (bf16(x c) != bf16(x) c), and the reference (dev/reference/gpt2_bf16.py) rounds att; so in
// bf16 forward walks the keys twice: first m and l (lse), then att = exp(s - lse) as backward
// rebuilds it, into out += V att. One more product per block, bf16 only.
#pragma once
#include "model/bf16.h"  // Precision

// The block sizes above.
constexpr int ATTENTION_BLOCK_Q = 64;   // queries per block
constexpr int ATTENTION_BLOCK_K = 256;  // keys per block before the diagonal
constexpr int ATTENTION_BLOCK_DF = 64;  // keys per block on the diagonal, forward
constexpr int ATTENTION_BLOCK_DB = 32;  // keys per block on the diagonal, backward

// The plain loops, one (b, t, head) at a time, dot products in double: to read first, and the tests'
// oracle. Backward rebuilds att from q, k and lse and differentiates it, with no block and no D.
// out (B,T,C)  lse (B,NH,T)  inp (B,T,3C)
void attention_forward_naive(float* out, float* lse, const float* inp, int B, int T, int C, int NH);
// dinp (B,T,3C) +=  dout (B,T,C)  inp (B,T,3C)  lse (B,NH,T)
void attention_backward_naive(float* dinp, const float* dout, const float* inp, const float* lse, int B, int T, int C,
                              int NH);

// The blocked ones the model calls: each (b, head) on one thread, blocks in a fixed order, so the
// results are the same bits at any thread count.
// out (B,T,C)  lse (B,NH,T)  inp (B,T,3C)
void attention_forward(float* out, float* lse, const float* inp, int B, int T, int C, int NH,
                       Precision precision = Precision::fp32);
// dinp (B,T,3C) +=  dout (B,T,C)  inp (B,T,3C)  out (B,T,C) and lse (B,NH,T) as forward wrote them
void attention_backward(float* dinp, const float* dout, const float* inp, const float* out, const float* lse, int B,
                        int T, int C, int NH, Precision precision = Precision::fp32);
