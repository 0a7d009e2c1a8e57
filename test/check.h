// check.h: the one comparison every test uses, plus where the tests find their data.
// check_tensor names the tensor, reports the max abs error, the max error relative to the
// tensor's scale (its largest |want|) and the first index out of tolerance, and fails through
// doctest's CHECK.
// Tolerances, with reasons (pass one of these, never an ad-hoc number):
#pragma once
#include <doctest.h>

#include <algorithm>  // std::max
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
// logits and loss, relative to the largest |logit| (and to the loss)
constexpr float TOL_FORWARD = 1e-5f;
// gradients, relative to each tensor's largest entry (as check_tensor measures every tensor):
// entries span orders of magnitude and the small ones carry the rounding of the large ones
// they are sums of
constexpr float TOL_GRAD = 1e-5f;
// 10 AdamW steps, losses and parameters. Adam divides by sqrt(v), so where a gradient is tiny
// (1e-8) its rounding error becomes a visible part of a step: measured up to 1.1e-6 after 10
// steps against updates of 2e-3. (Entries whose gradient is rounding noise, the key bias
// among them, are held apart to steps*lr: see check_training in test_gpt2.cpp.)
constexpr float TOL_TRAIN_LOSS = 1e-5f;
constexpr float TOL_TRAIN_PARAMS = 1e-5f;
// the llm.c interchangeability promise: the same printed losses to 1e-4 relative
constexpr float TOL_LLMC_LOSS = 1e-4f;

// The comparison: |got_i - want_i| <= bound for every i. Reports n, the tensor's scale, the max abs
// diff, the max diff relative to the scale and the first index out of bounds (NaN is out too).
bool check_within(const char* name, const float* got, const float* want, size_t n, double bound, double scale);

// Relative to the tensor's scale: |got_i - want_i| <= tol * max_j |want_j|. subtle: not
// tol * (1 + |want_i|), which is an absolute tol for small tensors (AdamW's m and v, ~5e-4, would
// get ~2% slack); float rounding of a sum is relative to the size of its terms, and a tensor's
// largest entry bounds those, so its small entries are held to the big ones' rounding, no more.
// A tensor that should be exactly zero (scale 0) is held to exactly zero.
inline bool check_tensor(const char* name, const float* got, const float* want, size_t n, float tol) {
    double scale = 0;
    for (size_t i = 0; i < n; i++) scale = std::max(scale, std::fabs((double)want[i]));
    return check_within(name, got, want, n, tol * scale, scale);
}

// An absolute bound, where the reason for the bound is absolute (e.g. steps * lr).
inline bool check_tensor_abs(const char* name, const float* got, const float* want, size_t n, double bound) {
    return check_within(name, got, want, n, bound, 1.0);
}

// ../shared beside the checkout (CI and the development machines), or $SCRATCHGPT_SHARED.
inline std::string shared_dir() {
    const char* env = std::getenv("SCRATCHGPT_SHARED");
    return env ? std::string(env) : std::string("../shared");
}

// The message of the Error (or of the exception type E given, e.g. UsageError) that f() throws,
// or "" if it throws none.
template <class E = Error, class F>
std::string error_of(F f) {
    try {
        f();
    } catch (const E& e) {
        return e.what();
    }
    return "";
}

// A fresh empty directory under /tmp for a test's files; never the working directory.
std::string temp_dir(const char* tag);

// ----------------------------------------------------------------------------
// the binary, as a user runs it (test_cli.cpp, test_bench.cpp; make test builds ./train first)

struct Run {
    int status;          // exit status (128 + signal if killed)
    std::string output;  // stdout and stderr together
};
// Runs a shell command line from the repository root.
Run run_shell(const std::string& command);
// Runs `./train ARGS` through the shell from the repository root.
inline Run run_train(const std::string& args) { return run_shell("./train " + args); }

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
inline void require_input(const std::string& path, const std::string& how_to_get_it) {
    REQUIRE_MESSAGE(file_exists(path), (path + " is missing; HINT: " + how_to_get_it));
}

// The directory holding GPT-2's encoder.json + vocab.bpe, found as ./train finds it (gpt2_dir);
// fails the test through require_input where they are absent.
std::string require_gpt2_vocab();
