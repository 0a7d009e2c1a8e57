// test_attention.cpp: model/attention (causal multi-head self-attention on the qkv activation)
// against PyTorch (dev/reference/attention.py), against finite differences of its own forward,
// and the += rule. NH=2 heads of hs=4 over T=3 positions: a head or q/k/v slice read from the
// wrong offset, a missing 1/sqrt(hs) or a mask off by one position changes the numbers.
#include "model/attention.h"
#include "test/check.h"
#include "test/fixture.h"
#include "test/layer_check.h"

#include <vector>

namespace {
constexpr int B = 2, T = 3, C = 8, NH = 2;  // as in dev/reference/attention.py
constexpr size_t BTC = (size_t)B * T * C, BT3C = 3 * BTC, ATT = (size_t)B * NH * T * T;

Fixture load() {
    Fixture fx = fixture_load("attention");
    require_shape(fx, "inp", {B, T, 3 * C});
    require_shape(fx, "att", {B, NH, T, T});
    require_shape(fx, "dout", {B, T, C});
    return fx;
}

// backward with the fixture's att. datt is scratch that backward overwrites, so it is filled
// with junk first: a kernel that added into it, or read it before writing, would pick that up.
void backward(const Fixture& fx, std::vector<float>& dinp, std::vector<float>& datt) {
    datt.assign(ATT, -3.0f);
    attention_backward(dinp.data(), datt.data(), fx.f("dout").data(), fx.f("inp").data(), fx.f("att").data(), B, T,
                       C, NH);
}
}  // namespace

TEST_CASE("attention/forward") {
    Fixture fx = load();
    std::vector<float> out(BTC), att(ATT, -1.0f);
    attention_forward(out.data(), att.data(), fx.f("inp").data(), B, T, C, NH);
    check_tensor("out", out.data(), fx.f("out").data(), BTC, TOL_LAYER);
    // all of att, the masked future included: PyTorch's is exactly 0 there
    check_tensor("att", att.data(), fx.f("att").data(), ATT, TOL_LAYER);
}

TEST_CASE("attention/backward") {
    Fixture fx = load();
    std::vector<float> dinp(BT3C), datt;
    backward(fx, dinp, datt);
    check_tensor("dinp", dinp.data(), fx.f("dinp").data(), BT3C, TOL_LAYER);
}

TEST_CASE("attention/backward finite differences") {
    Fixture fx = load();
    std::vector<float> inp = fx.f("inp"), out(BTC), att(ATT);
    const std::vector<float>& dout = fx.f("dout");
    auto loss = [&]() {
        attention_forward(out.data(), att.data(), inp.data(), B, T, C, NH);
        return dot_loss(out.data(), dout.data(), BTC);
    };
    loss();  // att for backward, from our own forward
    std::vector<float> dinp(BT3C), datt(ATT);
    attention_backward(dinp.data(), datt.data(), dout.data(), inp.data(), att.data(), B, T, C, NH);
    check_gradient_fd("dinp", dinp.data(), inp.data(), BT3C, loss);
}

TEST_CASE("attention/backward accumulates") {
    Fixture fx = load();
    std::vector<float> once(BT3C), twice(BT3C), datt;
    backward(fx, once, datt);
    backward(fx, twice, datt);
    // the second call starts from the first call's scratch, not from junk
    attention_backward(twice.data(), datt.data(), fx.f("dout").data(), fx.f("inp").data(), fx.f("att").data(), B, T,
                       C, NH);
    check_accumulates("dinp", once, twice);
}
