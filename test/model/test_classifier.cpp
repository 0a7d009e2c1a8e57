// test_classifier.cpp: model/classifier (the logits, loss and their backward in chunks of positions).
// The chunked classifier is held against (1) the whole batch through the layers the model called
// before the chunks (matmul_forward, softmax_forward, crossentropy_*, matmul_backward): the same bits
// where the arithmetic is the same (logits, probs, losses, dlnf), within TOL_LAYER where the chunks
// split a sum (dwte, over positions); (2) its plain version; (3) finite differences. Sizes exercise
// a partial last chunk (B*T = 39 in chunks of 16), T = 1, and the padded vocabulary (V=50, Vp=128)
// whose padded rows of wte hold junk that must change nothing. Then the same inside the model.
#include <doctest.h>

#include <vector>

#include "model/bf16.h"  // bf16_round_array: the weights' bf16 copy
#include "model/classifier.h"
#include "model/crossentropy.h"
#include "model/gpt2.h"
#include "model/matmul.h"
#include "test/check.h"
#include "test/layer_check.h"  // random_floats, check_gradient_fd, check_accumulates, check_plain, ThreadCount

// One problem: lnf (B,T,C), wte (Vp,C) with junk in the padded rows, targets (B,T), dlosses (B,T).
struct Problem {
    int B, T, C, V, Vp;
    std::vector<float> lnf, wte, dlosses;
    std::vector<int> targets;
    size_t BT() const { return (size_t)B * T; }
};

static Problem make_problem(int B, int T, int C, int V, int Vp, unsigned seed) {
    Problem p{B, T, C, V, Vp, random_floats((size_t)B * T * C, seed, 2.0f), random_floats((size_t)Vp * C, seed + 1),
              random_floats((size_t)B * T, seed + 2), {}};
    for (size_t i = (size_t)V * C; i < p.wte.size(); i++) p.wte[i] = 9.0f;  // padding: junk, never a logit that counts
    for (size_t i = 0; i < p.BT(); i++) p.targets.push_back((int)((i * 7 + seed) % V));
    return p;
}

// The results of one classifier run: losses (B,T), dlnf (B,T,C), dwte (Vp,C), and the buffers'
// logits and probs (rows,Vp) as left.
struct Result {
    std::vector<float> losses, dlnf, dwte, logits, probs;
};

// The chunked classifier, with gradients if `grads`, in chunks of `chunk` positions.
static Result chunked(const Problem& p, int chunk, bool grads, const bf16* wte_bf16 = nullptr) {
    const size_t rows = std::min<size_t>(chunk, p.BT());
    Result r{std::vector<float>(p.BT()), std::vector<float>(p.BT() * p.C), std::vector<float>((size_t)p.Vp * p.C),
             std::vector<float>(rows * p.Vp), std::vector<float>(rows * p.Vp)};
    std::vector<float> dlogits(rows * p.Vp, -1.0f);  // junk: the classifier clears it
    if (grads)
        classifier_forward_backward(r.losses.data(), r.dlnf.data(), r.dwte.data(), r.logits.data(), r.probs.data(),
                                    dlogits.data(), p.dlosses.data(), p.lnf.data(), p.wte.data(), p.targets.data(), p.B,
                                    p.T, p.C, p.V, p.Vp, chunk, wte_bf16);
    else
        classifier_forward(r.losses.data(), r.logits.data(), r.probs.data(), p.lnf.data(), p.wte.data(),
                           p.targets.data(), p.B, p.T, p.C, p.V, p.Vp, chunk, wte_bf16);
    return r;
}

// The whole batch at once through the layers the model called before the chunks (fast versions).
static Result whole_batch(const Problem& p, const bf16* wte_bf16 = nullptr) {
    const size_t BTVp = p.BT() * p.Vp;
    Result r{std::vector<float>(p.BT()), std::vector<float>(p.BT() * p.C), std::vector<float>((size_t)p.Vp * p.C),
             std::vector<float>(BTVp), std::vector<float>(BTVp)};
    std::vector<float> dlogits(BTVp);
    matmul_forward(r.logits.data(), p.lnf.data(), p.wte.data(), nullptr, p.B, p.T, p.C, p.Vp, wte_bf16);
    softmax_forward(r.probs.data(), r.logits.data(), p.B, p.T, p.V, p.Vp);
    crossentropy_forward(r.losses.data(), r.probs.data(), p.targets.data(), p.B, p.T, p.Vp);
    crossentropy_softmax_backward(dlogits.data(), p.dlosses.data(), r.probs.data(), p.targets.data(), p.B, p.T, p.V,
                                  p.Vp);
    matmul_backward(r.dlnf.data(), r.dwte.data(), nullptr, dlogits.data(), p.lnf.data(), p.wte.data(), p.B, p.T, p.C,
                    p.Vp, wte_bf16);
    return r;
}

// The plain version.
static Result plain(const Problem& p) {
    const size_t BTVp = p.BT() * p.Vp;
    Result r{std::vector<float>(p.BT()), std::vector<float>(p.BT() * p.C), std::vector<float>((size_t)p.Vp * p.C),
             std::vector<float>(BTVp), std::vector<float>(BTVp)};
    std::vector<float> dlogits(BTVp);
    classifier_forward_backward_naive(r.losses.data(), r.dlnf.data(), r.dwte.data(), r.logits.data(), r.probs.data(),
                                      dlogits.data(), p.dlosses.data(), p.lnf.data(), p.wte.data(), p.targets.data(),
                                      p.B, p.T, p.C, p.V, p.Vp);
    return r;
}

// The first or the last `rows` positions' (rows,Vp) of a (rows or B*T,Vp) buffer.
static std::vector<float> first_rows(const std::vector<float>& x, size_t rows, int Vp) {
    return std::vector<float>(x.begin(), x.begin() + rows * Vp);
}
static std::vector<float> last_rows(const std::vector<float>& x, size_t rows, int Vp) {
    return std::vector<float>(x.end() - rows * Vp, x.end());
}

TEST_CASE("classifier/chunk sizes") {
    CHECK(classifier_chunk_rows(50304) == 160);  // GPT-2's padded vocabulary: 8M floats a buffer, in 16s
    CHECK(classifier_chunk_rows(50304) % 16 == 0);
    CHECK(classifier_chunk_rows(1 << 24) == 16);  // never fewer than 16
    CHECK(classifier_rows(50304, 4, 1024) == 160);
    CHECK(classifier_rows(256, 4, 64) == 256);   // a byte vocabulary: all B*T in one chunk
    CHECK(classifier_rows(1 << 24, 40, 2) == 40);  // at least B: sampling's last positions
}

TEST_CASE("classifier/forward: the whole batch's bits, in chunks of 16 with a partial last one") {
    for (int threads : {1, 2, 3}) {
        ThreadCount use(threads);
        Problem p = make_problem(3, 13, 24, 50, 128, 5);  // B*T = 39: chunks of 16, 16, 7
        Result got = chunked(p, 16, false), want = whole_batch(p);
        CHECK(got.losses == want.losses);
        // the buffers' first 7 rows hold the last chunk: positions 32..38
        CHECK(first_rows(got.logits, 7, p.Vp) == last_rows(want.logits, 7, p.Vp));
        CHECK(first_rows(got.probs, 7, p.Vp) == last_rows(want.probs, 7, p.Vp));
    }
}

TEST_CASE("classifier/forward_backward against the whole batch and the plain version") {
    Problem p = make_problem(3, 13, 24, 50, 128, 6);
    Result got = chunked(p, 16, true), whole = whole_batch(p), slow = plain(p);
    // the same arithmetic, column ranges of the same products: the same bits
    CHECK(got.losses == whole.losses);
    CHECK(got.dlnf == whole.dlnf);
    // dwte sums over the positions chunk by chunk: rounding only
    check_tensor("dwte chunked vs whole batch", got.dwte.data(), whole.dwte.data(), got.dwte.size(), TOL_LAYER);
    CHECK(got.dwte != whole.dwte);  // (and the check above is not a comparison of a thing with itself)
    // one chunk holding the whole batch is the whole batch, dwte included
    Result one = chunked(p, 48, true);
    CHECK(one.dwte == whole.dwte);
    // the plain version, sums in double
    check_plain("losses", got.losses, slow.losses, TOL_LAYER);
    check_plain("dlnf", got.dlnf, slow.dlnf, TOL_LAYER);
    check_plain("dwte", got.dwte, slow.dwte, TOL_LAYER);
}

TEST_CASE("classifier/bit-identical at 1, 2 and 3 threads") {
    Problem p = make_problem(2, 21, 16, 50, 128, 7);
    std::vector<Result> runs;
    for (int threads : {1, 2, 3}) {
        ThreadCount use(threads);
        runs.push_back(chunked(p, 16, true));
    }
    for (size_t k = 1; k < runs.size(); k++) {
        CHECK(runs[k].losses == runs[0].losses);
        CHECK(runs[k].dlnf == runs[0].dlnf);
        CHECK(runs[k].dwte == runs[0].dwte);
    }
}

TEST_CASE("classifier/padded vocabulary: junk in wte's padded rows changes nothing, and gets no gradient") {
    Problem p = make_problem(2, 9, 16, 50, 128, 8);
    Problem clean = p;
    for (size_t i = (size_t)p.V * p.C; i < clean.wte.size(); i++) clean.wte[i] = 0.0f;
    Result junk = chunked(p, 16, true), zero = chunked(clean, 16, true);
    CHECK(junk.losses == zero.losses);
    CHECK(junk.dlnf == zero.dlnf);
    CHECK(junk.dwte == zero.dwte);
    for (size_t i = (size_t)p.V * p.C; i < junk.dwte.size(); i++) CHECK(junk.dwte[i] == 0.0f);  // exactly
}

TEST_CASE("classifier/T = 1 and B = 1") {
    for (auto [B, T] : {std::pair<int, int>{1, 1}, {3, 1}, {1, 5}}) {
        Problem p = make_problem(B, T, 16, 50, 128, 9);
        Result got = chunked(p, 16, true), whole = whole_batch(p), slow = plain(p);
        CHECK(got.losses == whole.losses);
        check_plain("dlnf", got.dlnf, slow.dlnf, TOL_LAYER);
        check_plain("dwte", got.dwte, slow.dwte, TOL_LAYER);
    }
}

TEST_CASE("classifier/finite differences") {
    // loss = sum(losses * dlosses); its gradient in lnf and wte is what the backward adds
    Problem p = make_problem(2, 9, 8, 20, 32, 10);  // B*T = 18: chunks of 16 and 2
    Result got = chunked(p, 16, true);
    auto loss = [&] {
        Result r = chunked(p, 16, false);
        return dot_loss(r.losses.data(), p.dlosses.data(), p.BT());
    };
    check_gradient_fd("dlnf", got.dlnf.data(), p.lnf.data(), p.lnf.size(), loss);
    check_gradient_fd("dwte", got.dwte.data(), p.wte.data(), p.wte.size(), loss);  // the padded rows: 0 both
}

TEST_CASE("classifier/backward accumulates") {
    Problem p = make_problem(2, 13, 16, 50, 128, 11);
    const size_t rows = 16;
    std::vector<float> losses(p.BT()), logits(rows * p.Vp), probs(rows * p.Vp), dlogits(rows * p.Vp);
    std::vector<float> dlnf(p.BT() * p.C), dwte((size_t)p.Vp * p.C);
    auto backward = [&] {
        classifier_forward_backward(losses.data(), dlnf.data(), dwte.data(), logits.data(), probs.data(),
                                    dlogits.data(), p.dlosses.data(), p.lnf.data(), p.wte.data(), p.targets.data(), p.B,
                                    p.T, p.C, p.V, p.Vp, (int)rows, nullptr);
    };
    backward();
    const std::vector<float> dlnf1 = dlnf, dwte1 = dwte;
    backward();
    check_accumulates("dlnf", dlnf1, dlnf);
    check_accumulates("dwte", dwte1, dwte);
}

TEST_CASE("classifier/bf16: the whole batch's bf16 products, in chunks") {
    Problem p = make_problem(3, 13, 32, 50, 128, 12);
    std::vector<bf16> wte16(p.wte.size());
    bf16_round_array(wte16.data(), p.wte.data(), p.wte.size());
    Result got = chunked(p, 16, true, wte16.data()), whole = whole_batch(p, wte16.data());
    Result fp32 = chunked(p, 16, true);
    CHECK(got.losses == whole.losses);  // gemm_bf16: the same bits however a product is split
    CHECK(got.dlnf == whole.dlnf);
    check_tensor("bf16 dwte chunked vs whole batch", got.dwte.data(), whole.dwte.data(), got.dwte.size(), TOL_LAYER);
    CHECK(got.losses != fp32.losses);  // and it is bf16 that ran
}

TEST_CASE("classifier/last logits: sampling's last position of each sequence") {
    Problem p = make_problem(3, 13, 24, 50, 128, 13);
    Result whole = whole_batch(p);
    std::vector<float> logits(3 * p.Vp), probs(3 * p.Vp), want(3 * p.Vp);
    classifier_last_logits(logits.data(), probs.data(), p.lnf.data(), p.wte.data(), p.B, p.T, p.C, p.V, p.Vp, nullptr);
    for (int b = 0; b < p.B; b++)
        for (int v = 0; v < p.Vp; v++) want[(size_t)b * p.Vp + v] = whole.logits[((size_t)b * p.T + p.T - 1) * p.Vp + v];
    // a one-column product (Eigen's matrix-vector kernel): another order of the same sum
    check_tensor("last logits", logits.data(), want.data(), want.size(), TOL_LAYER);
    for (int b = 0; b < p.B; b++) {
        double sum = 0;
        for (int v = 0; v < p.V; v++) sum += probs[(size_t)b * p.Vp + v];
        CHECK(sum == doctest::Approx(1.0).epsilon(1e-6));
        for (int v = p.V; v < p.Vp; v++) CHECK(probs[(size_t)b * p.Vp + v] == 0.0f);
    }
}

// ----------------------------------------------------------------------------
// in the model

// A model whose vocabulary is GPT-2's, so that its classifier runs in chunks (160 positions): B*T = 200.
static void build_gpt2_vocab_model(GPT2& model) { gpt2_build_from_descriptor(model, "l1h2c16", 100, 50257, 3); }

TEST_CASE("classifier/in the model: a training forward, the backward's own pass, zero_grad between: the same gradients") {
    const int B = 2, T = 100;
    std::vector<int> in(B * T), tg(B * T);
    for (int i = 0; i < B * T; i++) in[i] = (i * 7919) % 50257, tg[i] = (i * 104729 + 1) % 50257;
    std::vector<float> grads[3];
    float loss[3];
    for (int k = 0; k < 3; k++) {
        GPT2 model;
        build_gpt2_vocab_model(model);
        REQUIRE(classifier_rows(model.config.padded_vocab_size, B, T) < (size_t)B * T);  // chunks, really
        model.training = k != 1;  // 0: fused in the forward; 1: an evaluation forward; 2: fused, then cleared
        if (k == 0) gpt2_zero_grad(model);
        gpt2_forward(model, in.data(), tg.data(), B, T);
        if (k != 0) gpt2_zero_grad(model);
        gpt2_backward(model);
        grads[k] = model.grads_memory;
        loss[k] = model.mean_loss;
    }
    CHECK(loss[1] == loss[0]);
    CHECK(loss[2] == loss[0]);
    CHECK(grads[1] == grads[0]);
    CHECK(grads[2] == grads[0]);
}

TEST_CASE("classifier/in the model: the losses of the whole-batch classifier, on the model's own lnf") {
    const int B = 2, T = 100;
    std::vector<int> in(B * T), tg(B * T);
    for (int i = 0; i < B * T; i++) in[i] = (i * 31) % 50257, tg[i] = (i * 17 + 5) % 50257;
    GPT2 model;
    build_gpt2_vocab_model(model);
    model.training = true;
    gpt2_zero_grad(model);
    gpt2_forward(model, in.data(), tg.data(), B, T);
    const GPT2Config& c = model.config;
    Problem p{B, T, c.channels, c.vocab_size, c.padded_vocab_size,
              std::vector<float>(model.acts.lnf, model.acts.lnf + (size_t)B * T * c.channels),
              std::vector<float>(model.params.wte, model.params.wte + (size_t)c.padded_vocab_size * c.channels),
              std::vector<float>((size_t)B * T, 1.0f / (B * T)), tg};
    Result whole = whole_batch(p);
    CHECK(std::vector<float>(model.acts.losses, model.acts.losses + B * T) == whole.losses);
    CHECK(std::vector<float>(model.grads_acts.lnf, model.grads_acts.lnf + (size_t)B * T * c.channels) == whole.dlnf);
    check_tensor("the model's classifier dwte", model.grads.wte, whole.dwte.data(), whole.dwte.size(), TOL_LAYER);
}
