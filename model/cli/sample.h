// sample.h: text from a model. generate() is what the trainer prints every -s steps, and
// `./train sample -e CHECKPOINT --prompt TEXT` is the same loop behind its own flags.
// Each new token is chosen by the sampler (sampler.h) from the logits of the last position;
// the context slides as a window of the last maxT tokens. Seeded: the same seed, the same text.
#pragma once
#include <cstdint>  // uint64_t
#include <vector>

#include "model/gpt2.h"           // GPT2, gpt2_forward
#include "tokenizer/tokenizer.h"  // Tokenizer, tokenizer_decode

// Generates n tokens after `context`, printing each decoded token to stdout as it comes.
// temperature 0: greedy; top_k 0: the whole vocabulary.
void generate(GPT2& model, const Tokenizer& tok, std::vector<int> context, int n, float temperature, int top_k,
              uint64_t seed);

// `./train sample ...`: its flags and what runs them (data/common/flags.h).
struct Command;
Command sample_command();
