// test_schedule.cpp: model/schedule (llm.c's get_learning_rate): linear warmup, then cosine,
// linear or constant decay to lr*final_frac. Values worked by hand from the formulas at the first
// step, the end of warmup, the first decay step, inside the decay and the last step; then the decay
// over its progress d (the step form is it at d = (step - warmup)/(total - warmup), to the bit) and
// --time-budget's d, read from a clock (time_progress).
// learning_rate returns a float computed from a few operations: relative 1e-6 (~16 float ulps).
#include "model/train/schedule.h"
#include "test/check.h"

#include <cmath>  // std::cos

namespace {
constexpr double PI = 3.14159265358979323846;

// lr 1e-3, 10 warmup steps, 110 steps in all (decay over steps 10..110), floor 10%: lr_min = 1e-4
ScheduleConfig config(Schedule kind) {
    ScheduleConfig s;
    s.lr = 1e-3f;
    s.warmup = 10;
    s.total = 110;
    s.final_frac = 0.1f;
    s.kind = kind;
    return s;
}

void check_lr(const ScheduleConfig& s, int step, double want) {
    CAPTURE(step);
    CHECK(learning_rate(s, step) == doctest::Approx(want).epsilon(1e-6));
}
}  // namespace

TEST_CASE("schedule/warmup") {
    // the same ramp for every kind: lr * (step+1) / warmup
    for (Schedule kind : {Schedule::Cosine, Schedule::Linear, Schedule::Constant}) {
        ScheduleConfig s = config(kind);
        check_lr(s, 0, 1e-3 * 1 / 10);   // first step: 1e-4, never 0
        check_lr(s, 4, 1e-3 * 5 / 10);   // 5e-4
        check_lr(s, 9, 1e-3 * 10 / 10);  // last warmup step reaches lr
    }
}

TEST_CASE("schedule/cosine") {
    ScheduleConfig s = config(Schedule::Cosine);
    // decay = (step - 10) / 100;  lr_min + 0.5 * (1 + cos(pi * decay)) * (lr - lr_min)
    check_lr(s, 10, 1e-3);                                              // decay 0: cos 0 = 1 -> lr
    check_lr(s, 35, 1e-4 + 0.5 * (1 + std::cos(PI * 0.25)) * 9e-4);     // 8.6819805e-4
    check_lr(s, 60, 1e-4 + 0.5 * 9e-4);                                 // halfway: 5.5e-4
    check_lr(s, 109, 1e-4 + 0.5 * (1 + std::cos(PI * 0.99)) * 9e-4);    // last step: 1.0022207e-4
    check_lr(s, 110, 1e-4);                                             // decay 1: lr_min
}

TEST_CASE("schedule/linear") {
    ScheduleConfig s = config(Schedule::Linear);
    // lr - (lr - lr_min) * decay
    check_lr(s, 10, 1e-3);
    check_lr(s, 35, 1e-3 - 9e-4 * 0.25);  // 7.75e-4 (cosine is 8.68e-4 here)
    check_lr(s, 109, 1e-3 - 9e-4 * 0.99); // 1.09e-4
    check_lr(s, 110, 1e-4);
}

TEST_CASE("schedule/constant") {
    ScheduleConfig s = config(Schedule::Constant);
    check_lr(s, 10, 1e-3);
    check_lr(s, 60, 1e-3);
    check_lr(s, 109, 1e-3);
}

TEST_CASE("schedule/no warmup, no floor") {
    // warmup 0 starts at full lr; final_frac 0 decays to exactly 0 at step total
    ScheduleConfig s;
    s.lr = 6e-4f;
    s.warmup = 0;
    s.total = 4;
    s.kind = Schedule::Cosine;
    check_lr(s, 0, 6e-4);
    check_lr(s, 1, 0.5 * (1 + std::cos(PI * 0.25)) * 6e-4);  // 5.1213203e-4
    check_lr(s, 2, 3e-4);
    CHECK(learning_rate(s, 4) == doctest::Approx(0.0).epsilon(1e-6).scale(6e-4));
}

// ----------------------------------------------------------------------------
// the decay over a fraction, and --time-budget's fraction of the clock

TEST_CASE("schedule/decayed_lr over the decay's progress d") {
    // lr 1e-3, floor 1e-4: the formulas of schedule.h at d = 0, 0.25, 0.5, 1, and clamped outside [0,1]
    ScheduleConfig cos = config(Schedule::Cosine), lin = config(Schedule::Linear), con = config(Schedule::Constant);
    const double want_cos[] = {1e-3, 1e-4 + 0.5 * (1 + std::cos(PI * 0.25)) * 9e-4, 5.5e-4, 1e-4};
    const double want_lin[] = {1e-3, 1e-3 - 9e-4 * 0.25, 1e-3 - 9e-4 * 0.5, 1e-4};
    const double ds[] = {0.0, 0.25, 0.5, 1.0};
    for (int i = 0; i < 4; i++) {
        CAPTURE(ds[i]);
        CHECK(decayed_lr(cos, ds[i]) == doctest::Approx(want_cos[i]).epsilon(1e-6));
        CHECK(decayed_lr(lin, ds[i]) == doctest::Approx(want_lin[i]).epsilon(1e-6));
        CHECK(decayed_lr(con, ds[i]) == 1e-3f);
    }
    CHECK(decayed_lr(cos, 7.0) == decayed_lr(cos, 1.0));  // past the end: the floor
    CHECK(decayed_lr(lin, -0.5) == decayed_lr(lin, 0.0));
    // the step form is this one at d = (step - warmup) / (total - warmup): the same bits
    for (int step = 10; step <= 120; step++) {
        CAPTURE(step);
        CHECK(learning_rate(cos, step) == decayed_lr(cos, (step - 10) / 100.0));
        CHECK(learning_rate(lin, step) == decayed_lr(lin, (step - 10) / 100.0));
    }
}

TEST_CASE("schedule/clock_progress replaces the step after warmup") {
    ScheduleConfig s = config(Schedule::Cosine);
    s.clock_progress = 0.25;
    check_lr(s, 0, 1e-4);  // warmup still counts steps: lr * 1 / 10
    check_lr(s, 9, 1e-3);
    const double at_quarter = 1e-4 + 0.5 * (1 + std::cos(PI * 0.25)) * 9e-4;  // 8.6819805e-4
    check_lr(s, 10, at_quarter);   // the step's own d would be 0 (lr 1e-3)
    check_lr(s, 100, at_quarter);  // ... 0.9
    check_lr(s, 500, at_quarter);  // ... past total: the clock decides, not -x
    s.clock_progress = 1.0;
    check_lr(s, 11, 1e-4);
}

TEST_CASE("schedule/time_progress") {
    // warmup ended at 10 s, the decay ends at 110 s: (elapsed - 10) / 100, clamped
    CHECK(time_progress(10.0, 10.0, 110.0) == 0.0);
    CHECK(time_progress(35.0, 10.0, 110.0) == doctest::Approx(0.25).epsilon(1e-12));
    CHECK(time_progress(109.0, 10.0, 110.0) == doctest::Approx(0.99).epsilon(1e-12));
    CHECK(time_progress(110.0, 10.0, 110.0) == 1.0);
    CHECK(time_progress(500.0, 10.0, 110.0) == 1.0);  // an extended run: the final lr
    CHECK(time_progress(5.0, 10.0, 110.0) == 0.0);    // never below the start
    CHECK(time_progress(0.0, 0.0, 300.0) == 0.0);     // no warmup: from the first step
    CHECK(time_progress(150.0, 0.0, 300.0) == 0.5);
    CHECK(time_progress(20.0, 300.0, 200.0) == 1.0);  // warmup outlasted the span: the decay is over
}
