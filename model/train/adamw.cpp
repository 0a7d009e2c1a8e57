// adamw.cpp: AdamW and gradient clipping. See adamw.h.
#include "model/train/adamw.h"
#include "data/common/profile.h"  // ProfileScope: the per-layer timers of --profile
#include "model/parallel.h"  // worth_threads: small tensors stay on one thread
#include "model/reduce.h"  // sum_double: the norm's sums, vectorised and deterministic
#include "model/views.h"   // ConstVec: a chunk of v as an Eigen array, for its vector sqrt

#include <algorithm>  // min, max
#include <cmath>      // pow, sqrt

// ----------------------------------------------------------------------------
// plain versions: one element at a time, in double

void adamw_update_naive(float* params, const float* grads, float* m, float* v, size_t n, float lr,
                        const AdamWConfig& cfg, float wd, int t) {
    for (size_t i = 0; i < n; i++) {
        const double g = grads[i];
        // the moments, stored in float between steps
        m[i] = (float)(cfg.beta1 * (double)m[i] + (1.0 - cfg.beta1) * g);
        v[i] = (float)(cfg.beta2 * (double)v[i] + (1.0 - cfg.beta2) * g * g);
        // their bias-corrected estimates: early steps would otherwise be pulled towards 0
        const double m_hat = m[i] / (1.0 - std::pow((double)cfg.beta1, t));
        const double v_hat = v[i] / (1.0 - std::pow((double)cfg.beta2, t));
        // decoupled weight decay, then the step
        params[i] = (float)((double)params[i] * (1.0 - (double)lr * wd) - lr * m_hat / (std::sqrt(v_hat) + cfg.eps));
    }
}

double grad_norm_naive(const float* grads, size_t n) {
    double s = 0.0;
    for (size_t i = 0; i < n; i++) s += (double)grads[i] * grads[i];
    return std::sqrt(s);
}

// ----------------------------------------------------------------------------
// fast versions

void adamw_update(float* params, const float* grads, float* m, float* v, size_t n, float lr,
                  const AdamWConfig& cfg, float wd, int t, bf16* params_bf16) {
    ProfileScope timer("adamw_update");  // --profile: the time of this call, in its layer's row
    // the scalars PyTorch computes once per step, in double, then applies in float
    const float decay = (float)(1.0 - (double)lr * wd);
    const double bias_correction1 = 1.0 - std::pow((double)cfg.beta1, t);
    const double bias_correction2 = 1.0 - std::pow((double)cfg.beta2, t);
    const float step_size = (float)(lr / bias_correction1);
    const float bc2_sqrt = (float)std::sqrt(bias_correction2);
    const float beta1 = cfg.beta1, beta2 = cfg.beta2, eps = cfg.eps;  // locals: the loop's stores cannot alias them
    // One pass over p, g, m, v per chunk of 1024 elements (16 KB each: in L1). The only thing
    // not in the plain loop is sqrt: std::sqrt can set errno, which keeps the compiler from
    // vectorising a loop that calls it, so the chunk's square roots come from Eigen's vector
    // sqrt (exact, like std::sqrt: IEEE rounds both correctly).
    const size_t CHUNK = ADAMW_CHUNK;
    #pragma omp parallel for if(worth_threads(n))
    for (size_t i0 = 0; i0 < n; i0 += CHUNK) {
        const size_t len = n - i0 < CHUNK ? n - i0 : CHUNK;
        alignas(64) float sqrt_v[CHUNK];
        for (size_t i = i0; i < i0 + len; i++) {
            float g = grads[i];
            params[i] *= decay;                          // param.mul_(1 - lr * weight_decay)
            m[i] = m[i] * beta1 + g * (1.0f - beta1);    // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
            v[i] = v[i] * beta2 + g * g * (1.0f - beta2);  // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        }
        Eigen::Map<Eigen::ArrayXf, Eigen::Aligned64>(sqrt_v, (Eigen::Index)len) =
            ConstVec(v + i0, (Eigen::Index)len).array().sqrt();  // sqrt_v = exp_avg_sq.sqrt()
        for (size_t i = 0; i < len; i++) {
            float denom = sqrt_v[i] / bc2_sqrt + eps;             // (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
            params[i0 + i] += -step_size * (m[i0 + i] / denom);  // param.addcdiv_(exp_avg, denom, value=-step_size)
        }
        if (params_bf16)  // --precision bf16: the weights' copy, rounded while the chunk is in L1
            bf16_round_array(params_bf16 + i0, params + i0, len);
    }
}

double grad_norm(const float* grads, size_t n) {
    // subtle: an OpenMP reduction would add the threads' partial sums in an order that
    // depends on the thread count. A fixed number of blocks, each summed in 8 fixed lanes
    // (reduce.h: vectorised) and then added in order, does not; and needs no allocation.
    // (grad_norm_naive is the plain version.)
    const size_t BLOCKS = 64;
    const size_t per = (n + BLOCKS - 1) / BLOCKS;
    double partial[BLOCKS];
    #pragma omp parallel for if(worth_threads(n))
    for (size_t k = 0; k < BLOCKS; k++) {
        const size_t start = std::min(n, k * per), end = std::min(n, start + per);
        const float* g = grads + start;
        partial[k] = sum_double((int)(end - start), [&](int i) { return (double)g[i] * g[i]; });
    }
    double total = 0.0;
    for (double s : partial) total += s;
    return std::sqrt(total);
}

void clip_grads(float* grads, size_t n, double norm, float max_norm) {
    if (max_norm <= 0.0f) return;
    // clip_coef = max_norm / (total_norm + 1e-6); clip_coef_clamped = clamp(clip_coef, max=1.0)
    double coef = (double)max_norm / (norm + 1e-6);
    if (coef >= 1.0) return;
    const float c = (float)coef;
    #pragma omp parallel for if(worth_threads(n))
    for (size_t i = 0; i < n; i++) grads[i] *= c;
}

void gpt2_update(GPT2& model, float learning_rate, const AdamWConfig& cfg, int t) {
    gpt2_update_shard(model, learning_rate, cfg, t, 0, model.num_parameters);
}

void gpt2_update_shard(GPT2& model, float learning_rate, const AdamWConfig& cfg, int t, size_t begin, size_t end) {
    if (model.m_memory.empty()) {  // lazily: inference never needs them
        model.m_memory.assign(end - begin, 0.0f);
        model.v_memory.assign(end - begin, 0.0f);
    }
    if (model.precision == Precision::bf16) model.params_bf16.resize(model.num_parameters);
    size_t offset = 0;  // where tensor e starts in the parameters
    for (const ParameterInfo& e : model.param_table) {
        // the part of this tensor inside [begin, end): all of it without ZeRO-1
        const size_t lo = std::max(offset, begin), hi = std::min(offset + e.count, end);
        offset += e.count;
        if (lo >= hi) continue;
        float wd = e.decay ? cfg.weight_decay : 0.0f;  // no decay on biases and LayerNorm
        bf16* copy = model.precision == Precision::bf16 ? model.params_bf16.data() + lo : nullptr;
        adamw_update(model.params_memory.data() + lo, model.grads_memory.data() + lo, model.m_memory.data() + (lo - begin),
                     model.v_memory.data() + (lo - begin), hi - lo, learning_rate, cfg, wd, t, copy);
    }
}

std::vector<size_t> gpt2_update_cuts(const GPT2& model, int shards) {
    const size_t n = model.num_parameters;
    std::vector<size_t> cuts(shards + 1, n);
    cuts[0] = 0;
    for (int r = 1; r < shards; r++) {
        const size_t at = n * (size_t)r / (size_t)shards;
        size_t offset = 0;  // where tensor e starts
        for (const ParameterInfo& e : model.param_table) {
            if (at < offset + e.count) {  // tensor e holds `at`: up to its next chunk start (or its end)
                cuts[r] = std::min(offset + e.count, offset + (at - offset + ADAMW_CHUNK - 1) / ADAMW_CHUNK * ADAMW_CHUNK);
                break;
            }
            offset += e.count;
        }
    }
    return cuts;
}
