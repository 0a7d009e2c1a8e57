// test_gemm_bf16.cpp: the bf16 format (bf16.h) and the bf16 GEMM kernels (gemm_bf16.h): rounding
// against hand-worked bit patterns; every kernel (portable; avx512 and amx where the CPU has them;
// amx through its tile emulation everywhere) against the plain loop gemm_bf16_naive on odd shapes,
// layouts and input kinds; the exact order of each fast kernel's sums; and the same bits however a
// product is split into blocks (the contract the threaded callers rely on).
#include "model/gemm_bf16.h"
#include "model/gemm_bf16_pack.h"  // each kernel's entry point, the emulated AMX kernel
#include "data/common/errors.h"    // Error
#include "test/check.h"

#include <cmath>
#include <cstring>
#include <string>
#include <vector>

// ----------------------------------------------------------------------------
// bf16_round: each expected value worked out by hand from the bits (sign | 8-bit exponent | mantissa)

namespace {
float from_bits(uint32_t u) {
    float x;
    std::memcpy(&x, &u, sizeof x);
    return x;
}
}  // namespace

TEST_CASE("gemm_bf16/bf16_round") {
    struct Case {
        uint32_t in;
        bf16 want;
        const char* why;
    };
    const Case cases[] = {
        {0x3F800000, 0x3F80, "1.0 is a bf16"},
        {0x3F808000, 0x3F80, "1 + 2^-8: halfway between 1 and 1 + 2^-7, ties to the even 0x3F80 (down)"},
        {0x3F818000, 0x3F82, "1 + 3*2^-8: halfway between 0x3F81 and 0x3F82, ties to the even 0x3F82 (up)"},
        {0x3F808001, 0x3F81, "just above halfway rounds up"},
        {0x3F807FFF, 0x3F80, "just below halfway rounds down"},
        {0xBF808000, 0xBF80, "-(1 + 2^-8): ties to even, sign kept"},
        {0xBF818000, 0xBF82, "-(1 + 3*2^-8): ties to even upward in magnitude"},
        {0x3FFF8000, 0x4000, "1.99609375: tie, 0x3FFF is odd, so up: the carry bumps the exponent to 2.0"},
        {0x3FFFFFFF, 0x4000, "just below 2.0 rounds to 2.0"},
        {0x7F7FFFFF, 0x7F80, "the largest float rounds past the largest bf16 to +inf"},
        {0x7F7F7FFF, 0x7F7F, "below halfway stays the largest bf16 with that exponent"},
        {0x7F800000, 0x7F80, "+inf"},
        {0xFF800000, 0xFF80, "-inf"},
        {0x7FC00000, 0x7FC0, "quiet NaN"},
        {0x7F800001, 0x7FC0, "a NaN whose payload is only in the dropped bits stays NaN (quiet), not inf"},
        {0xFF800001, 0xFFC0, "negative NaN likewise"},
        {0x00000000, 0x0000, "+0"},
        {0x80000000, 0x8000, "-0 keeps its sign"},
        {0x00000001, 0x0000, "the smallest denormal rounds to +0"},
        {0x80000001, 0x8000, "and its negative to -0"},
        {0x00008000, 0x0000, "denormal tie between 0 and 0x0001: to even 0"},
        {0x00018000, 0x0002, "denormal tie between 0x0001 and 0x0002: to even 0x0002"},
        {0x00008001, 0x0001, "denormal just above halfway: up to the smallest bf16 denormal"},
        {0x007FFFFF, 0x0080, "the largest denormal rounds up into the smallest normal, 2^-126"},
    };
    for (const Case& c : cases) {
        INFO(c.why);
        CHECK(bf16_round(from_bits(c.in)) == c.want);
    }
    // bf16_to_float is exact: 0x3F81 is 1 + 2^-7, 0xC040 is -3
    CHECK(bf16_to_float(0x3F81) == 1.0078125f);
    CHECK(bf16_to_float(0xC040) == -3.0f);
    // bf16_round_array is bf16_round on each element
    const float in[3] = {from_bits(0x3F818000), from_bits(0x7F800001), -0.0f};
    bf16 out[3];
    bf16_round_array(out, in, 3);
    CHECK(out[0] == 0x3F82);
    CHECK(out[1] == 0x7FC0);
    CHECK(out[2] == 0x8000);
}

// ----------------------------------------------------------------------------
// problems: random inputs in any layout, of fp32 or bf16

namespace {
using GemmFn = void (*)(int, int, int, const GemmInput&, const GemmInput&, float*, size_t, bool);

struct Kernel {
    std::string name;
    GemmFn fn;
    std::string skip;  // why it cannot run here ("" if it can)
};

// every kernel, and whether this CPU runs it
std::vector<Kernel> all_kernels() {
    return {
        {"portable", gemm_bf16_portable, ""},
        {"avx512", gemm_bf16_avx512, bf16_kernel_reason(Bf16Kernel::avx512)},
        {"amx", gemm_bf16_amx, bf16_kernel_reason(Bf16Kernel::amx)},
        {"amx-emulated", gemm_bf16_amx_emulated, ""},
    };
}

// values of both signs over 2^-4 .. 2^4 with full fp32 mantissas (so rounding to bf16 matters),
// never denormal, from a fixed-seed LCG
struct Rng {
    uint64_t s;
    float next() {
        s = s * 6364136223846793005ULL + 1442695040888963407ULL;
        const float u = (float)((s >> 40) & 0xffffff) / 16777216.0f;      // [0, 1)
        const float mag = std::ldexp(1.0f + u, (int)((s >> 20) % 9) - 4);  // [2^-4, 2^5)
        return (s >> 33) & 1 ? -mag : mag;
    }
};

// one input matrix (rows x cols) stored row-major or transposed, with a padded leading dimension
// (so a stride mix-up reads the wrong numbers), as fp32 or already bf16
struct Matrix {
    std::vector<float> f;
    std::vector<bf16> h;
    GemmInput in;
    Matrix(int rows, int cols, bool transposed, bool as_bf16, Rng& rng) {
        const size_t ld = (size_t)(transposed ? rows : cols) + 3;  // padded
        const size_t n = ld * (transposed ? cols : rows);
        f.resize(n);
        for (float& x : f) x = rng.next();
        in.row_stride = transposed ? 1 : ld;
        in.col_stride = transposed ? ld : 1;
        if (as_bf16) {
            h.resize(n);
            bf16_round_array(h.data(), f.data(), n);
            in.b16 = h.data();
        } else {
            in.f32 = f.data();
        }
    }
    // element (i, j) as the product reads it: rounded to bf16 (exact in float)
    float at(size_t i, size_t j) const {
        const size_t k = i * in.row_stride + j * in.col_stride;
        return in.b16 ? bf16_to_float(h[k]) : bf16_to_float(bf16_round(f[k]));
    }
};

struct Problem {
    Rng rng;  // first: the members below draw from it in order
    int M, N, K;
    Matrix A, B;
    size_t ldc;
    std::vector<float> c0;  // C before the product (accumulate adds to it); ldc > N: padding columns
    // layout bits: 1 A transposed, 2 B transposed, 4 A in bf16, 8 B in bf16
    Problem(int M_, int N_, int K_, unsigned layout, uint64_t seed)
        : rng{seed}, M(M_), N(N_), K(K_), A(M_, K_, layout & 1, layout & 4, rng), B(K_, N_, layout & 2, layout & 8, rng),
          ldc((size_t)N_ + 2), c0((size_t)M_ * ldc) {
        for (float& x : c0) x = rng.next();
    }
    // C = c0, then the kernel's product into it
    std::vector<float> run(GemmFn fn, bool accumulate) const {
        std::vector<float> c = c0;
        fn(M, N, K, A.in, B.in, c.data(), ldc, accumulate);
        return c;
    }
};

// The bound on |kernel - naive| per element, and why. Both sides multiply the SAME bf16-rounded
// inputs, and a product of two bf16 is exact in fp32 (8 + 8 significant bits <= 24) and in double.
// So the inputs' rounding (the 2 * 2^-8 * sum|a||b|, bf16's error against fp32) cancels
// out, and what is left is the kernel's fp32 summation: every term passes through at most K + 2
// roundings (K products, C's old value, AMX's even+odd add), each of relative size u = 2^-24, so
//   |kernel - exact| <= (K + 2) u (sum_k |a_ik b_kj| + |c0_ij|)    (Higham, Accuracy and Stability, 4.2)
// and naive sums in double (error ~K 2^-53, negligible) then rounds once or twice to fp32 (2u).
// Hence (K + 5) u * that sum: 2^8/(K+5) times tighter than the bf16 bound (~100x at K = 384), so a
// kernel that skipped the rounding of its inputs, or dropped a term, fails it (tested below).
// No input is near fp32's denormals, so the fast kernels' flush-to-zero never acts.
std::vector<double> error_bound(const Problem& p, bool accumulate) {
    std::vector<double> bound((size_t)p.M * p.N);
    for (int i = 0; i < p.M; i++)
        for (int j = 0; j < p.N; j++) {
            double s = accumulate ? std::fabs(p.c0[(size_t)i * p.ldc + j]) : 0.0;
            for (int k = 0; k < p.K; k++) s += std::fabs((double)p.A.at(i, k) * p.B.at(k, j));
            bound[(size_t)i * p.N + j] = (p.K + 5) * std::ldexp(1.0, -24) * s;
        }
    return bound;
}

// |got - want| / bound per element of C (the padding columns must be untouched: ratio 0 or inf)
std::vector<float> error_ratio(const Problem& p, const std::vector<float>& got, const std::vector<float>& want,
                               const std::vector<double>& bound) {
    std::vector<float> r;
    for (int i = 0; i < p.M; i++)
        for (size_t j = 0; j < p.ldc; j++) {
            const size_t at = (size_t)i * p.ldc + j;
            const double d = std::fabs((double)got[at] - want[at]);
            if (j >= (size_t)p.N) r.push_back(got[at] == p.c0[at] ? 0.0f : INFINITY);  // padding kept
            else r.push_back(d == 0 ? 0.0f : (float)(d / bound[(size_t)i * p.N + j]));
        }
    return r;
}

// check.h's one comparison, on the ratios: every |got - want| within its element's bound
void check_bound(const std::string& name, const Problem& p, const std::vector<float>& got,
                 const std::vector<float>& want, const std::vector<double>& bound) {
    const std::vector<float> r = error_ratio(p, got, want, bound), zero(r.size(), 0.0f);
    check_tensor_abs((name + " |error|/bound").c_str(), r.data(), zero.data(), r.size(), 1.0);
}

struct Shape {
    int M, N, K;
};
// not multiples of any tile (14 x 32, 32 x 32), 1 x N and N x 1, K = 1, odd K, K across several KC
// blocks (384 and 512), M and N across MC and NC blocks (252 / 256 rows, 512 / 1024 columns)
const Shape shapes[] = {{1, 37, 19}, {37, 1, 19}, {1, 1, 1}, {5, 7, 1},     {17, 33, 2},    {29, 31, 33},
                        {15, 65, 64}, {3, 5, 3001}, {33, 17, 1100}, {260, 40, 7}, {9, 1030, 5}, {45, 70, 31}};
}  // namespace

// ----------------------------------------------------------------------------
// the plain loop itself, on a case worked by hand

TEST_CASE("gemm_bf16/naive") {
    // A (2,3) = [1 2 3; 4 5 6], B (3,2) = [1 0; 0 1; 1 1]: A B = [4 5; 10 11]; B read transposed
    const float a[6] = {1, 2, 3, 4, 5, 6}, bt[6] = {1, 0, 1, 0, 1, 1};  // bt = B^T (2,3)
    GemmInput A{a, nullptr, 3, 1}, B{bt, nullptr, 1, 3};
    float c[4] = {100, 100, 100, 100};
    gemm_bf16_naive(2, 2, 3, A, B, c, 2, false);
    CHECK(c[0] == 4);
    CHECK(c[1] == 5);
    CHECK(c[2] == 10);
    CHECK(c[3] == 11);
    gemm_bf16_naive(2, 2, 3, A, B, c, 2, true);  // += : twice
    CHECK(c[0] == 8);
    CHECK(c[3] == 22);
    // 1 + 2^-8 rounds to 1 in bf16 (tie to even): 1 * (1 + 2^-8) = 1, not 1.0039
    const float x = 1.0f, y = 1.00390625f;
    GemmInput X{&x, nullptr, 1, 1}, Y{&y, nullptr, 1, 1};
    gemm_bf16_naive(1, 1, 1, X, Y, c, 1, false);
    CHECK(c[0] == 1.0f);
}

// ----------------------------------------------------------------------------
// the bound can fail: products of unrounded inputs, or one term short, fall outside it

TEST_CASE("gemm_bf16/bound_catches_wrong_results") {
    const Problem p(23, 19, 384, 0, 7);
    const std::vector<float> want = p.run(gemm_bf16_naive, false);
    const std::vector<double> bound = error_bound(p, false);
    std::vector<float> fp32 = p.c0, short_sum = p.c0;  // two wrong "kernels"
    for (int i = 0; i < p.M; i++)
        for (int j = 0; j < p.N; j++) {
            double s = 0, s_short = 0;
            for (int k = 0; k < p.K; k++) {
                const size_t ai = i * p.A.in.row_stride + k * p.A.in.col_stride;
                const size_t bi = k * p.B.in.row_stride + j * p.B.in.col_stride;
                s += (double)p.A.f[ai] * p.B.f[bi];  // no rounding to bf16
                if (k < p.K - 1) s_short += (double)p.A.at(i, k) * p.B.at(k, j);  // k = K-1 dropped
            }
            fp32[(size_t)i * p.ldc + j] = (float)s;
            short_sum[(size_t)i * p.ldc + j] = (float)s_short;
        }
    for (const auto* wrong : {&fp32, &short_sum}) {
        const std::vector<float> r = error_ratio(p, *wrong, want, bound);
        size_t outside = 0;
        for (float x : r) outside += x > 1.0f;
        const char* what = wrong == &fp32 ? "fp32 inputs" : "one term dropped";
        INFO(what, ": ", outside, " of ", r.size(), " outside");
        CHECK(outside > r.size() / 2);  // most elements
    }
}

// ----------------------------------------------------------------------------
// each kernel against the plain loop

TEST_CASE("gemm_bf16/kernels_against_naive") {
    for (const Kernel& k : all_kernels()) {
        if (!k.skip.empty()) {
            MESSAGE("gemm_bf16 kernel ", k.name, " skipped on this CPU: ", k.skip);
            continue;
        }
        int n = 0;
        for (const Shape& s : shapes)
            for (unsigned layout = 0; layout < 16; layout += 5) {  // 0, 5, 10, 15: each bit both ways
                const unsigned lay = (layout + n++) % 16;            // and varied across shapes
                const Problem p(s.M, s.N, s.K, lay, 1000 + n);
                for (bool accumulate : {false, true}) {
                    const std::string name = k.name + " M=" + std::to_string(s.M) + " N=" + std::to_string(s.N) +
                                             " K=" + std::to_string(s.K) + " layout=" + std::to_string(lay) +
                                             (accumulate ? " +=" : " =");
                    check_bound(name, p, p.run(k.fn, accumulate), p.run(gemm_bf16_naive, accumulate),
                                error_bound(p, accumulate));
                }
            }
    }
}

// The bound, against the product of the UNROUNDED fp32 inputs: each input's rounding is at
// most 2^-8 relative (half of bf16's 2^-7 spacing), so |bf16(a) bf16(b) - ab| <= (2 * 2^-8 + 2^-16) |ab|,
// plus the fp32 summation above: (2^-7 + 2^-16 + (K + 5) 2^-24) sum_k |a_ik||b_kj| (C's old value
// is not rounded: accumulate = false here). The default kernel and the emulated AMX kernel.
// subtle: this is the promise to users, loose by design (a dropped term can hide in it); the
// tight test above ("kernels_against_naive") is the one that catches wrong kernels.
TEST_CASE("gemm_bf16/within_bf16_error_of_fp32") {
    for (GemmFn fn : {(GemmFn)gemm_bf16, (GemmFn)gemm_bf16_amx_emulated})
        for (const Shape& s : {Shape{31, 17, 384}, Shape{7, 40, 1537}}) {
            const Problem p(s.M, s.N, s.K, 0, 11);  // fp32 inputs, row-major
            const std::vector<float> got = p.run(fn, false);
            std::vector<float> ratio, zero;
            for (int i = 0; i < p.M; i++)
                for (int j = 0; j < p.N; j++) {
                    double exact = 0, mag = 0;  // the fp32 inputs' product in double, and sum |a||b|
                    for (int k = 0; k < p.K; k++) {
                        const double ab = (double)p.A.f[i * p.A.in.row_stride + k] * p.B.f[k * p.B.in.row_stride + j];
                        exact += ab, mag += std::fabs(ab);
                    }
                    const double bound = (std::ldexp(1.0, -7) + std::ldexp(1.0, -16) + (p.K + 5) * std::ldexp(1.0, -24)) * mag;
                    ratio.push_back((float)(std::fabs(got[(size_t)i * p.ldc + j] - exact) / bound));
                }
            zero.assign(ratio.size(), 0.0f);
            check_tensor_abs("|bf16 product - fp32 product| / bound", ratio.data(), zero.data(), ratio.size(), 1.0);
        }
}

// the dispatching entry point runs the chosen kernel; K = 0 is an empty sum
TEST_CASE("gemm_bf16/dispatch") {
    const Problem p(13, 21, 40, 6, 3);
    const Bf16Kernel before = bf16_kernel();
    for (Bf16Kernel k : {Bf16Kernel::amx, Bf16Kernel::avx512, Bf16Kernel::portable}) {
        if (!bf16_kernel_supported(k)) {
            CHECK(std::string(bf16_kernel_reason(k)) != "");
            CHECK_THROWS_AS(bf16_use_kernel(k), Error);
            continue;
        }
        bf16_use_kernel(k);
        CHECK(bf16_kernel() == k);
        check_bound(bf16_kernel_name(k), p, p.run(gemm_bf16, true), p.run(gemm_bf16_naive, true), error_bound(p, true));
        std::vector<float> c = p.c0;
        gemm_bf16(p.M, p.N, 0, p.A.in, p.B.in, c.data(), p.ldc, true);
        CHECK(c == p.c0);
        gemm_bf16(p.M, p.N, 0, p.A.in, p.B.in, c.data(), p.ldc, false);
        CHECK(c[0] == 0.0f);
        CHECK(c[(size_t)(p.M - 1) * p.ldc + p.N - 1] == 0.0f);
        CHECK(c[p.N] == p.c0[p.N]);  // padding untouched
    }
    bf16_use_kernel(before);
    // the default is the best the CPU has
    const Bf16Kernel best = bf16_kernel_supported(Bf16Kernel::amx)      ? Bf16Kernel::amx
                            : bf16_kernel_supported(Bf16Kernel::avx512) ? Bf16Kernel::avx512
                                                                        : Bf16Kernel::portable;
    MESSAGE("gemm_bf16: this CPU's best kernel is ", std::string(bf16_kernel_name(best)));
    CHECK(bf16_gemm_gflops(64, 1) > 0);
}

// ----------------------------------------------------------------------------
// the exact order of the sums: each kernel's bits against a per-element model of its order (for the
// fast kernels, the Intel SDM's definition of their instruction). The models sum one element at a time, by k alone, so a kernel
// matching them bit for bit on odd shapes keeps the contract (bits depend on K only).

namespace {
// the portable kernel: acc += a(k) b(k) for k = 0, 1, ... from 0 (each product exact in fp32), then
// C's old value added last (accumulate)
float model_portable(const Problem& p, int i, int j, bool accumulate) {
    float acc = 0.0f;
    for (int k = 0; k < p.K; k++) acc += p.A.at(i, k) * p.B.at(k, j);
    return accumulate ? p.c0[(size_t)i * p.ldc + j] + acc : acc;
}
// vdpbf16ps: per pair p, acc += a(2p+1) b(2p+1), then acc += a(2p) b(2p) (two fused multiply-adds),
// from C's old value (accumulate) or 0
float model_avx512(const Problem& p, int i, int j, bool accumulate) {
    float acc = accumulate ? p.c0[(size_t)i * p.ldc + j] : 0.0f;
    for (int k = 0; k < p.K; k += 2) {
        const float ao = k + 1 < p.K ? p.A.at(i, k + 1) : 0.0f, bo = k + 1 < p.K ? p.B.at(k + 1, j) : 0.0f;
        acc = std::fmaf(ao, bo, acc);
        acc = std::fmaf(p.A.at(i, k), p.B.at(k, j), acc);
    }
    return acc;
}
// tdpbf16ps: per 32 k (one tile), even and odd sums from 0, then acc += even + odd
float model_amx(const Problem& p, int i, int j, bool accumulate) {
    float acc = accumulate ? p.c0[(size_t)i * p.ldc + j] : 0.0f;
    for (int k0 = 0; k0 < p.K; k0 += 32) {
        float even = 0, odd = 0;
        for (int k = k0; k < k0 + 32 && k < p.K; k += 2) {
            even = std::fmaf(p.A.at(i, k), p.B.at(k, j), even);
            if (k + 1 < p.K) odd = std::fmaf(p.A.at(i, k + 1), p.B.at(k + 1, j), odd);
        }
        acc += even + odd;
    }
    return acc;
}

// how many elements of got differ in their bits from the model
size_t model_mismatches(const Problem& p, const std::vector<float>& got, bool accumulate,
                        float (*model)(const Problem&, int, int, bool)) {
    size_t bad = 0;
    for (int i = 0; i < p.M; i++)
        for (int j = 0; j < p.N; j++) {
            const float want = model(p, i, j, accumulate);
            bad += std::memcmp(&got[(size_t)i * p.ldc + j], &want, sizeof want) != 0;
        }
    return bad;
}
}  // namespace

TEST_CASE("gemm_bf16/order_of_sums") {
    const Shape order_shapes[] = {{29, 31, 33}, {3, 5, 1101}, {40, 70, 64}, {1, 1, 1}};
    for (const Shape& s : order_shapes)
        for (unsigned lay : {0u, 3u, 12u, 9u})
            for (bool accumulate : {false, true}) {
                const Problem p(s.M, s.N, s.K, lay, 77 + lay);
                INFO("M=", s.M, " N=", s.N, " K=", s.K, " layout=", lay, " accumulate=", accumulate);
                CHECK(model_mismatches(p, p.run(gemm_bf16_portable, accumulate), accumulate, model_portable) == 0);
                // the emulated AMX kernel follows the SDM by construction: its bits must be the model's
                CHECK(model_mismatches(p, p.run(gemm_bf16_amx_emulated, accumulate), accumulate, model_amx) == 0);
                if (bf16_kernel_supported(Bf16Kernel::avx512))  // the silicon against the SDM
                    CHECK(model_mismatches(p, p.run(gemm_bf16_avx512, accumulate), accumulate, model_avx512) == 0);
                if (bf16_kernel_supported(Bf16Kernel::amx)) {
                    // whether real tiles round exactly as the SDM's pseudocode says is Intel's to
                    // define; reported, not required (the bound test above holds them to the numerics)
                    const size_t bad = model_mismatches(p, p.run(gemm_bf16_amx, accumulate), accumulate, model_amx);
                    if (bad) MESSAGE("gemm_bf16: real AMX differs from the SDM model in ", bad, " elements");
                }
            }
    if (!bf16_kernel_supported(Bf16Kernel::avx512))
        MESSAGE("gemm_bf16/order_of_sums: avx512 skipped: ", std::string(bf16_kernel_reason(Bf16Kernel::avx512)));
}

// ----------------------------------------------------------------------------
// the same bits however the product is split into blocks (at odd offsets), as callers split it
// across threads

TEST_CASE("gemm_bf16/split_bits_identical") {
    for (const Kernel& k : all_kernels()) {
        if (!k.skip.empty()) {
            MESSAGE("gemm_bf16 kernel ", k.name, " skipped on this CPU: ", k.skip);
            continue;
        }
        for (const Shape& s : {Shape{37, 45, 67}, Shape{41, 50, 600}})  // K across KC blocks (384, 512)
            for (unsigned lay : {0u, 6u, 9u, 15u})
                for (bool accumulate : {false, true}) {
                    INFO(k.name, " K=", s.K, " layout=", lay, " accumulate=", accumulate);
                    const Problem p(s.M, s.N, s.K, lay, 5 + lay);
                    const std::vector<float> whole = p.run(k.fn, accumulate);
                    std::vector<float> parts = p.c0;
                    const int rows[] = {0, 5, 22, s.M}, cols[] = {0, 3, 40, s.N};  // 3 x 3 blocks, odd offsets
                    for (int bi = 0; bi < 3; bi++)
                        for (int bj = 0; bj < 3; bj++) {
                            const int i0 = rows[bi], j0 = cols[bj];
                            GemmInput A = p.A.in, B = p.B.in;  // seek to A(i0, 0) and B(0, j0)
                            if (A.f32) A.f32 += i0 * A.row_stride; else A.b16 += i0 * A.row_stride;
                            if (B.f32) B.f32 += j0 * B.col_stride; else B.b16 += j0 * B.col_stride;
                            k.fn(rows[bi + 1] - i0, cols[bj + 1] - j0, s.K, A, B, parts.data() + i0 * p.ldc + j0, p.ldc,
                                 accumulate);
                        }
                    CHECK(std::memcmp(whole.data(), parts.data(), whole.size() * sizeof(float)) == 0);
                }
    }
}
