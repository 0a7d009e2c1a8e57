// schedule.h: the learning rate at each step (llm.c's get_learning_rate).
//   warmup (step < warmup):  lr * (step+1) / warmup
//   then, with d = the decay's progress going 0 -> 1 and lr_min = lr * final_frac:
//     cosine:   lr_min + 0.5 (1 + cos(pi d)) (lr - lr_min)
//     linear:   lr - d (lr - lr_min)
//     constant: lr
// A run counted in steps (-x) has d = (step - warmup) / (total - warmup); a --time-budget run has
// d = the share of its time spent since warmup ended (time_progress), read from a clock by the
// trainer. Warmup counts steps either way.
#pragma once
#include <string>

enum class Schedule { Cosine, Linear, Constant };

struct ScheduleConfig {
    float lr = 3e-4f;               // peak learning rate (-l)
    int warmup = 0;                 // warmup steps (-u)
    int total = 1;                  // steps in the run (-x); unused when clock_progress is set
    float final_frac = 0.0f;        // lr at the end, as a fraction of lr (-q)
    Schedule kind = Schedule::Cosine;  // (-k)
    double clock_progress = -1.0;   // --time-budget: d for this step, read from the clock before it; -1: from the step
};

// The lr once warmup is over, at progress d of the decay (clamped to [0,1]: past the end, lr_min).
float decayed_lr(const ScheduleConfig& s, double d);
// step counts from 0: the warmup ramp, then decayed_lr at the step's d (or at clock_progress when set).
float learning_rate(const ScheduleConfig& s, int step);
// --time-budget: d after `elapsed` seconds, when warmup ended at `warmup_end` and the decay ends at
// `span`: (elapsed - warmup_end) / (span - warmup_end), clamped to [0,1]; 1 when span <= warmup_end.
double time_progress(double elapsed, double warmup_end, double span);
// "cosine" | "linear" | "constant" -> Schedule; throws UsageError otherwise.
Schedule parse_schedule(const std::string& name);
