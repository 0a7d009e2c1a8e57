// test_crossentropy.cpp: model/crossentropy (softmax over the first V of Vp logits, per-position
// cross-entropy, and their fused backward) against PyTorch (dev/reference/crossentropy.py),
// against finite differences of its own forward, the += rule, and the padded vocabulary:
// logits V..Vp-1 are never read, get probability exactly 0 and gradient exactly 0.
#include "model/crossentropy.h"
#include "test/check.h"
#include "test/fixture.h"
#include "test/layer_check.h"

#include <cmath>  // NAN
#include <vector>

namespace {
constexpr int B = 2, T = 3, V = 10, Vp = 16;  // as in dev/reference/crossentropy.py
constexpr size_t BT = (size_t)B * T, BTVp = BT * Vp;

Fixture load() {
    Fixture fx = fixture_load("crossentropy");
    require_shape(fx, "logits", {B, T, Vp});
    require_shape(fx, "targets", {B, T});
    require_shape(fx, "probs", {B, T, Vp});
    require_shape(fx, "dlosses", {B, T});
    return fx;
}

// backward from the fixture's probs into dlogits (adds)
void backward(const Fixture& fx, std::vector<float>& dlogits) {
    crossentropy_softmax_backward(dlogits.data(), fx.f("dlosses").data(), fx.f("probs").data(), fx.i("targets").data(),
                                  B, T, V, Vp);
}
}  // namespace

TEST_CASE("crossentropy/softmax_forward") {
    Fixture fx = load();
    std::vector<float> probs(BTVp);
    softmax_forward(probs.data(), fx.f("logits").data(), B, T, V, Vp);
    check_tensor("probs", probs.data(), fx.f("probs").data(), BTVp, TOL_LAYER);
}

TEST_CASE("crossentropy/forward") {
    Fixture fx = load();
    std::vector<float> losses(BT);
    crossentropy_forward(losses.data(), fx.f("probs").data(), fx.i("targets").data(), B, T, Vp);
    check_tensor("losses", losses.data(), fx.f("losses").data(), BT, TOL_LAYER);
}

TEST_CASE("crossentropy/backward") {
    Fixture fx = load();
    std::vector<float> dlogits(BTVp);
    backward(fx, dlogits);
    check_tensor("dlogits", dlogits.data(), fx.f("dlogits").data(), BTVp, TOL_LAYER);
}

TEST_CASE("crossentropy/backward finite differences") {
    Fixture fx = load();
    std::vector<float> logits = fx.f("logits"), probs(BTVp), losses(BT);
    const std::vector<float>& dlosses = fx.f("dlosses");
    auto loss = [&]() {
        softmax_forward(probs.data(), logits.data(), B, T, V, Vp);
        crossentropy_forward(losses.data(), probs.data(), fx.i("targets").data(), B, T, Vp);
        return dot_loss(losses.data(), dlosses.data(), BT);
    };
    loss();  // probs for backward, from our own forward
    std::vector<float> dlogits(BTVp);
    crossentropy_softmax_backward(dlogits.data(), dlosses.data(), probs.data(), fx.i("targets").data(), B, T, V, Vp);
    check_gradient_fd("dlogits", dlogits.data(), logits.data(), BTVp, loss);  // padded ones included: both 0
}

TEST_CASE("crossentropy/backward accumulates") {
    Fixture fx = load();
    std::vector<float> once(BTVp), twice(BTVp);
    backward(fx, once);
    backward(fx, twice);
    backward(fx, twice);
    check_accumulates("dlogits", once, twice);
}

TEST_CASE("crossentropy/padded vocab") {
    Fixture fx = load();
    // junk in every padded logit that breaks any computation reading it: NaN (poisons a sum or
    // an exp; std::max silently drops it, hence also) a huge value (wins a max over Vp and
    // underflows every real exp to 0)
    for (float junk : {NAN, 1e30f}) {
        CAPTURE(junk);
        std::vector<float> logits = fx.f("logits");
        for (size_t bt = 0; bt < BT; bt++)
            for (int v = V; v < Vp; v++) logits[bt * Vp + v] = junk;
        std::vector<float> probs(BTVp, -1.0f), losses(BT), dlogits(BTVp);
        softmax_forward(probs.data(), logits.data(), B, T, V, Vp);
        crossentropy_forward(losses.data(), probs.data(), fx.i("targets").data(), B, T, Vp);
        crossentropy_softmax_backward(dlogits.data(), fx.f("dlosses").data(), probs.data(), fx.i("targets").data(), B,
                                      T, V, Vp);
        check_tensor("probs", probs.data(), fx.f("probs").data(), BTVp, TOL_LAYER);
        check_tensor("losses", losses.data(), fx.f("losses").data(), BT, TOL_LAYER);
        check_tensor("dlogits", dlogits.data(), fx.f("dlogits").data(), BTVp, TOL_LAYER);
        for (size_t bt = 0; bt < BT; bt++) {
            CAPTURE(bt);
            double sum = 0;
            for (int v = 0; v < V; v++) sum += probs[bt * Vp + v];
            CHECK(sum == doctest::Approx(1.0).epsilon(1e-6));  // V float probs sum to 1 within a few ulps
            for (int v = V; v < Vp; v++) {
                CAPTURE(v);
                CHECK(probs[bt * Vp + v] == 0.0f);  // exactly, not merely small
                CHECK(dlogits[bt * Vp + v] == 0.0f);
            }
        }
    }
}

// ----------------------------------------------------------------------------
// the plain softmax: against PyTorch, then the fast one against it

TEST_CASE("crossentropy/softmax_forward_naive against PyTorch") {
    Fixture fx = load();
    std::vector<float> probs(BTVp, -1.0f);
    softmax_forward_naive(probs.data(), fx.f("logits").data(), B, T, V, Vp);
    check_tensor("probs", probs.data(), fx.f("probs").data(), BTVp, TOL_LAYER);  // padding included: 0
}

TEST_CASE("crossentropy/softmax_forward fast against naive") {
    // V=37 (4 rounds of 8 lanes + 5) padded to Vp=48; V=601 (two 256-float exp chunks + 89)
    // padded to Vp=640. Logits 5*U(-1,1): probabilities spread over e^10.
    ThreadCount split(3);  // every loop across 3 threads, however small (model/parallel.h)
    struct Shape { int B, T, V, Vp; };
    for (Shape s : {Shape{2, 19, 37, 48}, Shape{1, 17, 601, 640}}) {
        CAPTURE(s.V);
        CAPTURE(s.Vp);
        const size_t n = (size_t)s.B * s.T * s.Vp;
        const std::vector<float> logits = random_floats(n, 14, 5.0f);
        std::vector<float> probs(n, -1.0f), fprobs(n, -1.0f);  // -1: padding must be written as 0
        softmax_forward_naive(probs.data(), logits.data(), s.B, s.T, s.V, s.Vp);
        softmax_forward(fprobs.data(), logits.data(), s.B, s.T, s.V, s.Vp);
        // Tolerance: exp differs by an ulp or two (Eigen's vector exp vs std::exp), the double
        // sums agree to ~1e-16, and the division (fast: by a float 1/sum) rounds once more:
        // ~3u = 2e-7 of each probability, all <= 1. 1e-6 of the scale leaves 5x.
        check_plain("probs", fprobs, probs, 1e-6f);
        for (int v = s.V; v < s.Vp; v++) CHECK(probs[v] == 0.0f);  // the plain one pads too
    }
}
