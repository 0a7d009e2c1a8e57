// test_layernorm.cpp: model/layernorm against PyTorch (dev/reference/layernorm.py writes the
// fixture), against finite differences of its own forward, and the += rule.
#include "model/layernorm.h"
#include "test/check.h"
#include "test/fixture.h"
#include "test/layer_check.h"

#include <vector>

namespace {
constexpr int B = 2, T = 3, C = 40;  // as in dev/reference/layernorm.py (C: 2.5 slices of 16 channels)
constexpr size_t BTC = (size_t)B * T * C;

Fixture load() {
    Fixture fx = fixture_load("layernorm");
    require_shape(fx, "inp", {B, T, C});
    require_shape(fx, "weight", {C});
    require_shape(fx, "bias", {C});
    require_shape(fx, "mean", {B, T});
    require_shape(fx, "rstd", {B, T});
    require_shape(fx, "dout", {B, T, C});
    return fx;
}

// one backward from zeroed gradients (or on top of the given ones), with the fixture's caches
void backward(const Fixture& fx, std::vector<float>& dinp, std::vector<float>& dweight, std::vector<float>& dbias) {
    layernorm_backward(dinp.data(), dweight.data(), dbias.data(), fx.f("dout").data(), fx.f("inp").data(),
                       fx.f("weight").data(), fx.f("mean").data(), fx.f("rstd").data(), B, T, C);
}
}  // namespace

TEST_CASE("layernorm/forward") {
    Fixture fx = load();
    std::vector<float> out(BTC), mean(B * T), rstd(B * T);
    layernorm_forward(out.data(), mean.data(), rstd.data(), fx.f("inp").data(), fx.f("weight").data(),
                      fx.f("bias").data(), B, T, C);
    check_tensor("out", out.data(), fx.f("out").data(), BTC, TOL_LAYER);
    check_tensor("mean", mean.data(), fx.f("mean").data(), B * T, TOL_LAYER);
    check_tensor("rstd", rstd.data(), fx.f("rstd").data(), B * T, TOL_LAYER);
}

TEST_CASE("layernorm/backward") {
    Fixture fx = load();
    std::vector<float> dinp(BTC), dweight(C), dbias(C);
    backward(fx, dinp, dweight, dbias);
    check_tensor("dinp", dinp.data(), fx.f("dinp").data(), BTC, TOL_LAYER);
    check_tensor("dweight", dweight.data(), fx.f("dweight").data(), C, TOL_LAYER);
    check_tensor("dbias", dbias.data(), fx.f("dbias").data(), C, TOL_LAYER);
}

TEST_CASE("layernorm/backward finite differences") {
    Fixture fx = load();
    std::vector<float> inp = fx.f("inp"), weight = fx.f("weight"), bias = fx.f("bias");
    const std::vector<float>& dout = fx.f("dout");
    std::vector<float> out(BTC), mean(B * T), rstd(B * T);
    auto loss = [&]() {
        layernorm_forward(out.data(), mean.data(), rstd.data(), inp.data(), weight.data(), bias.data(), B, T, C);
        return dot_loss(out.data(), dout.data(), BTC);
    };
    loss();  // the caches backward reads, from our own forward
    std::vector<float> dinp(BTC), dweight(C), dbias(C);
    layernorm_backward(dinp.data(), dweight.data(), dbias.data(), dout.data(), inp.data(), weight.data(),
                       mean.data(), rstd.data(), B, T, C);
    check_gradient_fd("dinp", dinp.data(), inp.data(), BTC, loss);
    check_gradient_fd("dweight", dweight.data(), weight.data(), C, loss);
    check_gradient_fd("dbias", dbias.data(), bias.data(), C, loss);
}

TEST_CASE("layernorm/backward accumulates") {
    Fixture fx = load();
    std::vector<float> dinp1(BTC), dweight1(C), dbias1(C);
    backward(fx, dinp1, dweight1, dbias1);
    std::vector<float> dinp2(BTC), dweight2(C), dbias2(C);
    backward(fx, dinp2, dweight2, dbias2);
    backward(fx, dinp2, dweight2, dbias2);
    check_accumulates("dinp", dinp1, dinp2);
    check_accumulates("dweight", dweight1, dweight2);
    check_accumulates("dbias", dbias1, dbias2);
}

// ----------------------------------------------------------------------------
// the plain version: against PyTorch, then the fast one against it

TEST_CASE("layernorm/naive against PyTorch") {
    Fixture fx = load();
    std::vector<float> out(BTC), mean(B * T), rstd(B * T);
    layernorm_forward_naive(out.data(), mean.data(), rstd.data(), fx.f("inp").data(), fx.f("weight").data(),
                            fx.f("bias").data(), B, T, C);
    check_tensor("out", out.data(), fx.f("out").data(), BTC, TOL_LAYER);
    check_tensor("mean", mean.data(), fx.f("mean").data(), B * T, TOL_LAYER);
    check_tensor("rstd", rstd.data(), fx.f("rstd").data(), B * T, TOL_LAYER);
    std::vector<float> dinp(BTC), dweight(C), dbias(C);
    layernorm_backward_naive(dinp.data(), dweight.data(), dbias.data(), fx.f("dout").data(), fx.f("inp").data(),
                             fx.f("weight").data(), fx.f("mean").data(), fx.f("rstd").data(), B, T, C);
    check_tensor("dinp", dinp.data(), fx.f("dinp").data(), BTC, TOL_LAYER);
    check_tensor("dweight", dweight.data(), fx.f("dweight").data(), C, TOL_LAYER);
    check_tensor("dbias", dbias.data(), fx.f("dbias").data(), C, TOL_LAYER);
}

TEST_CASE("layernorm/fast against naive") {
    // C=37: four rounds of reduce.h's 8 lanes plus a remainder of 5, and two 16-channel slices of
    // dweight/dbias plus a remainder of 5. T=19, B=2. Inputs 2*U(-1,1) + 0.7: a mean away from 0,
    // so the variance is a difference of unequal terms.
    ThreadCount split(3);  // every loop across 3 threads, however small (model/parallel.h)
    const int b = 2, t = 19, c = 37;
    const size_t btc = (size_t)b * t * c;
    std::vector<float> inp = random_floats(btc, 10, 2.0f);
    for (float& x : inp) x += 0.7f;
    const std::vector<float> weight = random_floats(c, 11), bias = random_floats(c, 12), dout = random_floats(btc, 13);
    std::vector<float> out(btc), mean(b * t), rstd(b * t), fout(btc), fmean(b * t), frstd(b * t);
    layernorm_forward_naive(out.data(), mean.data(), rstd.data(), inp.data(), weight.data(), bias.data(), b, t, c);
    layernorm_forward(fout.data(), fmean.data(), frstd.data(), inp.data(), weight.data(), bias.data(), b, t, c);
    // Tolerance, forward: mean and variance are double sums in two orders (equal to ~1e-16), so
    // mean and rstd round to the same float or the next one; out then differs by a few float
    // roundings of its three operations: ~3u = 2e-7 of the scale. 1e-6 leaves 5x.
    check_plain("out", fout, out, 1e-6f);
    check_plain("mean", fmean, mean, 1e-6f);
    check_plain("rstd", frstd, rstd, 1e-6f);
    // backward, both from the plain forward's caches, into gradients that already hold 0.5 (adds)
    std::vector<float> dinp(btc, 0.5f), dweight(c, 0.5f), dbias(c, 0.5f);
    std::vector<float> fdinp = dinp, fdweight = dweight, fdbias = dbias;
    layernorm_backward_naive(dinp.data(), dweight.data(), dbias.data(), dout.data(), inp.data(), weight.data(),
                             mean.data(), rstd.data(), b, t, c);
    layernorm_backward(fdinp.data(), fdweight.data(), fdbias.data(), dout.data(), inp.data(), weight.data(),
                       mean.data(), rstd.data(), b, t, c);
    // Tolerance, backward: dinp is a handful of float operations per element on double means
    // (~5u = 3e-7 of the scale): 1e-6. dweight and dbias are float sums over BT = 38 positions in
    // the fast version, double in the plain one: at most (BT-1) u = 2.2e-6 of the largest partial
    // sum, itself about the scale: 3e-6 (measured: 2.4e-7).
    check_plain("dinp", fdinp, dinp, 1e-6f);
    check_plain("dweight", fdweight, dweight, 3e-6f);
    check_plain("dbias", fdbias, dbias, 3e-6f);
}
