// parallel.h: when a loop is worth OpenMP's threads.
// Every `#pragma omp parallel` of a training step carries `if(worth_threads(work))`: a loop with
// less work than PARALLEL_MIN_WORK runs on the calling thread alone. Entering a parallel region
// wakes the other threads, which spin briefly and then sleep between regions (train.cpp's
// wait_briefly): a sleeping one takes microseconds to wake, more than a small loop's whole work. A small model
// (l2h2c64, B=4, T=64) entered 89 regions per step; now 45, its GEMMs and the larger loops.
// subtle: running a loop on one thread never changes its bits. Each iteration owns its outputs
// and keeps its order of additions, and matmul keeps its ranges (parallel_ranges), so results
// are the same at any thread count, split or whole (test_train_step.cpp proves it).
#pragma once
#include <cstddef>  // size_t

// Work is counted in floats an elementwise loop writes: residual over N floats is N, layernorm
// over (B,T,C) is B*T*C. 2^15 such floats take ~10-20 us on one core, about the cost of waking a
// sleeping thread and waiting for it at the end: below that, one thread is as fast or faster.
// (Estimates, not tuned: dev/bench_busy.py times the whole step, busy and idle.)
constexpr size_t PARALLEL_MIN_WORK = size_t(1) << 15;
// A GEMM's multiply-add, vectorised and in cache, costs about 1/16 of such a float.
constexpr size_t MACS_PER_WORK = 16;

// The threshold in use. subtle: a variable only so that tests can set it to 0 (test/layer_check.h,
// ThreadCount) and so split even tiny loops across threads; nothing else writes it.
inline size_t parallel_min_work = PARALLEL_MIN_WORK;

// True if `work` (in the units above) repays a parallel region.
inline bool worth_threads(size_t work) { return work >= parallel_min_work; }
