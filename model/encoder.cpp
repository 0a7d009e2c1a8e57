// encoder.cpp: token + position embeddings. See encoder.h.
#include "model/encoder.h"
#include "data/common/profile.h"  // ProfileScope: the per-layer timers of --profile
#include "model/parallel.h"  // worth_threads: small batches stay on one thread

#include <cstddef>  // size_t

void encoder_forward(float* out, const int* inp, const float* wte, const float* wpe, int B, int T, int C) {
    ProfileScope timer("encoder_forward");  // --profile: the time of this call, in its layer's row
    // x = self.transformer.wte(idx) + self.transformer.wpe(pos)
    #pragma omp parallel for collapse(2) if(worth_threads((size_t)B * T * C))
    for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++) {
            size_t bt = (size_t)b * T + t;
            float* out_bt = out + bt * C;                        // seek to out[b,t,:]
            const float* wte_ix = wte + (size_t)inp[bt] * C;     // the token's row of wte
            const float* wpe_t = wpe + (size_t)t * C;            // the position's row of wpe
            for (int i = 0; i < C; i++) out_bt[i] = wte_ix[i] + wpe_t[i];
        }
    }
}

void encoder_backward(float* dwte, float* dwpe, const float* dout, const int* inp, int B, int T, int C) {
    ProfileScope timer("encoder_backward");  // --profile: the time of this call, in its layer's row
    // forward: out[b,t,:] = wte[ix,:] + wpe[t,:], so both rows receive dout[b,t,:].
    // subtle: two positions can hold the same token, so a parallel loop over (b,t)
    // would race on dwte[ix]. Instead each thread owns a slice of channels i and
    // walks every (b,t) in order: no races, and the same sum order at any thread count.
    // Slices are 16 channels wide (one 64-byte cache line) so that memory is read in lines.
    const int SLICE = 16;
    #pragma omp parallel for if(worth_threads((size_t)B * T * C))
    for (int i0 = 0; i0 < C; i0 += SLICE) {
        int i1 = i0 + SLICE < C ? i0 + SLICE : C;
        for (size_t bt = 0; bt < (size_t)B * T; bt++) {
            const float* dout_bt = dout + bt * C;                // seek to dout[b,t,:]
            float* dwte_ix = dwte + (size_t)inp[bt] * C;         // the token's row of dwte
            float* dwpe_t = dwpe + (bt % T) * C;                 // the position's row of dwpe
            for (int i = i0; i < i1; i++) {
                dwte_ix[i] += dout_bt[i];
                dwpe_t[i] += dout_bt[i];
            }
        }
    }
}
