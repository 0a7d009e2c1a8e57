// dataloader.h: (B,T) batches of input tokens and next-token targets.
// (minimal in-memory version; the shard loader lands with issue 4)
// Order is llm.c's: batch k covers tokens k*B*T .. k*B*T + B*T, targets shifted by one.
#pragma once
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

struct DataLoaderOptions {
    bool shuffle = false;   // seeded shuffle of window starts
    uint64_t seed = 1337;   // for shuffle
    int vocab_size = 0;     // a token id >= this is an error naming the source; 0 = unchecked
};

struct DataLoaderState {
    uint64_t epoch = 0, shard = 0, batch = 0;
    uint64_t rng = 0;
};

struct DataLoader {
    std::string name;               // where the tokens came from, for messages
    std::vector<uint16_t> tokens;   // all tokens
    int B = 0, T = 0;
    DataLoaderOptions opt;
    DataLoaderState state;
};

void dataloader_init_tokens(DataLoader& loader, std::vector<uint16_t> tokens, const std::string& name, int B, int T,
                            const DataLoaderOptions& opt);
void dataloader_next_batch(DataLoader& loader, int* inputs, int* targets);
void dataloader_reset(DataLoader& loader);
size_t dataloader_num_batches(const DataLoader& loader);
