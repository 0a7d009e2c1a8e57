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

// ----------------------------------------------------------------------------
// the plain version: against PyTorch, then the fast one against it

TEST_CASE("gelu/naive against PyTorch") {
    Fixture fx = load();
    std::vector<float> out(N), dinp(N);
    gelu_forward_naive(out.data(), fx.f("inp").data(), N);
    gelu_backward_naive(dinp.data(), fx.f("inp").data(), fx.f("dout").data(), N);
    check_tensor("out", out.data(), fx.f("out").data(), N, TOL_LAYER);
    check_tensor("dinp", dinp.data(), fx.f("dinp").data(), N, TOL_LAYER);
}

TEST_CASE("gelu/fast against naive") {
    // N = 2*1024 + 333: two full chunks of gelu.cpp's 1024 and a remainder that is not a multiple
    // of 8 or 16 (Eigen's vector width), so the vector tanh's scalar tail runs too. Inputs span
    // [-6, 6): both tails, where tanh u rounds towards +-1.
    ThreadCount split(3);  // every loop across 3 threads, however small (model/parallel.h)
    const size_t n = 2 * 1024 + 333;
    const std::vector<float> inp = random_floats(n, 5, 6.0f), dout = random_floats(n, 6);
    std::vector<float> out(n), fout(n), dinp(n, 0.5f), fdinp(n, 0.5f);  // 0.5: backward adds
    gelu_forward_naive(out.data(), inp.data(), n);
    gelu_forward(fout.data(), inp.data(), n);
    gelu_backward_naive(dinp.data(), inp.data(), dout.data(), n);
    gelu_backward(fdinp.data(), inp.data(), dout.data(), n);
    // Tolerances: the only difference is tanh, Eigen's within a few ulp (u = 6e-8) of std::tanh.
    // Forward: out = 0.5 x (1 + tanh u) moves by 0.5|x| * 5u <= 2e-7 of the scale (max|out| ~ 6).
    check_plain("out", fout, out, 1e-6f);
    // Backward: 1 - tanh^2 u, where tanh u is near +-1, turns those few ulp into an absolute
    // 2 * 5u = 6e-7, multiplied by 0.5 x du/dx, up to ~5 where tanh u is not yet exactly 1 in
    // float (|x| < 5): ~3e-6 of the scale (max|dinp| ~ 1.6). Hence 1e-5.
    check_plain("dinp", fdinp, dinp, 1e-5f);
}
