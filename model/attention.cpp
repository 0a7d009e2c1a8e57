// attention.cpp: causal multi-head self-attention as per-head GEMMs. See attention.h.
// Speed: the causal mask zeroes the lower triangle of every (T,T) attention matrix (in our
// (key t2, query t) view), so each product touches only the upper triangle: Eigen's
// triangularView products skip the masked half (plain version: the same products on the full
// matrices, then the mask). The softmax's exp and sums are vectorised (reduce.h).
#include "model/attention.h"
#include "data/common/profile.h"  // ProfileScope: the per-layer timers of --profile
#include "model/reduce.h"  // sum_double, exp_inplace: deterministic and vectorised
#include "model/views.h"   // Mat, ConstMat, StridedMat, ConstStridedMat

#include <algorithm>  // max
#include <cmath>      // sqrt, INFINITY
#include <cstddef>    // size_t

using Eigen::OuterStride;
using Eigen::Lower;
using Eigen::Upper;

void attention_forward(float* out, float* att, const float* inp, int B, int T, int C, int NH) {
    ProfileScope timer("attention_forward");  // --profile: the time of this call, in its layer's row
    const int hs = C / NH;  // head size
    const float scale = 1.0f / std::sqrt((float)hs);
    // every (b, head) is independent and owns its slice of out and att
    #pragma omp parallel for collapse(2)
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
            for (int t = 0; t < T; t++) {
                float* a = A.col(t).data();  // scores of query t over keys 0..T-1
                float maxval = -INFINITY;    // subtracting the max keeps exp from overflowing
                for (int t2 = 0; t2 <= t; t2++) maxval = std::max(maxval, a[t2] * scale);
                for (int t2 = 0; t2 <= t; t2++) a[t2] = a[t2] * scale - maxval;
                exp_inplace(a, t + 1);  // reduce.h: a vectorised exp
                double sum = sum_double(t + 1, [&](int t2) { return (double)a[t2]; });
                float inv = (float)(1.0 / sum);
                for (int t2 = 0; t2 <= t; t2++) a[t2] *= inv;
                A.col(t).tail(T - 1 - t).setZero();  // masked future: weight exactly 0
            }
            // y = att @ v
            O.noalias() = V * A.triangularView<Upper>();  // (hs,T)(T,T) -> (hs,T): out_t = sum_t2<=t A(t2,t) v_t2
        }
    }
}

void attention_backward(float* dinp, float* datt, const float* dout, const float* inp, const float* att,
                        int B, int T, int C, int NH) {
    ProfileScope timer("attention_backward");  // --profile: the time of this call, in its layer's row
    const int hs = C / NH;
    const float scale = 1.0f / std::sqrt((float)hs);
    // (b, head) owns its q,k,v columns of dinp: no two iterations write the same memory
    #pragma omp parallel for collapse(2)
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
            Mat dA(datt + ((size_t)b * NH + h) * T * T, T, T);                     // (T,T) scratch
            ConstStridedMat dO(dout + (size_t)b * T * C + h * hs, hs, T, OuterStride<>(C));  // (hs,T)

            // forward: O = V A, so dA = V^T dO and dV += dO A^T (upper triangles only: A is 0 below)
            dA.triangularView<Upper>() = V.transpose() * dO;                  // (T,hs)(hs,T) -> (T,T)
            dV.noalias() += dO * A.transpose().triangularView<Lower>();        // (hs,T)(T,T) -> (hs,T)
            // forward: A = softmax(S) per column, so dS = A * (dA - sum_t2 A dA); scale folded in.
            // dS overwrites dA in place; masked entries (A = 0) get dS = 0.
            for (int t = 0; t < T; t++) {
                const float* a = A.col(t).data();
                float* da = dA.col(t).data();
                double dot = sum_double(t + 1, [&](int t2) { return (double)a[t2] * da[t2]; });  // reduce.h
                for (int t2 = 0; t2 <= t; t2++) da[t2] = scale * a[t2] * (da[t2] - (float)dot);
                dA.col(t).tail(T - 1 - t).setZero();
            }
            // forward: S(t2,t) = scale k_t2 . q_t, so dQ += K dS and dK += Q dS^T (scale is in dS)
            dQ.noalias() += K * dA.triangularView<Upper>();                // (hs,T)(T,T) -> (hs,T)
            dK.noalias() += Q * dA.transpose().triangularView<Lower>();    // (hs,T)(T,T) -> (hs,T)
        }
    }
}
