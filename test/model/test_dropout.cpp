// test_dropout.cpp: model/dropout (inverted dropout, in place, mask hashed from (seed, index)).
// Our mask cannot equal PyTorch's random one, so the PyTorch fixture (dev/reference/dropout.py)
// pins down the rule instead: given a mask, kept elements are scaled by 1/(1-p), dropped ones are
// exactly 0, and backward routes dout through the same mask with the same scale. That rule is
// checked on PyTorch's numbers, then on ours with our mask (dropout_keep); plus the mask's
// statistics, its determinism in the seed and the thread count, and finite differences.
// No "backward accumulates" case: dropout_backward works in place, the documented exception
// to the += rule (dropout.h); "dropout/backward" checks that in-place contract instead.
#include "model/dropout.h"
#include "test/check.h"
#include "test/fixture.h"
#include "test/layer_check.h"

#include <cmath>    // std::sqrt, std::fabs
#include <cstdint>  // uint64_t
#include <vector>

namespace {
constexpr int B = 2, T = 3, C = 8;  // as in dev/reference/dropout.py
constexpr size_t N = (size_t)B * T * C;
constexpr uint64_t SEED = 1337;

Fixture load() {
    Fixture fx = fixture_load("dropout");
    require_shape(fx, "p", {1});
    require_shape(fx, "inp", {B, T, C});
    require_shape(fx, "dout", {B, T, C});
    require_shape(fx, "mask", {B, T, C});
    return fx;
}

// the rule: mask ? x / (1-p) : 0
std::vector<float> apply_mask(const std::vector<float>& x, const std::vector<int>& mask, float p) {
    std::vector<float> y(x.size());
    for (size_t i = 0; i < x.size(); i++) y[i] = mask[i] ? x[i] / (1.0f - p) : 0.0f;
    return y;
}

// our mask for the first n elements
std::vector<int> our_mask(float p, uint64_t seed, size_t n) {
    std::vector<int> mask(n);
    for (size_t i = 0; i < n; i++) mask[i] = dropout_keep(p, seed, i);
    return mask;
}
}  // namespace

TEST_CASE("dropout/forward") {
    Fixture fx = load();
    const float p = fx.f("p")[0];
    const std::vector<float>& inp = fx.f("inp");
    // the rule holds for PyTorch's own dropout
    std::vector<int> torch_mask(fx.i("mask").begin(), fx.i("mask").end());
    std::vector<float> want = apply_mask(inp, torch_mask, p);
    check_tensor("torch out = mask * inp / (1-p)", fx.f("out").data(), want.data(), N, TOL_LAYER);
    // and for ours, with the mask dropout_keep reports
    std::vector<float> x = inp;
    dropout_forward(x.data(), p, SEED, N);
    want = apply_mask(inp, our_mask(p, SEED, N), p);
    check_tensor("out = mask * inp / (1-p)", x.data(), want.data(), N, TOL_LAYER);
    // p = 0 is the identity, bit for bit (evaluation and the default training run)
    x = inp;
    dropout_forward(x.data(), 0.0f, SEED, N);
    CHECK(x == inp);
    // subtle: p = 0 returns before the mask, so the check above cannot catch a broken mask path;
    // p = 1e-30 goes through it, keeps every element (a coin below 1e-30: probability 2^-53) and
    // scales by 1/(1-p) = 1.0f exactly, so it too must be the identity, bit for bit
    x = inp;
    dropout_forward(x.data(), 1e-30f, SEED, N);
    CHECK(x == inp);
}

TEST_CASE("dropout/forward mask statistics and determinism") {
    // a large buffer of ones, so the mask can be counted: kept ~ Binomial(n, 1-p)
    const size_t n = 100000;
    const float p = 0.25f;
    std::vector<float> out(n, 1.0f), out2;
    dropout_forward(out.data(), p, SEED, n);
    size_t kept = 0, kept_first_half = 0, disagree = 0;
    for (size_t i = 0; i < n; i++) {
        disagree += (out[i] != 0.0f) != dropout_keep(p, SEED, i);
        kept += (out[i] != 0.0f);
        if (i < n / 2) kept_first_half += (out[i] != 0.0f);
    }
    CHECK(disagree == 0);  // the forward uses the mask dropout_keep reports
    // within 6 standard deviations, sqrt(n p (1-p)) = 137: a false alarm is a 1-in-10^8 event
    const double sd = std::sqrt(n * p * (1 - p));
    INFO("kept " << kept << " of " << n << ", expected " << n * (1 - p) << " +- " << sd);
    CHECK(std::fabs(kept - n * (1 - p)) < 6 * sd);
    CHECK(std::fabs(kept_first_half - n / 2 * (1 - p)) < 6 * sd);
    // the same seed gives the same mask; another seed a different one (two independent masks
    // disagree on 2p(1-p) = 37.5% of the elements)
    out2.assign(n, 1.0f);
    dropout_forward(out2.data(), p, SEED, n);
    CHECK(out2 == out);
    out2.assign(n, 1.0f);
    dropout_forward(out2.data(), p, SEED + 1, n);
    size_t differ = 0;
    for (size_t i = 0; i < n; i++) differ += (out2[i] != out[i]);
    CHECK(std::fabs(differ - n * 2 * p * (1 - p)) < 6 * std::sqrt(n * 0.375 * 0.625));
    // the same at any thread count, the loop split across them however small n is
    for (int nt : {1, 2, 3}) {
        CAPTURE(nt);
        ThreadCount use(nt);
        out2.assign(n, 1.0f);
        dropout_forward(out2.data(), p, SEED, n);
        CHECK(out2 == out);
    }
}

TEST_CASE("dropout/backward") {
    Fixture fx = load();
    const float p = fx.f("p")[0];
    // PyTorch's dinp follows the rule with its forward mask
    std::vector<int> torch_mask(fx.i("mask").begin(), fx.i("mask").end());
    std::vector<float> want = apply_mask(fx.f("dout"), torch_mask, p);
    check_tensor("torch dinp = mask * dout / (1-p)", fx.f("dinp").data(), want.data(), N, TOL_LAYER);
    // ours, in place on a copy of dout, recomputes the forward's mask from the seed
    std::vector<float> dx = fx.f("dout");
    dropout_backward(dx.data(), p, SEED, N);
    want = apply_mask(fx.f("dout"), our_mask(p, SEED, N), p);
    check_tensor("dinp = mask * dout / (1-p)", dx.data(), want.data(), N, TOL_LAYER);
    // p = 0: the gradient passes untouched; p = 1e-30 too, through the mask path (see dropout/forward)
    for (float tiny : {0.0f, 1e-30f}) {
        dx = fx.f("dout");
        dropout_backward(dx.data(), tiny, SEED, N);
        CHECK(dx == fx.f("dout"));
    }
}

TEST_CASE("dropout/backward finite differences") {
    Fixture fx = load();
    const float p = fx.f("p")[0];
    std::vector<float> inp = fx.f("inp"), out(N);
    const std::vector<float>& dout = fx.f("dout");
    auto loss = [&]() {
        out = inp;
        dropout_forward(out.data(), p, SEED, N);
        return dot_loss(out.data(), dout.data(), N);
    };
    std::vector<float> dinp = dout;
    dropout_backward(dinp.data(), p, SEED, N);
    check_gradient_fd("dinp", dinp.data(), inp.data(), N, loss);
}
