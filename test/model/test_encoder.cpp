// test_encoder.cpp: model/encoder (token + position embedding) against PyTorch
// (dev/reference/encoder.py), against finite differences of its own forward, and the += rule.
// The fixture repeats one token id, so dwte must add, not store; maxT=5 > T=3 and Vp=16 > V=10,
// so rows that no position uses must keep a zero gradient.
#include "model/encoder.h"
#include "test/check.h"
#include "test/fixture.h"
#include "test/layer_check.h"

#include <vector>

namespace {
constexpr int B = 2, T = 3, C = 40, Vp = 16, maxT = 5;  // as in dev/reference/encoder.py (V = 10)
constexpr size_t BTC = (size_t)B * T * C, WTE = (size_t)Vp * C, WPE = (size_t)maxT * C;

Fixture load() {
    Fixture fx = fixture_load("encoder");
    require_shape(fx, "inp", {B, T});
    require_shape(fx, "wte", {Vp, C});
    require_shape(fx, "wpe", {maxT, C});
    require_shape(fx, "dout", {B, T, C});
    return fx;
}

void backward(const Fixture& fx, std::vector<float>& dwte, std::vector<float>& dwpe) {
    encoder_backward(dwte.data(), dwpe.data(), fx.f("dout").data(), fx.i("inp").data(), B, T, C);
}
}  // namespace

TEST_CASE("encoder/forward") {
    Fixture fx = load();
    std::vector<float> out(BTC);
    encoder_forward(out.data(), fx.i("inp").data(), fx.f("wte").data(), fx.f("wpe").data(), B, T, C);
    check_tensor("out", out.data(), fx.f("out").data(), BTC, TOL_LAYER);
}

TEST_CASE("encoder/backward") {
    Fixture fx = load();
    std::vector<float> dwte(WTE), dwpe(WPE);
    backward(fx, dwte, dwpe);
    check_tensor("dwte", dwte.data(), fx.f("dwte").data(), WTE, TOL_LAYER);
    check_tensor("dwpe", dwpe.data(), fx.f("dwpe").data(), WPE, TOL_LAYER);
}

TEST_CASE("encoder/backward finite differences") {
    Fixture fx = load();
    std::vector<float> wte = fx.f("wte"), wpe = fx.f("wpe");
    const std::vector<float>& dout = fx.f("dout");
    std::vector<float> out(BTC);
    auto loss = [&]() {
        encoder_forward(out.data(), fx.i("inp").data(), wte.data(), wpe.data(), B, T, C);
        return dot_loss(out.data(), dout.data(), BTC);
    };
    std::vector<float> dwte(WTE), dwpe(WPE);
    backward(fx, dwte, dwpe);
    check_gradient_fd("dwte", dwte.data(), wte.data(), WTE, loss);
    check_gradient_fd("dwpe", dwpe.data(), wpe.data(), WPE, loss);
}

TEST_CASE("encoder/backward accumulates") {
    Fixture fx = load();
    std::vector<float> dwte1(WTE), dwpe1(WPE), dwte2(WTE), dwpe2(WPE);
    backward(fx, dwte1, dwpe1);
    backward(fx, dwte2, dwpe2);
    backward(fx, dwte2, dwpe2);
    check_accumulates("dwte", dwte1, dwte2);
    check_accumulates("dwpe", dwpe1, dwpe2);
}
