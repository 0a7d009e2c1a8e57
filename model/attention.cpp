// attention.cpp: causal multi-head self-attention with an online softmax. See attention.h.
// The plain versions (first) take one query position at a time and loop over keys and channels.
// The blocked ones walk each (b, head) in (query block, key block) tiles: five kinds of block
// product (below, in fp32 on Eigen or in bf16 on gemm_bf16) and, between them, the per-query
// softmax bookkeeping in fp32 with vectorised exp and double sums (reduce.h).
#include "model/attention.h"
#include "data/common/profile.h"  // ProfileScope: the per-layer timers of --profile
#include "model/gemm_bf16.h"  // gemm_bf16: the products of --precision bf16
#include "model/parallel.h"  // worth_threads, MACS_PER_WORK: short sequences stay on one thread
#include "model/reduce.h"  // sum_double, exp_inplace: deterministic and vectorised
#include "model/views.h"   // StridedMat, ConstStridedMat

#include <algorithm>  // max, min, fill
#include <cmath>      // sqrt, exp, log, INFINITY
#include <cstddef>    // size_t
#include <vector>     // the plain loops' row of att

using Eigen::OuterStride;

// ----------------------------------------------------------------------------
// plain versions: one (b, t, head) at a time, each dot product in double

void attention_forward_naive(float* out, float* lse, const float* inp, int B, int T, int C, int NH) {
    const int hs = C / NH;  // head size
    const double scale = 1.0 / std::sqrt((double)hs);
    std::vector<double> a(T);  // (T) query t's scores, then its weights att[t,:]
    for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++) {
            for (int h = 0; h < NH; h++) {
                // seek to head h's q (part 0), k (1) or v (2) at position t2: inp[b,t2,part*C + h*hs :]
                auto qkv = [&](int t2, int part) { return inp + ((size_t)b * T + t2) * 3 * C + part * C + h * hs; };
                const float* q = qkv(t, 0);  // (hs) q_t
                // s[t2] = q_t . k_t2 / sqrt(hs) for t2 <= t, and their max m (it keeps exp from overflowing)
                double m = -INFINITY;
                for (int t2 = 0; t2 <= t; t2++) {
                    const float* k = qkv(t2, 1);  // (hs) k_t2
                    double s = 0.0;
                    for (int i = 0; i < hs; i++) s += (double)q[i] * k[i];
                    a[t2] = s * scale;
                    m = std::max(m, a[t2]);
                }
                // att = softmax(s) over t2 <= t (the masked future has weight 0: left out of every sum)
                double l = 0.0;
                for (int t2 = 0; t2 <= t; t2++) l += std::exp(a[t2] - m);
                for (int t2 = 0; t2 <= t; t2++) a[t2] = std::exp(a[t2] - m) / l;
                lse[((size_t)b * NH + h) * T + t] = (float)(m + std::log(l));  // log sum_t2 exp(s[t2])
                // out_t = sum_t2 att[t2] v_t2
                float* o = out + ((size_t)b * T + t) * C + h * hs;  // (hs) seek to out[b,t,h*hs:]
                for (int i = 0; i < hs; i++) {
                    double y = 0.0;
                    for (int t2 = 0; t2 <= t; t2++) y += a[t2] * qkv(t2, 2)[i];
                    o[i] = (float)y;
                }
            }
        }
    }
}

void attention_backward_naive(float* dinp, const float* dout, const float* inp, const float* lse, int B, int T, int C,
                              int NH) {
    const int hs = C / NH;
    const double scale = 1.0 / std::sqrt((double)hs);
    std::vector<double> a(T), da(T);  // (T) att[t,:] rebuilt from lse, and its gradient
    for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++) {
            for (int h = 0; h < NH; h++) {
                // offset of head h's q (part 0), k (1) or v (2) at position t2, in inp and in dinp
                auto qkv = [&](int t2, int part) { return ((size_t)b * T + t2) * 3 * C + part * C + h * hs; };
                const double lse_t = lse[((size_t)b * NH + h) * T + t];
                const float* dy = dout + ((size_t)b * T + t) * C + h * hs;  // (hs) dout[b,t,h*hs:]
                // the forward's weights: att[t2] = exp(s[t2] - lse), s[t2] = q_t . k_t2 / sqrt(hs)
                for (int t2 = 0; t2 <= t; t2++) {
                    double s = 0.0;
                    for (int i = 0; i < hs; i++) s += (double)inp[qkv(t, 0) + i] * inp[qkv(t2, 1) + i];
                    a[t2] = std::exp(s * scale - lse_t);
                }
                // forward: out_t = sum_t2 att[t2] v_t2, so datt[t2] = v_t2 . dout_t and dv_t2 += att[t2] dout_t
                for (int t2 = 0; t2 <= t; t2++) {
                    da[t2] = 0.0;
                    for (int i = 0; i < hs; i++) da[t2] += (double)inp[qkv(t2, 2) + i] * dy[i];
                    for (int i = 0; i < hs; i++) dinp[qkv(t2, 2) + i] += (float)(a[t2] * dy[i]);
                }
                // forward: att = softmax(s), so ds[t2] = att[t2] (datt[t2] - sum_t3 att[t3] datt[t3])
                double dot = 0.0;
                for (int t2 = 0; t2 <= t; t2++) dot += a[t2] * da[t2];
                // forward: s[t2] = q_t . k_t2 / sqrt(hs), so dq_t += ds k_t2 / sqrt(hs), dk_t2 += ds q_t / sqrt(hs)
                for (int t2 = 0; t2 <= t; t2++) {
                    const double ds = a[t2] * (da[t2] - dot) * scale;
                    for (int i = 0; i < hs; i++) {
                        dinp[qkv(t, 0) + i] += (float)(ds * inp[qkv(t2, 1) + i]);
                        dinp[qkv(t2, 1) + i] += (float)(ds * inp[qkv(t, 0) + i]);
                    }
                }
            }
        }
    }
}

// ----------------------------------------------------------------------------
// the block products. Every operand is a column-major window as in views.h: one column per
// position (or per query of a block), column j at p + j * ld. q, k, v, dq, dk, dv have ld = 3C
// inside the (B,T,3C) buffers, out and dout ld = C, the scores' scratch ld = ATTENTION_BLOCK_K.
// In gemm_bf16's row-major terms the same memory is the transpose, so each product is asked
// for transposed there: (X^T Y)^T = Y^T X, (X Y)^T = Y^T X^T, (X Y^T)^T = Y X^T.

struct Block {
    const float* p;  // (cols, ld): column j = p[j*ld .. j*ld + rows)
    int rows, cols;
    size_t ld;
};

// Z (X.cols, Y.cols) = X^T Y, with X (k, m) and Y (k, n)
static void product_tn(float* Z, size_t ldz, Block X, Block Y, Precision precision) {
    if (precision == Precision::bf16)
        return gemm_bf16(Y.cols, X.cols, X.rows, {Y.p, nullptr, Y.ld, 1}, {X.p, nullptr, 1, X.ld}, Z, ldz, false);
    ConstStridedMat Xm(X.p, X.rows, X.cols, OuterStride<>(X.ld)), Ym(Y.p, Y.rows, Y.cols, OuterStride<>(Y.ld));
    StridedMat Zm(Z, X.cols, Y.cols, OuterStride<>(ldz));
    Zm.noalias() = Xm.transpose() * Ym;  // (m,k)(k,n) -> (m,n)
}

// Z (X.rows, Y.cols) += X Y, with X (m, k) and Y (k, n)
static void product_nn_add(float* Z, size_t ldz, Block X, Block Y, Precision precision) {
    if (precision == Precision::bf16)
        return gemm_bf16(Y.cols, X.rows, X.cols, {Y.p, nullptr, Y.ld, 1}, {X.p, nullptr, X.ld, 1}, Z, ldz, true);
    ConstStridedMat Xm(X.p, X.rows, X.cols, OuterStride<>(X.ld)), Ym(Y.p, Y.rows, Y.cols, OuterStride<>(Y.ld));
    StridedMat Zm(Z, X.rows, Y.cols, OuterStride<>(ldz));
    Zm.noalias() += Xm * Ym;  // (m,k)(k,n) -> (m,n)
}

// Z (X.rows, Y.rows) += X Y^T, with X (m, k) and Y (n, k)
static void product_nt_add(float* Z, size_t ldz, Block X, Block Y, Precision precision) {
    if (precision == Precision::bf16)
        return gemm_bf16(Y.rows, X.rows, X.cols, {Y.p, nullptr, 1, Y.ld}, {X.p, nullptr, X.ld, 1}, Z, ldz, true);
    ConstStridedMat Xm(X.p, X.rows, X.cols, OuterStride<>(X.ld)), Ym(Y.p, Y.rows, Y.cols, OuterStride<>(Y.ld));
    StridedMat Zm(Z, X.rows, Y.rows, OuterStride<>(ldz));
    Zm.noalias() += Xm * Ym.transpose();  // (m,k)(k,n) -> (m,n)
}

// ----------------------------------------------------------------------------
// blocked versions: (b, head) pairs across threads, each walking its blocks in order

static const int BQ = ATTENTION_BLOCK_Q, BK = ATTENTION_BLOCK_K;

// A pass's work in parallel.h's units: per (b, head), the T(T+1)/2 entries of the triangle, each
// two dot products of hs multiply-adds (forward: K^T Q and V P) and one float of the softmax.
[[maybe_unused]] static size_t attention_work(int B, int T, int C, int NH) {  // unused in NO_OMP builds
    const size_t entries = (size_t)B * NH * T * (T + 1) / 2;
    return entries * (2 * (size_t)(C / NH) / MACS_PER_WORK + 1);
}

// How many keys of the block starting at key s0 (of nk keys) query t sees: t2 <= t. At least 1
// (attention.h: a key block never starts after the first query of the blocks that visit it).
static int visible(int t, int s0, int nk) { return std::min(nk, t - s0 + 1); }

void attention_forward(float* out, float* lse, const float* inp, int B, int T, int C, int NH, Precision precision) {
    ProfileScope timer("attention_forward");  // --profile: the time of this call, in its layer's row
    const int hs = C / NH;                    // head size
    const size_t C3 = 3 * (size_t)C;
    const float scale = 1.0f / std::sqrt((float)hs);
    // every (b, head) is independent and owns its slice of out and lse
    #pragma omp parallel if(worth_threads(attention_work(B, T, C, NH)))
    {
        // this thread's scratch: one block's scores, then weights, column j = query t0 + j over its
        // keys; and the running max m and sum l of each query of the block
        Eigen::MatrixXf S(BK, BQ);
        float m[BQ];
        double l[BQ];
        #pragma omp for collapse(2)
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < NH; h++) {
                const float* q = inp + (size_t)b * T * C3 + h * hs;  // (hs,T) column stride 3C: q_t = column t
                const float* k = q + C, *v = q + 2 * C;               // (hs,T) each, column stride 3C
                float* o = out + (size_t)b * T * C + h * hs;          // (hs,T) column stride C
                float* lse_bh = lse + ((size_t)b * NH + h) * T;       // (T)
                for (int t0 = 0; t0 < T; t0 += BQ) {
                    const int n = std::min(BQ, T - t0);  // queries t0 .. t0+n-1
                    const Block Q{q + t0 * C3, hs, n, C3};                      // (hs,n)
                    // out accumulates o (attention.h) in place, from 0, max -inf, sum 0
                    for (int j = 0; j < n; j++) std::fill(o + (t0 + j) * (size_t)C, o + (t0 + j) * (size_t)C + hs, 0.0f);
                    std::fill(m, m + n, -INFINITY);
                    std::fill(l, l + n, 0.0);
                    for (int s0 = 0; s0 < t0 + n; s0 += BK) {  // key blocks up to the diagonal
                        const int nk = std::min(BK, t0 + n - s0);  // keys s0 .. s0+nk-1
                        // att = q @ k.transpose(-2, -1), for this block of keys    (nk,hs)(hs,n) -> (nk,n)
                        product_tn(S.data(), BK, {k + s0 * C3, hs, nk, C3}, Q, precision);
                        for (int j = 0; j < n; j++) {
                            // one query's column: scaled scores, the new max m', weights exp(s - m')
                            float* p = S.col(j).data();  // (nk)
                            const int nv = visible(t0 + j, s0, nk);
                            float m_new = m[j];
                            for (int i = 0; i < nv; i++) m_new = std::max(m_new, p[i] *= scale);
                            for (int i = 0; i < nv; i++) p[i] -= m_new;
                            exp_inplace(p, nv);
                            std::fill(p + nv, p + nk, 0.0f);  // masked future: weight exactly 0
                            // what came before was relative to the old max: rescale it by exp(m - m')
                            const float c = std::exp(m[j] - m_new);  // 0 on the first block (m = -inf)
                            l[j] = l[j] * c + sum_double(nv, [&](int i) { return (double)p[i]; });
                            m[j] = m_new;
                            float* o_t = o + (t0 + j) * (size_t)C;  // (hs)
                            if (c != 1.0f)
                                for (int i = 0; i < hs; i++) o_t[i] *= c;
                        }
                        // y = att @ v, this block's share: o += V P               (hs,nk)(nk,n) -> (hs,n)
                        product_nn_add(o + t0 * (size_t)C, C, {v + s0 * C3, hs, nk, C3}, {S.data(), nk, n, BK}, precision);
                    }
                    // normalise: out = o / l;  and lse = m + log l, all backward keeps of the softmax
                    for (int j = 0; j < n; j++) {
                        const float inv = (float)(1.0 / l[j]);
                        float* o_t = o + (t0 + j) * (size_t)C;  // (hs)
                        for (int i = 0; i < hs; i++) o_t[i] *= inv;
                        lse_bh[t0 + j] = (float)((double)m[j] + std::log(l[j]));
                    }
                }
            }
        }
    }
}

void attention_backward(float* dinp, const float* dout, const float* inp, const float* out, const float* lse, int B,
                        int T, int C, int NH, Precision precision) {
    ProfileScope timer("attention_backward");  // --profile: the time of this call, in its layer's row
    const int hs = C / NH;
    const size_t C3 = 3 * (size_t)C;
    const float scale = 1.0f / std::sqrt((float)hs);
    // one parallel region, so that each thread allocates its scratch once, then shares the
    // (b, head) loop; each (b, head) owns its q,k,v columns of dinp
    #pragma omp parallel if(worth_threads(2 * attention_work(B, T, C, NH)))  // 5 products: ~twice forward's
    {
        // this thread's scratch, column j = query t0 + j over the block's keys: the weights P, the
        // gradient of the weights dP then of the scores dS; and D of each query of the block
        Eigen::MatrixXf P(BK, BQ), dS(BK, BQ);
        double D[BQ];
        #pragma omp for collapse(2)
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < NH; h++) {
                const float* q = inp + (size_t)b * T * C3 + h * hs;  // (hs,T) column stride 3C
                const float* k = q + C, *v = q + 2 * C;
                float* dq = dinp + (size_t)b * T * C3 + h * hs;      // (hs,T) column stride 3C, +=
                float* dk = dq + C, *dv = dq + 2 * C;
                const float* o = out + (size_t)b * T * C + h * hs;    // (hs,T) column stride C
                const float* dO = dout + (size_t)b * T * C + h * hs;  // (hs,T) column stride C
                const float* lse_bh = lse + ((size_t)b * NH + h) * T;  // (T)
                for (int t0 = 0; t0 < T; t0 += BQ) {
                    const int n = std::min(BQ, T - t0);
                    const Block Q{q + t0 * C3, hs, n, C3}, dOb{dO + t0 * (size_t)C, hs, n, (size_t)C};  // (hs,n)
                    // D_t = dout_t . out_t = sum_t2 att[t,t2] datt[t,t2]: the softmax backward's row sum
                    for (int j = 0; j < n; j++)
                        D[j] = sum_double(hs, [&](int i) { return (double)dO[(t0 + j) * (size_t)C + i] * o[(t0 + j) * (size_t)C + i]; });
                    for (int s0 = 0; s0 < t0 + n; s0 += BK) {
                        const int nk = std::min(BK, t0 + n - s0);
                        const Block K{k + s0 * C3, hs, nk, C3}, V{v + s0 * C3, hs, nk, C3};  // (hs,nk)
                        // forward's weights again: P = exp(K^T Q scale - lse)         (nk,hs)(hs,n) -> (nk,n)
                        product_tn(P.data(), BK, K, Q, precision);
                        for (int j = 0; j < n; j++) {
                            float* p = P.col(j).data();  // (nk)
                            const int nv = visible(t0 + j, s0, nk);
                            for (int i = 0; i < nv; i++) p[i] = p[i] * scale - lse_bh[t0 + j];
                            exp_inplace(p, nv);
                            std::fill(p + nv, p + nk, 0.0f);  // masked: weight 0, and so gradient 0
                        }
                        const Block Pb{P.data(), nk, n, BK}, dSb{dS.data(), nk, n, BK};  // (nk,n)
                        // forward: O += V P, so dV += dO P^T and dP = V^T dO      (hs,n)(n,nk), (nk,hs)(hs,n)
                        product_nt_add(dv + s0 * C3, C3, dOb, Pb, precision);
                        product_tn(dS.data(), BK, V, dOb, precision);
                        // forward: P = softmax(S scale) per query, so dS = P * (dP - D) * scale
                        for (int j = 0; j < n; j++) {
                            const float* p = P.col(j).data();  // (nk)
                            float* ds = dS.col(j).data();      // (nk)
                            for (int i = 0; i < nk; i++) ds[i] = scale * p[i] * (ds[i] - (float)D[j]);
                        }
                        // forward: S = K^T Q, so dQ += K dS and dK += Q dS^T       (hs,nk)(nk,n), (hs,n)(n,nk)
                        product_nn_add(dq + t0 * C3, C3, K, dSb, precision);
                        product_nt_add(dk + s0 * C3, C3, Q, dSb, precision);
                    }
                }
            }
        }
    }
}
