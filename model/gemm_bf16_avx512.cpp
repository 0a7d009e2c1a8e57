// gemm_bf16_avx512.cpp: the AVX512-BF16 kernel of gemm_bf16 (gemm_bf16.h), for CPUs with
// _mm512_dpbf16_ps and no AMX (AMD Zen 4/5, Intel Cooper Lake). The plain loop it computes:
//   for i < M, j < N:  C(i,j) = [accumulate ? C(i,j) : 0] + sum_k bf16(A(i,k)) * bf16(B(k,j))
// vdpbf16ps, the one instruction doing the arithmetic: a zmm holds 16 lanes of 32 bits, each lane a
// PAIR of bf16 (low half first). For each lane j, acc[j] += x[j].hi * y[j].hi, then acc[j] += x[j].lo *
// y[j].lo: two fp32 fused multiply-adds, rounded to nearest even (the Intel SDM's definition; bf16
// denormal inputs count as zero and denormal sums are flushed to zero). So k runs two at a time.
// The three parts, as in every fast GEMM (Goto & van de Geijn, "Anatomy of high-performance matrix
// multiplication", 2008):
// - packing (gemm_bf16_pack.h): a KC x NC block of B is copied, rounded to bf16, into panels of
//   NR = 32 columns: bp[p][j] = (B(2p,j), B(2p+1,j)) as one uint32, 32 of them per pair p = the two
//   zmm the micro-kernel loads. A MC x KC block of A into panels of MR = 14 rows, each pair
//   (A(r,2p), A(r,2p+1)) one uint32 that the micro-kernel broadcasts to all 16 lanes; two layouts,
//   so that packing never transposes: A row-major (k contiguous: the forward and dX products)
//   stays rows, ap[r][p] (row length KC/2), rounded in one vectorised pass; A transposed (dW = dY^T X)
//   is packed pair-major, ap[p][r], from runs across its rows.
//   Edges are padded with zeros (rows, columns, and the odd k of an odd K), so the micro-kernel
//   never branches; zero times zero adds nothing.
// - the micro-kernel: a 14 x 32 tile of C lives in 28 zmm accumulators (of 32 registers) for the
//   whole of KC; per pair p it loads 2 zmm of B, broadcasts 14 pairs of A and issues 28 vdpbf16ps:
//   28 independent sums, enough to cover the instruction's latency on two pipes.
// - cache blocking: the B panel (KC=384: 24 KB) stays in L1 while the micro-kernel sweeps the MC=252
//   rows of packed A (190 KB, in L2); the packed B block (KC x NC=1024: 768 KB) stays in L2/L3.
// subtle: each lane's sum runs over k = 0, 1, 2, ... in pairs, from C (accumulate, or the partial
// sum of the previous KC block, stored exactly in fp32) or from 0: the order depends on K alone,
// never on where the tile sits, so any split of the product gives the same bits (gemm_bf16.h).
#include "model/gemm_bf16_pack.h"  // pack_pairs, pack_rows, lines_of_A/B, the entry points
#include "data/common/errors.h"    // Error

#include <algorithm>  // min, fill
#include <cstring>    // memcpy
#include <vector>     // the packed blocks

// vdpbf16ps needs GCC >= 10 or clang >= 9; the code is compiled for AVX512-BF16 function by
// function (target attribute), so this file builds with any -march and runs only where
// bf16_kernel_supported says so
// (clang is asked for the builtin itself: Apple's clang versions are not LLVM's)
#if defined(GEMM_BF16_X86) && defined(__clang__)
#if __has_builtin(__builtin_ia32_dpbf16ps_512)
#define GEMM_BF16_AVX512 1
#endif
#elif defined(GEMM_BF16_X86) && defined(__GNUC__) && __GNUC__ >= 10
#define GEMM_BF16_AVX512 1
#endif
#ifdef GEMM_BF16_AVX512
#include <immintrin.h>  // _mm512_dpbf16_ps
#define AVX512_BF16_TARGET __attribute__((target("avx512f,avx512bf16")))
#endif

bool gemm_bf16_avx512_built() {
#ifdef GEMM_BF16_AVX512
    return true;
#else
    return false;
#endif
}

#ifdef GEMM_BF16_AVX512
namespace {
constexpr int MR = 14;       // rows of C per micro-tile
constexpr int NV = 2;        // zmm per row of the micro-tile
constexpr int NR = 16 * NV;  // columns of C per micro-tile: 32
constexpr int KC = 384;      // k per block (even, so blocks never split a pair)
constexpr int MC = 18 * MR;  // rows of A per packed block: 252
constexpr int NC = 1024;     // columns of B per packed block

// The 14 x 32 tile c (row r at c + r * ldc) += ap times bp (kp, NR), in pairs:
//   for p < kp, r < MR, j < NR:  c(r,j) += a(r,p).hi * bp[p][j].hi, then += a(r,p).lo * bp[p][j].lo
// starting from c itself if load_c, else from 0. A's pair a(r,p) is at ap[r][p] (A_ROWS, rows of
// KC/2 pairs) or at ap[p][r] (pair-major), as bf16 pairs.
template <bool A_ROWS>
AVX512_BF16_TARGET void micro_kernel(int kp, const bf16* ap, const uint32_t* bp, float* c, size_t ldc, bool load_c) {
    __m512 acc[MR][NV];  // the tile, in registers: acc[r][v] = c(r, 16v .. 16v+15)
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++)
            acc[r][v] = load_c ? _mm512_loadu_ps(c + r * ldc + 16 * v) : _mm512_setzero_ps();
    // the next tile down is read next (load_c: a sum continued from C); it is likely out of cache
    // (C is megabytes), so ask for it now, while this tile computes (a prefetch never faults)
#pragma GCC unroll 16
    for (int r = 0; r < MR && load_c; r++) {
        _mm_prefetch((const char*)(c + (MR + r) * ldc), _MM_HINT_T0);
        _mm_prefetch((const char*)(c + (MR + r) * ldc + 16), _MM_HINT_T0);
    }
    for (int p = 0; p < kp; p++) {
        __m512bh b[NV];  // B's pair p for the 32 columns: (B(2p,j), B(2p+1,j))
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) b[v] = (__m512bh)_mm512_loadu_si512(bp + (size_t)p * NR + 16 * v);
#pragma GCC unroll 16
        for (int r = 0; r < MR; r++) {
            // A's pair p of row r (memcpy: the packed block holds bf16s), in all 16 lanes
            uint32_t pair;
            std::memcpy(&pair, ap + 2 * (A_ROWS ? (size_t)r * (KC / 2) + p : (size_t)p * MR + r), sizeof pair);
            const __m512bh a = (__m512bh)_mm512_set1_epi32((int)pair);
#pragma GCC unroll 4
            for (int v = 0; v < NV; v++) acc[r][v] = _mm512_dpbf16_ps(acc[r][v], a, b[v]);
        }
    }
#pragma GCC unroll 16
    for (int r = 0; r < MR; r++)
#pragma GCC unroll 4
        for (int v = 0; v < NV; v++) _mm512_storeu_ps(c + r * ldc + 16 * v, acc[r][v]);
}

// A(ic.., pc..) (mc rows, kc columns) packed for micro_kernel<a_rows>: mpanels panels of MR rows,
// each panel_size bf16s apart
void pack_a(const PackSource& a, bool a_rows, size_t ic, int mc, size_t pc, int kc, std::vector<bf16>& out,
            size_t& panel_size) {
    const int mpanels = (mc + MR - 1) / MR, kp = (kc + 1) / 2;
    panel_size = a_rows ? (size_t)MR * KC : (size_t)2 * kp * MR;
    out.resize(mpanels * panel_size);
    if (!a_rows) {  // pair-major, through uint32s (memcpy: the block holds bf16s)
        thread_local std::vector<uint32_t> pairs;
        pairs.resize(mpanels * panel_size / 2);
        pack_pairs(a, ic, mc, MR, pc, kc, 2 * kp, pairs.data());
        std::memcpy(out.data(), pairs.data(), pairs.size() * sizeof(uint32_t));
        return;
    }
    for (int q = 0; q < mpanels; q++)  // rows of KC bf16s, zero beyond kc
        pack_rows(a, ic + (size_t)q * MR, std::min(MR, mc - q * MR), MR, pc, kc, KC, out.data() + q * panel_size);
}
}  // namespace

void gemm_bf16_avx512(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc,
                      bool accumulate) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {  // an empty sum: C = 0, or C unchanged
        for (int i = 0; i < M && !accumulate; i++) std::fill(C + (size_t)i * ldc, C + (size_t)i * ldc + N, 0.0f);
        return;
    }
    thread_local std::vector<bf16> apack;      // this thread's packed blocks, reused across calls
    thread_local std::vector<uint32_t> bpack;
    const PackSource a = lines_of_A(A), b = lines_of_B(B);
    const bool a_rows = A.col_stride == 1;  // A's rows contiguous: packed as rows (see the header)
    float edge[MR * NR];  // a micro-tile at the bottom or right edge of C, computed whole then copied
    for (int jc = 0; jc < N; jc += NC) {
        const int nc = std::min(NC, N - jc), npanels = (nc + NR - 1) / NR;
        for (int pc = 0; pc < K; pc += KC) {
            const int kc = std::min(KC, K - pc), kp = (kc + 1) / 2;
            // B(pc.., jc..) as npanels panels of (kp, NR) pairs
            bpack.resize((size_t)npanels * kp * NR);
            pack_pairs(b, jc, nc, NR, pc, kc, 2 * kp, bpack.data());
            const bool load_c = accumulate || pc > 0;  // continue the sum held in C
            for (int ic = 0; ic < M; ic += MC) {
                const int mc = std::min(MC, M - ic), mpanels = (mc + MR - 1) / MR;
                size_t apanel;  // bf16s per packed panel of A
                pack_a(a, a_rows, ic, mc, pc, kc, apack, apanel);
                for (int jp = 0; jp < npanels; jp++) {  // this B panel stays in L1 ...
                    const uint32_t* bpp = bpack.data() + (size_t)jp * kp * NR;
                    for (int ip = 0; ip < mpanels; ip++) {  // ... across the A block's panels
                        const bf16* app = apack.data() + ip * apanel;
                        const int rows = std::min(MR, mc - ip * MR), cols = std::min(NR, nc - jp * NR);
                        float* c = C + (size_t)(ic + ip * MR) * ldc + jc + jp * NR;  // seek to the tile
                        const bool whole = rows == MR && cols == NR;
                        float* t = whole ? c : edge;  // where the micro-kernel reads and writes C
                        if (!whole) {
                            std::fill(edge, edge + MR * NR, 0.0f);
                            for (int r = 0; r < rows && load_c; r++) std::copy(c + r * ldc, c + r * ldc + cols, edge + r * NR);
                        }
                        if (a_rows) micro_kernel<true>(kp, app, bpp, t, whole ? ldc : NR, load_c);
                        else micro_kernel<false>(kp, app, bpp, t, whole ? ldc : NR, load_c);
                        if (whole) continue;
                        for (int r = 0; r < rows; r++) std::copy(edge + r * NR, edge + r * NR + cols, c + r * ldc);
                    }
                }
            }
        }
    }
}
#else
void gemm_bf16_avx512(int, int, int, const GemmInput&, const GemmInput&, float*, size_t, bool) {
    throw Error("gemm_bf16_avx512: this build has no AVX512-BF16 kernel");
}
#endif
