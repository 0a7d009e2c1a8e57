// dataloader.h: (B,T) batches of input tokens and their next-token targets, for training and validation.
// Reads llm.c token shards (data/shard.h) given as a glob, memory-mapping one shard at a time, so
// resident memory is bounded by one shard however large the data; or tokens held in memory (a plain
// text file given to -i is tokenized and split 90/10 by data/open_data.cpp).
// Order: llm.c's by default, batch k of a shard covers tokens k*B*T .. k*B*T + B*T (the +1 is the last
// target), shard after shard, epoch after epoch. With shuffle, each epoch permutes the shard order
// and each shard permutes its batch windows, from the seed alone, so a saved DataLoaderState resumes
// exactly. Several processes (model/train/distributed.h) share one order, as llm.c's: with N of
// them, each call covers the next N windows and process r reads the r-th, so together they read the
// windows one process would, and every process's state is that one process's. No uint32 (Llama 3) shards.
#pragma once
#include <cstddef>  // size_t
#include <cstdint>  // uint16_t, uint64_t
#include <string>
#include <vector>

#include "data/shard.h"  // ShardHeader, is_shard_file

struct DataLoaderOptions {
    bool shuffle = false;   // seeded shuffle of shard order and of window starts
    uint64_t seed = 1337;   // for shuffle
    int vocab_size = 0;     // ids must be below this (the run's vocabulary): else an Error naming the shard; 0 = unchecked
    int process_rank = 0;   // with num_processes N: each batch is window process_rank of the next N
    int num_processes = 1;  // (llm.c's dataloader_init arguments; distributed.h's rank and size)
};

// Where the loader is, for exact resume: restore it and the next batch is the same.
// Plain integers only: it is saved inside training checkpoints.
struct DataLoaderState {
    uint64_t epoch = 0;  // full passes over all shards so far
    uint64_t shard = 0;  // position in this epoch's shard order
    uint64_t batch = 0;  // position in this shard's window order (the window index if not shuffled)
    uint64_t rng = 0;    // the shuffle generator's key (the seed): with (epoch, shard) it fixes every permutation
};

struct DataLoader {
    int B = 0, T = 0;                       // batch size, sequence length
    DataLoaderOptions opt;
    std::vector<std::string> files;         // the shards in glob (sorted) order; one name if in memory
    std::vector<ShardHeader> headers;       // (num shards) what each header says
    std::vector<uint16_t> memory;           // dataloader_init_tokens: the tokens; else empty
    std::vector<char> checked;              // (num shards) 1 once a shard's checksum and ids were checked
    DataLoaderState state;                  // the next batch to read
    std::vector<size_t> shard_order;        // (num shards) this epoch's order of file indices
    std::vector<size_t> batch_order;        // (batches in the current shard) window indices, in order read
    size_t current = (size_t)-1;            // file index of the mapped (or in-memory) shard; -1: none
    const uint16_t* tokens = nullptr;       // (headers[current].num_tokens) the current shard's tokens
    void* map = nullptr;                    // the mmap of the current shard file, or null
    size_t map_bytes = 0;

    DataLoader() = default;
    ~DataLoader();                          // unmaps
    DataLoader(const DataLoader&) = delete;
    DataLoader& operator=(const DataLoader&) = delete;
};

// pattern: a shard path or a glob of them ("out/data/tiny_train_*.bin"). Checks every header now;
// each shard's checksum and ids (against opt.vocab_size) when it is first mapped. Throws Error naming
// the file: empty glob, truncated, wrong magic/version, damaged, fewer than B*T+1 tokens, ids >= V.
void dataloader_init(DataLoader& loader, const std::string& pattern, int B, int T, const DataLoaderOptions& opt);
// The same over tokens already in memory; name is used in error messages.
void dataloader_init_tokens(DataLoader& loader, std::vector<uint16_t> tokens, const std::string& name, int B, int T,
                            const DataLoaderOptions& opt);
// inputs (B,T), targets (B,T): targets[b,t] = inputs[b,t+1] within one window of B*T+1 tokens.
// Then advances, wrapping to the next shard and the next epoch. With opt.num_processes N, the
// window is number opt.process_rank of the next N, and the loader advances past all N.
void dataloader_next_batch(DataLoader& loader, int* inputs, int* targets);
// Back to the first batch of epoch 0 (before each validation pass).
void dataloader_reset(DataLoader& loader);
// Batches in one epoch over all shards: the sum of (shard tokens - 1) / (B*T).
size_t dataloader_num_batches(const DataLoader& loader);
uint64_t dataloader_epoch(const DataLoader& loader);
DataLoaderState dataloader_state(const DataLoader& loader);
// Throws Error if the state does not fit these shards (another data set or another B,T).
void dataloader_restore(DataLoader& loader, const DataLoaderState& s);
