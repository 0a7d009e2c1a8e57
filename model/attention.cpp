// attention.cpp: causal multi-head self-attention as per-head GEMMs. See attention.h.
// Speed: the plain versions (first) take one query position at a time and loop over keys and
// channels. The fast ones turn each (b, head) into four GEMMs, and since the causal mask zeroes
// the lower triangle of every (T,T) attention matrix (in our (key t2, query t) view), each product
// touches only the upper triangle: Eigen's triangularView products skip the masked half. The
// softmax's exp and sums are vectorised (reduce.h).
#include "model/attention.h"
#include "data/common/profile.h"  // ProfileScope: the per-layer timers of --profile
#include "model/gemm_bf16.h"  // gemm_bf16: the products of --precision bf16
#include "model/parallel.h"  // worth_threads, MACS_PER_WORK: short sequences stay on one thread
#include "model/reduce.h"  // sum_double, exp_inplace: deterministic and vectorised
#include "model/views.h"   // Mat, ConstMat, StridedMat, ConstStridedMat

#include <algorithm>  // max
#include <cmath>      // sqrt, exp, INFINITY
#include <cstddef>    // size_t
#include <vector>     // the plain backward's row of dA

using Eigen::OuterStride;
using Eigen::Lower;
using Eigen::Upper;

// ----------------------------------------------------------------------------
// plain versions: one (b, t, head) at a time, each dot product in double

void attention_forward_naive(float* out, float* att, const float* inp, int B, int T, int C, int NH) {
    const int hs = C / NH;  // head size
    const double scale = 1.0 / std::sqrt((double)hs);
    for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++) {
            for (int h = 0; h < NH; h++) {
                // seek to head h's q (part 0), k (1) or v (2) at position t2: inp[b,t2,part*C + h*hs :]
                auto qkv = [&](int t2, int part) { return inp + ((size_t)b * T + t2) * 3 * C + part * C + h * hs; };
                const float* q = qkv(t, 0);                            // (hs) q_t
                float* a = att + (((size_t)b * NH + h) * T + t) * T;  // (T) seek to att[b,h,t,:]
                // s[t2] = q_t . k_t2 / sqrt(hs) for t2 <= t, and their max (it keeps exp from overflowing)
                float maxval = -INFINITY;
                for (int t2 = 0; t2 <= t; t2++) {
                    const float* k = qkv(t2, 1);  // (hs) k_t2
                    double s = 0.0;
                    for (int i = 0; i < hs; i++) s += (double)q[i] * k[i];
                    a[t2] = (float)(s * scale);
                    maxval = std::max(maxval, a[t2]);
                }
                // att = softmax(s) over t2 <= t; the masked future t2 > t gets exactly 0
                double sum = 0.0;
                for (int t2 = 0; t2 <= t; t2++) {
                    a[t2] = std::exp(a[t2] - maxval);
                    sum += a[t2];
                }
                for (int t2 = 0; t2 < T; t2++) a[t2] = t2 <= t ? (float)(a[t2] / sum) : 0.0f;
                // out_t = sum_t2 att[t2] v_t2
                float* o = out + ((size_t)b * T + t) * C + h * hs;  // (hs) seek to out[b,t,h*hs:]
                for (int i = 0; i < hs; i++) {
                    double y = 0.0;
                    for (int t2 = 0; t2 <= t; t2++) y += (double)a[t2] * qkv(t2, 2)[i];
                    o[i] = (float)y;
                }
            }
        }
    }
}

void attention_backward_naive(float* dinp, float* datt, const float* dout, const float* inp, const float* att,
                              int B, int T, int C, int NH) {
    const int hs = C / NH;
    const double scale = 1.0 / std::sqrt((double)hs);
    std::vector<double> da(T);  // (T) this call's gradient of att[b,h,t,:]
    for (int b = 0; b < B; b++) {
        for (int t = 0; t < T; t++) {
            for (int h = 0; h < NH; h++) {
                // offset of head h's q (part 0), k (1) or v (2) at position t2, in inp and in dinp
                auto qkv = [&](int t2, int part) { return ((size_t)b * T + t2) * 3 * C + part * C + h * hs; };
                const float* a = att + (((size_t)b * NH + h) * T + t) * T;  // (T) att[b,h,t,:]
                float* datt_t = datt + (((size_t)b * NH + h) * T + t) * T;  // (T) datt[b,h,t,:]
                const float* dy = dout + ((size_t)b * T + t) * C + h * hs;  // (hs) dout[b,t,h*hs:]
                // forward: out_t = sum_t2 att[t2] v_t2, so datt[t2] = v_t2 . dout_t and dv_t2 += att[t2] dout_t
                for (int t2 = 0; t2 <= t; t2++) {
                    da[t2] = 0.0;
                    for (int i = 0; i < hs; i++) da[t2] += (double)inp[qkv(t2, 2) + i] * dy[i];
                    datt_t[t2] += (float)da[t2];
                    for (int i = 0; i < hs; i++) dinp[qkv(t2, 2) + i] += a[t2] * dy[i];
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
// the softmax of one query and its backward, shared by the fp32 and the bf16 products below

// a (T): the scores k_t2 . q_t of query t over keys t2, unscaled. Becomes att[t,:] =
// softmax(scale * scores) over t2 <= t, and exactly 0 for the masked future t2 > t.
static void causal_softmax(float* a, int t, int T, float scale) {
    float maxval = -INFINITY;  // subtracting the max keeps exp from overflowing
    for (int t2 = 0; t2 <= t; t2++) maxval = std::max(maxval, a[t2] * scale);
    for (int t2 = 0; t2 <= t; t2++) a[t2] = a[t2] * scale - maxval;
    exp_inplace(a, t + 1);  // reduce.h: a vectorised exp
    double sum = sum_double(t + 1, [&](int t2) { return (double)a[t2]; });
    float inv = (float)(1.0 / sum);
    for (int t2 = 0; t2 <= t; t2++) a[t2] *= inv;
    for (int t2 = t + 1; t2 < T; t2++) a[t2] = 0.0f;  // masked future: weight exactly 0
}

// ds (T): d loss/d att[t,:] of this call on entry, added into datt_t (T) where t2 <= t (the masked
// t2 > t untouched); on exit the gradient of the scores, with the scale folded in. a (T) = att[t,:].
// forward: A = softmax(S) per query, so dS = A * (dA - sum_t2 A dA)
static void causal_softmax_backward(float* ds, float* datt_t, const float* a, int t, float scale) {
    for (int t2 = 0; t2 <= t; t2++) datt_t[t2] += ds[t2];
    double dot = sum_double(t + 1, [&](int t2) { return (double)a[t2] * ds[t2]; });  // reduce.h
    for (int t2 = 0; t2 <= t; t2++) ds[t2] = scale * a[t2] * (ds[t2] - (float)dot);
}

// ----------------------------------------------------------------------------
// fast versions: four GEMMs per (b, head) on its triangle, (b, head) pairs across threads

// A pass's work in parallel.h's units: per (b, head), the T(T+1)/2 entries of the triangle, each
// two dot products of hs multiply-adds (forward: K^T Q and V A) and one float of the softmax.
[[maybe_unused]] static size_t attention_work(int B, int T, int C, int NH) {  // unused in NO_OMP builds
    const size_t entries = (size_t)B * NH * T * (T + 1) / 2;
    return entries * (2 * (size_t)(C / NH) / MACS_PER_WORK + 1);
}

static void attention_forward_bf16(float* out, float* att, const float* inp, int B, int T, int C, int NH);
static void attention_backward_bf16(float* dinp, float* datt, const float* dout, const float* inp, const float* att,
                                    int B, int T, int C, int NH);

void attention_forward(float* out, float* att, const float* inp, int B, int T, int C, int NH, Precision precision) {
    ProfileScope timer("attention_forward");  // --profile: the time of this call, in its layer's row
    if (precision == Precision::bf16) return attention_forward_bf16(out, att, inp, B, T, C, NH);
    const int hs = C / NH;  // head size
    const float scale = 1.0f / std::sqrt((float)hs);
    // every (b, head) is independent and owns its slice of out and att
    #pragma omp parallel for collapse(2) if(worth_threads(attention_work(B, T, C, NH)))
    for (int b = 0; b < B; b++) {
        for (int h = 0; h < NH; h++) {
            const float* qkv_b = inp + (size_t)b * T * 3 * C;  // seek to inp[b,0,:]
            ConstStridedMat Q(qkv_b + h * hs, hs, T, OuterStride<>(3 * C));          // (hs,T): column t = q_t
            ConstStridedMat K(qkv_b + C + h * hs, hs, T, OuterStride<>(3 * C));      // (hs,T): column t = k_t
            ConstStridedMat V(qkv_b + 2 * C + h * hs, hs, T, OuterStride<>(3 * C));  // (hs,T): column t = v_t
            Mat A(att + ((size_t)b * NH + h) * T * T, T, T);  // (T,T): column t = att[b,h,t,:] over keys t2
            StridedMat O(out + (size_t)b * T * C + h * hs, hs, T, OuterStride<>(C));  // (hs,T)

            // att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1))), only where t2 <= t
            A.triangularView<Upper>() = K.transpose() * Q;  // (T,hs)(hs,T) -> (T,T): A(t2,t) = k_t2 . q_t
            // att = att.masked_fill(self.bias[:,:,:T,:T] == 0, float('-inf')); att = F.softmax(att, dim=-1)
            for (int t = 0; t < T; t++) causal_softmax(A.col(t).data(), t, T, scale);
            // y = att @ v
            O.noalias() = V * A.triangularView<Upper>();  // (hs,T)(T,T) -> (hs,T): out_t = sum_t2<=t A(t2,t) v_t2
        }
    }
}

void attention_backward(float* dinp, float* datt, const float* dout, const float* inp, const float* att,
                        int B, int T, int C, int NH, Precision precision) {
    ProfileScope timer("attention_backward");  // --profile: the time of this call, in its layer's row
    if (precision == Precision::bf16) return attention_backward_bf16(dinp, datt, dout, inp, att, B, T, C, NH);
    const int hs = C / NH;
    const float scale = 1.0f / std::sqrt((float)hs);
    // one parallel region, so that each thread allocates its scratch once, then shares the
    // (b, head) loop; each (b, head) owns its q,k,v columns of dinp and its (T,T) block of datt
    #pragma omp parallel if(worth_threads(2 * attention_work(B, T, C, NH)))  // 4 GEMMs: twice forward's
    {
        // this thread's (T,T) scratch: one head's dA of this call, then its dS. subtle: dS cannot
        // overwrite dA inside datt, since datt is only added into (the += rule). Only its upper
        // triangle is ever written; the masked lower one stays the 0 it starts as.
        Eigen::MatrixXf dS = Eigen::MatrixXf::Zero(T, T);
        #pragma omp for collapse(2)
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < NH; h++) {
                const float* qkv_b = inp + (size_t)b * T * 3 * C;  // seek to inp[b,0,:]
                float* dqkv_b = dinp + (size_t)b * T * 3 * C;      // seek to dinp[b,0,:]
                ConstStridedMat Q(qkv_b + h * hs, hs, T, OuterStride<>(3 * C));          // (hs,T)
                ConstStridedMat K(qkv_b + C + h * hs, hs, T, OuterStride<>(3 * C));      // (hs,T)
                ConstStridedMat V(qkv_b + 2 * C + h * hs, hs, T, OuterStride<>(3 * C));  // (hs,T)
                StridedMat dQ(dqkv_b + h * hs, hs, T, OuterStride<>(3 * C));             // (hs,T)
                StridedMat dK(dqkv_b + C + h * hs, hs, T, OuterStride<>(3 * C));         // (hs,T)
                StridedMat dV(dqkv_b + 2 * C + h * hs, hs, T, OuterStride<>(3 * C));     // (hs,T)
                ConstMat A(att + ((size_t)b * NH + h) * T * T, T, T);                  // (T,T)
                Mat dA(datt + ((size_t)b * NH + h) * T * T, T, T);                     // (T,T) +=
                ConstStridedMat dO(dout + (size_t)b * T * C + h * hs, hs, T, OuterStride<>(C));  // (hs,T)

                // forward: O = V A, so dA = V^T dO and dV += dO A^T (upper triangles only: A is 0 below)
                dS.triangularView<Upper>() = V.transpose() * dO;                // (T,hs)(hs,T) -> (T,T)
                dV.noalias() += dO * A.transpose().triangularView<Lower>();     // (hs,T)(T,T) -> (hs,T)
                // forward: A = softmax(S) per column, so dS = A * (dA - sum_t2 A dA); scale folded in.
                // dS overwrites dA in the scratch, after dA is added into datt.
                for (int t = 0; t < T; t++) causal_softmax_backward(dS.col(t).data(), dA.col(t).data(), A.col(t).data(), t, scale);
                // forward: S(t2,t) = scale k_t2 . q_t, so dQ += K dS and dK += Q dS^T (scale is in dS)
                dQ.noalias() += K * dS.triangularView<Upper>();              // (hs,T)(T,T) -> (hs,T)
                dK.noalias() += Q * dS.transpose().triangularView<Lower>();  // (hs,T)(T,T) -> (hs,T)
            }
        }
    }
}

// ----------------------------------------------------------------------------
// mixed precision: the same steps with the products on gemm_bf16 (q, k, v, att, dout and dS rounded
// to bf16, sums and results fp32; the softmax and its backward in fp32, shared with the above).
// gemm_bf16 knows no triangles, so each product goes in blocks of TB queries (or keys) and leaves out
// the blocks the mask zeroes: queries t0..t1-1 need keys 0..t1-1 only. What a block computes beyond
// the diagonal is overwritten (att: the softmax's zeros) or cleared (dS) before it is used.
// In gemm_bf16's row-major terms (gemm_bf16.h): a head's q, k, v are (T,hs) with row stride 3C, out and
// dout (T,hs) with row stride C, att[b,h] and the scratch dS (T,T) with row t = query t.

static const int TB = 32;  // queries (or keys) per block

void attention_forward_bf16(float* out, float* att, const float* inp, int B, int T, int C, int NH) {
    const int hs = C / NH;
    const size_t C3 = 3 * (size_t)C;
    const float scale = 1.0f / std::sqrt((float)hs);
    #pragma omp parallel for collapse(2) if(worth_threads(attention_work(B, T, C, NH)))
    for (int b = 0; b < B; b++) {
        for (int h = 0; h < NH; h++) {
            const float* q = inp + (size_t)b * T * C3 + h * hs;  // (T,hs) row stride 3C: q of head h
            const float* k = q + C, *v = q + 2 * C;               // (T,hs) each, row stride 3C
            float* a = att + ((size_t)b * NH + h) * T * T;        // (T,T): row t = att[b,h,t,:]
            float* o = out + (size_t)b * T * C + h * hs;          // (T,hs) row stride C
            for (int t0 = 0; t0 < T; t0 += TB) {
                const int t1 = std::min(T, t0 + TB);
                // scores: a[t, t2] = q_t . k_t2 for t in [t0,t1), t2 < t1      (n,hs)(hs,t1) -> (n,t1)
                gemm_bf16(t1 - t0, t1, hs, {q + t0 * C3, nullptr, C3, 1}, {k, nullptr, 1, C3}, a + (size_t)t0 * T,
                          T, false);
            }
            for (int t = 0; t < T; t++) causal_softmax(a + (size_t)t * T, t, T, scale);
            for (int t0 = 0; t0 < T; t0 += TB) {
                const int t1 = std::min(T, t0 + TB);
                // y = att @ v: out_t = sum_{t2 < t1} att[t,t2] v_t2 (att is 0 beyond t)  (n,t1)(t1,hs) -> (n,hs)
                gemm_bf16(t1 - t0, hs, t1, {a + (size_t)t0 * T, nullptr, (size_t)T, 1}, {v, nullptr, C3, 1},
                          o + (size_t)t0 * C, C, false);
            }
        }
    }
}

void attention_backward_bf16(float* dinp, float* datt, const float* dout, const float* inp, const float* att,
                             int B, int T, int C, int NH) {
    const int hs = C / NH;
    const size_t C3 = 3 * (size_t)C;
    const float scale = 1.0f / std::sqrt((float)hs);
    #pragma omp parallel if(worth_threads(2 * attention_work(B, T, C, NH)))
    {
        std::vector<float> scratch((size_t)T * T, 0.0f);  // this thread's dA, then dS: row t = query t
        float* ds = scratch.data();
        #pragma omp for collapse(2)
        for (int b = 0; b < B; b++) {
            for (int h = 0; h < NH; h++) {
                const float* q = inp + (size_t)b * T * C3 + h * hs;  // (T,hs) row stride 3C
                const float* k = q + C, *v = q + 2 * C;
                float* dq = dinp + (size_t)b * T * C3 + h * hs;      // (T,hs) row stride 3C, +=
                float* dk = dq + C, *dv = dq + 2 * C;
                const float* a = att + ((size_t)b * NH + h) * T * T;  // (T,T) row t = att[b,h,t,:]
                float* da = datt + ((size_t)b * NH + h) * T * T;      // (T,T) +=
                const float* dO = dout + (size_t)b * T * C + h * hs;  // (T,hs) row stride C
                for (int t0 = 0; t0 < T; t0 += TB) {
                    const int t1 = std::min(T, t0 + TB);
                    // forward: out = att v, so dA[t, t2] = dout_t . v_t2            (n,hs)(hs,t1) -> (n,t1)
                    gemm_bf16(t1 - t0, t1, hs, {dO + t0 * (size_t)C, nullptr, (size_t)C, 1}, {v, nullptr, 1, C3},
                              ds + (size_t)t0 * T, T, false);
                    // and dv_t2 += sum_{t >= t2} att[t,t2] dout_t, keys t2 in [t0,t1)   (n,T-t0)(T-t0,hs) -> (n,hs)
                    gemm_bf16(t1 - t0, hs, T - t0, {a + (size_t)t0 * T + t0, nullptr, 1, (size_t)T},
                              {dO + t0 * (size_t)C, nullptr, (size_t)C, 1}, dv + t0 * C3, C3, true);
                }
                for (int t = 0; t < T; t++) {
                    float* ds_t = ds + (size_t)t * T;
                    causal_softmax_backward(ds_t, da + (size_t)t * T, a + (size_t)t * T, t, scale);
                    for (int t2 = t + 1; t2 < T; t2++) ds_t[t2] = 0.0f;  // the block's overshoot: masked, 0
                }
                for (int t0 = 0; t0 < T; t0 += TB) {
                    const int t1 = std::min(T, t0 + TB);
                    // forward: s[t,t2] = scale q_t . k_t2, so dq_t += sum_t2 dS[t,t2] k_t2   (n,t1)(t1,hs) -> (n,hs)
                    gemm_bf16(t1 - t0, hs, t1, {ds + (size_t)t0 * T, nullptr, (size_t)T, 1}, {k, nullptr, C3, 1},
                              dq + t0 * C3, C3, true);
                    // and dk_t2 += sum_{t >= t2} dS[t,t2] q_t, keys t2 in [t0,t1)       (n,T-t0)(T-t0,hs) -> (n,hs)
                    gemm_bf16(t1 - t0, hs, T - t0, {ds + (size_t)t0 * T + t0, nullptr, 1, (size_t)T},
                              {q + t0 * C3, nullptr, C3, 1}, dk + t0 * C3, C3, true);
                }
            }
        }
    }
}
