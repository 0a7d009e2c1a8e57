// model_card.h: what a model costs, printed once when ./train starts, so a learner sees where
// the memory and the compute go: the shape, parameters per tensor (the tensor table of
// tensors.h), memory per family (gpt2_memory) and FLOPs per token and per step.
#pragma once
#include "model/gpt2.h"  // GPT2, gpt2_memory, gpt2_flops_per_token

// B, T: the micro-batch the activations are sized for.
void print_model_card(const GPT2& model, int B, int T);
