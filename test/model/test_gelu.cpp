// test_gelu.cpp: model/gelu (tanh approximation) against PyTorch (dev/reference/gelu.py; inputs
// up to |x| ~ 9, so both tails are covered), against finite differences of its own forward,
// and the += rule.
#include "model/gelu.h"
#include "test/check.h"
#include "test/fixture.h"
#include "test/layer_check.h"

#include <vector>

namespace {
constexpr int B = 2, T = 3, C = 8;  // as in dev/reference/gelu.py; the tensors are (B,T,4C)
constexpr size_t N = (size_t)B * T * 4 * C;

Fixture load() {
    Fixture fx = fixture_load("gelu");
    require_shape(fx, "inp", {B, T, 4 * C});
    require_shape(fx, "dout", {B, T, 4 * C});
    return fx;
}
}  // namespace

TEST_CASE("gelu/forward") {
    Fixture fx = load();
    std::vector<float> out(N);
    gelu_forward(out.data(), fx.f("inp").data(), N);
    check_tensor("out", out.data(), fx.f("out").data(), N, TOL_LAYER);
}

TEST_CASE("gelu/backward") {
    Fixture fx = load();
    std::vector<float> dinp(N);
    gelu_backward(dinp.data(), fx.f("inp").data(), fx.f("dout").data(), N);
    check_tensor("dinp", dinp.data(), fx.f("dinp").data(), N, TOL_LAYER);
}

TEST_CASE("gelu/backward finite differences") {
    Fixture fx = load();
    std::vector<float> inp = fx.f("inp"), out(N);
    const std::vector<float>& dout = fx.f("dout");
    auto loss = [&]() {
        gelu_forward(out.data(), inp.data(), N);
        return dot_loss(out.data(), dout.data(), N);
    };
    std::vector<float> dinp(N);
    gelu_backward(dinp.data(), inp.data(), dout.data(), N);
    check_gradient_fd("dinp", dinp.data(), inp.data(), N, loss);
}

TEST_CASE("gelu/backward accumulates") {
    Fixture fx = load();
    std::vector<float> once(N), twice(N);
    gelu_backward(once.data(), fx.f("inp").data(), fx.f("dout").data(), N);
    gelu_backward(twice.data(), fx.f("inp").data(), fx.f("dout").data(), N);
    gelu_backward(twice.data(), fx.f("inp").data(), fx.f("dout").data(), N);
    check_accumulates("dinp", once, twice);
}
