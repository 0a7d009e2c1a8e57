// reduce.h: sums in double (and exp) whose results depend only on the numbers, not on their address.
// Each comes twice: the plain version (_naive) first, the one-line loop a learner expects, then the
// fast one the layers call. The tests hold each fast one against its plain twin (test_reduce.cpp).
// Why not Eigen's .sum(): on a Map it starts its vector lanes at the first aligned element, so
// the same numbers at another address (another malloc, another run) are added in another order
// and the last bits differ: a run would not repeat itself. sum_double: lane j always sums the
// elements i = j mod 8, and the 8 lanes are added in a fixed order at the end. The plain loop is
// just as deterministic but cannot be vectorised without -ffast-math (each addition waits for the
// one before); the 8 independent lanes can (one AVX-512 register of doubles).
#pragma once
#include <Eigen/Core>  // Map, Aligned64: exp_inplace's aligned scratch
#include <cmath>       // std::exp

// ----------------------------------------------------------------------------
// plain versions: what the fast ones below compute, one element at a time

// sum over i in [0,n) of f(i), f returning double, added in index order
template <typename F>
inline double sum_double_naive(int n, F f) {
    double s = 0.0;
    for (int i = 0; i < n; i++) s += f(i);
    return s;
}

// x[i] = exp(x[i]) for i in [0,n), one scalar libm call per element
inline void exp_inplace_naive(float* x, int n) {
    for (int i = 0; i < n; i++) x[i] = std::exp(x[i]);
}

// ----------------------------------------------------------------------------
// fast versions

// sum over i in [0,n) of f(i), f returning double: the same sum as sum_double_naive, added
// in another (fixed) order, so the two differ by double rounding only (~n * 1e-16 relative)
template <typename F>
inline double sum_double(int n, F f) {
    const int LANES = 8;
    double lane[LANES] = {0, 0, 0, 0, 0, 0, 0, 0};
    int i = 0;
    for (; i + LANES <= n; i += LANES)
        for (int j = 0; j < LANES; j++) lane[j] += f(i + j);
    for (int j = 0; i + j < n; j++) lane[j] += f(i + j);  // the last n mod 8 elements
    return ((lane[0] + lane[1]) + (lane[2] + lane[3])) + ((lane[4] + lane[5]) + (lane[6] + lane[7]));
}

// exp in place over n floats, vectorised, with results that depend only on the values.
// Why not Eigen's .exp() on a Map directly: it computes the elements before the first aligned
// address with std::exp and the rest with its own vector formula, which differ in the last
// bit, so results would depend on the buffer's address. Each chunk is copied to an aligned
// scratch first, where the split between vector body and scalar tail depends only on n.
// Eigen's vector exp and std::exp may differ in the last bit or two (exp_inplace_naive is the
// plain version).
inline void exp_inplace(float* x, int n) {
    const int CHUNK = 256;
    alignas(64) float buf[CHUNK];
    for (int i0 = 0; i0 < n; i0 += CHUNK) {
        const int len = n - i0 < CHUNK ? n - i0 : CHUNK;
        for (int i = 0; i < len; i++) buf[i] = x[i0 + i];
        Eigen::Map<Eigen::ArrayXf, Eigen::Aligned64> b(buf, len);
        b = b.exp();
        for (int i = 0; i < len; i++) x[i0 + i] = buf[i];
    }
}
