// matmul.cpp: the linear layer as Eigen GEMMs on Maps. See matmul.h.
#include "model/matmul.h"
#include "data/common/profile.h"  // ProfileScope: the per-layer timers of --profile
#include "model/gemm_bf16.h"  // gemm_bf16: the products of --precision bf16
#include "model/parallel.h"  // worth_threads, MACS_PER_WORK: small products stay on one thread
#include "model/views.h"  // Mat, ConstMat, Vec, ConstVec: the (C,BT) views

#include <algorithm>  // min
#include <cstddef>    // size_t
#ifdef _OPENMP
#include <omp.h>  // omp_get_num_threads, omp_get_thread_num: which block is this thread's
#endif
#ifdef EIGEN_USE_BLAS
#include <cblas.h>  // openblas_set_num_threads
#endif

using Eigen::Index;

// ----------------------------------------------------------------------------
// plain versions: the textbook loops, one output element at a time, each sum in double

void matmul_forward_naive(float* out, const float* inp, const float* weight, const float* bias, int B, int T, int C,
                          int OC) {
    for (size_t bt = 0; bt < (size_t)B * T; bt++) {
        const float* x = inp + bt * C;  // seek to inp[b,t,:]
        for (int o = 0; o < OC; o++) {
            const float* w = weight + (size_t)o * C;  // row o of weight, (C)
            // out[b,t,o] = sum_i inp[b,t,i] * weight[o,i] + bias[o]
            double s = bias ? bias[o] : 0.0;
            for (int i = 0; i < C; i++) s += (double)x[i] * w[i];
            out[bt * OC + o] = (float)s;
        }
    }
}

void matmul_backward_naive(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                           const float* weight, int B, int T, int C, int OC) {
    const size_t BT = (size_t)B * T;
    // forward: out[bt,o] = sum_i inp[bt,i] weight[o,i] + bias[o], so dinp[bt,i] += sum_o dout[bt,o] weight[o,i]
    for (size_t bt = 0; bt < BT; bt++) {
        for (int i = 0; i < C; i++) {
            double s = 0.0;
            for (int o = 0; o < OC; o++) s += (double)dout[bt * OC + o] * weight[(size_t)o * C + i];
            dinp[bt * C + i] += (float)s;
        }
    }
    // and dweight[o,i] += sum_bt dout[bt,o] inp[bt,i];  dbias[o] += sum_bt dout[bt,o]
    for (int o = 0; o < OC; o++) {
        for (int i = 0; i < C; i++) {
            double s = 0.0;
            for (size_t bt = 0; bt < BT; bt++) s += (double)dout[bt * OC + o] * inp[bt * C + i];
            dweight[(size_t)o * C + i] += (float)s;
        }
        if (!dbias) continue;
        double s = 0.0;
        for (size_t bt = 0; bt < BT; bt++) s += dout[bt * OC + o];
        dbias[o] += (float)s;
    }
}

// ----------------------------------------------------------------------------
// fast versions: Eigen GEMMs, each split across threads by parallel_ranges

// Calls block(start, count) on disjoint ranges that cover [0, n), one range per thread,
// each starting at a multiple of `align`. `macs` is the product's multiply-adds: when they are
// too few to repay a parallel region (parallel.h), this thread runs the ranges, as at 1 thread.
// subtle: we split each product ourselves instead of letting Eigen thread it (the Makefile
// builds with EIGEN_DONT_PARALLELIZE): Eigen's threaded GEMM blocks the sum over k
// differently for 1 and for 2+ threads, so results changed with the thread count. Here
// every output element is computed by one single-threaded GEMM whose k-blocking depends
// only on k: the same bits at any thread count. Unsplit, it is just `Y = W^T X`.
// subtle: Eigen's kernel sums differently in rows it takes 48 at a time (3 AVX-512 packets)
// than in leftover rows, so a split of rows must fall on multiples of 48 (ROWS) to give
// the very numbers the unsplit product gives; columns are taken 4 at a time (COLS = 16).
static const Index ROWS = 48, COLS = 16;
template <typename Block>
static void parallel_ranges(Index n, Index align, [[maybe_unused]] size_t macs, const Block& block) {
#ifdef EIGEN_USE_BLAS
    // make BLAS=openblas: Eigen hands each product to OpenBLAS, which would start threads of
    // its own inside ours (2 x 2 on 2 cores). Our ranges are the threads: each call stays serial.
    static const bool serial_blas = (openblas_set_num_threads(1), true);
    (void)serial_blas;
    // subtle: OpenBLAS chooses its kernel by the size of the product (small products take
    // another code path), so a range's numbers depend on how long the range is. Its ranges
    // are therefore a fixed number of pieces, whatever the thread count: the same calls with
    // the same sizes at 1, 2 or 4 threads. (Eigen needs only the 48/16 alignment above.)
    const Index pieces = 4;
#else
    const Index pieces = 0;  // 0: one range per thread
#endif
    #pragma omp parallel if(worth_threads(macs / MACS_PER_WORK))
    {
#ifdef _OPENMP
        const Index threads = omp_get_num_threads(), id = omp_get_thread_num();
#else
        const Index threads = 1, id = 0;
#endif
        const Index ranges = pieces > 0 ? pieces : threads;
        Index per = (n + ranges - 1) / ranges;
        per = (per + align - 1) / align * align;
        for (Index r = id; r < ranges; r += threads) {  // thread id takes ranges id, id+threads, ...
            Index start = r * per;
            if (start < n) block(start, std::min(per, n - start));
        }
    }
}

// forward: Y += bias in every column, so dbias[o] += the sum of dY's row o, for o in [s, s+n).
// subtle: a plain loop over bt in order, not Eigen's rowwise().sum(), whose vectorized
// order of additions depends on the data's alignment in memory.
// dbias (OC)  dout (BT,OC)
static void bias_backward(float* dbias, const float* dout, Index BT, Index OC, Index s, Index n) {
    for (Index bt = 0; bt < BT; bt++) {
        const float* dout_bt = dout + bt * OC;  // seek to dout[b,t,:]
        for (Index o = s; o < s + n; o++) dbias[o] += dout_bt[o];
    }
}

// ----------------------------------------------------------------------------
// mixed precision: the same products on gemm_bf16, in its row-major terms (gemm_bf16.h):
// C (M,N) = A (M,K) B (K,N), each input read through its two strides. gemm_bf16 promises the same
// bits however a product is split, so the threads take rows of C in any ranges (of 32, its tiles').

static const Index BF16_ALIGN = 32;

// out (BT,OC) = inp (BT,C) weight^T + bias: A = inp, B(k=i, j=o) = weight[o,i]. As in fp32, the
// threads take ranges of the longer side of out.
static void matmul_forward_bf16(float* out, const float* inp, const bf16* weight_bf16, const float* bias, Index BT,
                                int C, int OC) {
    const size_t macs = (size_t)BT * C * OC;
    // out[s..s+n, o0..o0+m] = the product on those rows and columns, plus the bias there
    auto block = [&](Index s, Index n, Index o0, Index m) {
        float* out_s = out + s * OC + o0;  // seek to out[s, o0]
        gemm_bf16((int)n, (int)m, C, {inp + s * C, nullptr, (size_t)C, 1},
                  {nullptr, weight_bf16 + o0 * C, 1, (size_t)C}, out_s, OC, false);
        if (!bias) return;
        for (Index bt = 0; bt < n; bt++)
            for (Index o = 0; o < m; o++) out_s[bt * OC + o] += bias[o0 + o];
    };
    if (BT >= OC) {
        parallel_ranges(BT, BF16_ALIGN, macs, [&](Index s, Index n) { block(s, n, 0, OC); });
    } else {
        parallel_ranges(OC, BF16_ALIGN, macs, [&](Index o0, Index m) { block(0, BT, o0, m); });
    }
}

// dinp (BT,C) += dout (BT,OC) weight (OC,C);  dweight (OC,C) += dout^T (OC,BT) inp (BT,C);  dbias as fp32
static void matmul_backward_bf16(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                                 const bf16* weight_bf16, Index BT, int C, int OC) {
    const size_t macs = (size_t)BT * C * OC;
    parallel_ranges(BT, BF16_ALIGN, macs, [&](Index s, Index n) {
        gemm_bf16((int)n, C, OC, {dout + s * OC, nullptr, (size_t)OC, 1}, {nullptr, weight_bf16, (size_t)C, 1},
                  dinp + s * C, C, true);
    });
    // A(o, bt) = dout[bt,o]: dout read down its columns (strides swapped)
    parallel_ranges(OC, BF16_ALIGN, macs, [&](Index s, Index n) {
        gemm_bf16((int)n, C, (int)BT, {dout + s, nullptr, 1, (size_t)OC}, {inp, nullptr, (size_t)C, 1},
                  dweight + s * C, C, true);
        if (dbias) bias_backward(dbias, dout, BT, OC, s, n);
    });
}

// ----------------------------------------------------------------------------
// the linear layer, fast

void matmul_forward(float* out, const float* inp, const float* weight, const float* bias, int B, int T, int C, int OC,
                    const bf16* weight_bf16) {
    ProfileScope timer("matmul_forward");  // --profile: the time of this call, in its layer's row
    if (weight_bf16) {  // mixed precision: the product in bf16, the bias in fp32
        matmul_forward_bf16(out, inp, weight_bf16, bias, (Index)B * T, C, OC);
        return;
    }
    const Index BT = (Index)B * T;
    ConstMat X(inp, C, BT);     // (C,BT): column bt holds inp[b,t,:]
    ConstMat W(weight, C, OC);  // (C,OC): column o holds row o of the PyTorch weight
    Mat Y(out, OC, BT);         // (OC,BT)
    const size_t macs = (size_t)BT * C * OC;  // of the product (OC,C)(C,BT)
    // out = inp @ weight.T + bias.  Each thread takes a slice of the longer side of Y,
    // so that the operand it must re-pack for itself is the smaller one.
    if (BT >= OC) {
        parallel_ranges(BT, COLS, macs, [&](Index s, Index n) {
            Y.middleCols(s, n).noalias() = W.transpose() * X.middleCols(s, n);  // (OC,C)(C,n) -> (OC,n)
            if (bias) Y.middleCols(s, n).colwise() += ConstVec(bias, OC);
        });
    } else {
        parallel_ranges(OC, ROWS, macs, [&](Index s, Index n) {
            Y.middleRows(s, n).noalias() = W.middleCols(s, n).transpose() * X;  // (n,C)(C,BT) -> (n,BT)
            if (bias) Y.middleRows(s, n).colwise() += ConstVec(bias + s, n);
        });
    }
}

void matmul_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                     const float* weight, int B, int T, int C, int OC, const bf16* weight_bf16) {
    ProfileScope timer("matmul_backward");  // --profile: the time of this call, in its layer's row
    if (weight_bf16) {  // mixed precision: the two products in bf16, dbias in fp32
        matmul_backward_bf16(dinp, dweight, dbias, dout, inp, weight_bf16, (Index)B * T, C, OC);
        return;
    }
    const Index BT = (Index)B * T;
    ConstMat X(inp, C, BT);     // (C,BT)
    ConstMat W(weight, C, OC);  // (C,OC)
    ConstMat dY(dout, OC, BT);  // (OC,BT)
    Mat dX(dinp, C, BT);        // (C,BT)
    Mat dW(dweight, C, OC);     // (C,OC): the PyTorch (OC,C) gradient
    const size_t macs = (size_t)BT * C * OC;  // of each of the two products
    // forward: Y = W^T X, so dX += W dY                       (C,OC)(OC,BT) -> (C,BT)
    parallel_ranges(BT, COLS, macs, [&](Index s, Index n) { dX.middleCols(s, n).noalias() += W * dY.middleCols(s, n); });
    // and dW^T += dY X^T, i.e. in our (C,OC) view dW += X dY^T   (C,BT)(BT,OC) -> (C,OC); and dbias
    parallel_ranges(OC, COLS, macs, [&](Index s, Index n) {
        dW.middleCols(s, n).noalias() += X * dY.middleRows(s, n).transpose();
        if (dbias) bias_backward(dbias, dout, BT, OC, s, n);
    });
}
