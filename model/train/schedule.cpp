// schedule.cpp: learning-rate schedules. See schedule.h.
#include "model/train/schedule.h"
#include "data/common/files.h"  // UsageError

#include <cmath>  // cos, M_PI

float decayed_lr(const ScheduleConfig& s, double d) {
    if (s.kind == Schedule::Constant) return s.lr;
    if (d > 1.0) d = 1.0;  // past the schedule's end (an extended run): the final lr
    if (d < 0.0) d = 0.0;
    double lr_min = (double)s.lr * s.final_frac;
    if (s.kind == Schedule::Linear) return (float)(s.lr - d * (s.lr - lr_min));
    double coeff = 0.5 * (1.0 + std::cos(M_PI * d));  // 1 -> 0
    return (float)(lr_min + coeff * (s.lr - lr_min));
}

float learning_rate(const ScheduleConfig& s, int step) {
    if (step < s.warmup) return s.lr * (float)(step + 1) / (float)s.warmup;
    if (s.clock_progress >= 0.0) return decayed_lr(s, s.clock_progress);  // --time-budget: the clock decides
    if (s.kind == Schedule::Constant || s.total <= s.warmup) return s.lr;
    return decayed_lr(s, (double)(step - s.warmup) / (double)(s.total - s.warmup));  // 0 -> 1
}

double time_progress(double elapsed, double warmup_end, double span) {
    if (span <= warmup_end) return 1.0;  // warmup took the whole span: the decay is over
    double d = (elapsed - warmup_end) / (span - warmup_end);
    return d < 0.0 ? 0.0 : d > 1.0 ? 1.0 : d;
}

Schedule parse_schedule(const std::string& name) {
    if (name == "cosine") return Schedule::Cosine;
    if (name == "linear") return Schedule::Linear;
    if (name == "constant") return Schedule::Constant;
    throw UsageError("-k " + name + ": unknown schedule (cosine, linear or constant)");
}
