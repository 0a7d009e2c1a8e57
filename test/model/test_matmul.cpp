// test_matmul.cpp: model/matmul (nn.Linear) with and without bias, against PyTorch
// (dev/reference/matmul.py), against finite differences of its own forward, and the += rule.
// C=8 and OC=12 differ, so a transposed weight cannot pass.
#include "model/matmul.h"
#include "test/check.h"
#include "test/fixture.h"
#include "test/layer_check.h"

#include <string>
#include <vector>

namespace {
constexpr int B = 2, T = 3, C = 8, OC = 12;  // as in dev/reference/matmul.py
constexpr size_t BTC = (size_t)B * T * C, BTOC = (size_t)B * T * OC, WN = (size_t)OC * C;

Fixture load() {
    Fixture fx = fixture_load("matmul");
    require_shape(fx, "inp", {B, T, C});
    require_shape(fx, "weight", {OC, C});
    require_shape(fx, "bias", {OC});
    require_shape(fx, "dout", {B, T, OC});
    return fx;
}

// the fixture's names for one variant: "out" or "out_nobias"
std::string name(const char* base, bool with_bias) { return std::string(base) + (with_bias ? "" : "_nobias"); }

struct Grads {
    std::vector<float> dinp = std::vector<float>(BTC), dweight = std::vector<float>(WN), dbias = std::vector<float>(OC);
};

void backward(const Fixture& fx, bool with_bias, Grads& g) {
    matmul_backward(g.dinp.data(), g.dweight.data(), with_bias ? g.dbias.data() : nullptr, fx.f("dout").data(),
                    fx.f("inp").data(), fx.f("weight").data(), B, T, C, OC);
}
}  // namespace

TEST_CASE("matmul/forward") {
    Fixture fx = load();
    for (bool with_bias : {true, false}) {
        CAPTURE(with_bias);
        std::vector<float> out(BTOC);
        matmul_forward(out.data(), fx.f("inp").data(), fx.f("weight").data(), with_bias ? fx.f("bias").data() : nullptr,
                       B, T, C, OC);
        check_tensor(name("out", with_bias).c_str(), out.data(), fx.f(name("out", with_bias)).data(), BTOC, TOL_LAYER);
    }
}

TEST_CASE("matmul/backward") {
    Fixture fx = load();
    for (bool with_bias : {true, false}) {
        CAPTURE(with_bias);
        Grads g;
        backward(fx, with_bias, g);
        check_tensor(name("dinp", with_bias).c_str(), g.dinp.data(), fx.f(name("dinp", with_bias)).data(), BTC, TOL_LAYER);
        check_tensor(name("dweight", with_bias).c_str(), g.dweight.data(), fx.f(name("dweight", with_bias)).data(), WN,
                     TOL_LAYER);
        if (with_bias) check_tensor("dbias", g.dbias.data(), fx.f("dbias").data(), OC, TOL_LAYER);
    }
}

TEST_CASE("matmul/backward finite differences") {
    Fixture fx = load();
    std::vector<float> inp = fx.f("inp"), weight = fx.f("weight"), bias = fx.f("bias");
    const std::vector<float>& dout = fx.f("dout");
    std::vector<float> out(BTOC);
    auto loss = [&]() {
        matmul_forward(out.data(), inp.data(), weight.data(), bias.data(), B, T, C, OC);
        return dot_loss(out.data(), dout.data(), BTOC);
    };
    Grads g;
    backward(fx, true, g);
    check_gradient_fd("dinp", g.dinp.data(), inp.data(), BTC, loss);
    check_gradient_fd("dweight", g.dweight.data(), weight.data(), WN, loss);
    check_gradient_fd("dbias", g.dbias.data(), bias.data(), OC, loss);
}

TEST_CASE("matmul/backward accumulates") {
    Fixture fx = load();
    for (bool with_bias : {true, false}) {
        CAPTURE(with_bias);
        Grads once, twice;
        backward(fx, with_bias, once);
        backward(fx, with_bias, twice);
        backward(fx, with_bias, twice);
        check_accumulates("dinp", once.dinp, twice.dinp);
        check_accumulates("dweight", once.dweight, twice.dweight);
        if (with_bias) check_accumulates("dbias", once.dbias, twice.dbias);
    }
}
