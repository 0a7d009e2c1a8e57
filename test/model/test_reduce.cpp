// test_reduce.cpp: model/reduce.h, the fast sum in double and the vectorised exp, against their
// plain twins (sum_double_naive, exp_inplace_naive), for every length around the 8 lanes and the
// 256-float exp chunk; and the promise the fast ones exist for: the same bits at any address.
#include "model/reduce.h"
#include "test/check.h"
#include "test/layer_check.h"

#include <cmath>  // std::fabs, std::ldexp
#include <vector>

TEST_CASE("reduce/sum_double against naive") {
    // exactly: 1 + 2 + ... + n is an integer far below 2^53, so any order gives it exactly, and a
    // skipped or doubled element (in the 8-lane body or in the n mod 8 tail) is off by at least 1
    for (int n = 0; n <= 40; n++) {
        CAPTURE(n);
        auto f = [](int i) { return (double)(i + 1); };
        CHECK(sum_double_naive(n, f) == (double)n * (n + 1) / 2);
        CHECK(sum_double(n, f) == sum_double_naive(n, f));
    }
    // random terms of both signs: the two orders differ by double rounding only. Each sum's error
    // is at most (n-1) * 2^-53 * sum|terms| (recursive summation), so the two differ by at most twice that.
    for (int n : {7, 8, 9, 1000, 1003}) {
        CAPTURE(n);
        const std::vector<float> x = random_floats((size_t)n, 7);
        auto f = [&](int i) { return (double)x[i] * 1.1; };
        double abs_sum = 0;
        for (float v : x) abs_sum += std::fabs(v) * 1.1;
        CHECK(std::fabs(sum_double(n, f) - sum_double_naive(n, f)) <= 2.0 * n * std::ldexp(1.0, -53) * abs_sum);
    }
}

TEST_CASE("reduce/exp_inplace against naive") {
    // lengths around the 8/16-float vector body and the 256-float chunk; values in [-20, 5)
    for (int n : {1, 7, 15, 17, 255, 256, 257, 600}) {
        CAPTURE(n);
        std::vector<float> x = random_floats((size_t)n, 8, 12.5f);
        for (float& v : x) v -= 7.5f;
        std::vector<float> fast = x, plain = x;
        exp_inplace(fast.data(), n);
        exp_inplace_naive(plain.data(), n);
        // Tolerance: Eigen's vector exp is within a couple of ulp of std::exp (measured: 1), i.e.
        // a relative 2e-7 on each element whatever its size; checked elementwise relative to it.
        std::vector<float> ratio(n), one(n, 1.0f);
        for (int i = 0; i < n; i++) ratio[i] = (float)((double)fast[i] / plain[i]);
        check_tensor("exp / std::exp", ratio.data(), one.data(), (size_t)n, 3e-7f);
    }
}

TEST_CASE("reduce/exp_inplace the same at any address") {
    // the same 300 values at 4 different offsets (so at 4 alignments) give the same bits
    const int n = 300;
    std::vector<float> x = random_floats(n, 9, 10.0f), first;
    for (int offset = 0; offset < 4; offset++) {
        CAPTURE(offset);
        std::vector<float> buf(n + offset);
        for (int i = 0; i < n; i++) buf[offset + i] = x[i];
        exp_inplace(buf.data() + offset, n);
        std::vector<float> got(buf.begin() + offset, buf.end());
        if (first.empty()) first = got;
        CHECK(got == first);
    }
}
