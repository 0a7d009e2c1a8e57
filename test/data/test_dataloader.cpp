// test_dataloader.cpp: the DataLoader (data/dataloader.h) on synthetic shards in a temp directory,
// checked token by token: llm.c's sequential order, seeded shuffling, multi-shard globs, epochs,
// exact save/restore, and one error per malformed input, each naming the file.
#include <doctest.h>

#include <algorithm>
#include <cstdio>  // fopen: a shard edited in place
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "data/dataloader.h"
#include "test/check.h"  // temp_dir, error_of

// Shard f holds tokens 1000*f + i, so every token says where it came from.
static std::string make_shards(const std::vector<size_t>& sizes, int vocab = 0) {
    std::string dir = temp_dir("dataloader");
    for (size_t f = 0; f < sizes.size(); f++) {
        std::vector<uint16_t> t(sizes[f]);
        for (size_t i = 0; i < sizes[f]; i++) t[i] = (uint16_t)(1000 * f + i);
        write_shard(dir + "/x_train_00000" + std::to_string(f) + ".bin", t, vocab ? vocab : 65536);
    }
    return dir;
}

// Writes the int32 value at byte offset `at` of an existing file.
static void overwrite(const std::string& path, size_t at, int32_t value) {
    FILE* f = std::fopen(path.c_str(), "r+b");
    REQUIRE(f);
    std::fseek(f, (long)at, SEEK_SET);
    std::fwrite(&value, sizeof value, 1, f);
    std::fclose(f);
}

// One batch: (B,T) inputs and targets.
struct Batch {
    std::vector<int> inputs, targets;
    bool operator==(const Batch& o) const { return inputs == o.inputs && targets == o.targets; }
};
static Batch next(DataLoader& loader) {
    Batch b;
    b.inputs.resize((size_t)loader.B * loader.T);
    b.targets.resize(b.inputs.size());
    dataloader_next_batch(loader, b.inputs.data(), b.targets.data());
    return b;
}

// Checks a batch is the window at `start` of shard f, token by token.
static void check_window(const Batch& b, size_t f, size_t start) {
    for (size_t i = 0; i < b.inputs.size(); i++) {
        INFO("shard ", f, " start ", start, " i ", i);
        REQUIRE(b.inputs[i] == (int)(1000 * f + start + i));
        REQUIRE(b.targets[i] == (int)(1000 * f + start + i + 1));
    }
}

TEST_CASE("dataloader/sequential") {
    // B=2 T=3: windows of 7 tokens at multiples of 6. Shard 0 (25 tokens): 4 batches, shard 1 (31): 5
    std::string dir = make_shards({25, 31});
    DataLoader loader;
    dataloader_init(loader, dir + "/x_train_*.bin", 2, 3, DataLoaderOptions());
    CHECK(dataloader_num_batches(loader) == 9);
    for (uint64_t epoch = 0; epoch < 3; epoch++)
        for (size_t f = 0; f < 2; f++)
            for (size_t k = 0; k < (f == 0 ? 4u : 5u); k++) {
                CHECK(dataloader_epoch(loader) == epoch);
                check_window(next(loader), f, k * 6);
            }
    CHECK(dataloader_epoch(loader) == 3);
    dataloader_reset(loader);
    CHECK(dataloader_epoch(loader) == 0);
    check_window(next(loader), 0, 0);
    // a single file is a glob of one
    dataloader_init(loader, dir + "/x_train_000001.bin", 2, 3, DataLoaderOptions());
    CHECK(dataloader_num_batches(loader) == 5);
    check_window(next(loader), 1, 0);
}

TEST_CASE("dataloader/shuffle") {
    std::vector<size_t> sizes = {61, 49, 55, 73};  // 10, 8, 9, 12 windows of B*T = 6
    std::string dir = make_shards(sizes);
    DataLoaderOptions opt;
    opt.shuffle = true;
    DataLoader loader;
    dataloader_init(loader, dir + "/x_train_*.bin", 2, 3, opt);
    size_t n = dataloader_num_batches(loader);
    REQUIRE(n == 39);
    // each epoch reads every window exactly once, each shard's windows together, in a new order
    std::vector<std::vector<std::pair<size_t, size_t>>> epochs;
    for (int e = 0; e < 3; e++) {
        std::vector<std::pair<size_t, size_t>> order;
        for (size_t k = 0; k < n; k++) {
            Batch b = next(loader);
            size_t f = (size_t)b.inputs[0] / 1000, start = (size_t)b.inputs[0] % 1000;
            CHECK(start % 6 == 0);
            check_window(b, f, start);
            if (!order.empty() && order.back().first != f) CHECK(std::none_of(order.begin(), order.end(), [&](auto& p) {
                return p.first == f;
            }));
            order.push_back({f, start});
        }
        std::set<std::pair<size_t, size_t>> seen(order.begin(), order.end());
        CHECK(seen.size() == n);
        epochs.push_back(order);
    }
    CHECK(dataloader_epoch(loader) == 3);
    CHECK(epochs[0] != epochs[1]);
    CHECK(epochs[1] != epochs[2]);
    std::vector<std::pair<size_t, size_t>> sequential;
    for (size_t f = 0; f < sizes.size(); f++)
        for (size_t k = 0; k < (sizes[f] - 1) / 6; k++) sequential.push_back({f, k * 6});
    CHECK(epochs[0] != sequential);
    // the same seed gives the same order; another seed another
    DataLoader again, other;
    dataloader_init(again, dir + "/x_train_*.bin", 2, 3, opt);
    opt.seed = 42;
    dataloader_init(other, dir + "/x_train_*.bin", 2, 3, opt);
    bool differs = false;
    for (size_t k = 0; k < n; k++) {
        Batch b = next(again);
        CHECK(std::make_pair((size_t)b.inputs[0] / 1000, (size_t)b.inputs[0] % 1000) == epochs[0][k]);
        differs |= next(other).inputs[0] != b.inputs[0];
    }
    CHECK(differs);
}

TEST_CASE("dataloader/state") {
    // restored anywhere (mid-shard, at a shard end, in a later epoch), the next batches are the same
    std::string dir = make_shards({61, 49, 55});
    for (bool shuffle : {false, true}) {
        DataLoaderOptions opt;
        opt.shuffle = shuffle;
        opt.seed = 7;
        DataLoader loader;
        dataloader_init(loader, dir + "/x_train_*.bin", 2, 3, opt);
        for (size_t skip : {0, 3, 10, 27, 40, 61}) {
            dataloader_reset(loader);
            for (size_t k = 0; k < skip; k++) next(loader);
            DataLoaderState s = dataloader_state(loader);
            std::vector<Batch> want;
            for (int k = 0; k < 30; k++) want.push_back(next(loader));
            DataLoaderOptions other = opt;
            other.seed = 99;  // the state's rng wins over the seed given at init
            DataLoader resumed;
            dataloader_init(resumed, dir + "/x_train_*.bin", 2, 3, other);
            dataloader_restore(resumed, s);
            CHECK(dataloader_epoch(resumed) == s.epoch);
            for (int k = 0; k < 30; k++) {
                INFO("shuffle ", shuffle, " skip ", skip, " k ", k);
                CHECK(next(resumed) == want[k]);
            }
        }
    }
    // a state that cannot belong to these shards is an error, not a silent restart
    DataLoader loader;
    dataloader_init(loader, dir + "/x_train_000000.bin", 2, 3, DataLoaderOptions());
    DataLoaderState s;
    s.shard = 2;
    CHECK(error_of([&] { dataloader_restore(loader, s); }).find("shard 2") != std::string::npos);
    s.shard = 0;
    s.batch = 10;
    CHECK(error_of([&] { dataloader_restore(loader, s); }).find("x_train_000000.bin") != std::string::npos);
}

TEST_CASE("dataloader/init_tokens") {
    std::vector<uint16_t> tokens(20);
    for (size_t i = 0; i < tokens.size(); i++) tokens[i] = (uint16_t)i;
    DataLoader loader;
    dataloader_init_tokens(loader, tokens, "input.txt", 2, 3, DataLoaderOptions());
    CHECK(dataloader_num_batches(loader) == 3);
    for (int e = 0; e < 2; e++)
        for (size_t k = 0; k < 3; k++) check_window(next(loader), 0, k * 6);
    CHECK(dataloader_epoch(loader) == 2);
    DataLoaderOptions opt;
    opt.vocab_size = 10;
    std::string msg = error_of([&] { dataloader_init_tokens(loader, tokens, "input.txt", 2, 3, opt); });
    CHECK(msg.find("input.txt") != std::string::npos);
    CHECK(error_of([&] { dataloader_init_tokens(loader, {1, 2, 3}, "tiny.txt", 2, 3, DataLoaderOptions()); })
              .find("tiny.txt") != std::string::npos);
}

TEST_CASE("dataloader/errors") {
    std::string dir = make_shards({25, 31});
    DataLoader loader;
    DataLoaderOptions opt;
    // an empty glob names the pattern
    std::string pattern = dir + "/nothing_*.bin";
    CHECK(error_of([&] { dataloader_init(loader, pattern, 2, 3, opt); }).find(pattern) != std::string::npos);
    // a shard shorter than B*T+1 names the shard (x_train_000000.bin has 25 tokens)
    CHECK(error_of([&] { dataloader_init(loader, dir + "/x_train_*.bin", 4, 6, opt); }) == "");  // 25 = 4*6+1 fits
    std::string msg = error_of([&] { dataloader_init(loader, dir + "/x_train_*.bin", 5, 5, opt); });
    CHECK(msg.find("x_train_000000.bin") != std::string::npos);  // 5*5+1 does not
    CHECK(msg.find("B*T+1 = 26") != std::string::npos);
    // token ids against the model's vocabulary: by the header's record, and by the ids themselves
    opt.vocab_size = 1030;
    std::string big = make_shards({25, 31}, 50257);
    msg = error_of([&] { dataloader_init(loader, big + "/x_train_*.bin", 2, 3, opt); });
    CHECK(msg.find("x_train_000000.bin") != std::string::npos);
    CHECK(msg.find("50257") != std::string::npos);
    // as llm.c writes them: no vocabulary recorded (slot 3 zero), no checksums (slots 253..255 zero);
    // shard 1 holds ids 1000..1030
    std::string unrecorded = make_shards({25, 31});
    for (const char* name : {"/x_train_000000.bin", "/x_train_000001.bin"})
        for (int slot : {(int)SHARD_SLOT_VOCAB, HEADER_SLOT_CHECKSUMS, HEADER_SLOT_BODY_CRC, HEADER_SLOT_HEADER_CRC})
            overwrite(unrecorded + name, slot * sizeof(int32_t), 0);
    dataloader_init(loader, unrecorded + "/x_train_*.bin", 2, 3, opt);
    for (int k = 0; k < 4; k++) next(loader);
    msg = error_of([&] { next(loader); });  // the first batch of shard 1 maps and checks it
    CHECK(msg.find("x_train_000001.bin") != std::string::npos);
    CHECK(msg.find("token 1030") != std::string::npos);
    // a malformed shard anywhere in the glob names that shard
    FILE* f = std::fopen((dir + "/x_train_000002.bin").c_str(), "wb");
    std::fputs("not a shard", f);
    std::fclose(f);
    msg = error_of([&] { dataloader_init(loader, dir + "/x_train_*.bin", 2, 3, DataLoaderOptions()); });
    CHECK(msg.find("x_train_000002.bin") != std::string::npos);
}

TEST_CASE("dataloader/a damaged shard is refused when first mapped, naming it") {
    // issue 16: shard 1's tokens 2 and 3 (1002, 1003) become 1004 on disk after it was written: the headers all
    // read, shard 0 trains, and the first batch of shard 1 says the file is damaged
    std::string dir = make_shards({25, 31});
    overwrite(dir + "/x_train_000001.bin", SHARD_HEADER_BYTES + 4, 1004 | 1004 << 16);  // tokens 2 and 3
    DataLoader loader;
    dataloader_init(loader, dir + "/x_train_*.bin", 2, 3, DataLoaderOptions());
    for (int k = 0; k < 4; k++) next(loader);
    std::string msg = error_of([&] { next(loader); });
    CHECK(msg.rfind(dir + "/x_train_000001.bin: damaged: its token shard data does not match its checksum", 0) == 0);
}

TEST_CASE("dataloader/shuffle depends on every bit of the seed") {
    // 65537 = 2^16 + 1 agrees with 1 in its low 16 bits, 1 + 2^63 in all but the top one:
    // each must still give its own order (a seed truncated anywhere would make two of them equal)
    std::string dir = make_shards({61, 49, 55, 73});  // 39 windows of B*T = 6
    auto order_of = [&](uint64_t seed) {
        DataLoaderOptions opt;
        opt.shuffle = true;
        opt.seed = seed;
        DataLoader loader;
        dataloader_init(loader, dir + "/x_train_*.bin", 2, 3, opt);
        std::vector<int> firsts;  // the first token of each window, in the order read
        for (size_t k = 0; k < dataloader_num_batches(loader); k++) firsts.push_back(next(loader).inputs[0]);
        return firsts;
    };
    const std::vector<int> one = order_of(1);
    CHECK(order_of(1) == one);
    CHECK(order_of(65537) != one);
    CHECK(order_of(1 + (1ull << 63)) != one);
    CHECK(order_of(65537) != order_of(1 + (1ull << 63)));
}

TEST_CASE("dataloader/processes: rank r of N reads window r of every N, and together they read one process's") {
    // B=2 T=3 over shards of 25 and 31 tokens (9 windows an epoch), N=2 and N=3, sequential and
    // shuffled: 4 epochs of one process's batches against the processes' batches interleaved
    // (call k of rank r is batch k*N + r), and every process's state is the one process's after them
    std::string dir = make_shards({25, 31});
    for (bool shuffle : {false, true})
        for (int N : {2, 3}) {
            CAPTURE(shuffle);
            CAPTURE(N);
            DataLoaderOptions o;
            o.shuffle = shuffle;
            DataLoader one;
            dataloader_init(one, dir + "/x_train_*.bin", 2, 3, o);
            std::vector<DataLoader> ranks(N);
            for (int r = 0; r < N; r++) {
                o.process_rank = r, o.num_processes = N;
                dataloader_init(ranks[r], dir + "/x_train_*.bin", 2, 3, o);
            }
            for (int k = 0; k < 4 * 9; k++)
                for (int r = 0; r < N; r++) {
                    CAPTURE(k);
                    CAPTURE(r);
                    REQUIRE(next(ranks[r]) == next(one));
                }
            for (int r = 0; r < N; r++) {
                CHECK(ranks[r].state.epoch == one.state.epoch);
                CHECK(ranks[r].state.shard == one.state.shard);
                CHECK(ranks[r].state.batch == one.state.batch);
            }
        }
    DataLoaderOptions bad;
    bad.process_rank = 2, bad.num_processes = 2;
    DataLoader loader;
    CHECK_THROWS_WITH_AS(dataloader_init(loader, dir + "/x_train_*.bin", 2, 3, bad),
                         "dataloader: process 2 of 2 does not exist", UsageError);
}
