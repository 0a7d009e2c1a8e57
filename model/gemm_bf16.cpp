// gemm_bf16.cpp: the plain loop, the portable kernel, and the choice of kernel. See gemm_bf16.h.
// The fast kernels live beside it: gemm_bf16_avx512.cpp and gemm_bf16_amx.cpp.
#include "model/gemm_bf16.h"
#include "data/common/errors.h"  // Error

#include <algorithm>  // min
#include <string>     // the error message
#include <vector>     // the portable kernel's rounded copies

// element (i, j) of an input, rounded to bf16 and widened back to float (exact)
static inline float input_at(const GemmInput& X, size_t i, size_t j) {
    const size_t at = i * X.row_stride + j * X.col_stride;
    return X.b16 ? bf16_to_float(X.b16[at]) : bf16_to_float(bf16_round(X.f32[at]));
}

void bf16_round_array(bf16* out, const float* in, size_t n) {
    for (size_t i = 0; i < n; i++) out[i] = bf16_round(in[i]);
}

// ----------------------------------------------------------------------------
// plain version: one output element at a time, its sum in double

void gemm_bf16_naive(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc,
                     bool accumulate) {
    for (int i = 0; i < M; i++) {
        for (int j = 0; j < N; j++) {
            double s = 0.0;  // C(i,j) = sum_k A(i,k) B(k,j)
            for (int k = 0; k < K; k++) s += (double)input_at(A, i, k) * input_at(B, k, j);
            float* c = C + (size_t)i * ldc + j;
            *c = accumulate ? *c + (float)s : (float)s;
        }
    }
}

// ----------------------------------------------------------------------------
// the portable kernel: any CPU. B's rounded values are copied once into a (K, NB) block of floats,
// then each row of C is built as a sum of rows of that block: acc += A(i,k) * B(k, :) for k = 0, 1, ...
// (the compiler vectorises the row). Every C(i,j) is thus summed in k order, from 0: its bits
// depend on K alone, as gemm_bf16.h promises, and a learner can check it against the plain loop.

static void gemm_bf16_portable(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc,
                               bool accumulate) {
    const int NB = 256;                   // columns of C per block: the (K, NB) copy of B stays in L2
    thread_local std::vector<float> b, a, acc;  // this thread's scratch, reused across calls
    b.resize((size_t)K * NB);
    a.resize(K);
    acc.resize(NB);
    for (int j0 = 0; j0 < N; j0 += NB) {
        const int nb = std::min(NB, N - j0);
        for (int k = 0; k < K; k++)  // b(k, :) = bf16(B(k, j0 .. j0+nb))
            for (int j = 0; j < nb; j++) b[(size_t)k * NB + j] = input_at(B, k, j0 + j);
        for (int i = 0; i < M; i++) {
            for (int k = 0; k < K; k++) a[k] = input_at(A, i, k);  // a = bf16(A(i, :))
            std::fill(acc.begin(), acc.begin() + nb, 0.0f);
            for (int k = 0; k < K; k++) {  // acc += a[k] * b(k, :)
                const float ak = a[k], *bk = b.data() + (size_t)k * NB;
                for (int j = 0; j < nb; j++) acc[j] += ak * bk[j];
            }
            float* c = C + (size_t)i * ldc + j0;  // seek to C(i, j0)
            for (int j = 0; j < nb; j++) c[j] = accumulate ? c[j] + acc[j] : acc[j];
        }
    }
}

// ----------------------------------------------------------------------------
// the choice of kernel

const char* bf16_kernel_name(Bf16Kernel k) {
    switch (k) {
        case Bf16Kernel::amx: return "amx";
        case Bf16Kernel::avx512: return "avx512";
        case Bf16Kernel::portable: return "portable";
    }
    return "?";
}

bool bf16_kernel_supported(Bf16Kernel k) { return k == Bf16Kernel::portable; }

static Bf16Kernel chosen = Bf16Kernel::portable;

Bf16Kernel bf16_kernel() { return chosen; }

void bf16_use_kernel(Bf16Kernel k) {
    if (!bf16_kernel_supported(k))
        throw Error(std::string("this CPU cannot run the ") + bf16_kernel_name(k) + " bf16 kernel");
    chosen = k;
}

void gemm_bf16(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc, bool accumulate) {
    if (M <= 0 || N <= 0) return;
    gemm_bf16_portable(M, N, K, A, B, C, ldc, accumulate);
}
