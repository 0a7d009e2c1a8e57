// check.h: the one comparison every test uses, plus where the tests find their data.
// check_tensor names the tensor, reports the max abs error, the max relative error
// and the first index out of tolerance, and fails through doctest's CHECK.
// Tolerances, with reasons (pass one of these, never an ad-hoc number):
#pragma once
#include <doctest.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>

#include "data/common/files.h"  // Error

// one layer against PyTorch, float32 both sides: rounding differences only
constexpr float TOL_LAYER = 1e-5f;
// the whole small model against PyTorch: errors add up over L blocks and a softmax
constexpr float TOL_MODEL = 1e-4f;
// test_gpt2.cpp, the whole model against dev/reference/gpt2.py (float32 on both sides, so the
// errors are rounding from different summation orders, grown through L blocks and a softmax).
// llm.c's test_gpt2.c accepts 1e-2 on logits/loss and 2e-2 on gradients; the measured errors
// here are ~7e-7 (README table), so these leave a margin of about 10x and no more:
// logits and loss, |got - want| <= tol * (1 + |want|)
constexpr float TOL_FORWARD = 1e-5f;
// gradients, relative to each tensor's largest entry: entries span orders of magnitude and
// the small ones carry the rounding of the large ones they are sums of
constexpr float TOL_GRAD = 1e-5f;
// 10 AdamW steps, losses and parameters. Adam divides by sqrt(v), so where a gradient is tiny
// (1e-8) its rounding error becomes a visible part of a step: measured up to 1.1e-6 after 10
// steps against updates of 2e-3. (Entries whose gradient is rounding noise, the key bias
// among them, are held apart to steps*lr: see check_training in test_gpt2.cpp.)
constexpr float TOL_TRAIN_LOSS = 1e-5f;
constexpr float TOL_TRAIN_PARAMS = 1e-5f;
// the llm.c interchangeability promise: the same printed losses to 1e-4 relative
constexpr float TOL_LLMC_LOSS = 1e-4f;

// |got - want| <= tol * (1 + |want|) elementwise: absolute near zero, relative for large values.
inline bool check_tensor(const char* name, const float* got, const float* want, size_t n, float tol) {
    double max_abs = 0, max_rel = 0;
    size_t bad = n;  // first index out of tolerance
    for (size_t i = 0; i < n; i++) {
        double d = std::fabs((double)got[i] - (double)want[i]);
        if (!(d <= tol * (1.0 + std::fabs((double)want[i]))) && bad == n) bad = i;  // NaN is bad too
        if (d > max_abs || std::isnan(d)) max_abs = d;
        double r = d / (std::fabs((double)want[i]) + 1e-12);
        if (r > max_rel && std::fabs(want[i]) > 1e-6) max_rel = r;
    }
    std::string msg = std::string(name) + ": n=" + std::to_string(n) + " max_abs=" + std::to_string(max_abs) +
                      " max_rel=" + std::to_string(max_rel);
    if (bad != n)
        msg += " first bad index " + std::to_string(bad) + ": got " + std::to_string(got[bad]) + " want " +
               std::to_string(want[bad]);
    INFO(msg);
    CHECK(bad == n);
    return bad == n;
}

// ../shared beside the checkout (CI and the development machines), or $SCRATCHGPT_SHARED.
inline std::string shared_dir() {
    const char* env = std::getenv("SCRATCHGPT_SHARED");
    return env ? std::string(env) : std::string("../shared");
}

// The message of the Error that f() throws, or "" if it throws none.
template <class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const Error& e) {
        return e.what();
    }
    return "";
}

// A fresh empty directory under /tmp for a test's files; never the working directory.
std::string temp_dir(const char* tag);

// ----------------------------------------------------------------------------
// inputs from outside the repository: a test whose input is missing FAILS (it never passes
// having checked nothing), and says which command gets the input

// how to get ../shared's files (Tiny Shakespeare, GPT-2's vocabulary)
constexpr const char* GET_SHARED =
    "copy ../shared (data/tinyshakespeare.txt, data/gpt2/) beside the checkout or set $SCRATCHGPT_SHARED; "
    "`make data` downloads Tiny Shakespeare into cache/";
// how to get GPT-2's encoder.json + vocab.bpe (the places ./train looks: tokenizer/vocab_gpt2.h gpt2_dir)
constexpr const char* GET_GPT2_VOCAB =
    "run `make gpt2-vocab` (downloads them into cache/gpt2/), or copy ../shared/data/gpt2/ beside the checkout";

// Fails the test (REQUIRE) unless `path` exists, naming the path and how_to_get_it.
inline void require_input(const std::string& path, const char* how_to_get_it) {
    REQUIRE_MESSAGE(file_exists(path), (path + " is missing; HINT: " + how_to_get_it));
}

// The directory holding GPT-2's encoder.json + vocab.bpe, found as ./train finds it (gpt2_dir);
// fails the test through require_input where they are absent.
std::string require_gpt2_vocab();
