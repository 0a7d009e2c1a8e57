// test_attention.cpp: model/attention (causal multi-head self-attention on the qkv activation)
// against PyTorch (dev/reference/attention.py), against finite differences of its own forward,
// and the += rule. NH=2 heads of hs=4 over T=3 positions: a head or q/k/v slice read from the
// wrong offset, a missing 1/sqrt(hs) or a mask off by one position changes the numbers.
#include "model/attention.h"
#include "test/check.h"
#include "test/fixture.h"
#include "test/layer_check.h"

#include <algorithm>  // max
#include <cmath>      // fabs
#include <string>
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

// backward with the fixture's att. datt is filled with junk first: backward only adds into it,
// and dinp must not depend on what it held (a kernel that read datt back would pick the junk up).
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

TEST_CASE("attention/backward accumulates into datt") {
    // the += rule for datt too (gpt2_backward zeroes it before each layer): twice = 2x once,
    // in dinp and in datt; the masked entries (t2 > t) are never touched, so they stay 0
    Fixture fx = load();
    for (std::string variant : {"naive", "fp32", "bf16"}) {  // the plain version, the fast one in each precision
        CAPTURE(variant);
        auto backward = [&](float* dinp, float* datt, const float* dout, const float* inp, const float* att, int B_,
                            int T_, int C_, int NH_) {
            if (variant == "naive") return attention_backward_naive(dinp, datt, dout, inp, att, B_, T_, C_, NH_);
            attention_backward(dinp, datt, dout, inp, att, B_, T_, C_, NH_,
                               variant == "bf16" ? Precision::bf16 : Precision::fp32);
        };
        std::vector<float> once(BT3C), twice(BT3C), datt_once(ATT), datt_twice(ATT);
        backward(once.data(), datt_once.data(), fx.f("dout").data(), fx.f("inp").data(), fx.f("att").data(), B, T, C, NH);
        for (int k = 0; k < 2; k++)
            backward(twice.data(), datt_twice.data(), fx.f("dout").data(), fx.f("inp").data(), fx.f("att").data(), B, T,
                     C, NH);
        check_accumulates("dinp", once, twice);
        check_accumulates("datt", datt_once, datt_twice);
        size_t nonzero = 0;
        for (float x : datt_once) nonzero += x != 0.0f;
        CHECK(nonzero == (size_t)B * NH * T * (T + 1) / 2);  // exactly the causal triangle
    }
}

// ----------------------------------------------------------------------------
// the plain version: against PyTorch, then the fast one against it

TEST_CASE("attention/naive against PyTorch") {
    Fixture fx = load();
    std::vector<float> out(BTC), att(ATT, -1.0f);
    attention_forward_naive(out.data(), att.data(), fx.f("inp").data(), B, T, C, NH);
    check_tensor("out", out.data(), fx.f("out").data(), BTC, TOL_LAYER);
    check_tensor("att", att.data(), fx.f("att").data(), ATT, TOL_LAYER);  // masked future included: 0
    std::vector<float> dinp(BT3C), datt(ATT);
    attention_backward_naive(dinp.data(), datt.data(), fx.f("dout").data(), fx.f("inp").data(), fx.f("att").data(), B,
                             T, C, NH);
    check_tensor("dinp", dinp.data(), fx.f("dinp").data(), BT3C, TOL_LAYER);
}

TEST_CASE("attention/fast against naive") {
    // T=19 with NH=3 heads of hs=5: the softmax sums run 8 lanes plus every remainder, the
    // triangular products have odd sizes. T=260: the scores of late queries cross exp_inplace's
    // 256-float chunk. B=2 and NH>1, so a head or batch offset off by one cannot pass.
    ThreadCount split(3);  // every loop across 3 threads, however small (model/parallel.h)
    struct Shape { int B, T, C, NH; };
    for (Shape s : {Shape{2, 19, 15, 3}, Shape{1, 260, 16, 2}}) {
        CAPTURE(s.T);
        CAPTURE(s.NH);
        const size_t n3 = (size_t)s.B * s.T * 3 * s.C, nc = (size_t)s.B * s.T * s.C;
        const size_t na = (size_t)s.B * s.NH * s.T * s.T;
        const std::vector<float> inp = random_floats(n3, 21, 2.0f), dout = random_floats(nc, 22);
        std::vector<float> out(nc), att(na, -1.0f), fout(nc), fatt(na, -1.0f);
        attention_forward_naive(out.data(), att.data(), inp.data(), s.B, s.T, s.C, s.NH);
        attention_forward(fout.data(), fatt.data(), inp.data(), s.B, s.T, s.C, s.NH);
        // Tolerances. The scores are float dot products of hs terms in the fast version (double in
        // the plain one), off by ~sqrt(hs) u |s|; exp turns that into the same relative error of
        // att, and an ulp or two more from the vector exp: a few u = 2e-7 of att's scale (<= 1).
        // out and dinp are float sums over up to T = 260 positions, whose rounding grows like a
        // random walk: ~sqrt(T) u = 1e-6 of the tensor's scale. 1e-5 is ~10x above that, and far
        // below the O(1) of a wrong offset or a missing mask.
        check_plain("att", fatt, att, 1e-6f);
        check_plain("out", fout, out, 1e-5f);
        // backward from the plain forward's att, into gradients that already hold 0.5 (it adds)
        std::vector<float> dinp(n3, 0.5f), datt(na, 0.5f), fdinp = dinp, fdatt = datt;
        attention_backward_naive(dinp.data(), datt.data(), dout.data(), inp.data(), att.data(), s.B, s.T, s.C, s.NH);
        attention_backward(fdinp.data(), fdatt.data(), dout.data(), inp.data(), att.data(), s.B, s.T, s.C, s.NH);
        check_plain("dinp", fdinp, dinp, 1e-5f);
        // datt: one dot product of hs terms per entry, float against double: a few u of the scale
        check_plain("datt", fdatt, datt, 1e-6f);
    }
}

// ----------------------------------------------------------------------------
// mixed precision

// x with every element rounded to bf16 (and back to float: exact)
static std::vector<float> rounded(std::vector<float> x) {
    for (float& v : x) v = bf16_to_float(bf16_round(v));
    return x;
}

TEST_CASE("attention/bf16 against the plain loops on bf16 inputs") {
    // In bf16 the four products round their inputs to bf16 and sum in fp32. The plain loops fed
    // inputs already rounded (q, k, v, dout, att) compute the same products in double, so:
    //  - att (softmax of the scores q.k) and datt (dout.v): the same as fp32 fast against plain,
    //    sums of hs exact products in fp32: 1e-6, as in "attention/fast against naive";
    //  - out = bf16(att) v: the test rounds the fast att itself and sums in double: 1e-5 (sums over T);
    //  - dv = bf16(att)^T bf16(dout): exact inputs on both sides: 1e-5;
    //  - dq, dk are sums of dS k and dS q, where the fast version rounds dS (computed in fp32) to
    //    bf16 and the plain one keeps it: each term off by up to 2^-8 of itself, independently, so
    //    the sums by ~2^-9 sqrt(T) of their terms' size; held to 2^-8 of the tensor's scale, far
    //    below the O(1) of a wrong offset, a lost block or a missing mask.
    // Blocks: T=70 crosses gemm blocks of 32 queries with a remainder; B=2, NH=3: offsets count.
    // And the bf16 result must not pass as fp32's: the fp32 out lies outside out's tolerance.
    ThreadCount split(3);
    const int B_ = 2, T_ = 70, C_ = 15, NH_ = 3;
    const size_t n3 = (size_t)B_ * T_ * 3 * C_, nc = (size_t)B_ * T_ * C_, na = (size_t)B_ * NH_ * T_ * T_;
    const std::vector<float> inp = random_floats(n3, 31, 2.0f), dout = random_floats(nc, 32);
    const std::vector<float> inp16 = rounded(inp), dout16 = rounded(dout);
    std::vector<float> out(nc), att(na, -1.0f), fout(nc), fatt(na, -1.0f), out32(nc), att32(na);
    attention_forward_naive(out.data(), att.data(), inp16.data(), B_, T_, C_, NH_);
    attention_forward(fout.data(), fatt.data(), inp.data(), B_, T_, C_, NH_, Precision::bf16);
    check_plain("att", fatt, att, 1e-6f);
    // out_t = sum_t2 bf16(att[t,t2]) bf16(v_t2), in double, from the fast att
    const std::vector<float> fatt16 = rounded(fatt);
    const int hs = C_ / NH_;
    for (int b = 0; b < B_; b++)
        for (int h = 0; h < NH_; h++)
            for (int t = 0; t < T_; t++)
                for (int i = 0; i < hs; i++) {
                    double y = 0;
                    for (int t2 = 0; t2 < T_; t2++)
                        y += (double)fatt16[(((size_t)b * NH_ + h) * T_ + t) * T_ + t2] *
                             inp16[((size_t)b * T_ + t2) * 3 * C_ + 2 * C_ + h * hs + i];
                    out[((size_t)b * T_ + t) * C_ + h * hs + i] = (float)y;
                }
    check_plain("out", fout, out, 1e-5f);
    attention_forward(out32.data(), att32.data(), inp.data(), B_, T_, C_, NH_);  // fp32
    double worst = 0, scale = 0;
    for (size_t i = 0; i < nc; i++) worst = std::max(worst, std::fabs((double)out32[i] - out[i])), scale = std::max(scale, std::fabs((double)out[i]));
    CHECK(worst > 1e-5 * scale);  // fp32 differs visibly from the bf16 reference: the test can tell them apart

    // backward into gradients that already hold 0.5 (it adds), from the fast att
    std::vector<float> dinp(n3, 0.5f), datt(na, 0.5f), fdinp = dinp, fdatt = datt;
    attention_backward_naive(dinp.data(), datt.data(), dout16.data(), inp16.data(), fatt16.data(), B_, T_, C_, NH_);
    attention_backward(fdinp.data(), fdatt.data(), dout.data(), inp.data(), fatt.data(), B_, T_, C_, NH_,
                       Precision::bf16);
    check_plain("datt", fdatt, datt, 1e-6f);
    // the parts of dinp: dq, dk, dv (row bt of dinp is [dq | dk | dv])
    for (int part = 0; part < 3; part++) {
        std::vector<float> got, want;
        for (size_t bt = 0; bt < (size_t)B_ * T_; bt++)
            for (int i = 0; i < C_; i++) {
                got.push_back(fdinp[bt * 3 * C_ + part * C_ + i]);
                want.push_back(dinp[bt * 3 * C_ + part * C_ + i]);
            }
        CAPTURE(part);
        check_plain(part == 2 ? "dv" : part == 0 ? "dq" : "dk", got, want, part == 2 ? 1e-5f : 1.0f / 256);
    }
}

TEST_CASE("attention/bf16 the same bits at any thread count") {
    const int B_ = 2, T_ = 45, C_ = 16, NH_ = 2;
    const size_t n3 = (size_t)B_ * T_ * 3 * C_, nc = (size_t)B_ * T_ * C_, na = (size_t)B_ * NH_ * T_ * T_;
    const std::vector<float> inp = random_floats(n3, 41, 2.0f), dout = random_floats(nc, 42);
    std::vector<float> first;  // out, att, dinp, datt at 1 thread, one after the other
    for (int threads : {1, 2, 3}) {
        CAPTURE(threads);
        ThreadCount use(threads);
        std::vector<float> out(nc), att(na), dinp(n3), datt(na);
        attention_forward(out.data(), att.data(), inp.data(), B_, T_, C_, NH_, Precision::bf16);
        attention_backward(dinp.data(), datt.data(), dout.data(), inp.data(), att.data(), B_, T_, C_, NH_,
                           Precision::bf16);
        std::vector<float> all = out;
        for (const auto* v : {&att, &dinp, &datt}) all.insert(all.end(), v->begin(), v->end());
        if (first.empty()) first = all;
        CHECK(all == first);
    }
}
