// adamw.cpp: AdamW and gradient clipping. See adamw.h.
#include "adamw.h"

#include <cmath>   // pow, sqrt
#include <vector>

void adamw_update(float* params, const float* grads, float* m, float* v, size_t n, float lr,
                  const AdamWConfig& cfg, float wd, int t) {
    // the scalars PyTorch computes once per step, in double, then applies in float
    const float decay = (float)(1.0 - (double)lr * wd);
    const double bias_correction1 = 1.0 - std::pow((double)cfg.beta1, t);
    const double bias_correction2 = 1.0 - std::pow((double)cfg.beta2, t);
    const float step_size = (float)(lr / bias_correction1);
    const float bc2_sqrt = (float)std::sqrt(bias_correction2);
    #pragma omp parallel for
    for (size_t i = 0; i < n; i++) {
        float g = grads[i];
        params[i] *= decay;                                        // param.mul_(1 - lr * weight_decay)
        m[i] = m[i] * cfg.beta1 + g * (1.0f - cfg.beta1);          // exp_avg.mul_(beta1).add_(grad, alpha=1 - beta1)
        v[i] = v[i] * cfg.beta2 + g * g * (1.0f - cfg.beta2);      // exp_avg_sq.mul_(beta2).addcmul_(grad, grad, value=1 - beta2)
        float denom = std::sqrt(v[i]) / bc2_sqrt + cfg.eps;        // (exp_avg_sq.sqrt() / bias_correction2_sqrt).add_(eps)
        params[i] += -step_size * (m[i] / denom);                  // param.addcdiv_(exp_avg, denom, value=-step_size)
    }
}

double grad_norm(const float* grads, size_t n) {
    // subtle: an OpenMP reduction would add the threads' partial sums in an order that
    // depends on the thread count. Fixed blocks, summed in order afterwards, do not.
    const size_t BLOCK = 1 << 14;
    const size_t nblocks = (n + BLOCK - 1) / BLOCK;
    std::vector<double> partial(nblocks, 0.0);
    #pragma omp parallel for
    for (size_t k = 0; k < nblocks; k++) {
        size_t end = (k + 1) * BLOCK < n ? (k + 1) * BLOCK : n;
        double s = 0.0;
        for (size_t i = k * BLOCK; i < end; i++) s += (double)grads[i] * grads[i];
        partial[k] = s;
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
    #pragma omp parallel for
    for (size_t i = 0; i < n; i++) grads[i] *= c;
}
