// gemm_bf16_pack.h: what the bf16 kernels share, inside model/ only (callers include gemm_bf16.h).
// Packing copies a block of an input into the order a kernel's inner loop reads, rounding fp32 to
// bf16 on the way, so the inner loop never sees strides, fp32 or edges: a block of K values per
// "line" (a row of A or a column of B) becomes pairs of bf16 along k, zero-padded at every edge.
// Also the kernels' entry points (the tests call each one directly) and the cpuid checks.
#pragma once
#include <cstddef>  // size_t
#include <cstdint>  // uint32_t

#include "model/gemm_bf16.h"  // GemmInput, bf16

// The x86-64 code (cpuid, the AVX512-BF16 and real AMX kernels) is compiled only on x86-64; building
// with -DGEMM_BF16_NO_X86 leaves it out there too, to check what an arm64 build compiles.
#if defined(__x86_64__) && !defined(GEMM_BF16_NO_X86)
#define GEMM_BF16_X86 1
#endif

// One input seen as lines: element (t, k) is line t's k-th value. A's lines are its rows, B's are
// its columns, so one packing routine serves both.
struct PackSource {
    const float* f32;    // exactly one of f32/b16 is set, as in GemmInput
    const bf16* b16;
    size_t line_stride;  // elements from line t to line t+1
    size_t k_stride;     // elements from k to k+1 along a line
};
inline PackSource lines_of_A(const GemmInput& A) { return {A.f32, A.b16, A.row_stride, A.col_stride}; }
inline PackSource lines_of_B(const GemmInput& B) { return {B.f32, B.b16, B.col_stride, B.row_stride}; }

// Pairs along k, as AVX512-BF16's and AMX's dot products read them, in panels of `width` lines:
// for each line t < n and pair p < kp = kc_pad / 2, in panel q = t / width at out + q * kp * width,
//   panel[p * width + t % width] = bf16(X(t0+t, k0+2p)) | bf16(X(t0+t, k0+2p+1)) << 16   (one uint32)
// with zeros for the lines of the last panel beyond n and for k >= kc (kc_pad >= kc is even; the
// padding of an odd kc, or AMX's whole tiles: 0 * 0 adds nothing).
void pack_pairs(const PackSource& X, size_t t0, int n, int width, size_t k0, int kc, int kc_pad, uint32_t* out);
// Lines as rows of bf16, for AMX's A tiles: out[t * kc_pad + k] = bf16(X(t0+t, k0+k)) for t < n,
// k < kc, and zero for n <= t < pad or kc <= k < kc_pad.
void pack_rows(const PackSource& X, size_t t0, int n, int pad, size_t k0, int kc, int kc_pad, bf16* out);

// The kernels, with gemm_bf16's arguments; gemm_bf16 dispatches to them.
void gemm_bf16_portable(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc,
                        bool accumulate);
void gemm_bf16_avx512(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc,
                      bool accumulate);
void gemm_bf16_amx(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc, bool accumulate);
// The AMX kernel's whole logic (tile configuration, packing, loops, edges) on tiles emulated in
// plain C++ to the Intel SDM's definition of each tile instruction: runs on any CPU (tests).
void gemm_bf16_amx_emulated(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc,
                            bool accumulate);
// Whether the AVX512-BF16 kernel was compiled in (x86-64 with a compiler that knows the
// instructions); the CPU check is separate (bf16_kernel_supported).
bool gemm_bf16_avx512_built();
bool gemm_bf16_amx_built();
