// profile.h: where the time of a training step goes, per layer kind, forward and backward apart.
// gpt2.cpp prefixes each layer call with TIMED(fn), e.g. `TIMED(matmul_forward)(out, inp, ...);`.
// With profiling off (the default) that costs one test of a bool per call; with it on, each
// call's wall time is added to the row of its layer ("matmul") and column of its pass
// (forward / backward / update). `./train bench --profile` prints the table after its steps;
// a trainer can do the same: profile_enable(true) before, profile_print(stdout, steps) after.
// Not thread-safe on purpose: the layer calls are made from the one serial thread of gpt2.cpp
// (each layer parallelises inside itself), so no lock is needed.
#pragma once
#include <chrono>  // steady_clock
#include <cstdio>  // FILE

// Turn the timers on or off (off: TIMED adds nothing); enabling clears the table.
void profile_enable(bool on);
bool profile_enabled();
// Clears the table (e.g. after warm-up steps).
void profile_reset();
// Prints the table as milliseconds per step, given how many steps it has seen. With the
// measured step time (ms, optional) it adds a row for the time outside every timed call.
void profile_print(FILE* out, int steps, double step_ms = 0);
// Adds one call of `fn` ("matmul_forward", "adamw_update", ...) that took `seconds`.
void profile_add(const char* fn, double seconds);

// Times one call: lives from its construction to the end of the full expression
// `ProfileCall("f"), f(args);`, which is exactly the call of f.
struct ProfileCall {
    const char* fn;
    std::chrono::steady_clock::time_point start;
    explicit ProfileCall(const char* fn_) : fn(profile_enabled() ? fn_ : nullptr) {
        if (fn) start = std::chrono::steady_clock::now();
    }
    ~ProfileCall() {
        if (fn) profile_add(fn, std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count());
    }
};
// TIMED(matmul_forward)(args) expands to `ProfileCall("matmul_forward"), matmul_forward(args)`.
#define TIMED(fn) ProfileCall(#fn), fn
