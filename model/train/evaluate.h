// evaluate.h: the validation loss of the model, in nats per token and in bits per byte.
// Bits per byte (loss / ln 2 * tokens / text bytes) is the figure that compares runs with
// different tokenizers: the text bytes come from tokenizer_text_bytes, the same count the
// shard headers of `./train prepare` record. Forward passes only, no gradients, no dropout.
// Under mpirun the batches are shared among the ranks (the loader's process_rank, num_processes:
// rank r runs batches r, r+N, ...) and the result is the same on every rank, and one process's.
#pragma once
#include "data/dataloader.h"      // DataLoader
#include "model/gpt2.h"           // GPT2, gpt2_forward
#include "tokenizer/tokenizer.h"  // Tokenizer, tokenizer_text_bytes

struct EvalResult {
    double loss;           // mean nats per token
    double bits_per_byte;  // loss / ln 2 * tokens / bytes: comparable across tokenizers
};

// The mean loss over the first `batches` batches of val (from its start), each (B,T).
EvalResult evaluate(GPT2& model, DataLoader& val, const Tokenizer& tok, int batches, int B, int T);
