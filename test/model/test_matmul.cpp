// test_matmul.cpp: model/matmul (nn.Linear) with and without bias, against PyTorch
// (dev/reference/matmul.py), against finite differences of its own forward, and the += rule.
// C=8 and OC=12 differ, so a transposed weight cannot pass.
#include "model/matmul.h"
#include "test/check.h"
#include "test/fixture.h"
#include "test/layer_check.h"

#include <algorithm>  // max
#include <cmath>      // fabs
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

// ----------------------------------------------------------------------------
// the plain version: against PyTorch, then the fast one against it

TEST_CASE("matmul/naive against PyTorch") {
    Fixture fx = load();
    for (bool with_bias : {true, false}) {
        CAPTURE(with_bias);
        const float* bias = with_bias ? fx.f("bias").data() : nullptr;
        std::vector<float> out(BTOC);
        matmul_forward_naive(out.data(), fx.f("inp").data(), fx.f("weight").data(), bias, B, T, C, OC);
        check_tensor(name("out", with_bias).c_str(), out.data(), fx.f(name("out", with_bias)).data(), BTOC, TOL_LAYER);
        Grads g;
        matmul_backward_naive(g.dinp.data(), g.dweight.data(), with_bias ? g.dbias.data() : nullptr,
                              fx.f("dout").data(), fx.f("inp").data(), fx.f("weight").data(), B, T, C, OC);
        check_tensor(name("dinp", with_bias).c_str(), g.dinp.data(), fx.f(name("dinp", with_bias)).data(), BTC, TOL_LAYER);
        check_tensor(name("dweight", with_bias).c_str(), g.dweight.data(), fx.f(name("dweight", with_bias)).data(), WN,
                     TOL_LAYER);
        if (with_bias) check_tensor("dbias", g.dbias.data(), fx.f("dbias").data(), OC, TOL_LAYER);
    }
}

TEST_CASE("matmul/fast against naive") {
    // Two shapes, one per branch of matmul_forward: BT=150 >= OC=100 (threads split the columns)
    // and BT=38 < OC=197 (threads split the rows). No size is a multiple of 16 or 48, so every
    // split leaves a remainder range, and Eigen's kernels their leftover rows and columns.
    // Run at 1 and 3 threads, so the ranges are really split (on any machine).
    // Tolerance: the fast GEMM sums K <= 197 float products in float, the plain loop in double.
    // The roundings of a float sum add up like a random walk: ~sqrt(K) u times its partial sums,
    // which are at most the tensor's scale: sqrt(197) * 6e-8 = 8e-7 of the scale (measured: up
    // to 5.4e-7, in dbias). 1e-5 is ~10x above that estimate and far below the O(1) of a wrong
    // index or a lost remainder.
    const float TOL = 1e-5f;
    struct Shape { int B, T, C, OC; };
    for (Shape s : {Shape{3, 50, 37, 100}, Shape{2, 19, 53, 197}}) {
        CAPTURE(s.B);
        CAPTURE(s.T);
        CAPTURE(s.C);
        CAPTURE(s.OC);
        const size_t btc = (size_t)s.B * s.T * s.C, btoc = (size_t)s.B * s.T * s.OC, wn = (size_t)s.OC * s.C;
        const std::vector<float> inp = random_floats(btc, 1), weight = random_floats(wn, 2), bias = random_floats(s.OC, 3),
                                 dout = random_floats(btoc, 4);
        std::vector<float> out(btoc), dinp(btc, 0.5f), dweight(wn, 0.5f), dbias(s.OC, 0.5f);  // 0.5: backward adds
        matmul_forward_naive(out.data(), inp.data(), weight.data(), bias.data(), s.B, s.T, s.C, s.OC);
        matmul_backward_naive(dinp.data(), dweight.data(), dbias.data(), dout.data(), inp.data(), weight.data(), s.B,
                              s.T, s.C, s.OC);
        std::vector<float> first_out;  // the fast out at 1 thread: every thread count must give these bits
        for (int threads : {1, 3}) {
            CAPTURE(threads);
            ThreadCount use(threads);
            std::vector<float> fout(btoc), fdinp(btc, 0.5f), fdweight(wn, 0.5f), fdbias(s.OC, 0.5f);
            matmul_forward(fout.data(), inp.data(), weight.data(), bias.data(), s.B, s.T, s.C, s.OC);
            matmul_backward(fdinp.data(), fdweight.data(), fdbias.data(), dout.data(), inp.data(), weight.data(), s.B,
                            s.T, s.C, s.OC);
            check_plain("out", fout, out, TOL);
            check_plain("dinp", fdinp, dinp, TOL);
            check_plain("dweight", fdweight, dweight, TOL);
            check_plain("dbias", fdbias, dbias, TOL);
            if (first_out.empty()) first_out = fout;
            CHECK(fout == first_out);
        }
    }
}

// ----------------------------------------------------------------------------
// mixed precision

TEST_CASE("matmul/bf16 against naive on bf16 inputs") {
    // With weight_bf16 the three products round inp, dout and the weight to bf16 and sum in fp32.
    // The plain loops fed the rounded values sum the very same (exact) products in double, so the
    // two differ by fp32 summation only: the tolerance of "matmul/fast against naive", 1e-5 (K <= 197).
    // The bias and dbias stay fp32 (dbias from the unrounded dout). The shapes take both branches of
    // the forward split and leave remainders of gemm_bf16's tiles; 1 and 3 threads give the same bits.
    // And the test must tell bf16 from fp32: the fp32 forward lies outside the tolerance.
    const float TOL = 1e-5f;
    struct Shape { int B, T, C, OC; };
    for (Shape s : {Shape{3, 50, 37, 100}, Shape{2, 19, 53, 197}}) {
        CAPTURE(s.C);
        CAPTURE(s.OC);
        const size_t btc = (size_t)s.B * s.T * s.C, btoc = (size_t)s.B * s.T * s.OC, wn = (size_t)s.OC * s.C;
        const std::vector<float> inp = random_floats(btc, 11), weight = random_floats(wn, 12), bias = random_floats(s.OC, 13),
                                 dout = random_floats(btoc, 14);
        std::vector<bf16> weight16(wn);
        bf16_round_array(weight16.data(), weight.data(), wn);
        std::vector<float> inp_r(btc), weight_r(wn), dout_r(btoc);  // the rounded values, as floats
        for (size_t i = 0; i < btc; i++) inp_r[i] = bf16_to_float(bf16_round(inp[i]));
        for (size_t i = 0; i < wn; i++) weight_r[i] = bf16_to_float(weight16[i]);
        for (size_t i = 0; i < btoc; i++) dout_r[i] = bf16_to_float(bf16_round(dout[i]));
        std::vector<float> out(btoc), dinp(btc, 0.5f), dweight(wn, 0.5f), dbias(s.OC, 0.5f), unused(btc);
        matmul_forward_naive(out.data(), inp_r.data(), weight_r.data(), bias.data(), s.B, s.T, s.C, s.OC);
        matmul_backward_naive(dinp.data(), dweight.data(), nullptr, dout_r.data(), inp_r.data(), weight_r.data(), s.B,
                              s.T, s.C, s.OC);
        std::vector<float> wunused(wn);  // dbias from the fp32 dout
        matmul_backward_naive(unused.data(), wunused.data(), dbias.data(), dout.data(), inp.data(), weight.data(), s.B,
                              s.T, s.C, s.OC);
        std::vector<float> first;
        for (int threads : {1, 3}) {
            CAPTURE(threads);
            ThreadCount use(threads);
            std::vector<float> fout(btoc), fdinp(btc, 0.5f), fdweight(wn, 0.5f), fdbias(s.OC, 0.5f);
            matmul_forward(fout.data(), inp.data(), weight.data(), bias.data(), s.B, s.T, s.C, s.OC, weight16.data());
            matmul_backward(fdinp.data(), fdweight.data(), fdbias.data(), dout.data(), inp.data(), weight.data(), s.B,
                            s.T, s.C, s.OC, weight16.data());
            check_plain("out", fout, out, TOL);
            check_plain("dinp", fdinp, dinp, TOL);
            check_plain("dweight", fdweight, dweight, TOL);
            check_plain("dbias", fdbias, dbias, TOL);
            std::vector<float> all = fout;
            for (const auto* v : {&fdinp, &fdweight, &fdbias}) all.insert(all.end(), v->begin(), v->end());
            if (first.empty()) first = all;
            CHECK(all == first);
        }
        std::vector<float> out32(btoc);
        matmul_forward(out32.data(), inp.data(), weight.data(), bias.data(), s.B, s.T, s.C, s.OC);
        double worst = 0, scale = 0;
        for (size_t i = 0; i < btoc; i++)
            worst = std::max(worst, std::fabs((double)out32[i] - out[i])), scale = std::max(scale, std::fabs((double)out[i]));
        CHECK(worst > TOL * scale);  // fp32 is visibly not the bf16 result: the test can tell them apart
    }
}
