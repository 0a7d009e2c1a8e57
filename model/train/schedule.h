// schedule.h: the learning rate at each step (llm.c's get_learning_rate).
//   warmup (step < warmup):  lr * (step+1) / warmup
//   then, with d = (step - warmup) / (total - warmup) going 0 -> 1 and lr_min = lr * final_frac:
//     cosine:   lr_min + 0.5 (1 + cos(pi d)) (lr - lr_min)
//     linear:   lr - d (lr - lr_min)
//     constant: lr
#pragma once
#include <string>

enum class Schedule { Cosine, Linear, Constant };

struct ScheduleConfig {
    float lr = 3e-4f;               // peak learning rate (-l)
    int warmup = 0;                 // warmup steps (-u)
    int total = 1;                  // steps in the run (-x)
    float final_frac = 0.0f;        // lr at the end, as a fraction of lr (-q)
    Schedule kind = Schedule::Cosine;  // (-k)
};

// step counts from 0.
float learning_rate(const ScheduleConfig& s, int step);
// "cosine" | "linear" | "constant" -> Schedule; throws UsageError otherwise.
Schedule parse_schedule(const std::string& name);
