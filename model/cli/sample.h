// sample.h: text from a model. generate() is what the trainer prints every -s steps, and
// `./train sample -e CHECKPOINT --prompt TEXT` is the same loop behind its own flags.
// Each new token is chosen by the sampler (sampler.h) from the logits of the last position;
// the context slides as a window of the last maxT tokens. Seeded: the same seed, the same text.
#pragma once
#include <cstdint>  // uint64_t
#include <string>

#include "model/gpt2.h"           // GPT2, gpt2_forward
#include "tokenizer/tokenizer.h"  // Tokenizer, tokenizer_decode

// Prints `prompt`, then generates n tokens after it, printing each decoded token as it comes,
// made safe for a terminal (safe_text.h). An empty prompt starts a document: <|endoftext|>, or a
// newline for a tokenizer without one. An id the tokenizer has no token for (a model made larger
// with --vocab) is printed as <|id N|>, never dropped. temperature 0: greedy; top_k 0: all ids.
void generate(GPT2& model, const Tokenizer& tok, const std::string& prompt, int n, float temperature, int top_k,
              uint64_t seed);

// `./train sample ...`: its flags and what runs them (data/common/flags.h).
struct Command;
Command sample_command();
