// test_train_step.cpp: one optimizer step as the trainer runs it: overfitting,
// determinism, gradient accumulation, and a finite-difference check of the whole model.
#include <doctest.h>

#include <cmath>
#include <random>
#include <vector>

#include "model/gpt2.h"
#include "model/train/train_step.h"
#include "model/parallel.h"  // PARALLEL_MIN_WORK, parallel_min_work: loops whole or split
#include "test/check.h"
#include "test/layer_check.h"     // ThreadCount
#include "test/model/gradcheck.h"  // loss_of, random_direction_check

// Random tokens in [0,V), seeded: (n) values.
static std::vector<int> random_tokens(size_t n, int V, unsigned seed) {
    std::mt19937 gen(seed);
    std::vector<int> out(n);
    for (int& x : out) x = (int)(gen() % (unsigned)V);
    return out;
}

// A batch source that hands out consecutive (B,T) windows of a token stream, llm.c style.
struct Stream {
    std::vector<int> tokens;
    size_t pos = 0;
    void next(int* inputs, int* targets, int B, int T) {
        for (size_t i = 0; i < (size_t)B * T; i++) {
            inputs[i] = tokens[pos + i];
            targets[i] = tokens[pos + i + 1];
        }
        pos += (size_t)B * T;
    }
};

TEST_CASE("train_step/overfitting one small batch drives the loss below 0.05") {
    GPT2 model;
    gpt2_build_from_descriptor(model, "l2h2c32", 16, 32, 7);
    const int B = 2, T = 16;
    std::vector<int> tokens = random_tokens(B * T + 1, 32, 1);
    TrainStepConfig cfg;
    cfg.schedule.lr = 1e-2f;
    cfg.schedule.kind = Schedule::Constant;
    double loss = 0;
    for (int step = 0; step < 150 && !(loss > 0 && loss < 0.05); step++) {
        StepResult r = gpt2_train_step(model, cfg, step, B, T, [&](int* in, int* tg) {
            Stream s{tokens};
            s.next(in, tg, B, T);
        });
        loss = r.loss;
    }
    MESSAGE("final loss " << loss);
    CHECK(loss < 0.05);
}

// 20 steps of training from seed 11 with dropout; returns the losses.
// C=96 makes the MLP's inner dimension 4C=384, past Eigen's GEMM k-block (Makefile).
static std::vector<double> run20(float dropout, int accum, int B, Precision precision = Precision::fp32) {
    GPT2 model;
    gpt2_build_from_descriptor(model, "l2h2c96", 16, 50, 11);
    gpt2_set_precision(model, precision);
    model.dropout = dropout;
    TrainStepConfig cfg;
    cfg.accum_steps = accum;
    cfg.schedule.lr = 3e-3f;
    cfg.schedule.warmup = 3;
    cfg.schedule.total = 20;
    cfg.adamw.weight_decay = 0.1f;
    Stream s{random_tokens(20 * 4 * 16 + 1, 50, 3)};
    std::vector<double> losses;
    for (int step = 0; step < 20; step++)
        losses.push_back(gpt2_train_step(model, cfg, step, B, 16, [&](int* in, int* tg) { s.next(in, tg, B, 16); }).loss);
    return losses;
}

TEST_CASE("train_step/same seed, same threads: bit-identical losses over 20 steps") {
    std::vector<double> a = run20(0.1f, 1, 4), b = run20(0.1f, 1, 4);
    for (int i = 0; i < 20; i++) CHECK(a[i] == b[i]);
    CHECK(a[19] < a[0]);  // and it learns
}

TEST_CASE("train_step/same seed at 1, 2 and 4 threads, loops split or whole: bit-identical losses") {
    // ThreadCount splits every loop across the threads, however small; then 2 threads at the
    // default threshold (model/parallel.h), where this small model runs its matmuls split and
    // every other loop whole on one thread
    std::vector<std::vector<double>> runs;
    for (int threads : {1, 2, 4}) {
        ThreadCount use(threads);
        runs.push_back(run20(0.1f, 2, 2));
    }
    {
        ThreadCount use(2);
        parallel_min_work = PARALLEL_MIN_WORK;  // restored by ThreadCount
        runs.push_back(run20(0.1f, 2, 2));
    }
    for (size_t r = 1; r < runs.size(); r++)
        for (int i = 0; i < 20; i++) CHECK(runs[0][i] == runs[r][i]);
}

TEST_CASE("train_step/bf16: bit-identical at 1, 2 and 4 threads, and it tracks fp32") {
    std::vector<std::vector<double>> runs;
    for (int threads : {1, 2, 4}) {
        ThreadCount use(threads);
        runs.push_back(run20(0.1f, 2, 2, Precision::bf16));
    }
    for (size_t r = 1; r < runs.size(); r++)
        for (int i = 0; i < 20; i++) CHECK(runs[0][i] == runs[r][i]);
    // Mixed precision is an approximation of fp32 training, not a different one: the inputs of
    // every product are off by <= 2^-8 relative, the losses by much less (errors average out over
    // sums of C..4C terms), and 20 steps at lr 3e-3 cannot amplify that to a visible difference.
    // Held to 1% (the bound for 200 steps of the default run); a product fed the wrong
    // operand or a dropped block moves the loss by O(1), and a test that does not see bf16 at
    // all is caught by the second check: the runs must differ.
    std::vector<double> fp32 = run20(0.1f, 2, 2);
    bool differs = false;
    for (int i = 0; i < 20; i++) {
        CAPTURE(i);
        CHECK(std::fabs(runs[0][i] - fp32[i]) <= 0.01 * fp32[i]);
        differs = differs || runs[0][i] != fp32[i];
    }
    CHECK(differs);
    MESSAGE("step 20 loss: fp32 " << fp32[19] << ", bf16 " << runs[0][19]);
}

TEST_CASE("train_step/gradient accumulation over k micro-batches equals one batch k times larger") {
    const int T = 8, V = 40;
    std::vector<int> tokens = random_tokens(4 * T + 1, V, 5);
    // the same 4 sequences: once as B=4, once as 4 micro-batches of B=1
    std::vector<int> in4(4 * T), tg4(4 * T);
    for (int b = 0; b < 4; b++)
        for (int t = 0; t < T; t++) {
            in4[b * T + t] = tokens[b * T + t];
            tg4[b * T + t] = tokens[b * T + t + 1];
        }
    GPT2 big, small;
    gpt2_build_from_descriptor(big, "l2h2c16", T, V, 9);
    gpt2_build_from_descriptor(small, "l2h2c16", T, V, 9);
    TrainStepConfig cfg;
    cfg.grad_clip = 0.0f;  // compare raw gradients
    StepResult rb = gpt2_train_step(big, cfg, 0, 4, T, [&](int* in, int* tg) {
        std::copy(in4.begin(), in4.end(), in);
        std::copy(tg4.begin(), tg4.end(), tg);
    });
    cfg.accum_steps = 4;
    int micro = 0;
    StepResult rs = gpt2_train_step(small, cfg, 0, 1, T, [&](int* in, int* tg) {
        std::copy(in4.begin() + micro * T, in4.begin() + (micro + 1) * T, in);
        std::copy(tg4.begin() + micro * T, tg4.begin() + (micro + 1) * T, tg);
        micro++;
    });
    CHECK(rs.loss == doctest::Approx(rb.loss).epsilon(1e-6));
    CHECK(rs.norm == doctest::Approx(rb.norm).epsilon(1e-5));
    // float sums in another order: agreement to a few ulps of the largest gradient
    check_tensor("grads (accumulated vs one batch)", small.grads_memory.data(), big.grads_memory.data(),
                 big.num_parameters, TOL_LAYER);
    check_tensor("params after the step", small.params_memory.data(), big.params_memory.data(), big.num_parameters,
                 TOL_LAYER);
}

// ----------------------------------------------------------------------------
// finite differences on the whole model

// For each parameter tensor, the directional derivative along u = g/|g| (g: that tensor's
// backprop gradient) by central differences, compared with g.u = |g|. Returns the worst
// relative error over tensors. Directions, not single elements: a float32 loss has ~1e-7
// relative rounding, which single-element differences of small gradients cannot resolve.
static double gradcheck(GPT2& model, const std::vector<float>& grads, const std::vector<int>& in,
                        const std::vector<int>& tg, int B, int T) {
    double worst = 0;
    size_t offset = 0;
    for (const ParameterInfo& e : model.param_table) {
        const float* g = grads.data() + offset;
        double norm = 0;
        for (size_t i = 0; i < e.count; i++) norm += (double)g[i] * g[i];
        norm = std::sqrt(norm);
        if (norm > 1e-4) {
            // A 4-point stencil along a unit direction, eps 1e-2: truncation error O(eps^4)
            // (~1e-8) and float rounding of the loss (~1e-7 relative, over 12 eps) leave
            // about 1e-5 absolute error, so the tolerance below (1e-3 relative) has room.
            const double eps = 1e-2;
            std::vector<float> saved(model.params_memory.begin() + offset, model.params_memory.begin() + offset + e.count);
            float* p = model.params_memory.data() + offset;
            auto loss_at = [&](double h) {  // loss with this tensor moved by h along g/|g|
                for (size_t i = 0; i < e.count; i++) p[i] = saved[i] + (float)(h * g[i] / norm);
                return loss_of(model, in.data(), tg.data(), B, T);
            };
            double fd = (8 * (loss_at(eps) - loss_at(-eps)) - (loss_at(2 * eps) - loss_at(-2 * eps))) / (12 * eps);
            std::copy(saved.begin(), saved.end(), p);
            double rel = std::fabs(fd - norm) / norm;
            MESSAGE(std::string(e.name) << ": |g| " << norm << " finite difference " << fd << " rel err " << rel);
            worst = std::max(worst, rel);
        }
        offset += e.count;
    }
    return worst;
}



TEST_CASE("train_step/finite differences agree with backward for the whole model") {
    const int B = 2, T = 5, V = 37;  // V=37 pads to Vp=128: padding must stay out of the loss
    GPT2 model;
    gpt2_build_from_descriptor(model, "l2h2c16", 8, V, 3);
    // move off the symmetric init (zero biases, unit LayerNorm) so every tensor has a gradient
    std::mt19937 gen(4);
    std::normal_distribution<float> noise(0.0f, 0.05f);
    for (float& p : model.params_memory) p += noise(gen);
    for (size_t i = (size_t)V * 16; i < (size_t)128 * 16; i++) model.params.wte[i] = 0.0f;  // padded rows
    std::vector<int> in = random_tokens(B * T, V, 8), tg = random_tokens(B * T, V, 9);
    gpt2_forward(model, in.data(), tg.data(), B, T);
    gpt2_zero_grad(model);
    gpt2_backward(model);
    std::vector<float> grads = model.grads_memory;
    double worst = gradcheck(model, grads, in, tg, B, T);
    CHECK(worst < 1e-3);
    // and the check can fail: a gradient 5% off in one tensor (wpe) is caught
    std::vector<float> wrong = grads;
    for (size_t i = 0; i < model.param_table[1].count; i++) wrong[model.param_table[0].count + i] *= 1.05f;
    CHECK(gradcheck(model, wrong, in, tg, B, T) > 1e-2);
    // random directions: every tensor probed, within TOL_DIRECTION for backward's gradient
    size_t probed = 0;
    CHECK(random_direction_check(model, grads, in.data(), tg.data(), B, T, &probed) < TOL_DIRECTION);
    CHECK(probed == model.param_table.size());
    // a wrong backward is caught: (a) g + e with e orthogonal to g in every tensor, |e| = 7% of |g|
    std::mt19937 gen_e(17);
    std::normal_distribution<double> normal(0.0, 1.0);
    std::vector<float> orthogonal = grads;
    size_t offset = 0;
    for (const ParameterInfo& e : model.param_table) {
        const float* g = grads.data() + offset;
        std::vector<double> r(e.count);
        double rg = 0, gg = 0;
        for (size_t i = 0; i < e.count; i++) {
            r[i] = normal(gen_e);
            rg += r[i] * g[i];
            gg += (double)g[i] * g[i];
        }
        double rr = 0;  // r minus its component along g: r.g = 0
        for (size_t i = 0; i < e.count; i++) {
            r[i] -= rg / gg * g[i];
            rr += r[i] * r[i];
        }
        for (size_t i = 0; i < e.count; i++) orthogonal[offset + i] += (float)(0.07 * std::sqrt(gg / rr) * r[i]);
        offset += e.count;
    }
    CHECK(random_direction_check(model, orthogonal, in.data(), tg.data(), B, T, &probed) > 2 * TOL_DIRECTION);
    // (b) the whole gradient scaled by 1.05
    std::vector<float> scaled = grads;
    for (float& x : scaled) x *= 1.05f;
    CHECK(random_direction_check(model, scaled, in.data(), tg.data(), B, T, &probed) > 2 * TOL_DIRECTION);
}

// ----------------------------------------------------------------------------
// every bit of --seed reaches dropout's masks (gpt2_dropout_key)

// One training step with dropout 0.1 from the same weights and batch, with dropout seed `seed`;
// returns the loss followed by every parameter gradient (after the step, before the next).
static std::vector<double> one_dropout_step(uint64_t seed) {
    const int B = 2, T = 8, V = 40;
    GPT2 model;
    gpt2_build_from_descriptor(model, "l2h2c16", T, V, 5);  // the weights do not depend on `seed`
    model.dropout = 0.1f;
    TrainStepConfig cfg;
    cfg.seed = seed;
    cfg.grad_clip = 0.0f;  // raw gradients
    std::vector<int> tokens = random_tokens(B * T + 1, V, 6);
    StepResult r = gpt2_train_step(model, cfg, 0, B, T, [&](int* in, int* tg) { Stream{tokens}.next(in, tg, B, T); });
    std::vector<double> out = {r.loss};
    out.insert(out.end(), model.grads_memory.begin(), model.grads_memory.end());
    return out;
}

TEST_CASE("train_step/dropout masks depend on every bit of the seed") {
    const std::vector<double> a = one_dropout_step(1);
    // the same seed: the same masks, so the same loss and gradients, bit for bit
    CHECK(one_dropout_step(1) == a);
    // seeds that agree in their low 16 bits (65537 = 2^16 + 1), and in all but bit 63: other masks.
    // Both were equal under the old derivation (seed << 32, then << 16), which kept only the low 16 bits.
    for (uint64_t other : {(uint64_t)65537, (uint64_t)(1 + (1ull << 63))}) {
        const std::vector<double> b = one_dropout_step(other);
        INFO("seed 1 vs " << other << ": loss " << a[0] << " vs " << b[0]);
        CHECK(b[0] != a[0]);
        CHECK(std::vector<double>(b.begin() + 1, b.end()) != std::vector<double>(a.begin() + 1, a.end()));
    }
}

TEST_CASE("train_step/gpt2_dropout_key mixes every bit of the seed and of the micro-batch") {
    // one flipped input bit changes the key, at any of the 64 positions of either argument
    const uint64_t key = gpt2_dropout_key(1, 0);
    for (int bit = 0; bit < 64; bit++) {
        INFO("bit " << bit);
        CHECK(gpt2_dropout_key(1 ^ (1ull << bit), 0) != key);
        CHECK(gpt2_dropout_key(1, 1ull << bit) != key);
    }
}

// ----------------------------------------------------------------------------
// -r (recompute): the same arithmetic again, so the same bits

// 12 steps with dropout 0.1, 2 micro-batches (the same two each step, so it learns) at -r `recompute`;
// the losses, then the parameters. l3h2c32: an odd L (the gradient buffers' swap), 3 blocks to recompute.
static std::vector<double> run_recompute(int recompute, Precision precision, size_t* activations) {
    const int B = 2, T = 16, V = 50;
    GPT2 model;
    gpt2_build_from_descriptor(model, "l3h2c32", T, V, 21);
    gpt2_set_precision(model, precision);
    model.dropout = 0.1f;
    model.recompute = recompute;
    TrainStepConfig cfg;
    cfg.accum_steps = 2;
    cfg.schedule.lr = 3e-3f;
    cfg.adamw.weight_decay = 0.1f;
    const std::vector<int> tokens = random_tokens(2 * B * T + 1, V, 4);
    std::vector<double> out;
    for (int step = 0; step < 12; step++) {
        Stream s{tokens};
        out.push_back(gpt2_train_step(model, cfg, step, B, T, [&](int* in, int* tg) { s.next(in, tg, B, T); }).loss);
    }
    out.insert(out.end(), model.params_memory.begin(), model.params_memory.end());
    *activations = model.num_activations;
    return out;
}

TEST_CASE("train_step/-r 0, 1, 2: bit-identical losses and parameters, with fewer activations kept") {
    for (Precision precision : {Precision::fp32, Precision::bf16}) {
        size_t acts[3];
        std::vector<double> runs[3];
        for (int r = 0; r < 3; r++) runs[r] = run_recompute(r, precision, &acts[r]);
        for (int r = 1; r < 3; r++) {
            INFO("-r " << r << " against -r 0, " << (precision == Precision::bf16 ? "bf16" : "fp32"));
            CHECK(runs[r] == runs[0]);  // 12 losses, then every parameter
        }
        CHECK(runs[0][11] < runs[0][0]);  // it learns
        CHECK(acts[1] < acts[0]);         // and recomputes: fewer floats kept
        CHECK(acts[2] < acts[1]);
    }
}

TEST_CASE("train_step/gpt2_memory counts what -r allocates") {
    const int B = 3, T = 20;
    for (int r = 0; r < 3; r++) {
        GPT2 model;
        gpt2_build_from_descriptor(model, "l3h2c32", T, 300, 1);
        model.recompute = r;
        gpt2_allocate_activations(model, B, T);
        const GPT2Memory mem = gpt2_memory(model.config, B, T, r, Precision::fp32);
        CHECK(mem.acts == model.num_activations);
        CHECK(mem.params == model.num_parameters);
        CHECK(mem.params_bf16 == 0);
        CHECK(gpt2_memory(model.config, B, T, r, Precision::bf16).params_bf16 * 2 >= model.num_parameters);
    }
    // a model allocated for one -r refuses to run at another
    GPT2 model;
    gpt2_build_from_descriptor(model, "l3h2c32", T, 300, 1);
    std::vector<int> tokens(B * T, 1);
    gpt2_forward(model, tokens.data(), tokens.data(), B, T);
    model.recompute = 2;
    CHECK(error_of([&] { gpt2_forward(model, tokens.data(), tokens.data(), B, T); }) ==
          "model activations were allocated for -r 0, got -r 2");
}
