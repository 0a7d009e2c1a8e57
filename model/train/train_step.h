// train_step.h: one optimizer step, the heart of train.cpp's loop, kept here so that
// tests (gradient accumulation, determinism, resume) run exactly what the trainer runs.
//   zero_grad -> k x (forward, backward) -> grads /= k -> norm, clip -> lr(step) -> AdamW
// Under mpirun (distributed.h) the k micro-batches of a step are shared among the N ranks (rank r
// runs r, r+N, ...), their gradients and losses are summed across ranks before the division by k,
// so the norm, the clipping, the NaN check and the update are the same on every rank, and the
// same as one process running all k.
#pragma once
#include <cstdint>
#include <functional>

#include "model/train/adamw.h"     // AdamWConfig, grad_norm, clip_grads
#include "model/gpt2.h"
#include "model/train/schedule.h"  // ScheduleConfig, learning_rate

struct TrainStepConfig {
    int accum_steps = 1;      // micro-batches per optimizer step, all ranks together (gradient accumulation)
    int zero_stage = 0;       // -z 1: ZeRO-1, each rank keeps AdamW's m and v for its shard only
    float grad_clip = 1.0f;   // global-norm clip; 0 = off
    ScheduleConfig schedule;  // learning rate at each step
    AdamWConfig adamw;
    uint64_t seed = 1337;     // dropout masks derive from (seed, step, micro-batch): gpt2_dropout_key
};

struct StepResult {
    double loss;   // mean training loss over the micro-batches
    double norm;   // global gradient norm, before clipping
    float lr;      // learning rate used
    bool updated;  // false when the loss or the norm was not finite: the weights were left alone
};

// next_batch fills inputs and targets, each (B,T), once per micro-batch of this rank (all of them
// in one process: accum_steps must be a multiple of the number of ranks). step counts from 0.
// A NaN or infinite loss or gradient norm never reaches the weights: the update is skipped
// and StepResult::updated says so; the trainer decides whether to stop.
StepResult gpt2_train_step(GPT2& model, const TrainStepConfig& cfg, int step, int B, int T,
                           const std::function<void(int* inputs, int* targets)>& next_batch);
