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
