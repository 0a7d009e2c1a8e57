// test_adamw.cpp: model/adamw: the AdamW update (weight decay on some tensors, not others), the
// global gradient norm and gradient clipping. First by hand from the formulas, two elements over three
// steps, then against torch.optim.AdamW and clip_grad_norm_ (dev/reference/adamw.py).
// Hand values are worked in double in the test; the update runs in float, so they agree to a
// few float roundings: TOL_LAYER.
#include "model/train/adamw.h"
#include "test/check.h"
#include "test/fixture.h"
#include "test/layer_check.h"

#include <cmath>  // std::sqrt
#include <vector>

TEST_CASE("adamw/update by hand") {
    // element 0 is a weight (decayed, wd 0.1), element 1 a bias (wd 0), each updated as its own
    // tensor as gpt2_update does; AdamWConfig's defaults beta1 0.9, beta2 0.95, eps 1e-8.
    // Three steps with lr 0.1, 0.05, 0.02.
    AdamWConfig cfg;
    REQUIRE(cfg.beta1 == 0.9f);
    REQUIRE(cfg.beta2 == 0.95f);
    REQUIRE(cfg.eps == 1e-8f);
    const float wd[2] = {0.1f, 0.0f};
    std::vector<float> params = {1.0f, -2.0f}, m(2), v(2);
    const float grads[3][2] = {{0.5f, 0.1f}, {-0.3f, 0.2f}, {0.2f, -0.4f}};
    const float lrs[3] = {0.1f, 0.05f, 0.02f};
    // Per step, in this order (PyTorch's AdamW):
    //   p *= 1 - lr*wd (wd = 0: no decay);  m = b1*m + (1-b1)*g;  v = b2*v + (1-b2)*g^2
    //   mhat = m / (1 - b1^t);  vhat = v / (1 - b2^t);  p -= lr * mhat / (sqrt(vhat) + eps)
    double want_p[3][2], want_m[3][2], want_v[3][2];
    // step t=1, lr=0.1
    //   element 0: p = 1*(1 - 0.01) = 0.99; m = 0.1*0.5 = 0.05; v = 0.05*0.25 = 0.0125
    //              mhat = 0.05/0.1 = 0.5; vhat = 0.0125/0.05 = 0.25; p = 0.99 - 0.1*0.5/(0.5 + 1e-8)
    want_m[0][0] = 0.05, want_v[0][0] = 0.0125;
    want_p[0][0] = 0.99 - 0.1 * 0.5 / (0.5 + 1e-8);  // 0.890000002
    //   element 1 (no decay): m = 0.1*0.1 = 0.01; v = 0.05*0.01 = 0.0005; mhat = 0.1; vhat = 0.01
    want_m[0][1] = 0.01, want_v[0][1] = 0.0005;
    want_p[0][1] = -2.0 - 0.1 * 0.1 / (0.1 + 1e-8);  // -2.09999999
    // step t=2, lr=0.05: bias corrections 1 - 0.9^2 = 0.19 and 1 - 0.95^2 = 0.0975
    //   element 0: p = 0.890000002*(1 - 0.005); m = 0.9*0.05 - 0.1*0.3 = 0.015
    //              v = 0.95*0.0125 + 0.05*0.09 = 0.016375
    want_m[1][0] = 0.015, want_v[1][0] = 0.016375;
    want_p[1][0] = want_p[0][0] * 0.995 - 0.05 * (0.015 / 0.19) / (std::sqrt(0.016375 / 0.0975) + 1e-8);  // 0.875917939
    //   element 1: m = 0.9*0.01 + 0.1*0.2 = 0.029; v = 0.95*0.0005 + 0.05*0.04 = 0.002475
    want_m[1][1] = 0.029, want_v[1][1] = 0.002475;
    want_p[1][1] = want_p[0][1] - 0.05 * (0.029 / 0.19) / (std::sqrt(0.002475 / 0.0975) + 1e-8);  // -2.14789928
    // step t=3, lr=0.02: bias corrections 1 - 0.9^3 = 0.271 and 1 - 0.95^3 = 0.142625
    //   element 0: m = 0.9*0.015 + 0.1*0.2 = 0.0335; v = 0.95*0.016375 + 0.05*0.04 = 0.01755625
    want_m[2][0] = 0.0335, want_v[2][0] = 0.01755625;
    want_p[2][0] = want_p[1][0] * 0.998 - 0.02 * (0.0335 / 0.271) / (std::sqrt(0.01755625 / 0.142625) + 1e-8);  // 0.867119376
    //   element 1: m = 0.9*0.029 - 0.1*0.4 = -0.0139; v = 0.95*0.002475 + 0.05*0.16 = 0.01035125
    want_m[2][1] = -0.0139, want_v[2][1] = 0.01035125;
    want_p[2][1] = want_p[1][1] - 0.02 * (-0.0139 / 0.271) / (std::sqrt(0.01035125 / 0.142625) + 1e-8);  // -2.144091456
    for (int s = 0; s < 3; s++) {
        CAPTURE(s);
        for (int e = 0; e < 2; e++)
            adamw_update(&params[e], &grads[s][e], &m[e], &v[e], 1, lrs[s], cfg, wd[e], s + 1);
        const float p[2] = {(float)want_p[s][0], (float)want_p[s][1]};
        const float mm[2] = {(float)want_m[s][0], (float)want_m[s][1]};
        const float vv[2] = {(float)want_v[s][0], (float)want_v[s][1]};
        check_tensor("params", params.data(), p, 2, TOL_LAYER);
        check_tensor("m", m.data(), mm, 2, TOL_LAYER);
        check_tensor("v", v.data(), vv, 2, TOL_LAYER);
    }
}

TEST_CASE("adamw/update by hand: eps where v is tiny") {
    // a gradient of 1e-8 (a rarely used embedding row): step 1 gives mhat = 1e-8, vhat = 1e-16,
    // so sqrt(vhat) = 1e-8 = eps and p = 0 - lr * 1e-8 / (1e-8 + 1e-8) = -lr/2. Putting eps inside
    // the sqrt (sqrt(vhat + eps) ~ 1e-4) would move p by only lr * 1e-4.
    float p = 0.0f, m = 0.0f, v = 0.0f;
    const float g = 1e-8f;
    adamw_update(&p, &g, &m, &v, 1, 0.1f, AdamWConfig{}, 0.0f, 1);
    CHECK(p == doctest::Approx(-0.05).epsilon(1e-5));
}

TEST_CASE("adamw/update against torch.optim.AdamW") {
    Fixture fx = fixture_load("adamw");
    const int S = 3, N = 17;  // as in dev/reference/adamw.py
    require_shape(fx, "params0", {N});
    require_shape(fx, "grads", {S, N});
    require_shape(fx, "params", {S, N});
    require_shape(fx, "sizes", {2});
    std::vector<float> params = fx.f("params0"), m(N), v(N);
    for (int s = 0; s < S; s++) {
        CAPTURE(s);
        // tensor by tensor, each with its own weight decay, as gpt2_update walks the parameter table
        size_t offset = 0;
        for (int k = 0; k < 2; k++) {
            const size_t n = (size_t)fx.i("sizes")[k];
            adamw_update(params.data() + offset, fx.f("grads").data() + (size_t)s * N + offset, m.data() + offset,
                         v.data() + offset, n, fx.f("lrs")[s], AdamWConfig{}, fx.f("wd")[k], s + 1);
            offset += n;
        }
        REQUIRE(offset == (size_t)N);
        check_tensor("params", params.data(), fx.f("params").data() + (size_t)s * N, N, TOL_LAYER);
    }
    check_tensor("m", m.data(), fx.f("m").data(), N, TOL_LAYER);
    check_tensor("v", v.data(), fx.f("v").data(), N, TOL_LAYER);
}

TEST_CASE("adamw/grad_norm") {
    // by hand: |(3, 4)| = 5
    const float g[2] = {3.0f, 4.0f};
    CHECK(grad_norm(g, 2) == 5.0);
    // accumulated in double: 2^20 equal squares summed in float would drift by ~1e-3 relative
    std::vector<float> many((size_t)1 << 20, 1e-3f);
    const double want = std::sqrt((double)many.size() * (double)many[0] * (double)many[0]);
    CHECK(grad_norm(many.data(), many.size()) == doctest::Approx(want).epsilon(1e-9));
    // against clip_grad_norm_'s total norm (a float32 computation in PyTorch)
    Fixture fx = fixture_load("adamw");
    const std::vector<float>& in = fx.f("clip_in");
    CHECK(grad_norm(in.data(), in.size()) == doctest::Approx(fx.f("clip_norm")[0]).epsilon(TOL_LAYER));
}

TEST_CASE("adamw/clip_grads") {
    // by hand: norm 5, max_norm 1 -> scale 1/(5 + 1e-6), PyTorch's clip_grad_norm_ rule
    float g[2] = {3.0f, 4.0f};
    clip_grads(g, 2, 5.0, 1.0f);
    const float want[2] = {(float)(3.0 / (5.0 + 1e-6)), (float)(4.0 / (5.0 + 1e-6))};  // 0.59999988, 0.79999984
    check_tensor("clipped", g, want, 2, TOL_LAYER);
    // max_norm above the norm, or max_norm <= 0 (clipping off): untouched, bit for bit
    for (float max_norm : {10.0f, 0.0f, -1.0f}) {
        CAPTURE(max_norm);
        float h[2] = {3.0f, 4.0f};
        clip_grads(h, 2, 5.0, max_norm);
        CHECK(h[0] == 3.0f);
        CHECK(h[1] == 4.0f);
    }
    // against clip_grad_norm_, one max_norm that clips and one that does not
    Fixture fx = fixture_load("adamw");
    for (int k = 0; k < 2; k++) {
        CAPTURE(k);
        std::vector<float> grads = fx.f("clip_in");
        clip_grads(grads.data(), grads.size(), grad_norm(grads.data(), grads.size()), fx.f("clip_max")[k]);
        check_tensor("clip_out", grads.data(), fx.f("clip_out").data() + k * grads.size(), grads.size(), TOL_LAYER);
    }
}

// ----------------------------------------------------------------------------
// the plain versions: against PyTorch, then the fast ones against them

TEST_CASE("adamw/naive against torch.optim.AdamW and clip_grad_norm_") {
    Fixture fx = fixture_load("adamw");
    const int S = 3, N = 17;  // as in dev/reference/adamw.py
    require_shape(fx, "params", {S, N});
    std::vector<float> params = fx.f("params0"), m(N), v(N);
    for (int s = 0; s < S; s++) {
        CAPTURE(s);
        size_t offset = 0;
        for (int k = 0; k < 2; k++) {
            const size_t n = (size_t)fx.i("sizes")[k];
            adamw_update_naive(params.data() + offset, fx.f("grads").data() + (size_t)s * N + offset,
                               m.data() + offset, v.data() + offset, n, fx.f("lrs")[s], AdamWConfig{}, fx.f("wd")[k],
                               s + 1);
            offset += n;
        }
        check_tensor("params", params.data(), fx.f("params").data() + (size_t)s * N, N, TOL_LAYER);
    }
    check_tensor("m", m.data(), fx.f("m").data(), N, TOL_LAYER);
    check_tensor("v", v.data(), fx.f("v").data(), N, TOL_LAYER);
    const std::vector<float>& in = fx.f("clip_in");
    CHECK(grad_norm_naive(in.data(), in.size()) == doctest::Approx(fx.f("clip_norm")[0]).epsilon(TOL_LAYER));
}

TEST_CASE("adamw/update fast against naive") {
    // n = 2*1024 + 77: two of adamw_update's 1024-element chunks and a remainder that is not a
    // multiple of 8 or 16. Every 7th gradient is ~1e-8, where sqrt(vhat) ~ eps and eps decides
    // the step. Params 0.05*U(-1,1) and lr 1e-2, so each step moves them by ~lr, a visible part
    // of their size. Three steps, with and without weight decay.
    const size_t n = 2 * 1024 + 77;
    for (float wd : {0.0f, 0.1f}) {
        CAPTURE(wd);
        std::vector<float> params = random_floats(n, 15, 0.05f), m(n), v(n);
        std::vector<float> fparams = params, fm(n), fv(n);
        for (int t = 1; t <= 3; t++) {
            CAPTURE(t);
            std::vector<float> grads = random_floats(n, 15 + t);
            for (size_t i = 0; i < n; i += 7) grads[i] *= 1e-8f;
            adamw_update_naive(params.data(), grads.data(), m.data(), v.data(), n, 1e-2f, AdamWConfig{}, wd, t);
            adamw_update(fparams.data(), grads.data(), fm.data(), fv.data(), n, 1e-2f, AdamWConfig{}, wd, t);
            // Tolerance: the plain step is the textbook formula in double, the fast one PyTorch's
            // order in float; they differ by a few float roundings of each quantity, ~4u = 2.4e-7
            // of the scale, growing by at most that per step. 1e-6 over three steps: ~1.5x above
            // the worst case of that estimate, while a wrong bias correction or eps is off by a
            // step, lr = 1e-2, i.e. ~10% of the scale of the params.
            check_plain("params", fparams, params, 1e-6f);
            check_plain("m", fm, m, 1e-6f);
            check_plain("v", fv, v, 1e-6f);
        }
    }
}

TEST_CASE("adamw/grad_norm fast against naive") {
    // n = 5: most of grad_norm's 64 blocks empty; n = 64*37 + 5: blocks of 38, 8 lanes + 6,
    // the last block short. Terms are all positive, so each double sum is within n * 2^-53
    // relative of the exact one (recursive summation), and the two of each other within twice that.
    for (size_t n : {(size_t)5, (size_t)(64 * 37 + 5)}) {
        CAPTURE(n);
        const std::vector<float> g = random_floats(n, 20);
        const double plain = grad_norm_naive(g.data(), n), fast = grad_norm(g.data(), n);
        CHECK(std::fabs(fast - plain) <= 2.0 * n * std::ldexp(1.0, -53) * plain);
    }
}

TEST_CASE("adamw/gpt2_update_cuts: a tensor's start or a chunk into it, after n*r/shards") {
    GPT2 model;
    gpt2_build_from_descriptor(model, "l2h2c32", 16, 32, 7);
    const size_t n = model.num_parameters;  // 30080 (V=32 padded to Vp=128, maxT=16, C=32, L=2)
    // the offsets: wte 0 (4096), wpe 4096 (512), ln1w 4608, ln1b 4672, qkvw 4736 (6144), qkvb 10880,
    // attprojw 11072 (2048), attprojb 13120, ln2w 13184, ln2b 13248, fcw 13312 (8192), ...
    // n/3 = 10026 is 5290 into qkvw: its next chunk start, 6144 in, is its end, 10880;
    // 2n/3 = 20053 is 6741 into fcw: its next chunk start is 7168 in, 20480
    CHECK(gpt2_update_cuts(model, 1) == std::vector<size_t>{0, n});
    std::vector<size_t> three = gpt2_update_cuts(model, 3);
    REQUIRE(three.size() == 4);
    CHECK(three[0] == 0);
    CHECK(three[1] == 10880);
    CHECK(three[2] == 20480);
    CHECK(three[3] == n);
}

// subtle: with cuts anywhere else (say n/3 exactly), a weight moved by an ulp: a chunk's last
// elements run adamw_update's tail loop, which rounds (fused multiply-add or not) otherwise
TEST_CASE("adamw/gpt2_update_shard: three shards (ZeRO-1's) update the same bits as the whole model") {
    // cuts inside tensors, so a tensor's weight decay and its m, v offsets are cut in two; three
    // steps with weight decay 0.1
    GPT2 whole, sharded;
    gpt2_build_from_descriptor(whole, "l2h2c32", 16, 32, 7);
    gpt2_build_from_descriptor(sharded, "l2h2c32", 16, 32, 7);
    const size_t n = whole.num_parameters;
    const std::vector<size_t> cut = gpt2_update_cuts(whole, 3);
    AdamWConfig cfg;
    cfg.weight_decay = 0.1f;
    std::vector<float> m[3], v[3];  // each shard's moments, as each rank keeps them
    for (int t = 1; t <= 3; t++) {
        whole.grads_memory = sharded.grads_memory = random_floats(n, 40 + t);
        gpt2_update(whole, 1e-2f, cfg, t);
        for (int s = 0; s < 3; s++) {
            sharded.m_memory = m[s], sharded.v_memory = v[s];
            gpt2_update_shard(sharded, 1e-2f, cfg, t, cut[s], cut[s + 1]);
            m[s] = sharded.m_memory, v[s] = sharded.v_memory;
            CHECK(m[s].size() == cut[s + 1] - cut[s]);
        }
    }
    std::vector<float> all_m, all_v;
    for (int s = 0; s < 3; s++) all_m.insert(all_m.end(), m[s].begin(), m[s].end()), all_v.insert(all_v.end(), v[s].begin(), v[s].end());
    check_tensor_abs("params", sharded.params_memory.data(), whole.params_memory.data(), n, 0.0);  // element-wise: no bit moves
    check_tensor_abs("m", all_m.data(), whole.m_memory.data(), n, 0.0);
    check_tensor_abs("v", all_v.data(), whole.v_memory.data(), n, 0.0);
}
