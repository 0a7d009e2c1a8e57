// prepare.h: `./train prepare`: text -> token shards (data/shard.h) for the DataLoader.
// Tokenizes a text file or a directory of them with a chosen tokenizer into NAME_val_NNNNNN.bin and
// NAME_train_NNNNNN.bin (llm.c's naming), each at most --shard-tokens tokens, written atomically.
// Streaming: the text is read in 1 MB chunks, a round of chunks is tokenized in parallel (OpenMP),
// so memory stays bounded by one shard plus one round, whatever the corpus size (a chunk grows
// past 1 MB only where the text has no white space for that long).
// Each file is a document and starts with <|endoftext|> when the tokenizer has one (as llm.c's
// fineweb.py does); a literal "<|endoftext|>" in the text becomes that token too.
// The validation split is the last --val-fraction of the text bytes (as nanoGPT's shakespeare_char),
// from the first cut (tokenizer/pretokenize.h) at or after that byte: the split rule.
// A run whose inputs and settings match the manifest NAME.prepare of a finished run is skipped.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

#include "tokenizer/tokenizer.h"  // Tokenizer

struct PrepareOptions {
    std::string input;                   // a text file or a directory of them; "" = Tiny Shakespeare (corpus.h)
    std::string out_dir = "out/data";    // where the shards and the manifest go
    std::string name;                    // shards are NAME_{train,val}_NNNNNN.bin; "" = the input's file name
    std::string tokenizer = "byte";      // spec for tokenizer_load: byte, gpt2, or a file
    double val_fraction = 0.1;           // the last this fraction of the text is validation, 0 <= f < 1
    size_t shard_tokens = 100000000;     // at most this many tokens per shard (llm.c's fineweb.py: 1e8)
    bool quiet = false;                  // no progress lines (the tests)
};

struct PrepareResult {
    std::vector<std::string> train, val;  // shard paths, in order
    size_t train_tokens = 0, val_tokens = 0;
    size_t bytes = 0;                     // input text bytes
    bool cached = false;                  // true if a finished earlier run was reused
};

// The work of `./train prepare`, with the tokenizer already loaded (opt.tokenizer is only recorded).
PrepareResult prepare(const PrepareOptions& opt, const Tokenizer& tok);
// `./train prepare -i INPUT -o OUTDIR ...`: its flags and what runs them (data/common/flags.h).
struct Command;

// The tokenizer spec (--tokenizer) that `./train prepare` made a shard DIR/NAME_{train,val}_N.bin
// with, read from its manifest DIR/NAME.prepare; "" if there is none (a shard made elsewhere).
std::string prepare_tokenizer_of(const std::string& shard);
Command prepare_command();
