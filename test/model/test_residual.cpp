// test_residual.cpp: model/residual (out = inp1 + inp2) against PyTorch
// (dev/reference/residual.py), against finite differences of its own forward, and the += rule
// (the residual stream's gradient is where the += rule matters most: each block adds into it).
#include "model/residual.h"
#include "test/check.h"
#include "test/fixture.h"
#include "test/layer_check.h"

#include <vector>

namespace {
constexpr int B = 2, T = 3, C = 8;  // as in dev/reference/residual.py
constexpr size_t N = (size_t)B * T * C;

Fixture load() {
    Fixture fx = fixture_load("residual");
    require_shape(fx, "inp1", {B, T, C});
    require_shape(fx, "inp2", {B, T, C});
    require_shape(fx, "dout", {B, T, C});
    return fx;
}
}  // namespace

TEST_CASE("residual/forward") {
    Fixture fx = load();
    std::vector<float> out(N);
    residual_forward(out.data(), fx.f("inp1").data(), fx.f("inp2").data(), N);
    check_tensor("out", out.data(), fx.f("out").data(), N, TOL_LAYER);
}

TEST_CASE("residual/backward") {
    Fixture fx = load();
    std::vector<float> dinp1(N), dinp2(N);
    residual_backward(dinp1.data(), dinp2.data(), fx.f("dout").data(), N);
    check_tensor("dinp1", dinp1.data(), fx.f("dinp1").data(), N, TOL_LAYER);
    check_tensor("dinp2", dinp2.data(), fx.f("dinp2").data(), N, TOL_LAYER);
}

TEST_CASE("residual/backward finite differences") {
    Fixture fx = load();
    std::vector<float> inp1 = fx.f("inp1"), inp2 = fx.f("inp2"), out(N);
    const std::vector<float>& dout = fx.f("dout");
    auto loss = [&]() {
        residual_forward(out.data(), inp1.data(), inp2.data(), N);
        return dot_loss(out.data(), dout.data(), N);
    };
    std::vector<float> dinp1(N), dinp2(N);
    residual_backward(dinp1.data(), dinp2.data(), dout.data(), N);
    check_gradient_fd("dinp1", dinp1.data(), inp1.data(), N, loss);
    check_gradient_fd("dinp2", dinp2.data(), inp2.data(), N, loss);
}

TEST_CASE("residual/backward accumulates") {
    Fixture fx = load();
    std::vector<float> a1(N), b1(N), a2(N), b2(N);
    residual_backward(a1.data(), b1.data(), fx.f("dout").data(), N);
    residual_backward(a2.data(), b2.data(), fx.f("dout").data(), N);
    residual_backward(a2.data(), b2.data(), fx.f("dout").data(), N);
    check_accumulates("dinp1", a1, a2);
    check_accumulates("dinp2", b1, b2);
}
