// classifier.h: the end of GPT-2 in chunks of positions: lnf -> logits against the tied wte ->
// softmax -> loss, and in training the way back to dlnf and dwte, one chunk at a time, so that the
// (B,T,Vp) logits never exist whole (llm.c's fused classifier idea; 124M at B=4 T=1024: 3 x 0.8 GB
// of logits, probabilities and their gradient become 3 chunks of ~32 MB). Per chunk of n positions:
//   logits = lnf[chunk] @ wte^T              (n,Vp)  matmul.h (bf16 products with wte_bf16)
//   probs  = softmax(logits)                 (n,Vp)  crossentropy.h
//   losses[chunk] = -log probs[target]       (n)
//   with gradients, at once, before the next chunk overwrites the buffers:
//   dlogits = dlosses * (probs - onehot)     (n,Vp)  crossentropy_softmax_backward
//   dlnf[chunk] += dlogits @ wte;   dwte += dlogits^T @ lnf[chunk]     matmul_backward
// Numerics: logits, probs, losses and dlnf are the whole-batch products' own bits (each product
// only sees a range of columns, as a thread does in matmul.cpp); dwte sums over the positions chunk
// by chunk, so with more than one chunk it differs from the whole-batch sum in the last bits.
// classifier_forward_backward_naive is the plain version: the whole batch at once, the layers'
// plain loops; the tests hold the chunked one against it. The loss and its gradient are those of
// F.cross_entropy(x @ wte.T, targets) (crossentropy.h).
#pragma once
#include <cstddef>  // size_t

#include "model/bf16.h"  // bf16

// Positions per chunk for a padded vocabulary of Vp: ~8M floats (32 MB) a buffer, a multiple of 16
// (matmul.cpp's column alignment, so that chunks split the products as its threads do).
int classifier_chunk_rows(int Vp);
// Positions the chunk buffers hold for batches of (B,T): a chunk, or all B*T if fewer, and at least
// B (classifier_last_logits). What activation_table allocates for logits and probs.
size_t classifier_rows(int Vp, int B, int T);

// Loss only (evaluation). losses (B,T)  logits, probs (rows,Vp): scratch, left holding the last
// chunk's  lnf (B,T,C)  wte (Vp,C)  targets (B,T)  chunk: positions per chunk (<= rows)
void classifier_forward(float* losses, float* logits, float* probs, const float* lnf, const float* wte,
                        const int* targets, int B, int T, int C, int V, int Vp, int chunk, const bf16* wte_bf16);
// The loss and its backward, chunk by chunk (training). As classifier_forward, plus
// dlnf (B,T,C) +=  dwte (Vp,C) +=  dlogits (rows,Vp): scratch  dlosses (B,T): each position's
// d loss / d losses[b,t] (1/(B*T) for the mean)
void classifier_forward_backward(float* losses, float* dlnf, float* dwte, float* logits, float* probs,
                                 float* dlogits, const float* dlosses, const float* lnf, const float* wte,
                                 const int* targets, int B, int T, int C, int V, int Vp, int chunk,
                                 const bf16* wte_bf16);
// The plain version: the whole (B,T,Vp) at once through the layers' plain loops (fp32).
// logits, probs, dlogits (B,T,Vp); otherwise as above; dlnf, dwte may be nullptr (no backward)
void classifier_forward_backward_naive(float* losses, float* dlnf, float* dwte, float* logits, float* probs,
                                       float* dlogits, const float* dlosses, const float* lnf, const float* wte,
                                       const int* targets, int B, int T, int C, int V, int Vp);

// Sampling needs only each sequence's last position (nanoGPT's generate does the same: "inference-time
// mini-optimization"). logits, probs (B,Vp): those positions'  lnf (B,T,C)  wte (Vp,C)
void classifier_last_logits(float* logits, float* probs, const float* lnf, const float* wte, int B, int T, int C,
                            int V, int Vp, const bf16* wte_bf16);
