// gemm_bf16_amx.cpp: the AMX-BF16 kernel of gemm_bf16 (gemm_bf16.h), for Intel Xeons from Sapphire
// Rapids on. The plain loop it computes:
//   for i < M, j < N:  C(i,j) = [accumulate ? C(i,j) : 0] + sum_k bf16(A(i,k)) * bf16(B(k,j))
// AMX adds 8 "tile" registers tmm0-7 of up to 16 rows x 64 bytes, shaped by a 64-byte tile
// configuration (ldtilecfg), and one instruction that multiplies whole tiles: tdpbf16ps C, A, B with
// C 16 x 16 fp32, A 16 rows x 32 bf16 (k along a row) and B 16 rows of 16 PAIRS of bf16 (row p holds
// (B(2p,n), B(2p+1,n)) for n = 0..15: the "VNNI" layout). The Intel SDM defines it, per row m and
// column n of C, as two fp32 sums from zero over the 16 pairs p (fused multiply-adds, nearest even,
// bf16 denormals read as zero, denormal results flushed to zero),
//   even += A(m,2p) * B(2p,n),  odd += A(m,2p+1) * B(2p+1,n),    then  C(m,n) += even + odd
// 16 x 16 x 32 = 8192 multiply-adds in one instruction.
// The parts:
// - packing (gemm_bf16_pack.h): A's block as plain rows of bf16 (pack_rows), zero-padded to 32 rows
//   and to a multiple of 32 k; B's block as panels of 32 columns in pairs (pack_pairs, as the avx512
//   kernel packs it): a pair row is 128 bytes, the left 16 columns' half one B tile row, the right
//   half the other, both loaded with a stride of 128 bytes.
// - the micro-kernel: a 32 x 32 block of C in tiles 0-3 (2 x 2), for every 32 k: A's two 16-row
//   tiles (4, 5) and B's two 16-column tiles (6, 7), then 4 tdpbf16ps. Edges go through a 32 x 32
//   buffer, so every tile has the same shape and one configuration serves the whole call.
// - cache blocking: KC = 512 k per block (A's rows 1 KB + 64 bytes apart), MC = 256, NC = 512.
// The tile configuration is loaded at the start of every call and released at its end: a thread
// holds AMX's 8 KB of state only inside gemm_bf16, the OS saves none for threads outside it.
// subtle: every C(i,j) is summed in 32-k chunks from k = 0, whatever block or tile it sits in: the
// bits depend on K alone (gemm_bf16.h). The kernel is written once, over a "Tiles" type: RealTiles
// calls the instructions, EmulatedTiles does the SDM's arithmetic in plain C++, so the tests run
// this very code (configuration, packing, loops, edges) on any CPU.
#include "model/gemm_bf16_pack.h"  // pack_pairs, pack_rows, the entry points
#include "data/common/errors.h"    // Error

#include <algorithm>  // min, fill, copy
#include <cmath>      // fmaf
#include <cstring>    // memcpy, memset
#include <vector>     // the packed blocks

// the tile instructions need GCC >= 11 or clang >= 12; compiled function by function (target
// attribute), so this file builds with any -march and runs the real tiles only where
// bf16_kernel_supported says so. The compiler never emits AMX instructions of its own accord, so
// the emulated instance, compiled with the same attribute, runs anywhere.
// (clang is asked for the builtin itself: Apple's clang versions are not LLVM's)
#if defined(GEMM_BF16_X86) && defined(__clang__)
#if __has_builtin(__builtin_ia32_tdpbf16ps)
#define GEMM_BF16_AMX 1
#endif
#elif defined(GEMM_BF16_X86) && defined(__GNUC__) && __GNUC__ >= 11
#define GEMM_BF16_AMX 1
#endif
#ifdef GEMM_BF16_AMX
#include <immintrin.h>  // _tile_loadconfig, _tile_loadd, _tile_dpbf16ps, _tile_stored, _tile_release
#define AMX_TARGET __attribute__((target("amx-tile,amx-bf16")))
#else
#define AMX_TARGET
#endif

bool gemm_bf16_amx_built() {
#ifdef GEMM_BF16_AMX
    return true;
#else
    return false;
#endif
}

namespace {
// ----------------------------------------------------------------------------
// the tile configuration (Intel SDM vol. 1, 18.2 "palette 1": 8 tiles of at most 16 x 64 bytes)

struct alignas(64) TileConfig {
    uint8_t palette_id = 1;       // palette 1
    uint8_t start_row = 0;        // where an interrupted tile load resumes: 0
    uint8_t reserved[14] = {};    // must be zero
    uint16_t colsb[16] = {};      // bytes per row of tile i (tiles 8-15 do not exist: 0)
    uint8_t rows[16] = {};        // rows of tile i
};
static_assert(sizeof(TileConfig) == 64, "ldtilecfg reads 64 bytes");

// our one shape: every tile 16 rows x 64 bytes (C: 16 fp32, A: 32 bf16, B: 16 pairs of bf16)
TileConfig tile_config() {
    TileConfig cfg;
    for (int t = 0; t < 8; t++) cfg.colsb[t] = 64, cfg.rows[t] = 16;
    return cfg;
}

// ----------------------------------------------------------------------------
// the tiles emulated: the SDM's definitions, one thread's tile registers in plain arrays

// a bf16 as the fp32 the instruction reads: its 16 bits on top, a denormal read as a signed zero (DAZ)
inline float daz(bf16 h) { return (h & 0x7f80) == 0 ? bf16_to_float(h & 0x8000) : bf16_to_float(h); }
// an fp32 result as the instruction writes it: a denormal flushed to a signed zero (FTZ)
inline float ftz(float x) { return std::fabs(x) < 0x1p-126f ? std::copysign(0.0f, x) : x; }

struct EmulatedTiles {
    struct State {
        TileConfig cfg;
        alignas(64) uint8_t tile[8][16][64];  // tile t, row r, byte b
    };
    static State& s() {
        thread_local State state;  // tiles are per thread, as the real ones are
        return state;
    }
    static void loadconfig(const TileConfig* cfg) {
        std::memcpy(&s().cfg, cfg, sizeof *cfg);
        std::memset(s().tile, 0, sizeof s().tile);  // ldtilecfg zeroes the tiles
    }
    // tilerelease: back to no configuration (palette 0), tiles zero
    static void release() {
        s().cfg = TileConfig();
        s().cfg.palette_id = 0;
        std::memset(s().tile, 0, sizeof s().tile);
    }
    // the real instructions fault without a configuration: so does the emulation
    static void require_config() {
        if (s().cfg.palette_id != 1) throw Error("gemm_bf16_amx.cpp: emulated tile used without a tile configuration");
    }
    template <int T>
    static void zero() {
        require_config();
        std::memset(s().tile[T], 0, sizeof s().tile[T]);
    }
    // rows of colsb bytes from base, base + stride, ...; bytes beyond colsb and rows beyond rows are zero
    template <int T>
    static void load(const void* base, size_t stride) {
        zero<T>();
        for (int r = 0; r < s().cfg.rows[T]; r++)
            std::memcpy(s().tile[T][r], (const uint8_t*)base + r * stride, s().cfg.colsb[T]);
    }
    template <int T>
    static void store(void* base, size_t stride) {
        require_config();
        for (int r = 0; r < s().cfg.rows[T]; r++)
            std::memcpy((uint8_t*)base + r * stride, s().tile[T][r], s().cfg.colsb[T]);
    }
    // tdpbf16ps C, A, B as the SDM defines it (see the file's header)
    template <int TC, int TA, int TB>
    static void dpbf16ps() {
        require_config();
        const TileConfig& cfg = s().cfg;
        const int kp = cfg.colsb[TA] / 4, nc = cfg.colsb[TC] / 4;  // pairs along k, columns of C
        float b[16][32];  // B's pair rows as fp32, read once
        for (int k = 0; k < kp; k++)
            for (int e = 0; e < 2 * nc; e++) {
                bf16 h;
                std::memcpy(&h, &s().tile[TB][k][2 * e], sizeof h);
                b[k][e] = daz(h);
            }
        for (int m = 0; m < cfg.rows[TC]; m++) {
            float a[32], c[16], temp[32] = {};  // row m of A and of C; even and odd sums per column
            for (int e = 0; e < 2 * kp; e++) {
                bf16 h;
                std::memcpy(&h, &s().tile[TA][m][2 * e], sizeof h);
                a[e] = daz(h);
            }
            std::memcpy(c, s().tile[TC][m], sizeof c);
            for (int k = 0; k < kp; k++)
                for (int n = 0; n < nc; n++) {
                    temp[2 * n] = ftz(std::fmaf(a[2 * k], b[k][2 * n], temp[2 * n]));
                    temp[2 * n + 1] = ftz(std::fmaf(a[2 * k + 1], b[k][2 * n + 1], temp[2 * n + 1]));
                }
            for (int n = 0; n < nc; n++) c[n] = ftz(ftz(c[n]) + ftz(temp[2 * n] + temp[2 * n + 1]));
            std::memcpy(s().tile[TC][m], c, sizeof c);
        }
    }
};

// ----------------------------------------------------------------------------
// the real tiles: one instruction each

#ifdef GEMM_BF16_AMX
// subtle: GCC's tile intrinsics are assembly that names no memory operand (only the address), so the
// compiler could move or drop our stores to a buffer a tile is then loaded from; an empty assembly
// statement that "clobbers memory" before each load forbids that.
#define AMX_MEMORY_BARRIER() __asm__ volatile("" ::: "memory")
// subtle: the tile number of an intrinsic must be a literal (GCC pastes it into the assembly text)
#define AMX_BY_TILE(T, OP) \
    if constexpr (T == 0) OP(0); else if constexpr (T == 1) OP(1); else if constexpr (T == 2) OP(2); \
    else if constexpr (T == 3) OP(3); else if constexpr (T == 4) OP(4); else if constexpr (T == 5) OP(5); \
    else if constexpr (T == 6) OP(6); else OP(7)

struct RealTiles {
    AMX_TARGET static void loadconfig(const TileConfig* cfg) {
        AMX_MEMORY_BARRIER();
        _tile_loadconfig(cfg);
    }
    AMX_TARGET static void release() { _tile_release(); }
    template <int T>
    AMX_TARGET static void zero() {
#define AMX_ZERO(t) _tile_zero(t)
        AMX_BY_TILE(T, AMX_ZERO);
#undef AMX_ZERO
    }
    template <int T>
    AMX_TARGET static void load(const void* base, size_t stride) {
        AMX_MEMORY_BARRIER();
#define AMX_LOAD(t) _tile_loadd(t, base, stride)
        AMX_BY_TILE(T, AMX_LOAD);
#undef AMX_LOAD
    }
    template <int T>
    AMX_TARGET static void store(void* base, size_t stride) {
#define AMX_STORE(t) _tile_stored(t, base, stride)
        AMX_BY_TILE(T, AMX_STORE);
#undef AMX_STORE
        AMX_MEMORY_BARRIER();
    }
    // the four products of the micro-kernel, the only ones used
    template <int TC, int TA, int TB>
    AMX_TARGET static void dpbf16ps() {
        static_assert((TC == 0 && TA == 4 && TB == 6) || (TC == 1 && TA == 4 && TB == 7) ||
                          (TC == 2 && TA == 5 && TB == 6) || (TC == 3 && TA == 5 && TB == 7),
                      "tile triple not in the micro-kernel");
        if constexpr (TC == 0) _tile_dpbf16ps(0, 4, 6);
        else if constexpr (TC == 1) _tile_dpbf16ps(1, 4, 7);
        else if constexpr (TC == 2) _tile_dpbf16ps(2, 5, 6);
        else _tile_dpbf16ps(3, 5, 7);
    }
};
#endif

// ----------------------------------------------------------------------------
// the kernel, over either kind of tiles

constexpr int TR = 32;   // rows of C per micro-kernel block (2 tiles of 16)
constexpr int TN = 32;   // columns of C per block (2 tiles of 16): one packed B panel
constexpr int TK = 32;   // k per tdpbf16ps (a tile row of A: 32 bf16)
constexpr int KC = 512;  // k per block, a multiple of TK
constexpr int MC = 256;  // rows of A per packed block, a multiple of TR
constexpr int NC = 512;  // columns of B per packed block, a multiple of TN

template <class Tiles>
AMX_TARGET void gemm_tiles(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc,
                           bool accumulate) {
    if (M <= 0 || N <= 0) return;
    if (K <= 0) {  // an empty sum: C = 0, or C unchanged
        for (int i = 0; i < M && !accumulate; i++) std::fill(C + (size_t)i * ldc, C + (size_t)i * ldc + N, 0.0f);
        return;
    }
    thread_local std::vector<bf16> apack;      // A's block, rows of lda bf16
    thread_local std::vector<uint32_t> bpack;  // B's block, panels of (kc_pad/2, TN) pairs
    const PackSource a = lines_of_A(A), b = lines_of_B(B);
    alignas(64) float edge[TR * TN];  // a block at C's bottom or right edge, computed whole then copied
    const TileConfig cfg = tile_config();
    Tiles::loadconfig(&cfg);
    for (int jc = 0; jc < N; jc += NC) {
        const int nc = std::min(NC, N - jc), npanels = (nc + TN - 1) / TN;
        for (int pc = 0; pc < K; pc += KC) {
            const int kc = std::min(KC, K - pc), kc_pad = (kc + TK - 1) / TK * TK;
            const size_t panel = (size_t)kc_pad / 2 * TN;  // uint32 per B panel
            bpack.resize(npanels * panel);
            pack_pairs(b, jc, nc, TN, pc, kc, kc_pad, bpack.data());
            const bool load_c = accumulate || pc > 0;  // continue the sum held in C
            for (int ic = 0; ic < M; ic += MC) {
                const int mc = std::min(MC, M - ic), mc_pad = (mc + TR - 1) / TR * TR;
                // subtle: rows 1 KB apart (kc_pad = 512) would fall in 4 of L1's 64 sets; 64 more
                // bytes per row spread a tile's 16 rows over 16 sets
                const int lda = kc_pad + TK;
                apack.resize((size_t)mc_pad * lda);
                pack_rows(a, ic, mc, mc_pad, pc, kc, lda, apack.data());
                const size_t a_stride = (size_t)lda * sizeof(bf16);  // bytes between A's rows
                for (int jp = 0; jp < npanels; jp++) {
                    const uint32_t* bp = bpack.data() + jp * panel;
                    for (int ir = 0; ir < mc; ir += TR) {
                        const int rows = std::min(TR, mc - ir), cols = std::min(TN, nc - jp * TN);
                        float* c = C + (size_t)(ic + ir) * ldc + jc + jp * TN;  // seek to the block
                        const bool whole = rows == TR && cols == TN;
                        float* t = whole ? c : edge;  // where the tiles load and store C
                        const size_t ts = (whole ? ldc : TN) * sizeof(float);  // its row stride in bytes
                        if (!whole) {
                            std::fill(edge, edge + TR * TN, 0.0f);
                            for (int r = 0; r < rows && load_c; r++) std::copy(c + r * ldc, c + r * ldc + cols, edge + r * TN);
                        }
                        const size_t half = 16 * ts / sizeof(float);  // 16 rows down, in floats
                        if (load_c) {
                            Tiles::template load<0>(t, ts), Tiles::template load<1>(t + 16, ts);
                            Tiles::template load<2>(t + half, ts), Tiles::template load<3>(t + half + 16, ts);
                        } else {
                            Tiles::template zero<0>(), Tiles::template zero<1>();
                            Tiles::template zero<2>(), Tiles::template zero<3>();
                        }
                        const bf16* a0 = apack.data() + (size_t)ir * lda;  // rows ir.. and ir+16..
                        const bf16* a1 = a0 + (size_t)16 * lda;
                        for (int kk = 0; kk < kc_pad; kk += TK) {
                            Tiles::template load<4>(a0 + kk, a_stride), Tiles::template load<5>(a1 + kk, a_stride);
                            const uint32_t* bk = bp + (size_t)kk / 2 * TN;  // pair row kk/2 of the panel
                            Tiles::template load<6>(bk, TN * sizeof(uint32_t));       // columns 0-15
                            Tiles::template load<7>(bk + 16, TN * sizeof(uint32_t));  // columns 16-31
                            Tiles::template dpbf16ps<0, 4, 6>(), Tiles::template dpbf16ps<1, 4, 7>();
                            Tiles::template dpbf16ps<2, 5, 6>(), Tiles::template dpbf16ps<3, 5, 7>();
                        }
                        Tiles::template store<0>(t, ts), Tiles::template store<1>(t + 16, ts);
                        Tiles::template store<2>(t + half, ts), Tiles::template store<3>(t + half + 16, ts);
                        if (!whole)
                            for (int r = 0; r < rows; r++) std::copy(edge + r * TN, edge + r * TN + cols, c + r * ldc);
                    }
                }
            }
        }
    }
    Tiles::release();
}
}  // namespace

void gemm_bf16_amx_emulated(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc,
                            bool accumulate) {
    gemm_tiles<EmulatedTiles>(M, N, K, A, B, C, ldc, accumulate);
}

void gemm_bf16_amx(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc, bool accumulate) {
#ifdef GEMM_BF16_AMX
    gemm_tiles<RealTiles>(M, N, K, A, B, C, ldc, accumulate);
#else
    gemm_tiles<EmulatedTiles>(M, N, K, A, B, C, ldc, accumulate);  // never chosen: bf16_kernel_supported is false
#endif
}
