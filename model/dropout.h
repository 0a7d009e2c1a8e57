// dropout.h: inverted dropout (training only): zero each element with probability p,
// scale the survivors by 1/(1-p) so the expected value is unchanged.
//   forward:  x_i = keep_i * x_i / (1-p)       backward: dx_i = keep_i * dx_i / (1-p)
// GPT-2 applies it to the embeddings and to the output of each residual branch
// (nanoGPT's dropout on the embedding and resid_dropout; its dropout on the attention
// weights is left out here). Nothing is cached: keep_i is a hash of (seed, i), so
// backward recomputes the same mask, and the mask is the same at any thread count.
// subtle: both passes work IN PLACE, the one exception to the += rule: gpt2_backward masks
// a gradient only once every contribution is in (a branch's: residual_backward's; the
// embeddings': layer 0's residual and ln1), so masking it in place is exact and saves a
// (B,T,C) buffer per site. p = 0 does nothing at all.
// PyTorch: nn.Dropout, https://pytorch.org/docs/stable/generated/torch.nn.Dropout.html
#pragma once
#include <cstddef>  // size_t
#include <cstdint>  // uint64_t

// x (N), in place. seed: different for every site and every step.
void dropout_forward(float* x, float p, uint64_t seed, size_t N);
// dx (N), in place, with the same p and seed as the forward.
void dropout_backward(float* dx, float p, uint64_t seed, size_t N);
// Whether element i survives: the mask both passes use (exposed for tests).
bool dropout_keep(float p, uint64_t seed, size_t i);
