// crossentropy.cpp: softmax, cross-entropy, and their fused backward. See crossentropy.h.
#include "crossentropy.h"

#include <algorithm>  // max
#include <cmath>      // exp, log, INFINITY
#include <cstddef>    // size_t

void softmax_forward(float* probs, const float* logits, int B, int T, int V, int Vp) {
    // probs = F.softmax(logits, dim=-1)
    #pragma omp parallel for
    for (size_t bt = 0; bt < (size_t)B * T; bt++) {
        const float* logits_bt = logits + bt * Vp;  // seek to logits[b,t,:]
        float* probs_bt = probs + bt * Vp;          // seek to probs[b,t,:]
        float maxval = -INFINITY;  // subtracting the max keeps exp from overflowing
        for (int v = 0; v < V; v++) maxval = std::max(maxval, logits_bt[v]);
        double sum = 0.0;
        for (int v = 0; v < V; v++) {
            probs_bt[v] = std::exp(logits_bt[v] - maxval);
            sum += probs_bt[v];
        }
        float inv = (float)(1.0 / sum);
        for (int v = 0; v < V; v++) probs_bt[v] *= inv;
        for (int v = V; v < Vp; v++) probs_bt[v] = 0.0f;  // padded tokens: never predicted
    }
}

void crossentropy_forward(float* losses, const float* probs, const int* targets, int B, int T, int Vp) {
    // loss = F.cross_entropy(...), before the mean over (b,t)
    #pragma omp parallel for
    for (size_t bt = 0; bt < (size_t)B * T; bt++) {
        const float* probs_bt = probs + bt * Vp;  // seek to probs[b,t,:]
        losses[bt] = -std::log(probs_bt[targets[bt]]);
    }
}

void crossentropy_softmax_backward(float* dlogits, const float* dlosses, const float* probs, const int* targets,
                                   int B, int T, int V, int Vp) {
    #pragma omp parallel for
    for (size_t bt = 0; bt < (size_t)B * T; bt++) {
        float* dlogits_bt = dlogits + bt * Vp;    // seek to dlogits[b,t,:]
        const float* probs_bt = probs + bt * Vp;  // seek to probs[b,t,:]
        float dloss = dlosses[bt];
        // d(-log softmax(z)[y]) / dz_v = p_v - [v == y]; the padded v >= V get no gradient
        for (int v = 0; v < V; v++) dlogits_bt[v] += (probs_bt[v] - (v == targets[bt] ? 1.0f : 0.0f)) * dloss;
    }
}
