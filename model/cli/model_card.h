// model_card.h: what a model costs, printed once when ./train starts, so a learner sees where
// the memory and the compute go: the shape, parameters per tensor (the tensor table of
// tensors.h), memory per family (gpt2_memory) at the run's -r and at the other two, and FLOPs per
// token and per step. The same total guards the run: before anything large is allocated, a run
// that would not fit in the memory the system has available stops with one line saying what would.
#pragma once
#include <string>

#include "model/gpt2.h"  // GPT2, gpt2_memory, gpt2_flops_per_token

// B, T: the micro-batch the activations are sized for (and model.recompute, model.precision).
void print_model_card(const GPT2& model, int B, int T);

// MemAvailable of a meminfo file (Linux: /proc/meminfo) in bytes: the memory the kernel can give
// without swapping. -1 if the file or the line is missing (another system): then no guard.
double mem_available_bytes(const std::string& meminfo_path);
// The memory guard. Throws Error, one line, if a run of configuration c with micro-batches (B,T)
// at -r recompute needs more than `available` bytes (the model card's total): how much it needs,
// how much there is (`source` says where that figure came from), and which of -b, -t, -r, each
// alone, would fit. Nothing is checked when available < 0.
void check_memory(const GPT2Config& c, int B, int T, int recompute, Precision precision, double available,
                  const std::string& source);
