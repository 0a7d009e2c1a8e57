// hyper.h: the project's default hyperparameters as dev/reference/gpt2.py's HYPER["default"] has
// them, as the trainer's step configuration: the PyTorch references of test_gpt2.cpp and
// test_gpt2_bf16.cpp train with exactly these.
#pragma once
#include "model/train/train_step.h"  // TrainStepConfig

// warmup 2 + cosine to 10% over `steps` steps, betas 0.9/0.95, eps 1e-8, weight decay 0.1, clip 1
inline TrainStepConfig hyper_default(int steps = 10) {
    TrainStepConfig h;
    h.schedule.lr = 3e-4f;
    h.schedule.warmup = 2;
    h.schedule.total = steps;
    h.schedule.final_frac = 0.1f;
    h.schedule.kind = Schedule::Cosine;
    h.adamw.beta1 = 0.9f;
    h.adamw.beta2 = 0.95f;
    h.adamw.eps = 1e-8f;
    h.adamw.weight_decay = 0.1f;
    h.grad_clip = 1.0f;
    return h;
}
