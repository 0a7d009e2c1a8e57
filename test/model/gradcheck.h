// gradcheck.h: finite differences through the whole model, along random directions, for the
// tests that check gpt2_backward (test_train_step.cpp, test_gpt2.cpp). Everything in double
// except the model's own float forward.
#pragma once
#include <doctest.h>

#include <algorithm>  // std::copy, std::max
#include <cmath>
#include <random>
#include <string>
#include <vector>

#include "model/gpt2.h"

// Mean loss of the model on (inputs, targets) (B,T), reduced in double from the per-position
// float losses (model.mean_loss is that mean rounded to float: one more rounding, of ~1e-7).
inline double loss_of(GPT2& model, const int* in, const int* tg, int B, int T) {
    gpt2_forward(model, in, tg, B, T);
    double sum = 0;
    for (size_t i = 0; i < (size_t)B * T; i++) sum += model.acts.losses[i];
    return sum / ((double)B * T);
}

// Along the gradient alone, an error e orthogonal to the true gradient g moves the check only by
// ~|e|^2/|g|^2 (0.5% for |e| = 7%|g|). Random directions d see it at first order: g.d and e.d
// are of the same size, ~|g|/sqrt(n) and ~|e|/sqrt(n) for a unit d in n dimensions.
//
// For each parameter tensor and each of DIRECTIONS random unit directions d (fixed seed), the
// loss is evaluated at p + h*d for h = +-eps, +-2eps, and the 4-point stencil
//   8 (L(p+eps d) - L(p-eps d)) - (L(p+2eps d) - L(p-2eps d))   ~ 12 eps g.d
// is compared with g.D, D = 8 (p1+ - p1-) - (p2+ - p2-) taken from the float parameters actually
// stored (so the float rounding of p + h*d is no error), all in double. The error is measured
// relative to sigma = |g| |D| / sqrt(n), the typical size of g.D over random directions (a
// single g.D can be near 0). eps is chosen per tensor so that the loss moves by eps*|g|/sqrt(n)
// = STEP = 1e-3 at first order. Error budget, relative to sigma:
//   rounding    each loss carries delta <= 4 u L ~ 1.3e-6 (u = 6e-8 float rounding, L <= 5.4
//               in these tests, through the forward's float roundings; a 2-point difference of
//               the float mean_loss at tiny eps showed ~1.2 u L); the stencil adds up 18 delta
//               against 12 eps sigma_d = 12 STEP, so at most 1.5 delta / STEP ~ 2e-3.
//   truncation  O(eps^4) with the stencil (the 2-point difference's eps^2 term reached 5e-3 at
//               eps = 0.03); eps here runs from 0.007 (attprojb) to 0.26 (the LayerNorms).
// TOL_DIRECTION = 1e-2 is ~5x that budget; backward's gradient measures <= 8e-5 (run with -s). A
// gradient with an error of 5-7% of its size in any direction measures ~0.06 x |N(0,1)| per probe:
// 0.13-0.19 at the worst of 16 tensors x 8 directions (test_train_step.cpp's deliberately wrong gradients).
constexpr int DIRECTIONS = 8;
constexpr double STEP = 1e-3;
constexpr double TOL_DIRECTION = 1e-2;

// The worst relative error (as above) over every tensor and direction; `probed` counts the
// tensors with a gradient large enough to probe (eps = STEP/sigma_d <= 1).
inline double random_direction_check(GPT2& model, const std::vector<float>& grads, const int* in, const int* tg,
                                     int B, int T, size_t* probed) {
    std::mt19937_64 gen(2024);
    std::normal_distribution<double> normal(0.0, 1.0);
    double worst = 0;
    std::string worst_name;
    size_t offset = 0;
    *probed = 0;
    for (const ParameterInfo& e : model.param_table) {
        const size_t n = e.count;
        const float* g = grads.data() + offset;  // (n) this tensor's gradient
        float* p = model.params_memory.data() + offset;
        const std::vector<float> saved(p, p + n);
        double gnorm = 0;
        for (size_t i = 0; i < n; i++) gnorm += (double)g[i] * g[i];
        const double sigma_d = std::sqrt(gnorm / n);  // |g|/sqrt(n): typical g.d for a unit d
        offset += n;
        if (sigma_d < STEP) continue;  // eps would exceed 1
        (*probed)++;
        const double eps = STEP / sigma_d;
        double tensor_worst = 0;
        for (int k = 0; k < DIRECTIONS; k++) {
            std::vector<double> d(n);  // (n) a random unit direction
            double dnorm = 0;
            for (double& x : d) {
                x = normal(gen);
                dnorm += x * x;
            }
            for (double& x : d) x /= std::sqrt(dnorm);
            std::vector<float> moved[4];  // the parameters at +eps, -eps, +2eps, -2eps
            double loss[4];
            const double h[4] = {eps, -eps, 2 * eps, -2 * eps};
            for (int j = 0; j < 4; j++) {
                moved[j].resize(n);
                for (size_t i = 0; i < n; i++) moved[j][i] = (float)(saved[i] + h[j] * d[i]);
                std::copy(moved[j].begin(), moved[j].end(), p);
                loss[j] = loss_of(model, in, tg, B, T);
            }
            std::copy(saved.begin(), saved.end(), p);
            const double fd = 8 * (loss[0] - loss[1]) - (loss[2] - loss[3]);
            double gD = 0, D2 = 0;  // g.D and |D|^2
            for (size_t i = 0; i < n; i++) {
                double Di = 8 * ((double)moved[0][i] - moved[1][i]) - ((double)moved[2][i] - moved[3][i]);
                gD += g[i] * Di;
                D2 += Di * Di;
            }
            const double sigma = std::sqrt(gnorm * D2 / n);
            tensor_worst = std::max(tensor_worst, std::fabs(fd - gD) / sigma);
        }
        if (tensor_worst >= worst) worst_name = std::string(e.name) + " (eps " + std::to_string(eps) + ")";
        worst = std::max(worst, tensor_worst);
    }
    MESSAGE("random directions: worst relative error " << worst << " in " << worst_name << ", " << *probed
                                                       << " tensors x " << DIRECTIONS << " directions");
    return worst;
}
