// test_attention.cpp: model/attention (causal multi-head self-attention on the qkv activation)
// against PyTorch (dev/reference/attention.py), against finite differences of its own forward,
// and the += rule. NH=2 heads of hs=4 over T=3 positions: a head or q/k/v slice read from the
// wrong offset, a missing 1/sqrt(hs) or a mask off by one position changes the numbers.
// Then the blocked versions against the plain loops at lengths around the block sizes
// (ATTENTION_BLOCK_Q/_K, attention.h): T = 1, partial blocks, several key blocks per query.
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
constexpr size_t BTC = (size_t)B * T * C, BT3C = 3 * BTC, LSE = (size_t)B * NH * T;

Fixture load() {
    Fixture fx = fixture_load("attention");
    require_shape(fx, "inp", {B, T, 3 * C});
    require_shape(fx, "lse", {B, NH, T});
    require_shape(fx, "out", {B, T, C});
    require_shape(fx, "dout", {B, T, C});
    require_shape(fx, "dinp", {B, T, 3 * C});
    return fx;
}

// The plain or the blocked backward in fp32 or bf16, one signature for the tests that run all three.
void backward_variant(const std::string& variant, float* dinp, const float* dout, const float* inp, const float* out,
                      const float* lse, int B_, int T_, int C_, int NH_) {
    if (variant == "naive") return attention_backward_naive(dinp, dout, inp, lse, B_, T_, C_, NH_);
    attention_backward(dinp, dout, inp, out, lse, B_, T_, C_, NH_,
                       variant == "bf16" ? Precision::bf16 : Precision::fp32);
}
}  // namespace

TEST_CASE("attention/forward") {
    Fixture fx = load();
    std::vector<float> out(BTC, -1.0f), lse(LSE, -1.0f);
    attention_forward(out.data(), lse.data(), fx.f("inp").data(), B, T, C, NH);
    check_tensor("out", out.data(), fx.f("out").data(), BTC, TOL_LAYER);
    check_tensor("lse", lse.data(), fx.f("lse").data(), LSE, TOL_LAYER);  // torch.logsumexp of the masked scores
}

TEST_CASE("attention/backward") {
    // from PyTorch's out and lse: backward rebuilds att from them and q, k
    Fixture fx = load();
    std::vector<float> dinp(BT3C);
    attention_backward(dinp.data(), fx.f("dout").data(), fx.f("inp").data(), fx.f("out").data(), fx.f("lse").data(), B,
                       T, C, NH);
    check_tensor("dinp", dinp.data(), fx.f("dinp").data(), BT3C, TOL_LAYER);
}

TEST_CASE("attention/backward finite differences") {
    Fixture fx = load();
    std::vector<float> inp = fx.f("inp"), out(BTC), lse(LSE);
    const std::vector<float>& dout = fx.f("dout");
    auto loss = [&]() {
        attention_forward(out.data(), lse.data(), inp.data(), B, T, C, NH);
        return dot_loss(out.data(), dout.data(), BTC);
    };
    loss();  // out and lse for backward, from our own forward
    std::vector<float> dinp(BT3C);
    attention_backward(dinp.data(), dout.data(), inp.data(), out.data(), lse.data(), B, T, C, NH);
    check_gradient_fd("dinp", dinp.data(), inp.data(), BT3C, loss);
}

TEST_CASE("attention/backward finite differences across blocks") {
    // T = BQ + 6: two query blocks, a diagonal of several backward blocks, the online softmax
    // rescaling between key blocks of the second query block. hs = 2 keeps the forwards cheap.
    // Perturbing one k or v moves up to 2T outputs (not 48 as TOL_FD's estimate assumes): rounding
    // ~u sqrt(2T) |out dout| / 2h ~ 6e-8 * 12 * 4 / 2e-2 ~ 1.5e-4, still under TOL_FD.
    const int B_ = 1, T_ = ATTENTION_BLOCK_Q + 6, C_ = 4, NH_ = 2;
    const size_t n3 = (size_t)B_ * T_ * 3 * C_, nc = (size_t)B_ * T_ * C_, nl = (size_t)B_ * NH_ * T_;
    std::vector<float> inp = random_floats(n3, 51, 2.0f), out(nc), lse(nl);
    const std::vector<float> dout = random_floats(nc, 52);
    auto loss = [&]() {
        attention_forward(out.data(), lse.data(), inp.data(), B_, T_, C_, NH_);
        return dot_loss(out.data(), dout.data(), nc);
    };
    loss();
    std::vector<float> dinp(n3);
    attention_backward(dinp.data(), dout.data(), inp.data(), out.data(), lse.data(), B_, T_, C_, NH_);
    check_gradient_fd("dinp", dinp.data(), inp.data(), n3, loss);
}

TEST_CASE("attention/backward accumulates") {
    // the += rule: twice = 2x once, for the plain version and the blocked one in each precision
    Fixture fx = load();
    for (std::string variant : {"naive", "fp32", "bf16"}) {
        CAPTURE(variant);
        std::vector<float> once(BT3C), twice(BT3C);
        for (int k = 0; k < 3; k++)
            backward_variant(variant, k == 0 ? once.data() : twice.data(), fx.f("dout").data(), fx.f("inp").data(),
                             fx.f("out").data(), fx.f("lse").data(), B, T, C, NH);
        check_accumulates("dinp", once, twice);
    }
}

// ----------------------------------------------------------------------------
// the plain version: against PyTorch, then the blocked one against it

TEST_CASE("attention/naive against PyTorch") {
    Fixture fx = load();
    std::vector<float> out(BTC, -1.0f), lse(LSE, -1.0f);
    attention_forward_naive(out.data(), lse.data(), fx.f("inp").data(), B, T, C, NH);
    check_tensor("out", out.data(), fx.f("out").data(), BTC, TOL_LAYER);
    check_tensor("lse", lse.data(), fx.f("lse").data(), LSE, TOL_LAYER);
    std::vector<float> dinp(BT3C);
    attention_backward_naive(dinp.data(), fx.f("dout").data(), fx.f("inp").data(), fx.f("lse").data(), B, T, C, NH);
    check_tensor("dinp", dinp.data(), fx.f("dinp").data(), BT3C, TOL_LAYER);
}

TEST_CASE("attention/fast against naive") {
    // T=1: one query, one key. T=19 with NH=3 heads of hs=5: less than one block of any kind, the
    // softmax sums run 8 lanes plus every remainder. T=BQ: exactly one query block, its diagonal
    // one masked block forward and several (ATTENTION_BLOCK_DB) backward. BQ+1: a second query
    // block of one query. BK+BQ+5: the late query blocks walk a full key block, a partial one and
    // the diagonal (the online softmax rescales), the last query block is partial. 2BK+1: two full
    // key blocks, then a diagonal of one key. B=2 and NH>1, so a head or batch offset off by one
    // cannot pass.
    ThreadCount split(3);  // every loop across 3 threads, however small (model/parallel.h)
    const int BQ = ATTENTION_BLOCK_Q, BK = ATTENTION_BLOCK_K;
    struct Shape { int B, T, C, NH; };
    for (Shape s : {Shape{2, 1, 16, 2}, Shape{2, 19, 15, 3}, Shape{2, BQ, 16, 2}, Shape{1, BQ + 1, 16, 2},
                    Shape{2, BK + BQ + 5, 16, 2}, Shape{1, 2 * BK + 1, 8, 2}}) {
        CAPTURE(s.T);
        CAPTURE(s.NH);
        const size_t n3 = (size_t)s.B * s.T * 3 * s.C, nc = (size_t)s.B * s.T * s.C, nl = (size_t)s.B * s.NH * s.T;
        const std::vector<float> inp = random_floats(n3, 21, 2.0f), dout = random_floats(nc, 22);
        std::vector<float> out(nc), lse(nl, -1.0f), fout(nc), flse(nl, -1.0f);
        attention_forward_naive(out.data(), lse.data(), inp.data(), s.B, s.T, s.C, s.NH);
        attention_forward(fout.data(), flse.data(), inp.data(), s.B, s.T, s.C, s.NH);
        // Tolerances. The scores are float dot products of hs terms in the fast version (double in
        // the plain one), off by ~sqrt(hs) u |s|; lse = max + log(sum exp) carries that error and
        // an ulp or two more from the vector exp: a few u = 2e-7 of lse's scale.
        // out and dinp are float sums over up to T = 513 positions, whose rounding grows like a
        // random walk: ~sqrt(T) u = 1.4e-6 of the tensor's scale. 1e-5 is ~7x above that, and far
        // below the O(1) of a wrong offset, a skipped block or a missing mask.
        check_plain("lse", flse, lse, 1e-6f);
        check_plain("out", fout, out, 1e-5f);
        // backward from the plain forward's out and lse, into gradients that already hold 0.5 (it adds)
        std::vector<float> dinp(n3, 0.5f), fdinp = dinp;
        attention_backward_naive(dinp.data(), dout.data(), inp.data(), lse.data(), s.B, s.T, s.C, s.NH);
        attention_backward(fdinp.data(), dout.data(), inp.data(), out.data(), lse.data(), s.B, s.T, s.C, s.NH);
        check_plain("dinp", fdinp, dinp, 1e-5f);
    }
}

TEST_CASE("attention/the same bits at any thread count") {
    // each (b, head) is one thread's, its blocks in a fixed order: 1, 2 or 3 threads, same bits.
    // T crosses a key block, so every path of the walk runs.
    const int B_ = 2, T_ = ATTENTION_BLOCK_K + 9, C_ = 16, NH_ = 2;
    const size_t n3 = (size_t)B_ * T_ * 3 * C_, nc = (size_t)B_ * T_ * C_, nl = (size_t)B_ * NH_ * T_;
    const std::vector<float> inp = random_floats(n3, 41, 2.0f), dout = random_floats(nc, 42);
    for (Precision precision : {Precision::fp32, Precision::bf16}) {
        CAPTURE(precision == Precision::bf16);
        std::vector<float> first;  // out, lse, dinp at 1 thread, one after the other
        for (int threads : {1, 2, 3}) {
            CAPTURE(threads);
            ThreadCount use(threads);
            std::vector<float> out(nc), lse(nl), dinp(n3);
            attention_forward(out.data(), lse.data(), inp.data(), B_, T_, C_, NH_, precision);
            attention_backward(dinp.data(), dout.data(), inp.data(), out.data(), lse.data(), B_, T_, C_, NH_,
                               precision);
            std::vector<float> all = out;
            for (const auto* v : {&lse, &dinp}) all.insert(all.end(), v->begin(), v->end());
            if (first.empty()) first = all;
            CHECK(all == first);
        }
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
    // In bf16 the products round their inputs to bf16 and sum in fp32. The plain loops fed
    // q, k, v, dout already rounded compute the same products in double, but keep the weights
    // (att, and dS) unrounded, where the blocked version rounds them as they enter a product. So:
    //  - lse, from the scores q.k: sums of hs exact products in fp32, as in "attention/fast
    //    against naive": 1e-6. This is what tells bf16 from fp32 (below).
    //  - out = sum_t2 bf16(P) v: each weight off by up to 2^-9 of itself, so out by at most
    //    2^-9 sum_t2 att |v_t2| <= 2^-9 max|v|, within 2^-8 of the scale (out at t=0 is v_0: the
    //    scale is about max|v|). dv = sum_t bf16(P) dout_t likewise.
    //  - dq, dk are sums of dS k and dS q, dS rounded to bf16 by the blocked version only: each
    //    term off by up to 2^-9 of itself, independently, so the sums by ~2^-9 sqrt(T) of their
    //    terms' size; held to 2^-8 of the tensor's scale.
    // All far below the O(1) of a wrong offset, a lost block or a missing mask.
    // Blocks: T crosses a key block with a partial query block; B=2, NH=3: offsets count.
    ThreadCount split(3);
    const int B_ = 2, T_ = ATTENTION_BLOCK_K + 14, C_ = 15, NH_ = 3;
    const size_t n3 = (size_t)B_ * T_ * 3 * C_, nc = (size_t)B_ * T_ * C_, nl = (size_t)B_ * NH_ * T_;
    const std::vector<float> inp = random_floats(n3, 31, 2.0f), dout = random_floats(nc, 32);
    const std::vector<float> inp16 = rounded(inp), dout16 = rounded(dout);
    std::vector<float> out(nc), lse(nl, -1.0f), fout(nc), flse(nl, -1.0f), out32(nc), lse32(nl);
    attention_forward_naive(out.data(), lse.data(), inp16.data(), B_, T_, C_, NH_);
    attention_forward(fout.data(), flse.data(), inp.data(), B_, T_, C_, NH_, Precision::bf16);
    check_plain("lse", flse, lse, 1e-6f);
    check_plain("out", fout, out, 1.0f / 256);
    // the bf16 result must not pass as fp32's: the fp32 lse lies outside lse's tolerance
    attention_forward(out32.data(), lse32.data(), inp.data(), B_, T_, C_, NH_);
    double worst = 0, scale = 0;
    for (size_t i = 0; i < nl; i++) {
        worst = std::max(worst, std::fabs((double)lse32[i] - lse[i]));
        scale = std::max(scale, std::fabs((double)lse[i]));
    }
    CHECK(worst > 1e-5 * scale);

    // backward into gradients that already hold 0.5 (it adds), both from the blocked forward's lse
    std::vector<float> dinp(n3, 0.5f), fdinp = dinp;
    attention_backward_naive(dinp.data(), dout16.data(), inp16.data(), flse.data(), B_, T_, C_, NH_);
    attention_backward(fdinp.data(), dout.data(), inp.data(), fout.data(), flse.data(), B_, T_, C_, NH_,
                       Precision::bf16);
    // the parts of dinp: dq, dk, dv (row bt of dinp is [dq | dk | dv])
    for (int part = 0; part < 3; part++) {
        std::vector<float> got, want;
        for (size_t bt = 0; bt < (size_t)B_ * T_; bt++)
            for (int i = 0; i < C_; i++) {
                got.push_back(fdinp[bt * 3 * C_ + part * C_ + i]);
                want.push_back(dinp[bt * 3 * C_ + part * C_ + i]);
            }
        CAPTURE(part);
        check_plain(part == 2 ? "dv" : part == 0 ? "dq" : "dk", got, want, 1.0f / 256);
    }
}
