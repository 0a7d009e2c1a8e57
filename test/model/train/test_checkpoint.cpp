// test_checkpoint.cpp: llm.c's model file format, round trip and every malformed case.
#include <doctest.h>

#include <csignal>       // SIGXFSZ
#include <climits>       // INT32_MAX
#include <cstdint>
#include <cstring>
#include <fstream>
#include <sys/resource.h>  // setrlimit: simulate a full disk

#include "model/train/checkpoint.h"
#include "model/gpt2.h"
#include "data/common/binary_header.h"  // header_seal: edited headers with their checksums
#include "data/common/files.h"
#include "test/check.h"

static void write_bytes(const std::string& path, const std::string& bytes) {
    std::ofstream(path, std::ios::binary) << bytes;
}

// The message of the Error that loading `path` throws ("" if none).
static std::string load_error(const std::string& path) {
    return error_of([&] {
        GPT2 model;
        gpt2_build_from_checkpoint(model, path);
    });
}

TEST_CASE("checkpoint/round trip is byte-identical") {
    std::string dir = temp_dir("ckpt");
    GPT2 model;
    gpt2_build_from_descriptor(model, "l2h2c16", 8, 37, 42);  // V=37 -> Vp=128: padding is saved too
    gpt2_save_checkpoint(model, dir + "/a.bin");
    GPT2 loaded;
    gpt2_build_from_checkpoint(loaded, dir + "/a.bin");
    CHECK(loaded.config.vocab_size == 37);
    CHECK(loaded.config.padded_vocab_size == 128);
    CHECK(loaded.config.num_layers == 2);
    CHECK(loaded.config.channels == 16);
    // the weights themselves (a == b below would also hold for a writer that wrote junk twice)
    CHECK(loaded.params_memory == model.params_memory);
    gpt2_save_checkpoint(loaded, dir + "/b.bin");
    std::string a = read_file(dir + "/a.bin"), b = read_file(dir + "/b.bin");
    CHECK(a.size() == 1024 + 4 * model.num_parameters);
    CHECK(a == b);
    CHECK_FALSE(file_exists(dir + "/a.bin.tmp"));  // the atomic write left no temporary behind
}

TEST_CASE("checkpoint/checkpoint_save writes llm.c's layout byte for byte") {
    // the expected bytes are built by hand from the layout in checkpoint.h, not by checkpoint.cpp:
    // 256 int32 {20240326, 3, maxT, V, L, NH, C, Vp, 0..., tag, CRC, CRC}, then the floats; llm.c
    // reads slots 0..7 only. The CRCs are Python's: zlib.crc32 of the 20 float bytes, and of the
    // 1024 header bytes with slot 255 zero.
    std::string dir = temp_dir("ckpt-bytes");
    GPT2Config c;
    c.max_seq_len = 8, c.vocab_size = 37, c.num_layers = 2, c.num_heads = 2, c.channels = 16, c.padded_vocab_size = 128;
    std::vector<float> params(5);
    for (size_t i = 0; i < params.size(); i++) params[i] = 0.25f * (float)i - 1.0f;
    CHECK(checkpoint_save(dir + "/m.bin", c, params.data(), params.size()) == 0x119485acu);
    int32_t header[256] = {20240326, 3, 8, 37, 2, 2, 16, 128};  // the rest zero, but for:
    header[253] = 0x31435243;                                   // the bytes "CRC1": checksums follow
    header[254] = 0x030269ab;                                   // CRC-32 of the floats
    header[255] = 0x119485ac;                                   // CRC-32 of the header
    std::string want = std::string((const char*)header, sizeof header) +
                       std::string((const char*)params.data(), params.size() * sizeof(float));
    CHECK(read_file(dir + "/m.bin") == want);
    GPT2Config back = checkpoint_read_config(dir + "/m.bin");
    CHECK(back.max_seq_len == 8);
    CHECK(back.vocab_size == 37);
    CHECK(back.num_layers == 2);
    CHECK(back.num_heads == 2);
    CHECK(back.channels == 16);
    CHECK(back.padded_vocab_size == 128);
    CHECK(checkpoint_checksum(dir + "/m.bin") == 0x119485ac);
}

TEST_CASE("checkpoint/malformed files give an error naming the file and the problem") {
    std::string dir = temp_dir("ckpt-bad");
    GPT2 model;
    gpt2_build_from_descriptor(model, "l2h2c16", 8, 37, 42);
    gpt2_save_checkpoint(model, dir + "/good.bin");
    const std::string good = read_file(dir + "/good.bin");
    // a file whose header says `value` in slot `index`, checksums resealed (header_seal): what a
    // writer with that slip would have made, so the check behind the checksum is what answers
    auto with_int = [&](int index, int32_t value) {
        std::string s = good;
        std::memcpy(&s[4 * index], &value, 4);
        header_seal(s);
        return s;
    };
    // the good file with one bit flipped, not resealed: damage on disk
    auto flipped = [&](size_t byte, int bit) {
        std::string s = good;
        s[byte] = (char)(s[byte] ^ (1 << bit));
        return s;
    };
    struct Case {
        const char* name;
        std::string bytes;
        const char* expect;
    };
    std::vector<Case> cases = {
        {"empty.bin", "", "truncated"},
        {"header-only-part.bin", good.substr(0, 100), "truncated: 100 bytes, shorter than the 1024-byte model checkpoint header"},
        {"truncated.bin", good.substr(0, good.size() - 8), "truncated"},
        {"extra.bin", good + "junk", "more than the header implies"},
        {"text.bin", "First Citizen:\n", "not a model checkpoint (magic 1936877894, expected 20240326)"},
        {"magic.bin", with_int(0, 20240520), "not a model checkpoint (magic 20240520, expected 20240326)"},
        {"bf16.bin", with_int(1, 5), "unsupported model checkpoint version 5 (expected 3; version 5 is llm.c's bf16"},
        {"version.bin", with_int(1, 7), "unsupported model checkpoint version 7 (expected 3)"},
        {"negative.bin", with_int(6, -16), "non-positive"},
        {"heads.bin", with_int(5, 3), "not divisible by heads"},
        {"vocab.bin", with_int(7, 30), "padded vocab < vocab"},
        // issue 16: header only, maxT 2^31-14, C 2^30, Vp 2^31-1: the parameter count wrapped size_t to 0,
        // which passed the size check of a header-only file
        {"wraps.bin", [&] {
             std::string s = good.substr(0, 1024);
             int32_t maxT = INT32_MAX - 13, C = 1 << 30, Vp = INT32_MAX;
             std::memcpy(&s[4 * 2], &maxT, 4);
             std::memcpy(&s[4 * 6], &C, 4);
             std::memcpy(&s[4 * 7], &Vp, 4);
             header_seal(s);
             return s;
         }(), "header sizes too large"},
        // issue 16: a bit flip is reported as such, in the weights or in the header (the channels here)
        {"flip-weights.bin", flipped(good.size() - 3, 6),
         "damaged: its model checkpoint data does not match its checksum (CRC-32 of "},
        {"flip-header.bin", flipped(4 * 6, 0), "damaged: its header does not match its checksum"},
        {"flip-magic.bin", flipped(0, 3), "damaged: its header does not match its checksum"},
    };
    for (const Case& c : cases) {
        std::string path = dir + "/" + c.name;
        write_bytes(path, c.bytes);
        std::string msg = load_error(path);
        INFO(c.name << ": " << msg);
        CHECK(msg.find(path) != std::string::npos);
        CHECK(msg.find(c.expect) != std::string::npos);
        CHECK(msg.find('\n') == std::string::npos);
    }
    std::string missing = load_error(dir + "/missing.bin");
    CHECK(missing.find("missing.bin: cannot open") != std::string::npos);
}

TEST_CASE("checkpoint/a full disk during the write keeps the previous file") {
    std::string dir = temp_dir("ckpt-full");
    GPT2 model;
    gpt2_build_from_descriptor(model, "l1h1c8", 4, 10, 1);
    gpt2_save_checkpoint(model, dir + "/m.bin");
    const std::string before = read_file(dir + "/m.bin");
    // A file-size limit makes the kernel refuse writes past 2 KB (EFBIG), as a full disk
    // would (ENOSPC): the new checkpoint cannot be completed.
    // subtle: lower only the soft limit; without CAP_SYS_RESOURCE a lowered hard limit can never be
    // raised back, and every later test that writes more than 2 KB would be killed
    struct rlimit old_limit;
    getrlimit(RLIMIT_FSIZE, &old_limit);
    struct rlimit small = {2048, old_limit.rlim_max};
    void (*old_handler)(int) = std::signal(SIGXFSZ, SIG_IGN);  // get EFBIG instead of being killed
    setrlimit(RLIMIT_FSIZE, &small);
    std::string msg;
    try {
        gpt2_build_from_descriptor(model, "l1h1c8", 4, 10, 2);  // different weights
        gpt2_save_checkpoint(model, dir + "/m.bin");
    } catch (const Error& e) {
        msg = e.what();
    }
    setrlimit(RLIMIT_FSIZE, &old_limit);
    std::signal(SIGXFSZ, old_handler);
    INFO(msg);
    CHECK(msg.find(dir + "/m.bin: write failed") != std::string::npos);
    CHECK(read_file(dir + "/m.bin") == before);      // the previous checkpoint survives, whole
    CHECK_FALSE(file_exists(dir + "/m.bin.tmp"));     // and no partial file is left behind
}

TEST_CASE("checkpoint/a checkpoint sealed by Python's zlib loads, and fails once a bit flips") {
    // test/fuzz/seeds.py writes tiny-crc.bin with its own CRC-32 (zlib.crc32): the checksum slots
    // are the documented ones, computed apart from this code
    const std::string seed = "test/fuzz/corpus/checkpoint/tiny-crc.bin";
    require_input(seed, "it is committed; run `/usr/bin/python3 test/fuzz/seeds.py` to write it again");
    GPT2Config c;
    std::vector<float> params;
    checkpoint_load(seed, c, params);
    CHECK(c.channels == 4);
    CHECK(checkpoint_checksum(seed) >= 0);
    std::string dir = temp_dir("ckpt-seed"), bytes = read_file(seed);
    bytes[bytes.size() - 1] ^= 1;
    write_bytes(dir + "/flip.bin", bytes);
    CHECK(error_of([&] { checkpoint_load(dir + "/flip.bin", c, params); }).find("damaged") != std::string::npos);
    CHECK(checkpoint_checksum("test/fuzz/corpus/checkpoint/tiny.bin") == -1);  // llm.c's: none
}
