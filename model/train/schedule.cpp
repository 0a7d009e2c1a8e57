// schedule.cpp: learning-rate schedules. See schedule.h.
#include "model/train/schedule.h"
#include "data/common/files.h"  // UsageError

#include <cmath>  // cos, M_PI

float learning_rate(const ScheduleConfig& s, int step) {
    if (step < s.warmup) return s.lr * (float)(step + 1) / (float)s.warmup;
    if (s.kind == Schedule::Constant || s.total <= s.warmup) return s.lr;
    double decay = (double)(step - s.warmup) / (double)(s.total - s.warmup);  // 0 -> 1
    if (decay > 1.0) decay = 1.0;
    double lr_min = (double)s.lr * s.final_frac;
    if (s.kind == Schedule::Linear) return (float)(s.lr - decay * (s.lr - lr_min));
    double coeff = 0.5 * (1.0 + std::cos(M_PI * decay));  // 1 -> 0
    return (float)(lr_min + coeff * (s.lr - lr_min));
}

Schedule parse_schedule(const std::string& name) {
    if (name == "cosine") return Schedule::Cosine;
    if (name == "linear") return Schedule::Linear;
    if (name == "constant") return Schedule::Constant;
    throw UsageError("-k " + name + ": unknown schedule (cosine, linear or constant)");
}
