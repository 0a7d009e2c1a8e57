// test_train_state.cpp: the training state file (model/train/train_state.h): every field through a
// save and a load, byte for byte against the layout built by hand (so states written by the old
// code still load), and every malformed or damaged file failing with one line that names it.
#include <doctest.h>

#include <cmath>    // nan
#include <cstdint>
#include <cstring>  // memcpy
#include <string>
#include <vector>

#include "data/common/binary_header.h"  // header_seal: hand-made files with their checksums
#include "data/common/files.h"  // read_file
#include "model/train/train_state.h"
#include "test/check.h"  // temp_dir, error_of

static void write_bytes(const std::string& path, const std::string& bytes) {
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    REQUIRE(std::fwrite(bytes.data(), 1, bytes.size(), f) == bytes.size());
    std::fclose(f);
}

// A state with every field away from its default; the loader's integers above 2^32.
static TrainState sample_state(size_t num_parameters) {
    TrainState s;
    s.step = 123456;
    s.evals_since_best = 7;
    s.best_val_loss = 1.0 / 3.0;  // every bit of the double matters
    s.loader.epoch = (1ull << 32) + 5;
    s.loader.shard = 0xFFFFFFFF00000001ull;
    s.loader.batch = (3ull << 40) + 7;
    s.loader.rng = 0x9E3779B97F4A7C15ull;
    s.train_seconds = 300.0 / 7.0;  // a --time-budget run's clock
    s.warmup_seconds = 1.0 / 9.0;
    for (size_t i = 0; i < num_parameters; i++) {
        s.m.push_back(0.5f * (float)i - 3.0f);
        s.v.push_back(1e-3f * (float)(i * i) + 1e-8f);
    }
    s.argv = {"-i", "", "two  words ", "--flag", ""};  // empty strings and spaces survive
    s.model_checksum = 0x89ABCDEF;  // above INT32_MAX: the slot holds a uint32
    return s;
}

// The bytes of a state file, built by hand from the layout in train_state.h (as the code before
// issue 11 wrote it with memcpy at offsets 10 and 20), never by train_state_save:
//   int32 [0] 20241127 [1] version [2] step [3] evals_since_best [4] argv bytes [5] num_parameters
//   [10..11] best_val_loss (double) [20..27] loader epoch, shard, batch, rng (uint64)
//   [30..31] train_seconds [32..33] warmup_seconds (double; issue 13's --time-budget, 0 in other runs)
//   version 2 (issue 16): [34] model_checksum, [253..255] the checksums (header_seal), the rest 0
//   then m, v (floats), then each argv string followed by a NUL
// Version 1 is what every state before issue 16 was: it must still load.
static std::string state_bytes(const TrainState& s, int version = 2) {
    std::string args;
    for (const std::string& a : s.argv) args += a + std::string(1, '\0');
    int32_t header[256] = {20241127, version, s.step, s.evals_since_best, (int32_t)args.size(), (int32_t)s.m.size()};
    std::memcpy(&header[10], &s.best_val_loss, 8);
    const uint64_t loader[4] = {s.loader.epoch, s.loader.shard, s.loader.batch, s.loader.rng};
    std::memcpy(&header[20], loader, 32);
    std::memcpy(&header[30], &s.train_seconds, 8);
    std::memcpy(&header[32], &s.warmup_seconds, 8);
    if (version >= 2) header[34] = (int32_t)(uint32_t)s.model_checksum;
    std::string bytes = std::string((const char*)header, sizeof header) +
                        std::string((const char*)s.m.data(), s.m.size() * 4) +
                        std::string((const char*)s.v.data(), s.v.size() * 4) + args;
    if (version >= 2) header_seal(bytes);
    return bytes;
}

static void check_same(const TrainState& got, const TrainState& want) {
    CHECK(got.step == want.step);
    CHECK(got.evals_since_best == want.evals_since_best);
    CHECK(std::memcmp(&got.best_val_loss, &want.best_val_loss, sizeof(double)) == 0);
    CHECK(got.loader.epoch == want.loader.epoch);
    CHECK(got.loader.shard == want.loader.shard);
    CHECK(got.loader.batch == want.loader.batch);
    CHECK(got.loader.rng == want.loader.rng);
    CHECK(std::memcmp(&got.train_seconds, &want.train_seconds, sizeof(double)) == 0);
    CHECK(std::memcmp(&got.warmup_seconds, &want.warmup_seconds, sizeof(double)) == 0);
    CHECK(got.m == want.m);
    CHECK(got.v == want.v);
    CHECK(got.argv == want.argv);
    CHECK(got.model_checksum == want.model_checksum);
}

TEST_CASE("train_state/save and load round trip every field") {
    std::string dir = temp_dir("state");
    const size_t N = 37;
    TrainState s = sample_state(N), back;
    train_state_save(dir + "/s.bin", s);
    train_state_load(dir + "/s.bin", N, back);
    check_same(back, s);
    CHECK_FALSE(file_exists(dir + "/s.bin.tmp"));
    // an empty command line is an empty block, and loads as one
    s.argv.clear();
    train_state_save(dir + "/s.bin", s);
    train_state_load(dir + "/s.bin", N, back);
    CHECK(back.argv.empty());
}

TEST_CASE("train_state/the file is the documented layout, byte for byte") {
    std::string dir = temp_dir("state");
    const size_t N = 11;
    TrainState s = sample_state(N);
    // new files are exactly the layout: version 2
    train_state_save(dir + "/ours.bin", s);
    CHECK(read_file(dir + "/ours.bin") == state_bytes(s));
    // and a file the code before issue 16 wrote (version 1) loads, its model checksum unknown
    write_bytes(dir + "/old.bin", state_bytes(s, 1));
    TrainState back;
    train_state_load(dir + "/old.bin", N, back);
    s.model_checksum = -1;
    check_same(back, s);
    s.model_checksum = 0x89ABCDEF;
    // a run counted in steps has no clock: slots 30..33 stay 0, the bytes written before issue 13
    s.train_seconds = s.warmup_seconds = 0;
    train_state_save(dir + "/steps.bin", s);
    const std::string bytes = read_file(dir + "/steps.bin");
    CHECK(bytes == state_bytes(s));
    CHECK(bytes.substr(30 * 4, 16) == std::string(16, '\0'));
}

TEST_CASE("train_state/malformed files fail with one line naming the file") {
    std::string dir = temp_dir("state-bad");
    const size_t N = 9;
    const std::string good = state_bytes(sample_state(N));
    const size_t argv_bytes = good.size() - 1024 - 2 * N * 4;
    // each edit is resealed (header_seal), as a writer with that slip would have made the file, so
    // the check behind the checksums answers; the flip cases below are damage, not resealed
    auto sealed = [](std::string bytes) {
        header_seal(bytes);
        return bytes;
    };
    auto with_int = [&](int slot, int32_t value) {
        std::string bytes = good;
        std::memcpy(&bytes[4 * slot], &value, 4);
        return sealed(bytes);
    };
    auto flipped = [&](size_t byte) {
        std::string bytes = good;
        bytes[byte] = (char)(bytes[byte] ^ 0x10);
        return bytes;
    };
    int32_t good_step = 0;  // header slot 2
    std::memcpy(&good_step, &good[4 * 2], 4);
    REQUIRE(good_step != 99);
    auto with_double = [&](int slot, double value) {
        std::string bytes = good;
        std::memcpy(&bytes[4 * slot], &value, 8);
        return sealed(bytes);
    };
    struct Case {
        const char* name;
        std::string bytes;
        size_t num_parameters;
        std::string expect;
    };
    std::vector<Case> cases = {
        {"empty.bin", "", N, "truncated: 0 bytes, shorter than the 1024-byte training state header"},
        {"header.bin", good.substr(0, 600), N, "truncated: 600 bytes, shorter than the 1024-byte training state header"},
        {"magic.bin", with_int(0, 20240326), N, "not a training state (magic 20240326, expected 20241127)"},
        {"version.bin", with_int(1, 3), N, "unsupported training state version 3 (expected 1 or 2)"},
        {"m.bin", good.substr(0, 1024 + 4 * N - 4), N,
         "truncated: " + std::to_string(1024 + 4 * N - 4) + " bytes, the header implies " + std::to_string(good.size())},
        {"v.bin", good.substr(0, 1024 + 8 * N), N, "truncated"},
        {"model.bin", good, N + 1, "the state of a model of 9 parameters, this model has 10"},
        {"argv-negative.bin", with_int(4, -5), N, "corrupt header (argv of -5 bytes)"},
        {"argv-oversized.bin", with_int(4, 1 << 30), N, "truncated"},
        {"argv-unterminated.bin", sealed(good.substr(0, good.size() - 1) + "x"), N, "does not end with a NUL"},
        {"trailing.bin", good + "junk", N, "has 4 bytes more than the header implies"},
        {"clock-negative.bin", with_double(30, -2.0), N, "corrupt header (time budget clock -2.0"},
        {"clock-nan.bin", with_double(30, std::nan("")), N, "corrupt header (time budget clock"},
        {"warmup-late.bin", with_double(32, 1e6), N, "warmup ended at 1000000.0"},
        // issue 16: a state must agree with its own name (the name picks the model file it resumes with)
        {"state_00000099.bin", good, N, "holds step " + std::to_string(good_step) + " but its name says step 99"},
        {"step-negative.bin", with_int(2, -3), N, "holds step -3"},
        // issue 16's example: the argv block rewritten to just "-b", its length fixed (find -> npos looped)
        {"argv-just-b.bin", [&] {
             std::string b = good.substr(0, good.size() - argv_bytes) + "-b";
             int32_t len = 2;
             std::memcpy(&b[4 * 4], &len, 4);
             return sealed(b);
         }(), N, "does not end with a NUL"},
        // issue 16: a bit flip anywhere is reported as such: in m, in the argv block, in the header's step
        {"flip-m.bin", flipped(1024 + 5), N, "damaged: its training state data does not match its checksum (CRC-32 of " +
                                                 std::to_string(2 * N * 4 + argv_bytes) + " bytes"},
        {"flip-argv.bin", flipped(good.size() - 2), N, "damaged: its training state data does not match"},
        {"flip-step.bin", flipped(4 * 2), N, "damaged: its header does not match its checksum"},
    };
    CHECK(argv_bytes > 0);  // the cut cases above cut inside m or v, not the argv block
    for (const Case& c : cases) {
        std::string path = dir + "/" + c.name;
        write_bytes(path, c.bytes);
        TrainState s;
        s.step = -1;  // a failed load leaves the state untouched
        std::string msg = error_of([&] { train_state_load(path, c.num_parameters, s); });
        INFO(c.name << ": " << msg);
        CHECK(msg.find(path + ": ") == 0);
        CHECK(msg.find(c.expect) != std::string::npos);
        CHECK(msg.find('\n') == std::string::npos);
        CHECK(s.step == -1);
    }
    std::string missing = error_of([&] {
        TrainState s;
        train_state_load(dir + "/missing.bin", N, s);
    });
    CHECK(missing.find(dir + "/missing.bin: cannot open") == 0);
}

TEST_CASE("train_state/saved_steps lists the state files in step order") {
    std::string dir = temp_dir("state-steps");
    CHECK(model_path(dir, 17) == dir + "/model_00000017.bin");
    CHECK(state_path(dir, 17) == dir + "/state_00000017.bin");
    for (int step : {40, 3, 17}) write_bytes(state_path(dir, step), "");
    write_bytes(model_path(dir, 99), "");           // a model alone is not a resume point
    write_bytes(dir + "/state_00000005.bin.tmp", "");  // nor an unfinished write
    CHECK(saved_steps(dir) == std::vector<int>{3, 17, 40});
    CHECK(saved_steps(dir + "/missing").empty());
}

TEST_CASE("train_state/a version 2 state sealed by Python's zlib loads") {
    // test/fuzz/seeds.py writes six-v2.bin with its own CRC-32 (zlib.crc32) and model checksum 12345
    const std::string seed = "test/fuzz/corpus/train_state/six-v2.bin";
    require_input(seed, "it is committed; run `/usr/bin/python3 test/fuzz/seeds.py` to write it again");
    TrainState s;
    train_state_load(seed, 6, s);
    CHECK(s.step == 2);
    CHECK(s.model_checksum == 12345);
    CHECK(s.argv == std::vector<std::string>{"-b", "4", "-t", "64", "-i", "data.txt"});
}
