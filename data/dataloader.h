// dataloader.h: (B,T) batches of input tokens and next-token targets.  (interface; lands with issue 4)
// Reads llm.c token shards (data/shard.h) memory-mapped, or tokens held in memory
// (a plain text file given to -i is tokenized and split 90/10 by train.cpp).
// Default order is llm.c's: batch k covers tokens k*B*T .. k*B*T + B*T (+1 for targets).
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

struct DataLoaderOptions {
    bool shuffle = false;   // seeded shuffle of shard order and of window starts
    uint64_t seed = 1337;   // for shuffle
    int vocab_size = 0;     // a token id >= this is an error naming the shard; 0 = unchecked
};

// Where the loader is, for exact resume: restore it and the next batch is the same.
struct DataLoaderState {
    uint64_t epoch = 0, shard = 0, batch = 0;  // batch index within the shard (in shuffled order if shuffled)
    uint64_t rng = 0;                          // the shuffle generator's state
};

struct DataLoader;  // defined in dataloader.cpp's header section below
