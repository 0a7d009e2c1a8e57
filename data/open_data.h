// open_data.h: the trainer's -i / -j: token shards, or one plain text file tokenized here.
//   shards (a glob, llm.c's format, made by `./train prepare`): -i trains, -j (optional) validates;
//   a text file: tokenized whole with the run's tokenizer, the first 90% trains, the last 10%
//   validates (as nanoGPT's shakespeare_char), -j not allowed.
// A .bin that is not a shard is sent the shard way, to be refused by name rather than read as text.
#pragma once
#include <string>

#include "data/dataloader.h"      // DataLoader, DataLoaderOptions
#include "tokenizer/tokenizer.h"  // Tokenizer

// Opens train (and val, when there is validation data) for batches of (B,T). Returns whether
// val was opened. opt.shuffle applies to train only. Throws UsageError when -i is missing.
bool open_data(DataLoader& train, DataLoader& val, const std::string& train_data, const std::string& val_data,
               int B, int T, DataLoaderOptions opt, const Tokenizer& tok);
