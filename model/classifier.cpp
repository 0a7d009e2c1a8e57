// classifier.cpp: the logits, loss and their backward in chunks of positions. See classifier.h.
#include "model/classifier.h"
#include "model/crossentropy.h"  // softmax_forward, crossentropy_forward, crossentropy_softmax_backward (+ naive)
#include "model/matmul.h"        // matmul_forward, matmul_backward (+ naive): the products against wte
#include "model/parallel.h"      // worth_threads: a small chunk is cleared on one thread

#include <algorithm>  // min, max

// 8M floats: 160 positions at GPT-2's Vp = 50304, all B*T (so one chunk) for a byte vocabulary
static const size_t CHUNK_FLOATS = size_t(1) << 23;
static const int CHUNK_ALIGN = 16;  // matmul.cpp's COLS

int classifier_chunk_rows(int Vp) {
    const size_t rows = CHUNK_FLOATS / (size_t)Vp / CHUNK_ALIGN * CHUNK_ALIGN;
    return (int)std::max<size_t>(rows, CHUNK_ALIGN);
}

size_t classifier_rows(int Vp, int B, int T) {
    const size_t BT = (size_t)B * T;
    return std::min(BT, std::max<size_t>(classifier_chunk_rows(Vp), (size_t)B));
}

// ----------------------------------------------------------------------------
// the chunks

// Both entry points: positions [s, s+n) at a time; with dlnf set, each chunk's backward right after
// its loss. Buffers: logits, probs, dlogits (chunk,Vp); the rest as in classifier.h.
static void classifier_chunks(float* losses, float* dlnf, float* dwte, float* logits, float* probs, float* dlogits,
                              const float* dlosses, const float* lnf, const float* wte, const int* targets, int B,
                              int T, int C, int V, int Vp, int chunk, const bf16* wte_bf16) {
    const size_t BT = (size_t)B * T;
    for (size_t s = 0; s < BT; s += chunk) {
        const int n = (int)std::min<size_t>(chunk, BT - s);  // positions in this chunk
        const float* lnf_s = lnf + s * C;                      // seek to lnf[s,:], (n,C)
        // logits = self.lm_head(x), lm_head tied to wte; only this chunk's n positions (as B=1, T=n)
        matmul_forward(logits, lnf_s, wte, nullptr, 1, n, C, Vp, wte_bf16);  // (n,Vp)
        softmax_forward(probs, logits, 1, n, V, Vp);                           // (n,Vp)
        crossentropy_forward(losses + s, probs, targets + s, 1, n, Vp);        // (n)
        if (!dlnf) continue;
        // the chunk's backward, while its probabilities are in the buffer. dlogits starts at zero:
        // crossentropy_softmax_backward adds (the += rule)
        const size_t nVp = (size_t)n * Vp;
        #pragma omp parallel for if(worth_threads(nVp))
        for (size_t i = 0; i < nVp; i++) dlogits[i] = 0.0f;
        crossentropy_softmax_backward(dlogits, dlosses + s, probs, targets + s, 1, n, V, Vp);
        // forward: logits = lnf @ wte^T, so dlnf[chunk] += dlogits @ wte and dwte += dlogits^T @ lnf[chunk]
        matmul_backward(dlnf + s * C, dwte, nullptr, dlogits, lnf_s, wte, 1, n, C, Vp, wte_bf16);
    }
}

void classifier_forward(float* losses, float* logits, float* probs, const float* lnf, const float* wte,
                        const int* targets, int B, int T, int C, int V, int Vp, int chunk, const bf16* wte_bf16) {
    classifier_chunks(losses, nullptr, nullptr, logits, probs, nullptr, nullptr, lnf, wte, targets, B, T, C, V, Vp,
                      chunk, wte_bf16);
}

void classifier_forward_backward(float* losses, float* dlnf, float* dwte, float* logits, float* probs,
                                 float* dlogits, const float* dlosses, const float* lnf, const float* wte,
                                 const int* targets, int B, int T, int C, int V, int Vp, int chunk,
                                 const bf16* wte_bf16) {
    classifier_chunks(losses, dlnf, dwte, logits, probs, dlogits, dlosses, lnf, wte, targets, B, T, C, V, Vp, chunk,
                      wte_bf16);
}

// ----------------------------------------------------------------------------
// the plain version: the whole batch at once, as the model did before the chunks

void classifier_forward_backward_naive(float* losses, float* dlnf, float* dwte, float* logits, float* probs,
                                       float* dlogits, const float* dlosses, const float* lnf, const float* wte,
                                       const int* targets, int B, int T, int C, int V, int Vp) {
    matmul_forward_naive(logits, lnf, wte, nullptr, B, T, C, Vp);  // (B,T,Vp)
    softmax_forward_naive(probs, logits, B, T, V, Vp);
    crossentropy_forward(losses, probs, targets, B, T, Vp);
    if (!dlnf) return;
    for (size_t i = 0; i < (size_t)B * T * Vp; i++) dlogits[i] = 0.0f;
    crossentropy_softmax_backward(dlogits, dlosses, probs, targets, B, T, V, Vp);
    matmul_backward_naive(dlnf, dwte, nullptr, dlogits, lnf, wte, B, T, C, Vp);
}

// ----------------------------------------------------------------------------
// sampling

void classifier_last_logits(float* logits, float* probs, const float* lnf, const float* wte, int B, int T, int C,
                            int V, int Vp, const bf16* wte_bf16) {
    for (int b = 0; b < B; b++) {
        const float* lnf_last = lnf + ((size_t)b * T + T - 1) * C;  // seek to lnf[b,T-1,:]
        // logits = self.lm_head(x[:, [-1], :]). subtle: a one-column product, which Eigen computes as a
        // matrix-vector product, summed in another order than the whole batch's GEMM: the last bits
        // differ (~1e-7 relative) from a forward with targets; in bf16 they are the same (gemm_bf16.h)
        matmul_forward(logits + (size_t)b * Vp, lnf_last, wte, nullptr, 1, 1, C, Vp, wte_bf16);  // (Vp)
    }
    softmax_forward(probs, logits, 1, B, V, Vp);  // (B,Vp)
}
