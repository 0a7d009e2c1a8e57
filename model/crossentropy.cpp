// crossentropy.cpp: softmax, cross-entropy, and their fused backward. See crossentropy.h.
#include "model/crossentropy.h"
#include "data/common/profile.h"  // ProfileScope: the per-layer timers of --profile
#include "model/parallel.h"  // worth_threads: small batches stay on one thread
#include "model/reduce.h"  // sum_double, exp_inplace: deterministic and vectorised

#include <algorithm>  // max
#include <cmath>      // exp, log, INFINITY
#include <cstddef>    // size_t

// the plain softmax: one position at a time, std::exp, the sum in double in index order
void softmax_forward_naive(float* probs, const float* logits, int B, int T, int V, int Vp) {
    for (size_t bt = 0; bt < (size_t)B * T; bt++) {
        const float* logits_bt = logits + bt * Vp;  // seek to logits[b,t,:]
        float* probs_bt = probs + bt * Vp;          // seek to probs[b,t,:]
        // probs = exp(logits - max) / sum(exp(logits - max)) over the V real tokens
        float maxval = -INFINITY;
        for (int v = 0; v < V; v++) maxval = std::max(maxval, logits_bt[v]);
        double sum = 0.0;
        for (int v = 0; v < V; v++) {
            probs_bt[v] = std::exp(logits_bt[v] - maxval);
            sum += probs_bt[v];
        }
        for (int v = 0; v < V; v++) probs_bt[v] = (float)(probs_bt[v] / sum);
        for (int v = V; v < Vp; v++) probs_bt[v] = 0.0f;  // padded tokens: never predicted
    }
}

// the fast softmax: exp and sum vectorised (reduce.h), positions across threads
void softmax_forward(float* probs, const float* logits, int B, int T, int V, int Vp) {
    ProfileScope timer("softmax_forward");  // --profile: the time of this call, in its layer's row
    // probs = F.softmax(logits, dim=-1)
    #pragma omp parallel for if(worth_threads((size_t)B * T * V))
    for (size_t bt = 0; bt < (size_t)B * T; bt++) {
        const float* logits_bt = logits + bt * Vp;  // seek to logits[b,t,:]
        float* probs_bt = probs + bt * Vp;          // seek to probs[b,t,:]
        float maxval = -INFINITY;  // subtracting the max keeps exp from overflowing
        for (int v = 0; v < V; v++) maxval = std::max(maxval, logits_bt[v]);
        for (int v = 0; v < V; v++) probs_bt[v] = logits_bt[v] - maxval;
        exp_inplace(probs_bt, V);  // reduce.h: vectorised exp
        const double sum = sum_double(V, [&](int v) { return (double)probs_bt[v]; });  // reduce.h
        const float inv = (float)(1.0 / sum);
        for (int v = 0; v < V; v++) probs_bt[v] *= inv;
        for (int v = V; v < Vp; v++) probs_bt[v] = 0.0f;  // padded tokens: never predicted
    }
}

void crossentropy_forward(float* losses, const float* probs, const int* targets, int B, int T, int Vp) {
    ProfileScope timer("crossentropy_forward");  // --profile: the time of this call, in its layer's row
    // loss = F.cross_entropy(...), before the mean over (b,t): one log per position
    #pragma omp parallel for if(worth_threads((size_t)B * T))
    for (size_t bt = 0; bt < (size_t)B * T; bt++) {
        const float* probs_bt = probs + bt * Vp;  // seek to probs[b,t,:]
        losses[bt] = -std::log(probs_bt[targets[bt]]);
    }
}

void crossentropy_softmax_backward(float* dlogits, const float* dlosses, const float* probs, const int* targets,
                                   int B, int T, int V, int Vp) {
    ProfileScope timer("crossentropy_softmax_backward");  // --profile: the time of this call, in its layer's row
    #pragma omp parallel for if(worth_threads((size_t)B * T * V))
    for (size_t bt = 0; bt < (size_t)B * T; bt++) {
        float* dlogits_bt = dlogits + bt * Vp;    // seek to dlogits[b,t,:]
        const float* probs_bt = probs + bt * Vp;  // seek to probs[b,t,:]
        const float dloss = dlosses[bt];
        const int target = targets[bt];  // in a local: the stores below cannot change it, so the loop vectorises
        // d(-log softmax(z)[y]) / dz_v = p_v - [v == y]; the padded v >= V get no gradient
        for (int v = 0; v < V; v++) dlogits_bt[v] += (probs_bt[v] - (v == target ? 1.0f : 0.0f)) * dloss;
    }
}
