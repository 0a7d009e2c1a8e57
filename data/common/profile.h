// profile.h: where the time of a training step goes, per layer kind, forward and backward apart.
// Each layer function opens with `ProfileScope timer("matmul_forward");`: with profiling off (the
// default) that costs one test of a bool per call; with it on, the call's wall time is added to
// the row of its layer ("matmul") and the column of its pass (forward / backward / update). `./train bench --profile` prints the table after its steps;
// a trainer can do the same: profile_enable(true) before, profile_print(stdout, steps) after.
// Not thread-safe on purpose: the layer calls are made from the one serial thread of gpt2.cpp
// (each layer parallelises inside itself), so no lock is needed.
#pragma once
#include <chrono>  // steady_clock
#include <cstdio>  // FILE

// Turn the timers on or off (off: ProfileScope adds nothing); enabling clears the table.
void profile_enable(bool on);
bool profile_enabled();
// Clears the table (e.g. after warm-up steps).
void profile_reset();
// Prints the table as milliseconds per step, given how many steps it has seen. With the
// measured step time (ms, optional) it adds a row for the time outside every timed call.
void profile_print(FILE* out, int steps, double step_ms = 0);
// Adds one call of `fn` ("matmul_forward", "adamw_update", ...) that took `seconds`.
void profile_add(const char* fn, double seconds);

// Times the rest of the enclosing block (a layer function's body) under the name fn: from its
// construction to the end of the block. fn ending in _forward or _backward names a layer's pass;
// any other name counts as an update.
struct ProfileScope {
    const char* fn;
    std::chrono::steady_clock::time_point start;
    explicit ProfileScope(const char* fn_) : fn(profile_enabled() ? fn_ : nullptr) {
        if (fn) start = std::chrono::steady_clock::now();
    }
    ~ProfileScope() {
        if (fn) profile_add(fn, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
};
