// layernorm.cpp: LayerNorm forward and backward. See layernorm.h.
#include "model/layernorm.h"
#include "data/common/profile.h"  // ProfileScope: the per-layer timers of --profile
#include "model/parallel.h"  // worth_threads: small batches stay on one thread
#include "model/reduce.h"  // sum_double: vectorised sums in double, the same at any address

#include <cmath>    // sqrt
#include <cstddef>  // size_t

// ----------------------------------------------------------------------------
// plain versions: one position at a time, sums in double in index order

void layernorm_forward_naive(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                             const float* bias, int B, int T, int C) {
    for (size_t bt = 0; bt < (size_t)B * T; bt++) {
        const float* x = inp + bt * C;  // seek to inp[b,t,:]
        float* y = out + bt * C;        // seek to out[b,t,:]
        // mean = x.mean(-1)
        double m = 0.0;
        for (int i = 0; i < C; i++) m += x[i];
        m /= C;
        // var = ((x - mean)**2).mean(-1)   (biased, as PyTorch's LayerNorm)
        double v = 0.0;
        for (int i = 0; i < C; i++) v += (x[i] - m) * (x[i] - m);
        v /= C;
        const double s = 1.0 / std::sqrt(v + 1e-5);
        // out = (x - mean) * rstd * weight + bias
        for (int i = 0; i < C; i++) y[i] = (float)((x[i] - m) * s) * weight[i] + bias[i];
        mean[bt] = (float)m;  // cached for backward
        rstd[bt] = (float)s;
    }
}

void layernorm_backward_naive(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                              const float* weight, const float* mean, const float* rstd, int B, int T, int C) {
    const size_t BT = (size_t)B * T;
    for (size_t bt = 0; bt < BT; bt++) {
        const float* x = inp + bt * C;    // seek to inp[b,t,:]
        const float* dy = dout + bt * C;  // seek to dout[b,t,:]
        float* dx = dinp + bt * C;        // seek to dinp[b,t,:]
        // mean(g) and mean(g n) over channels, with g = weight * dout and n = (x - mean) * rstd
        double g_sum = 0.0, gn_sum = 0.0;
        for (int i = 0; i < C; i++) {
            const double n = ((double)x[i] - mean[bt]) * rstd[bt], g = (double)weight[i] * dy[i];
            g_sum += g;
            gn_sum += g * n;
        }
        const double g_mean = g_sum / C, gn_mean = gn_sum / C;
        // dx = rstd * (g - mean(g) - n * mean(g n))
        for (int i = 0; i < C; i++) {
            const double n = ((double)x[i] - mean[bt]) * rstd[bt], g = (double)weight[i] * dy[i];
            dx[i] += (float)(rstd[bt] * (g - g_mean - n * gn_mean));
        }
    }
    // forward: out = n * w + b, so dweight_i += sum_bt n_i dout_i and dbias_i += sum_bt dout_i
    for (int i = 0; i < C; i++) {
        double dw = 0.0, db = 0.0;
        for (size_t bt = 0; bt < BT; bt++) {
            const double n = ((double)inp[bt * C + i] - mean[bt]) * rstd[bt];  // inp[b,t,i] normalised
            dw += n * dout[bt * C + i];
            db += dout[bt * C + i];
        }
        dweight[i] += (float)dw;
        dbias[i] += (float)db;
    }
}

// ----------------------------------------------------------------------------
// fast versions: channel sums vectorised (reduce.h), positions and channel slices across threads

void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight, const float* bias,
                       int B, int T, int C) {
    ProfileScope timer("layernorm_forward");  // --profile: the time of this call, in its layer's row
    const double eps = 1e-5;
    #pragma omp parallel for if(worth_threads((size_t)B * T * C))
    for (size_t bt = 0; bt < (size_t)B * T; bt++) {
        const float* x = inp + bt * C;  // seek to inp[b,t,:]
        float* y = out + bt * C;        // seek to out[b,t,:]
        // mean = x.mean(-1); statistics accumulate in double (reduce.h)
        const double m = sum_double(C, [&](int i) { return (double)x[i]; }) / C;
        // var = ((x - mean)**2).mean(-1)   (biased, as PyTorch's LayerNorm)
        const double v = sum_double(C, [&](int i) { return (x[i] - m) * (x[i] - m); }) / C;
        const float s = (float)(1.0 / std::sqrt(v + eps));
        // out = (x - mean) * rstd * weight + bias
        for (int i = 0; i < C; i++) y[i] = ((float)(x[i] - m) * s) * weight[i] + bias[i];
        mean[bt] = (float)m;  // cached for backward
        rstd[bt] = s;
    }
}

void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd, int B, int T, int C) {
    ProfileScope timer("layernorm_backward");  // --profile: the time of this call, in its layer's row
    const size_t BT = (size_t)B * T;
    // Part 1, dinp: each position is independent, so (b,t) owns its row.
    #pragma omp parallel for if(worth_threads(BT * C))
    for (size_t bt = 0; bt < BT; bt++) {
        const float* x = inp + bt * C;    // seek to inp[b,t,:]
        const float* dy = dout + bt * C;  // seek to dout[b,t,:]
        float* dx = dinp + bt * C;        // seek to dinp[b,t,:]
        const float m = mean[bt], s = rstd[bt];  // locals: the stores below cannot alias them
        // two reductions over channels: mean(g) and mean(g * n), with g = weight * dout and
        // n = (x - mean) * rstd rebuilt from the cache; in double (reduce.h)
        const double g_mean = sum_double(C, [&](int i) { return (double)(weight[i] * dy[i]); }) / C;
        const double gn_mean =
            sum_double(C, [&](int i) { return (double)(weight[i] * dy[i]) * ((x[i] - m) * s); }) / C;
        // dx = rstd * (g - mean(g) - n * mean(g n))
        for (int i = 0; i < C; i++) {
            float n = (x[i] - m) * s;
            float g = weight[i] * dy[i];
            dx[i] += s * (g - (float)g_mean - n * (float)gn_mean);
        }
    }
    // Part 2, dweight and dbias sum over every position. Each thread owns a slice of
    // 16 channels and walks all (b,t) in order: no races, same order at any thread count.
    const int SLICE = 16;
    #pragma omp parallel for if(worth_threads(BT * C))
    for (int i0 = 0; i0 < C; i0 += SLICE) {
        int i1 = i0 + SLICE < C ? i0 + SLICE : C;
        for (size_t bt = 0; bt < BT; bt++) {
            const float* x = inp + bt * C;    // seek to inp[b,t,:]
            const float* dy = dout + bt * C;  // seek to dout[b,t,:]
            const float m = mean[bt], s = rstd[bt];  // locals: the stores below cannot alias them
            for (int i = i0; i < i1; i++) {
                // forward: out = n * w + b, so dw += n * dout and db += dout
                dweight[i] += (x[i] - m) * s * dy[i];
                dbias[i] += dy[i];
            }
        }
    }
}
