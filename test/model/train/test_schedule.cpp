// test_schedule.cpp: model/schedule (llm.c's get_learning_rate): linear warmup, then cosine,
// linear or constant decay to lr*final_frac. Values worked by hand from the formulas at the first
// step, the end of warmup, the first decay step, inside the decay and the last step.
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
