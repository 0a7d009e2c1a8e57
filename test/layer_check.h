// layer_check.h: the checks every layer test runs besides the PyTorch comparison:
// the fixture's shapes, a finite-difference check of backward against the layer's own float
// forward, the += rule (backward twice = 2x backward once), and a fast kernel against its
// plain (_naive) twin on random inputs of awkward sizes.
// Everything is reported through check_tensor (check.h), so failures name the tensor.
// Run with -s to see the measured errors of the passing checks too:
//   ./build/g++/test_all -tc="*finite differences*" -s
#pragma once
#include "test/check.h"
#include "test/fixture.h"
#include "model/parallel.h"  // parallel_min_work: ThreadCount splits every loop

#include <cmath>       // std::sqrt, std::fabs
#include <functional>  // std::function
#include <initializer_list>
#include <random>   // std::mt19937: random inputs from a fixed seed
#include <sstream>  // std::ostringstream
#include <vector>
#ifdef _OPENMP
#include <omp.h>  // omp_set_num_threads: ThreadCount
#endif

// ----------------------------------------------------------------------------
// shapes

// The fixture's tensor has exactly this shape (outermost first), so the test's B,T,C... match
// the reference script's and a buffer of the wrong size can never be read.
inline void require_shape(const Fixture& fx, const char* name, std::initializer_list<int> shape) {
    INFO(fx.path << ": tensor " << name << " has a different shape than the test expects");
    REQUIRE(fx.get(name).shape == std::vector<int>(shape));
}

// ----------------------------------------------------------------------------
// threads

// The enclosing scope runs at n OpenMP threads (nothing, without OpenMP), and every loop, however
// small, is split across them: the tests' tiny tensors would otherwise stay on one thread
// (model/parallel.h). The count and the threshold are restored after.
struct ThreadCount {
    explicit ThreadCount(int n) {
#ifdef _OPENMP
        saved = omp_get_max_threads();
        omp_set_num_threads(n);
#else
        (void)n;
#endif
        parallel_min_work = 0;
    }
    ~ThreadCount() {
#ifdef _OPENMP
        omp_set_num_threads(saved);
#endif
        parallel_min_work = saved_min_work;
    }
    int saved = 1;
    size_t saved_min_work = parallel_min_work;
};

// ----------------------------------------------------------------------------
// finite differences
//
// With a fixed random dout, the scalar L(x) = sum(out(x) * dout) has dL/dx = exactly what backward
// adds into dx when fed dout. We estimate it by central differences on the real float forward:
//   dL/dx_i ~ (L(x_i + h) - L(x_i - h)) / (x_i + h - (x_i - h)),
// L summed in double, the denominator taken from the float values actually stored.
// Error of the estimate, for unit-scale data (inputs, weights, dout ~ N(0,1)):
//   truncation  h^2/6 * |L'''|: with h = 1e-2 and third derivatives of order 1-10 (tanh, exp,
//               1/sqrt at unit scale), 2e-5 .. 2e-4. Zero for the linear layers.
//   rounding    each float output carries ~u = 6e-8 relative error. Outputs that x_i does not
//               touch are recomputed bit for bit and cancel in L(x+h) - L(x-h); the m <= 48
//               outputs it touches shift L by ~u * sqrt(m) * |out*dout| ~ 6e-8 * 7 * 4 ~ 2e-6,
//               which the division by 2h = 2e-2 turns into ~1e-4.
// Both come to at most ~3e-4 per element; TOL_FD = 1e-3 (relative to the gradient's largest
// entry, as check_tensor measures, which is of order 1-10 for unit-scale data) leaves a 3x margin
// over that estimate, while a wrong sign, a swapped index or a missing term is off by the size of the gradient itself, i.e. O(1). Measured on the committed fixtures:
// max |fd - grad| <= 8e-5 and ||fd - grad|| / ||grad|| <= 6e-5 for every layer (run with -s).
constexpr float FD_H = 1e-2f;
constexpr float TOL_FD = 1e-3f;

// Loss from an output buffer and the upstream gradient, in double (the reduction rule).
inline double dot_loss(const float* out, const float* dout, size_t n) {
    double s = 0;
    for (size_t i = 0; i < n; i++) s += (double)out[i] * (double)dout[i];
    return s;
}

// Perturbs every x[i] in turn (restoring it after), runs loss() (the float forward on the current
// buffers, then dot_loss) and compares the central-difference estimate with `analytic`.
inline void check_gradient_fd(const char* name, const float* analytic, float* x, size_t n,
                              const std::function<double()>& loss) {
    std::vector<float> fd(n);
    {
        // hundreds of forwards on tiny tensors: waking threads costs more than the work (attention's
        // check took 2.4 s on a loaded 2-core machine, ~10 ms on one thread). Results are the same.
        ThreadCount one(1);
        for (size_t i = 0; i < n; i++) {
            const float x0 = x[i];
            const float xp = x0 + FD_H, xm = x0 - FD_H;
            x[i] = xp;
            const double lp = loss();
            x[i] = xm;
            const double lm = loss();
            x[i] = x0;
            fd[i] = (float)((lp - lm) / ((double)xp - (double)xm));
        }
    }
    // one summary figure: the relative error of the whole gradient, ||fd - grad|| / ||grad||
    double diff2 = 0, norm2 = 0;
    for (size_t i = 0; i < n; i++) {
        diff2 += ((double)fd[i] - analytic[i]) * ((double)fd[i] - analytic[i]);
        norm2 += (double)analytic[i] * analytic[i];
    }
    std::ostringstream msg;
    msg << name << " vs finite differences (h=" << FD_H << "): ||fd - grad|| / ||grad|| = "
        << std::sqrt(diff2 / (norm2 > 0 ? norm2 : 1)) << ", ||grad|| = " << std::sqrt(norm2);
    INFO(msg.str());
    check_tensor(name, analytic, fd.data(), n, TOL_FD);
}

// ----------------------------------------------------------------------------
// the += rule

// `twice` is the gradient buffer after two backward calls on zeroed buffers, `once` after one.
// Exactly 2x where an element takes one += per call (g + g is exact in float). Where it takes k
// partial sums per call (matmul's dinp over OC, attention's dk and dv over t, encoder's dwte for a
// repeated token) the second call rounds on top of g instead of 0: each of the k additions may
// land on a different float, off by at most u * (|g| + sum|terms|). With k <= 12 and terms of
// order 1 here that is <= 12 * 6e-8 * 12 ~ 1e-5, hence TOL_ACCUM = 1e-5 (observed: ~1e-6).
// The bugs this test is for are far outside it: `=` instead of `+=`, or a buffer zeroed inside
// backward, leaves 1x instead of 2x (50% off); adding a term twice is off by as much.
constexpr float TOL_ACCUM = 1e-5f;

inline void check_accumulates(const char* name, const std::vector<float>& once, const std::vector<float>& twice) {
    std::vector<float> want(once.size());
    size_t exact = 0;
    for (size_t i = 0; i < once.size(); i++) {
        want[i] = 2.0f * once[i];
        exact += (twice[i] == want[i]);
    }
    std::ostringstream msg;
    msg << name << ": " << exact << " of " << once.size() << " elements exactly 2x";
    INFO(msg.str());
    check_tensor(name, twice.data(), want.data(), once.size(), TOL_ACCUM);
}

// ----------------------------------------------------------------------------
// fast against plain

// n floats uniform in [-scale, scale) from a fixed seed, the same on every machine: mt19937's
// output is fixed by the C++ standard (its distributions are not, so none is used).
inline std::vector<float> random_floats(size_t n, unsigned seed, float scale = 1.0f) {
    std::mt19937 gen(seed);
    std::vector<float> x(n);
    for (float& v : x) v = scale * ((float)(gen() >> 8) * (2.0f / 16777216.0f) - 1.0f);  // 24 random bits
    return x;
}

// A fast kernel's output against its plain twin's on the same inputs. The two add the same terms
// in different orders (the plain one in double), so they differ by rounding, and that rounding
// scales with the size of the terms summed, i.e. with the tensor's magnitude, not with each
// element's: an element that is a near-cancelling sum of large terms carries their rounding.
// So the comparison is relative to the tensor's scale s = max |plain|:
//   |fast - plain| <= tol * (s + |plain|)      (check_tensor on both divided by s)
// Each caller states its tol and why. A wrong index, a missing term or a skipped remainder
// is off by O(1) of the scale, far outside any tol used (<= 1e-5).
inline void check_plain(const char* name, const std::vector<float>& fast, const std::vector<float>& plain, float tol) {
    REQUIRE(fast.size() == plain.size());
    double scale = 0;
    for (float p : plain) scale = std::fabs(p) > scale ? std::fabs(p) : scale;
    if (scale == 0) scale = 1;
    std::vector<float> f(fast.size()), p(plain.size());
    for (size_t i = 0; i < fast.size(); i++) {
        f[i] = (float)(fast[i] / scale);
        p[i] = (float)(plain[i] / scale);
    }
    INFO(name << ": fast vs plain, in units of the tensor's scale max|plain| = " << scale);
    check_tensor(name, f.data(), p.data(), f.size(), tol);
}
