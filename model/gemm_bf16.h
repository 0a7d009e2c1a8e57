// gemm_bf16.h: the matrix product of mixed precision: bf16 inputs, fp32 sums, fp32 result.
//   C (M,N) = A (M,K) B (K,N)   or   C += A B        with every input rounded to bf16 (bf16.h)
// Every matrix product of --precision bf16 comes here: the three of each linear layer (matmul.h)
// and attention's (attention.h). It is one routine with three implementations ("kernels"), chosen
// at run time from what the CPU has:
//   amx      Intel AMX-BF16 tiles (Sapphire Rapids and later): 16x16 fp32 results per instruction
//   avx512   AVX512-BF16 dot products (AMD Zen 4/5, Intel Cooper Lake and later)
//   portable any CPU: rounds the inputs to bf16 and multiplies in fp32; the same numerics
// gemm_bf16_naive is the plain loop all three compute; the tests hold each kernel against it.
#pragma once
#include <cstddef>  // size_t

#include "model/bf16.h"  // bf16

// One input matrix: element (i, j) is at f32[i * row_stride + j * col_stride] (fp32, rounded to
// bf16 as it is read) or at b16[i * row_stride + j * col_stride] (already bf16: the weights' copy).
// Exactly one of the two pointers is set. The strides let one routine read any layout: a
// transposed matrix is the same memory with the two strides swapped.
struct GemmInput {
    const float* f32 = nullptr;
    const bf16* b16 = nullptr;
    size_t row_stride = 0, col_stride = 0;
};

// What the CPU's bf16 units allow, best first.
enum class Bf16Kernel { amx, avx512, portable };
const char* bf16_kernel_name(Bf16Kernel k);  // "amx", "avx512", "portable"
// The kernel gemm_bf16 uses: the fastest this CPU supports, unless bf16_use_kernel chose another.
Bf16Kernel bf16_kernel();
// True if this CPU (and its operating system) can run kernel k.
bool bf16_kernel_supported(Bf16Kernel k);
// Why this CPU cannot run kernel k, in one line for the model card ("the CPU has no AMX-BF16",
// "Linux refused the AMX tile state: ..."); "" if it can.
const char* bf16_kernel_reason(Bf16Kernel k);
// Makes gemm_bf16 use kernel k (tests, benchmarks); throws Error if the CPU cannot run it.
void bf16_use_kernel(Bf16Kernel k);

// C (M,N), row i at C + i * ldc:  C = A B, or C += A B when accumulate is true.
// Each C(i,j) is the sum over k of bf16(A(i,k)) * bf16(B(k,j)) in fp32 (with accumulate, the old
// C(i,j) is one more term of that sum: the portable kernel adds it last, avx512 and amx first).
// avx512 and amx, as their instructions do, read bf16 denormals (below 1.2e-38) as zero and flush
// denormal sums to zero; the portable kernel keeps them.
// subtle: the order of that sum depends only on K and on the kernel, never on i, j, M, N or the
// thread count; so a product split into blocks (matmul.cpp, across threads) gives the same bits as
// the whole. Runs on the calling thread: callers split the work across threads.
void gemm_bf16(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc, bool accumulate);

// The plain version: each C(i,j) as one sum over k in double, of the same bf16-rounded inputs.
void gemm_bf16_naive(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc,
                     bool accumulate);

// The ceiling of bf16 products: GFLOP/s (2 n^3 flops per product) of gemm_bf16 with the current
// kernel on an n x n x n product of bf16 inputs, the best of `reps` after one warm-up, on the calling
// thread (./train bench's peak_frac in bf16; for T threads, run it on each of T threads at once and
// add the results).
double bf16_gemm_gflops(int n, int reps);
