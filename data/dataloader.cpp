// dataloader.cpp: batches from token shards. See dataloader.h.
#include "data/dataloader.h"

#include <algorithm>   // std::swap
#include <cstring>     // strerror
#include <cerrno>      // errno
#include <glob.h>      // glob, globfree
#include <sys/mman.h>  // mmap, munmap, madvise
#include <sys/stat.h>  // fstat
#include <unistd.h>    // close

#include "data/common/files.h"  // Error, open_regular_file
#include "data/common/splitmix.h"  // splitmix64_next: the shuffles' generator

static const char* PREPARE_HINT = " (HINT: prepare the data with this run's tokenizer: ./train prepare --tokenizer ...)";

// ----------------------------------------------------------------------------
// seeded permutations

// 0..n-1, shuffled by Fisher-Yates from a key unless the loader is sequential.
// subtle: every permutation is a function of (seed, epoch, shard) only, never of a generator
// that ran before it, so restoring a state needs no history: the reason DataLoaderState is 4 integers.
static std::vector<size_t> permutation(size_t n, bool shuffle, uint64_t key) {
    std::vector<size_t> p(n);
    for (size_t i = 0; i < n; i++) p[i] = i;
    if (!shuffle) return p;
    uint64_t x = key;
    for (size_t i = n; i > 1; i--) std::swap(p[i - 1], p[splitmix64_next(x) % i]);  // modulo bias ~ n/2^64
    return p;
}

// One key per (seed, epoch, slot): slot 0 is the shard order, slot f+1 the windows of file f.
static uint64_t key(uint64_t seed, uint64_t epoch, uint64_t slot) {
    uint64_t x = seed;
    uint64_t k = splitmix64_next(x) ^ epoch;
    k = splitmix64_next(k) ^ slot;
    return splitmix64_next(k);
}

// ----------------------------------------------------------------------------
// shards: checking and mapping

static size_t batches_in(const DataLoader& loader, size_t file) {
    size_t BT = (size_t)loader.B * (size_t)loader.T;
    return (loader.headers[file].num_tokens - 1) / BT;  // each window reads B*T+1 tokens
}

static void unmap(DataLoader& loader) {
    if (loader.map) munmap(loader.map, loader.map_bytes);
    loader.map = nullptr;
    loader.map_bytes = 0;
    loader.tokens = nullptr;
    loader.current = (size_t)-1;
}

DataLoader::~DataLoader() { unmap(*this); }

// A shard's checksum (data/shard.h), then every id against opt.vocab_size: once per shard, when it is
// first mapped (cost: two passes over the shard). Tokens in memory came from no file: ids only.
static void check_shard(DataLoader& loader, size_t file) {
    if (loader.checked[file]) return;
    if (loader.memory.empty()) check_shard_tokens(loader.files[file], loader.headers[file], loader.tokens);
    size_t n = loader.headers[file].num_tokens;
    for (size_t i = 0; loader.opt.vocab_size > 0 && i < n; i++)
        if (loader.tokens[i] >= loader.opt.vocab_size)
            throw Error(loader.files[file] + ": token " + std::to_string(loader.tokens[i]) + " at index " +
                        std::to_string(i) + " is >= the vocabulary size " +
                        std::to_string(loader.opt.vocab_size) + PREPARE_HINT);
    loader.checked[file] = 1;
}

// Makes `file` the current shard: maps it (unmapping the previous one) and checks it.
static void load_shard(DataLoader& loader, size_t file) {
    if (loader.current == file) return;
    if (!loader.memory.empty()) {  // in memory: one shard, nothing to map
        loader.tokens = loader.memory.data();
        loader.current = file;
        check_shard(loader, file);
        return;
    }
    unmap(loader);
    const std::string& path = loader.files[file];
    int fd = open_regular_file(path);
    struct stat st;
    size_t want = SHARD_HEADER_BYTES + loader.headers[file].num_tokens * sizeof(uint16_t);
    if (fstat(fd, &st) != 0 || (size_t)st.st_size != want) {
        close(fd);
        throw Error(path + ": changed size since it was checked (was " + std::to_string(want) + " bytes)");
    }
    void* p = mmap(nullptr, want, PROT_READ, MAP_PRIVATE, fd, 0);
    close(fd);  // the mapping keeps the file open
    if (p == MAP_FAILED) throw Error(path + ": cannot mmap (" + std::strerror(errno) + ")");
    // a hint to the kernel: read ahead when sequential, don't when shuffled
    madvise(p, want, loader.opt.shuffle ? MADV_RANDOM : MADV_SEQUENTIAL);
    loader.map = p;
    loader.map_bytes = want;
    loader.tokens = (const uint16_t*)((const char*)p + SHARD_HEADER_BYTES);
    loader.current = file;
    check_shard(loader, file);
}

// Checks B, T and every header against them and the model; then goes to the first batch.
static void init_common(DataLoader& loader, int B, int T, const DataLoaderOptions& opt) {
    if (B <= 0 || T <= 0) throw UsageError("dataloader: B and T must be positive (got B=" + std::to_string(B) +
                                           " T=" + std::to_string(T) + ")");
    if (opt.num_processes < 1 || opt.process_rank < 0 || opt.process_rank >= opt.num_processes)
        throw UsageError("dataloader: process " + std::to_string(opt.process_rank) + " of " +
                         std::to_string(opt.num_processes) + " does not exist");
    loader.B = B;
    loader.T = T;
    loader.opt = opt;
    size_t need = (size_t)B * (size_t)T + 1;
    for (size_t f = 0; f < loader.files.size(); f++) {
        const ShardHeader& h = loader.headers[f];
        if (h.num_tokens < need)
            throw Error(loader.files[f] + ": " + std::to_string(h.num_tokens) + " tokens, fewer than the B*T+1 = " +
                        std::to_string(need) + " one batch needs (HINT: lower -b/-t, or prepare larger shards)");
        if (opt.vocab_size > 0 && h.vocab_size > opt.vocab_size)
            throw Error(loader.files[f] + ": written with a vocabulary of " + std::to_string(h.vocab_size) +
                        " tokens, more than the " + std::to_string(opt.vocab_size) + " of this run" + PREPARE_HINT);
    }
    loader.checked.assign(loader.files.size(), 0);
    DataLoaderState s;
    s.rng = opt.seed;
    dataloader_restore(loader, s);
    load_shard(loader, loader.shard_order[0]);  // now, so a bad first shard fails before training starts
}

// ----------------------------------------------------------------------------
// the API

void dataloader_init(DataLoader& loader, const std::string& pattern, int B, int T, const DataLoaderOptions& opt) {
    unmap(loader);
    loader.memory.clear();
    glob_t g;
    int rc = glob(pattern.c_str(), 0, nullptr, &g);  // sorted, so shard order is the names' order
    loader.files.clear();
    if (rc == 0)
        for (size_t i = 0; i < g.gl_pathc; i++) loader.files.push_back(g.gl_pathv[i]);
    globfree(&g);
    if (loader.files.empty())
        throw Error(pattern + ": no shard matches this pattern (HINT: make shards with ./train prepare -i TEXT -o DIR)");
    loader.headers.clear();
    for (const std::string& f : loader.files) loader.headers.push_back(read_shard_header(f));
    init_common(loader, B, T, opt);
}

void dataloader_init_tokens(DataLoader& loader, std::vector<uint16_t> tokens, const std::string& name, int B, int T,
                            const DataLoaderOptions& opt) {
    unmap(loader);
    ShardHeader h;
    h.num_tokens = tokens.size();
    loader.memory = std::move(tokens);
    loader.files = {name};
    loader.headers = {h};
    if (loader.memory.empty()) throw Error(name + ": no tokens");
    init_common(loader, B, T, opt);
}

// inputs (B,T), targets (B,T) from the window at the loader's position.
static void read_window(DataLoader& loader, int* inputs, int* targets) {
    const DataLoaderState& s = loader.state;
    load_shard(loader, loader.shard_order[s.shard]);  // maps it on the first batch of a shard
    // seek to the window: B*T+1 consecutive tokens of the current shard
    size_t BT = (size_t)loader.B * (size_t)loader.T;
    const uint16_t* window = loader.tokens + loader.batch_order[s.batch] * BT;
    for (size_t i = 0; i < BT; i++) {
        inputs[i] = window[i];
        targets[i] = window[i + 1];
    }
}

// The next window, else the next shard, else the next epoch (which reshuffles).
static void advance(DataLoader& loader) {
    DataLoaderState next = loader.state;
    next.batch++;
    if (next.batch < loader.batch_order.size()) {
        loader.state = next;
        return;
    }
    next.batch = 0;
    next.shard++;
    if (next.shard == loader.files.size()) {
        next.shard = 0;
        next.epoch++;
    }
    dataloader_restore(loader, next);
}

void dataloader_next_batch(DataLoader& loader, int* inputs, int* targets) {
    // several processes: the next N windows are one per process, this one reads its own
    for (int p = 0; p < loader.opt.num_processes; p++) {
        if (p == loader.opt.process_rank) read_window(loader, inputs, targets);
        advance(loader);
    }
}

void dataloader_reset(DataLoader& loader) {
    DataLoaderState s;
    s.rng = loader.state.rng;
    dataloader_restore(loader, s);
}

size_t dataloader_num_batches(const DataLoader& loader) {
    size_t n = 0;
    for (size_t f = 0; f < loader.files.size(); f++) n += batches_in(loader, f);
    return n;
}

uint64_t dataloader_epoch(const DataLoader& loader) { return loader.state.epoch; }

DataLoaderState dataloader_state(const DataLoader& loader) { return loader.state; }

void dataloader_restore(DataLoader& loader, const DataLoaderState& s) {
    size_t num_shards = loader.files.size();
    if (s.shard >= num_shards)
        throw Error("dataloader: saved position is shard " + std::to_string(s.shard) + " but " + loader.files[0] +
                    " ... has only " + std::to_string(num_shards) + " shards (resuming on other data?)");
    // the permutations of this epoch and shard, rebuilt from the key
    loader.shard_order = permutation(num_shards, loader.opt.shuffle, key(s.rng, s.epoch, 0));
    size_t file = loader.shard_order[s.shard];
    size_t nb = batches_in(loader, file);
    if (s.batch >= nb)
        throw Error(loader.files[file] + ": saved position is batch " + std::to_string(s.batch) + " but it has only " +
                    std::to_string(nb) + " batches of B*T (resuming with other data or another B, T?)");
    loader.batch_order = permutation(nb, loader.opt.shuffle, key(s.rng, s.epoch, file + 1));
    loader.state = s;
}
