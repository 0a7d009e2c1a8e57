// attention.cpp: causal multi-head self-attention with an online softmax. See attention.h.
// The plain versions (first) take one query position at a time and loop over keys and channels.
// The blocked ones walk each (b, head) in (query block, key block) tiles: block products of three
// shapes (below, in fp32 on Eigen or in bf16 on gemm_bf16) and, between them, the per-query
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

// x as a product of this precision reads it: rounded to bf16 under bf16, else itself
static float as_input(float x, Precision precision) {
    return precision == Precision::bf16 ? bf16_to_float(bf16_round(x)) : x;
}

// ----------------------------------------------------------------------------
// blocked versions: (b, head) pairs across threads, each walking its blocks in order

static const int BQ = ATTENTION_BLOCK_Q, BK = ATTENTION_BLOCK_K;
static const int BD_FORWARD = ATTENTION_BLOCK_DF, BD_BACKWARD = ATTENTION_BLOCK_DB;

// A pass's work in parallel.h's units: per (b, head), the T(T+1)/2 entries of the triangle, each
// two dot products of hs multiply-adds (forward: K^T Q and V P) and one float of the softmax.
[[maybe_unused]] static size_t attention_work(int B, int T, int C, int NH) {  // unused in NO_OMP builds
    const size_t entries = (size_t)B * NH * T * (T + 1) / 2;
    return entries * (2 * (size_t)(C / NH) / MACS_PER_WORK + 1);
}

// One step of the walk of query block [t0, t1) over its keys (attention.h): keys [s0, s0 + nk),
// against the queries t0 + j0 .. t1 - 1 that see any of them. Before the diagonal (s0 < t0) every
// query sees every key of a block of up to BK; on the diagonal a block of up to BD keys starting
// at s0 is seen by the queries t >= s0, each up to its own position (the causal mask); bd is
// BD_FORWARD or BD_BACKWARD (attention.h says why they differ).
struct KeyBlock {
    int s0, nk, j0;
};
static KeyBlock key_block(int s0, int t0, int t1, int bd) {
    if (s0 < t0) return {s0, std::min(BK, t0 - s0), 0};
    return {s0, std::min(bd, t1 - s0), s0 - t0};
}
// How many keys of block kb query t sees: all of them before the diagonal, t2 <= t on it (>= 1)
static int visible(const KeyBlock& kb, int t) { return std::min(kb.nk, t - kb.s0 + 1); }

// p (nk): a query's column of a block. p[i] = exp(p[i]) for the nv keys it sees, 0 for the rest.
// subtle: exp runs over whole 16-float packets (what lies past nv is overwritten after), so every
// weight comes from exp_inplace's vector formula, none from its scalar tail: faster on the ragged
// columns of the diagonal, and the same bits for a score whatever its column's length. The
// scratch has room: nk <= BK, a multiple of 16, rows.
static_assert(ATTENTION_BLOCK_K % 16 == 0, "attention.cpp: exp_visible rounds columns up to 16 floats");
static void exp_visible(float* p, int nv, int nk) {
    exp_inplace(p, (nv + 15) / 16 * 16);
    std::fill(p + nv, p + nk, 0.0f);
}

// S (nk, n - kb.j0) column j - j0 = the scores K^T q_t of query t = t0 + j, unscaled, in place ->
// att[t, kb's keys] = exp(s scale - lse_t), exactly the forward's weights (0 where masked).
static void weights_from_lse(float* S, const KeyBlock& kb, int t0, int n, float scale, const float* lse_bh) {
    for (int j = kb.j0; j < n; j++) {
        const int nv = visible(kb, t0 + j);
        Eigen::Map<Eigen::ArrayXf> p(S + (size_t)(j - kb.j0) * BK, nv);  // (nv) the keys query t0+j sees
        p = p * scale - lse_bh[t0 + j];
        exp_visible(p.data(), nv, kb.nk);  // masked: weight 0 (and so, in backward, gradient 0)
    }
}

void attention_forward(float* out, float* lse, const float* inp, int B, int T, int C, int NH, Precision precision) {
    ProfileScope timer("attention_forward");  // --profile: the time of this call, in its layer's row
    const int hs = C / NH;                    // head size
    const size_t C3 = 3 * (size_t)C;
    const float scale = 1.0f / std::sqrt((float)hs);
    // bf16 rounds att itself as it enters att @ v, so it must know att: two passes (attention.h)
    const bool two_pass = precision == Precision::bf16;
    // every (b, head) is independent and owns its slice of out and lse
    #pragma omp parallel if(worth_threads(attention_work(B, T, C, NH)))
    {
        // this thread's scratch: one block's scores, then weights, column j = query t0 + j0 + j
        // over the block's keys; and the running max m and sum l of each query of the query block
        Eigen::MatrixXf S = Eigen::MatrixXf::Zero(BK, BQ);  // zeros: exp_visible reads whole packets
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
                    const int t1 = std::min(T, t0 + BQ), n = t1 - t0;  // queries t0 .. t1-1
                    // out accumulates o (attention.h) in place, from 0, max -inf, sum 0
                    for (int t = t0; t < t1; t++) std::fill_n(o + t * (size_t)C, hs, 0.0f);
                    std::fill(m, m + n, -INFINITY);
                    std::fill(l, l + n, 0.0);
                    for (KeyBlock kb = key_block(0, t0, t1, BD_FORWARD); kb.s0 < t1;
                         kb = key_block(kb.s0 + kb.nk, t0, t1, BD_FORWARD)) {
                        const int j0 = kb.j0, nj = n - j0;  // the queries t0+j0 .. t1-1 that see these keys
                        // att = q @ k.transpose(-2, -1), for this block     (nk,hs)(hs,nj) -> (nk,nj)
                        product_tn(S.data(), BK, {k + kb.s0 * C3, hs, kb.nk, C3}, {q + (t0 + j0) * C3, hs, nj, C3},
                                   precision);
                        for (int j = j0; j < n; j++) {
                            // one query's column: scaled scores, the new max m', weights exp(s - m')
                            const int nv = visible(kb, t0 + j);
                            Eigen::Map<Eigen::ArrayXf> p(S.col(j - j0).data(), nv);  // (nv) the keys it sees
                            p *= scale;
                            const float m_new = std::max(m[j], p.maxCoeff());
                            p -= m_new;
                            exp_visible(p.data(), nv, kb.nk);  // and the masked future: weight exactly 0
                            // what came before was relative to the old max: rescale it by exp(m - m')
                            const float c = std::exp(m[j] - m_new);  // 0 on the first block (m = -inf)
                            l[j] = l[j] * c + sum_double(nv, [&](int i) { return (double)p[i]; });
                            m[j] = m_new;
                            float* o_t = o + (t0 + j) * (size_t)C;  // (hs)
                            if (c != 1.0f && !two_pass)
                                for (int i = 0; i < hs; i++) o_t[i] *= c;
                        }
                        // y = att @ v, this block's share: o += V P        (hs,nk)(nk,nj) -> (hs,nj)
                        if (!two_pass)
                            product_nn_add(o + (t0 + j0) * (size_t)C, C, {v + kb.s0 * C3, hs, kb.nk, C3},
                                           {S.data(), kb.nk, nj, BK}, precision);
                    }
                    // lse = m + log l, all backward keeps of the softmax
                    for (int j = 0; j < n; j++) lse_bh[t0 + j] = (float)((double)m[j] + std::log(l[j]));
                    if (!two_pass) {  // normalise: out = o / l
                        for (int j = 0; j < n; j++) {
                            const float inv = (float)(1.0 / l[j]);
                            float* o_t = o + (t0 + j) * (size_t)C;  // (hs)
                            for (int i = 0; i < hs; i++) o_t[i] *= inv;
                        }
                        continue;
                    }
                    // bf16's second pass: the scores again, att = exp(s scale - lse), out += V att
                    for (KeyBlock kb = key_block(0, t0, t1, BD_FORWARD); kb.s0 < t1;
                         kb = key_block(kb.s0 + kb.nk, t0, t1, BD_FORWARD)) {
                        const int j0 = kb.j0, nj = n - j0;
                        product_tn(S.data(), BK, {k + kb.s0 * C3, hs, kb.nk, C3}, {q + (t0 + j0) * C3, hs, nj, C3},
                                   precision);  // (nk,hs)(hs,nj) -> (nk,nj)
                        weights_from_lse(S.data(), kb, t0, n, scale, lse_bh);
                        product_nn_add(o + (t0 + j0) * (size_t)C, C, {v + kb.s0 * C3, hs, kb.nk, C3},
                                       {S.data(), kb.nk, nj, BK}, precision);  // (hs,nk)(nk,nj) -> (hs,nj)
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
        // this thread's scratch, column j = query t0 + j0 + j over the block's keys: the weights P,
        // the gradient of the weights dP then of the scores dS; and D of each query of the query block
        Eigen::MatrixXf P = Eigen::MatrixXf::Zero(BK, BQ), dS(BK, BQ);  // zeros: as forward's S
        float D[BQ];
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
                    const int t1 = std::min(T, t0 + BQ), n = t1 - t0;
                    // D_t = dout_t . out_t = sum_t2 att[t,t2] datt[t,t2]: the softmax backward's row sum.
                    // Under bf16, dout as it enters datt = dout v^T, the product whose row sum this is.
                    for (int j = 0; j < n; j++) {
                        const float* o_t = o + (t0 + j) * (size_t)C, *dO_t = dO + (t0 + j) * (size_t)C;  // (hs)
                        D[j] = (float)sum_double(hs, [&](int i) {
                            return (double)as_input(dO_t[i], precision) * o_t[i];
                        });
                    }
                    for (KeyBlock kb = key_block(0, t0, t1, BD_BACKWARD); kb.s0 < t1;
                         kb = key_block(kb.s0 + kb.nk, t0, t1, BD_BACKWARD)) {
                        const int j0 = kb.j0, nj = n - j0;
                        const Block K{k + kb.s0 * C3, hs, kb.nk, C3}, V{v + kb.s0 * C3, hs, kb.nk, C3};  // (hs,nk)
                        const Block Q{q + (t0 + j0) * C3, hs, nj, C3};                                    // (hs,nj)
                        const Block dOb{dO + (t0 + j0) * (size_t)C, hs, nj, (size_t)C};                   // (hs,nj)
                        const Block Pb{P.data(), kb.nk, nj, BK}, dSb{dS.data(), kb.nk, nj, BK};           // (nk,nj)
                        // forward's weights again: P = exp(K^T Q scale - lse)   (nk,hs)(hs,nj) -> (nk,nj)
                        product_tn(P.data(), BK, K, Q, precision);
                        weights_from_lse(P.data(), kb, t0, n, scale, lse_bh);
                        // forward: O += V P, so dV += dO P^T and dP = V^T dO    (hs,nj)(nj,nk), (nk,hs)(hs,nj)
                        product_nt_add(dv + kb.s0 * C3, C3, dOb, Pb, precision);
                        product_tn(dS.data(), BK, V, dOb, precision);
                        // forward: P = softmax(S scale) per query, so dS = P * (dP - D) * scale
                        for (int j = j0; j < n; j++) {
                            const float* p = P.col(j - j0).data();  // (nk)
                            float* ds = dS.col(j - j0).data();      // (nk)
                            for (int i = 0; i < kb.nk; i++) ds[i] = scale * p[i] * (ds[i] - D[j]);
                        }
                        // forward: S = K^T Q, so dQ += K dS and dK += Q dS^T     (hs,nk)(nk,nj), (hs,nj)(nj,nk)
                        product_nn_add(dq + (t0 + j0) * C3, C3, K, dSb, precision);
                        product_nt_add(dk + kb.s0 * C3, C3, Q, dSb, precision);
                    }
                }
            }
        }
    }
}
