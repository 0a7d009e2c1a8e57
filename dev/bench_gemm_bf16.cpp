// bench_gemm_bf16.cpp: GFLOP/s of each bf16 kernel (gemm_bf16.h) beside Eigen's fp32 GEMM, one
// thread, on the products of a linear layer at the `small` bench config (B8 T256, C384) and of
// attention per (batch, head) (T256, hs 64).
// Build and run: make bench-gemm  (~20 s; other programs on the machine skew the figures).
// Prints one line per shape and kernel: GFLOP/s, and the ratio over Eigen fp32 on the same shape.
// Each kernel's result is first checked against Eigen's within bf16's error, so a fast wrong
// kernel cannot print a figure. Read by whoever tunes the kernels (the numbers in the README).
#include <Eigen/Dense>

#include <time.h>  // clock_gettime

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <vector>

#include "model/gemm_bf16.h"

// this thread's CPU time in seconds: on a machine shared with other programs, the time we were
// descheduled does not count (their use of the caches still does)
static double thread_seconds() {
    timespec t;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &t);
    return t.tv_sec + 1e-9 * t.tv_nsec;
}

// the best seconds of `reps` runs of f, after one warm-up
template <class F>
static double best_seconds(int reps, F f) {
    f();
    double best = 1e30;
    for (int r = 0; r < reps; r++) {
        const double t0 = thread_seconds();
        f();
        best = std::min(best, thread_seconds() - t0);
    }
    return best;
}

struct Shape {
    const char* name;
    int M, N, K;
    bool a_trans, b_trans;  // A stored (K,M) / B stored (N,K), as the model's products read them
};

int main() {
    const int BT = 2048, C = 384;
    const Shape shapes[] = {
        {"fwd qkv   Y=X W^T ", BT, 3 * C, C, false, true},  {"fwd proj  Y=X W^T ", BT, C, C, false, true},
        {"fwd fc    Y=X W^T ", BT, 4 * C, C, false, true},  {"fwd fcprj Y=X W^T ", BT, C, 4 * C, false, true},
        {"bwd dX=dY W (qkv) ", BT, C, 3 * C, false, false}, {"bwd dX=dY W (fc)  ", BT, C, 4 * C, false, false},
        {"bwd dX=dY W (prj) ", BT, 4 * C, C, false, false}, {"bwd dW=dY^T X qkv ", 3 * C, C, BT, true, false},
        {"bwd dW=dY^T X fc  ", 4 * C, C, BT, true, false},  {"bwd dW=dY^T X prj ", C, 4 * C, BT, true, false},
        {"attn Q K^T (b,h)  ", 256, 256, 64, false, true},    {"attn att V (b,h)  ", 256, 64, 256, false, false},
    };
    std::printf("bench_gemm_bf16: one thread, kernel in use by default: %s\n", bf16_kernel_name(bf16_kernel()));
    for (Bf16Kernel k : {Bf16Kernel::amx, Bf16Kernel::avx512, Bf16Kernel::portable})
        if (!bf16_kernel_supported(k)) std::printf("  %s: not run (%s)\n", bf16_kernel_name(k), bf16_kernel_reason(k));
    double sum_eigen = 0, sum_k[3] = {0, 0, 0};
    for (const Shape& s : shapes) {
        // row-major A (M,K) and B (K,N) as Eigen column-major transposes: At (K,M), Bt (N,K)
        Eigen::MatrixXf a = Eigen::MatrixXf::Random(s.a_trans ? s.M : s.K, s.a_trans ? s.K : s.M);
        Eigen::MatrixXf b = Eigen::MatrixXf::Random(s.b_trans ? s.K : s.N, s.b_trans ? s.N : s.K);
        Eigen::MatrixXf c(s.N, s.M), ref(s.N, s.M);  // C row-major (M,N) = column-major (N,M)
        const double flops = 2.0 * s.M * s.N * s.K;
        // Eigen fp32: C^T = B^T A^T with whichever transposes the storage needs
        auto eigen = [&] {
            if (!s.a_trans && !s.b_trans) ref.noalias() = b * a;
            else if (!s.a_trans) ref.noalias() = b.transpose() * a;
            else ref.noalias() = b * a.transpose();
        };
        const double ge = flops / best_seconds(5, eigen) / 1e9;
        sum_eigen += flops / ge;
        std::printf("%s M=%4d N=%4d K=%4d  eigen-fp32 %6.1f GFLOP/s", s.name, s.M, s.N, s.K, ge);
        // A(i,k): row-major (M,K) is a.data() with strides (K,1); stored (K,M) is strides (1,M)
        GemmInput A{a.data(), nullptr, s.a_trans ? 1 : (size_t)s.K, s.a_trans ? (size_t)s.M : 1};
        GemmInput B{b.data(), nullptr, s.b_trans ? 1 : (size_t)s.N, s.b_trans ? (size_t)s.K : 1};
        int ki = 0;
        for (Bf16Kernel k : {Bf16Kernel::amx, Bf16Kernel::avx512, Bf16Kernel::portable}) {
            ki++;
            if (!bf16_kernel_supported(k)) continue;
            bf16_use_kernel(k);
            auto run = [&] { gemm_bf16(s.M, s.N, s.K, A, B, c.data(), s.N, false); };
            const double g = flops / best_seconds(5, run) / 1e9;
            sum_k[ki - 1] += flops / g;
            // |bf16 - fp32| <= 2 * 2^-8 * sum|a||b| per element; the inputs are uniform in [-1,1]
            const double err = (c - ref).cwiseAbs().maxCoeff(), bound = 2.0 / 256 * s.K * 0.25 * 4;
            std::printf("  %s %6.1f (x%.2f)%s", bf16_kernel_name(k), g, g / ge, err <= bound ? "" : " WRONG");
        }
        std::printf("\n");
    }
    std::printf("all shapes, total time ratio over eigen-fp32:");
    const char* names[] = {"amx", "avx512", "portable"};
    for (int i = 0; i < 3; i++)
        if (sum_k[i] > 0) std::printf("  %s x%.2f", names[i], sum_eigen / sum_k[i]);
    std::printf("\n");
    // the bf16 ceiling ./train bench uses (gemm_bf16.h), with each kernel
    for (Bf16Kernel k : {Bf16Kernel::amx, Bf16Kernel::avx512, Bf16Kernel::portable}) {
        if (!bf16_kernel_supported(k)) continue;
        bf16_use_kernel(k);
        std::printf("bf16_gemm_gflops(2048, 3) with %s: %.1f GFLOP/s\n", bf16_kernel_name(k), bf16_gemm_gflops(2048, 3));
    }
    return 0;
}
