// gemm_bf16.cpp: the plain loop, the portable kernel, the packing the fast kernels share, and the
// choice of kernel from cpuid. See gemm_bf16.h. The fast kernels live beside it:
// gemm_bf16_avx512.cpp and gemm_bf16_amx.cpp (their shared declarations: gemm_bf16_pack.h).
#include "model/gemm_bf16.h"
#include "data/common/errors.h"      // Error
#include "model/gemm_bf16_pack.h"    // pack_pairs, pack_rows, the kernels' entry points

#include <algorithm>  // min, max
#include <atomic>     // the kernel in use, read by every thread
#include <chrono>     // bf16_gemm_gflops' clock
#include <cstring>    // strerror
#include <string>     // error messages
#include <vector>     // the portable kernel's rounded copies, packing scratch

#if defined(GEMM_BF16_X86)
#include <cpuid.h>  // __get_cpuid_count
#endif
#if defined(GEMM_BF16_X86) && defined(__linux__)
#include <sys/syscall.h>  // SYS_arch_prctl
#include <unistd.h>       // syscall
#include <cerrno>         // errno
#endif

// element (i, j) of an input, rounded to bf16 and widened back to float (exact)
static inline float input_at(const GemmInput& X, size_t i, size_t j) {
    const size_t at = i * X.row_stride + j * X.col_stride;
    return X.b16 ? bf16_to_float(X.b16[at]) : bf16_to_float(bf16_round(X.f32[at]));
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
// runs of an input, rounded: what the portable kernel and the packing below read, in plain loops
// that the compiler vectorises where the run is contiguous

// out[i] = bf16(X at offset at + i * step) for i < n: one run of a line (or across lines)
static void read_run(const PackSource& X, size_t at, size_t step, int n, bf16* out) {
    if (X.b16) {
        const bf16* x = X.b16 + at;
        if (step == 1) std::memcpy(out, x, (size_t)n * sizeof(bf16));
        else for (int i = 0; i < n; i++) out[i] = x[(size_t)i * step];
    } else {
        const float* x = X.f32 + at;
        if (step == 1) for (int i = 0; i < n; i++) out[i] = bf16_round(x[i]);  // the hot case: vectorised
        else for (int i = 0; i < n; i++) out[i] = bf16_round(x[(size_t)i * step]);
    }
}

// ----------------------------------------------------------------------------
// the portable kernel: any CPU, plain C++. The rounded inputs are copied into floats: a (K, NB)
// block of B, and RB = 6 rows of A side by side, (K, 6). Then each 6 x 64 tile of C is summed in
// a local array, which the compiler can keep in vector registers (g++ 12 does: about Eigen's fp32
// speed; clang 14 only partly: ~2x a plain row-at-a-time loop):
//   acc(r, j) += A(i0+r, k) * B(k, j0+j)    for k = 0, 1, ..., K-1
// Every C(i,j) is thus summed in k order, from 0, then added to C (accumulate): its bits depend on
// K alone, as gemm_bf16.h promises. (Products of bf16 are exact in fp32, so whether the compiler
// fuses the multiply-add does not change the bits.)

void gemm_bf16_portable(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc,
                        bool accumulate) {
    constexpr int NB = 256;         // columns of B per copied block: the (K, NB) floats stay in L2
    constexpr int RB = 6, JB = 64;  // the register tile of C
    thread_local std::vector<float> b, a;  // this thread's copies, reused across calls
    thread_local std::vector<bf16> run;
    b.resize((size_t)K * NB);
    a.resize((size_t)RB * K);
    run.resize(std::max(K, NB));
    const PackSource As = lines_of_A(A), Bs = lines_of_B(B);
    for (int j0 = 0; j0 < N; j0 += NB) {
        const int nb = std::min(NB, N - j0);
        for (int k = 0; k < K; k++) {  // b(k, :) = bf16(B(k, j0 .. j0+nb)), zero beyond
            read_run(Bs, k * B.row_stride + j0 * B.col_stride, B.col_stride, nb, run.data());
            float* bk = b.data() + (size_t)k * NB;
            for (int j = 0; j < NB; j++) bk[j] = j < nb ? bf16_to_float(run[j]) : 0.0f;
        }
        for (int i0 = 0; i0 < M; i0 += RB) {
            const int rb = std::min(RB, M - i0);
            for (int r = 0; r < RB; r++) {  // a(k, r) = bf16(A(i0+r, k)): the 6 rows side by side
                if (r < rb) read_run(As, (i0 + r) * A.row_stride, A.col_stride, K, run.data());
                for (int k = 0; k < K; k++) a[(size_t)k * RB + r] = r < rb ? bf16_to_float(run[k]) : 0.0f;
            }
            const float *ap = a.data(), *bp = b.data();
            for (int jj = 0; jj < nb; jj += JB) {
                float acc[RB][JB] = {};  // C(i0.., j0+jj..), in registers
                for (int k = 0; k < K; k++) {
                    const float* bk = bp + (size_t)k * NB + jj;  // seek to b(k, jj)
                    for (int r = 0; r < RB; r++) {
                        const float ark = ap[(size_t)k * RB + r];
                        for (int j = 0; j < JB; j++) acc[r][j] += ark * bk[j];
                    }
                }
                const int cols = std::min(JB, nb - jj);
                for (int r = 0; r < rb; r++) {
                    float* c = C + (size_t)(i0 + r) * ldc + j0 + jj;  // seek to C(i0+r, j0+jj)
                    for (int j = 0; j < cols; j++) c[j] = accumulate ? c[j] + acc[r][j] : acc[r][j];
                }
            }
        }
    }
}

// ----------------------------------------------------------------------------
// packing for the fast kernels (gemm_bf16_pack.h)

void pack_pairs(const PackSource& X, size_t t0, int n, int width, size_t k0, int kc, int kc_pad, uint32_t* out) {
    const int kp = kc_pad / 2;                          // pairs, those beyond kc all zero
    const int panels = (n + width - 1) / width, pad = panels * width;
    const size_t panel_size = (size_t)kp * width;       // uint32s per panel
    thread_local std::vector<bf16> even, odd, line;
    thread_local std::vector<uint32_t> pairs;
    if (X.line_stride == 1 && n > 1) {
        // lines side by side in memory (B row-major, or A transposed): read across all n lines at
        // k = 2p and at 2p+1 (long runs), interleave the two runs into pairs (one long loop), then
        // copy each panel's share
        even.assign(pad, 0);
        odd.assign(pad, 0);
        pairs.resize(pad);
        for (int p = 0; p < kp; p++) {
            const size_t k = k0 + 2 * (size_t)p;
            if (2 * p < kc) read_run(X, t0 + k * X.k_stride, 1, n, even.data());
            else std::fill(even.begin(), even.end(), 0);
            if (2 * p + 1 < kc) read_run(X, t0 + (k + 1) * X.k_stride, 1, n, odd.data());
            else std::fill(odd.begin(), odd.end(), 0);
            for (int t = 0; t < pad; t++) pairs[t] = (uint32_t)even[t] | (uint32_t)odd[t] << 16;
            for (int q = 0; q < panels; q++)  // to panel q, pair p
                std::memcpy(out + q * panel_size + (size_t)p * width, pairs.data() + q * width, width * sizeof(uint32_t));
        }
        return;
    }
    // otherwise one line at a time along k (A row-major, B transposed: pairs already adjacent),
    // each pair one uint32 written with stride `width`
    line.assign(2 * (size_t)kp, 0);
    for (int t = 0; t < pad; t++) {
        if (t < n) read_run(X, (t0 + t) * X.line_stride + k0 * X.k_stride, X.k_stride, kc, line.data());
        else std::fill(line.begin(), line.end(), 0);
        uint32_t* o = out + (t / width) * panel_size + t % width;  // seek to line t's first pair
        for (int p = 0; p < kp; p++) o[(size_t)p * width] = (uint32_t)line[2 * p] | (uint32_t)line[2 * p + 1] << 16;
    }
}

void pack_rows(const PackSource& X, size_t t0, int n, int pad, size_t k0, int kc, int kc_pad, bf16* out) {
    thread_local std::vector<bf16> across;
    std::fill(out, out + (size_t)pad * kc_pad, 0);
    if (X.line_stride == 1 && n > 1) {
        // lines side by side: a transposition, 32 k at a time (one 64-byte line of each output row):
        // read across the lines at those 32 k, then write each line's 32 values
        const int KB = 32;
        across.resize((size_t)KB * n);
        for (int kb = 0; kb < kc; kb += KB) {
            const int nk = std::min(KB, kc - kb);
            for (int k = 0; k < nk; k++) read_run(X, t0 + (k0 + kb + k) * X.k_stride, 1, n, across.data() + (size_t)k * n);
            for (int t = 0; t < n; t++) {
                bf16* o = out + (size_t)t * kc_pad + kb;  // seek to line t, k = kb
                for (int k = 0; k < nk; k++) o[k] = across[(size_t)k * n + t];
            }
        }
        return;
    }
    for (int t = 0; t < n; t++)  // one line at a time along k
        read_run(X, (t0 + t) * X.line_stride + k0 * X.k_stride, X.k_stride, kc, out + (size_t)t * kc_pad);
}

// ----------------------------------------------------------------------------
// the choice of kernel: cpuid says what the CPU has, XCR0 (xgetbv) what the operating system
// saves on a context switch (a register file it does not save cannot be used), and on Linux AMX's
// 8 KB of tile data must also be requested once per process (arch_prctl).

const char* bf16_kernel_name(Bf16Kernel k) {
    switch (k) {
        case Bf16Kernel::amx: return "amx";
        case Bf16Kernel::avx512: return "avx512";
        case Bf16Kernel::portable: return "portable";
    }
    return "?";
}

namespace {
struct CpuSupport {
    std::string avx512_reason = "not an x86-64 build";  // "" when the kernel can run
    std::string amx_reason = "not an x86-64 build";
};

#if defined(GEMM_BF16_X86)
// XCR0, the state components the OS has enabled (xgetbv with ecx = 0); as inline assembly so that
// this file needs no -mxsave
uint64_t xcr0() {
    uint32_t lo, hi;
    __asm__ volatile("xgetbv" : "=a"(lo), "=d"(hi) : "c"(0));
    return (uint64_t)hi << 32 | lo;
}

// Linux >= 5.16 gives a process AMX's tile data only on request (XFEATURE_XTILEDATA = 18)
std::string request_amx_permission() {
#if defined(__linux__)
    const long ARCH_REQ_XCOMP_PERM_ = 0x1023, XFEATURE_XTILEDATA = 18;  // asm/prctl.h, asm/fpu/types.h
    if (syscall(SYS_arch_prctl, ARCH_REQ_XCOMP_PERM_, XFEATURE_XTILEDATA) != 0)
        return std::string("Linux refused the AMX tile state (arch_prctl ARCH_REQ_XCOMP_PERM: ") + std::strerror(errno) +
               "; Linux 5.16 or later is needed)";
    return "";
#else
    return "AMX needs Linux (its arch_prctl tile-state request)";
#endif
}

CpuSupport detect() {
    CpuSupport s;
    unsigned a, b, c, d;
    // leaf 1: ecx bit 27 = OSXSAVE (xgetbv is available)
    const bool osxsave = __get_cpuid_count(1, 0, &a, &b, &c, &d) && (c >> 27 & 1);
    const uint64_t xcr = osxsave ? xcr0() : 0;
    unsigned b7 = 0, d7 = 0, a71 = 0;
    if (__get_cpuid_count(7, 0, &a, &b, &c, &d)) b7 = b, d7 = d;
    if (__get_cpuid_count(7, 1, &a, &b, &c, &d)) a71 = a;
    const bool avx512f = b7 >> 16 & 1, avx512bf16 = a71 >> 5 & 1;  // leaf 7.0 ebx 16, leaf 7.1 eax 5
    const bool amx_bf16 = d7 >> 22 & 1, amx_tile = d7 >> 24 & 1;    // leaf 7.0 edx 22, 24
    // XCR0 bits 1, 2 (SSE, AVX), 5, 6, 7 (opmask, upper halves of zmm0-15, zmm16-31)
    const bool os_avx512 = (xcr & 0xe6) == 0xe6;
    const bool os_amx = (xcr >> 17 & 3) == 3;  // bits 17, 18: TILECFG, TILEDATA

    if (!gemm_bf16_avx512_built()) s.avx512_reason = "this build has no AVX512-BF16 kernel (compiler too old)";
    else if (!avx512f || !avx512bf16) s.avx512_reason = "the CPU has no AVX512-BF16";
    else if (!os_avx512) s.avx512_reason = "the operating system has not enabled the AVX-512 registers (XCR0)";
    else s.avx512_reason = "";

    if (!gemm_bf16_amx_built()) s.amx_reason = "this build has no AMX kernel (compiler too old)";
    else if (!amx_bf16 || !amx_tile) s.amx_reason = "the CPU has no AMX-BF16";
    else if (!os_amx) s.amx_reason = "the operating system has not enabled the AMX tile state (XCR0)";
    else s.amx_reason = request_amx_permission();  // once: detect() runs once per process
    return s;
}
#else
CpuSupport detect() { return CpuSupport(); }
#endif

// what this CPU supports, found on first use (thread-safe: a function-local static)
const CpuSupport& cpu() {
    static const CpuSupport s = detect();
    return s;
}

// the best kernel the CPU supports
Bf16Kernel best_kernel() {
    if (cpu().amx_reason.empty()) return Bf16Kernel::amx;
    if (cpu().avx512_reason.empty()) return Bf16Kernel::avx512;
    return Bf16Kernel::portable;
}

// the kernel in use, -1 until chosen (then the best one, unless bf16_use_kernel says otherwise)
std::atomic<int> chosen{-1};
}  // namespace

const char* bf16_kernel_reason(Bf16Kernel k) {
    switch (k) {
        case Bf16Kernel::amx: return cpu().amx_reason.c_str();
        case Bf16Kernel::avx512: return cpu().avx512_reason.c_str();
        case Bf16Kernel::portable: return "";
    }
    return "unknown kernel";
}

bool bf16_kernel_supported(Bf16Kernel k) { return bf16_kernel_reason(k)[0] == '\0'; }

Bf16Kernel bf16_kernel() {
    int k = chosen.load(std::memory_order_relaxed);
    if (k < 0) {  // first use: the best, unless bf16_use_kernel chose meanwhile
        int unset = -1;
        chosen.compare_exchange_strong(unset, (int)best_kernel());
        k = chosen.load();
    }
    return (Bf16Kernel)k;
}

void bf16_use_kernel(Bf16Kernel k) {
    if (!bf16_kernel_supported(k))
        throw Error(std::string("cannot use the ") + bf16_kernel_name(k) + " bf16 kernel: " + bf16_kernel_reason(k));
    chosen.store((int)k, std::memory_order_relaxed);
}

void gemm_bf16(int M, int N, int K, const GemmInput& A, const GemmInput& B, float* C, size_t ldc, bool accumulate) {
    if (M <= 0 || N <= 0) return;
    switch (bf16_kernel()) {
        case Bf16Kernel::amx: return gemm_bf16_amx(M, N, K, A, B, C, ldc, accumulate);
        case Bf16Kernel::avx512: return gemm_bf16_avx512(M, N, K, A, B, C, ldc, accumulate);
        case Bf16Kernel::portable: return gemm_bf16_portable(M, N, K, A, B, C, ldc, accumulate);
    }
}

double bf16_gemm_gflops(int n, int reps) {
    std::vector<bf16> a((size_t)n * n), b((size_t)n * n);
    std::vector<float> c((size_t)n * n);
    for (size_t i = 0; i < a.size(); i++) a[i] = bf16_round((float)(i % 7) * 0.1f), b[i] = bf16_round((float)(i % 5) * 0.1f);
    const GemmInput A{nullptr, a.data(), (size_t)n, 1}, B{nullptr, b.data(), (size_t)n, 1};
    double best = 1e30;
    for (int rep = 0; rep <= std::max(reps, 1); rep++) {  // rep 0 warms up (packing buffers, caches)
        const auto t0 = std::chrono::steady_clock::now();
        gemm_bf16(n, n, n, A, B, c.data(), (size_t)n, false);
        const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        if (rep > 0) best = std::min(best, s);
    }
    return 2.0 * n * (double)n * n / best / 1e9;
}
