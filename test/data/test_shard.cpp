// test_shard.cpp: the token-shard format (data/shard.h): header slots, atomic writes, each malformed case.
#include <doctest.h>

#include <cstdio>
#include <string>
#include <vector>

#include "data/shard.h"
#include "test/check.h"  // temp_dir, error_of

// Raw bytes into a file, for hand-made (bad) shards.
static void write_bytes(const std::string& path, const void* p, size_t n) {
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    REQUIRE(std::fwrite(p, 1, n, f) == n);
    std::fclose(f);
}

// A header with the given slots, then n tokens 0..n-1.
static void write_raw_shard(const std::string& path, int32_t magic, int32_t version, int32_t count, size_t n,
                            int32_t vocab = 0) {
    std::vector<int32_t> header(HEADER_INTS, 0);
    header[0] = magic;
    header[1] = version;
    header[2] = count;
    header[3] = vocab;
    std::string bytes((const char*)header.data(), SHARD_HEADER_BYTES);
    for (size_t i = 0; i < n; i++) {
        uint16_t t = (uint16_t)i;
        bytes.append((const char*)&t, sizeof t);
    }
    write_bytes(path, bytes.data(), bytes.size());
}

// The bytes of a shard built by hand from the layout in shard.h, not by write_shard:
// 256 int32 {20240520, 1, count, vocab, bytes, 0..., tag, tokens_crc, header_crc}, then the uint16 tokens.
static std::string shard_bytes(const std::vector<uint16_t>& tokens, int32_t vocab, int32_t bytes, uint32_t tokens_crc,
                               uint32_t header_crc) {
    int32_t header[256] = {20240520, 1, (int32_t)tokens.size(), vocab, bytes};  // the rest zero, but for:
    header[253] = 0x31435243;  // "CRC1"
    header[254] = (int32_t)tokens_crc;
    header[255] = (int32_t)header_crc;
    return std::string((const char*)header, sizeof header) +
           std::string((const char*)tokens.data(), tokens.size() * sizeof(uint16_t));
}

TEST_CASE("shard/write_shard") {
    std::string dir = temp_dir("shard"), path = dir + "/a.bin";
    std::vector<uint16_t> tokens = {3, 1, 4, 1, 5, 9, 2, 6, 255};
    write_shard(path, tokens, 256, 12);
    // llm.c's layout, byte for byte, with the checksums llm.c does not read. The CRCs are Python's:
    // zlib.crc32 of the 18 token bytes, and of the 1024 header bytes with slot 255 zero
    CHECK(read_file(path) == shard_bytes(tokens, 256, 12, 0xa31d9300, 0xa91e8baa));
    CHECK(!file_exists(path + ".tmp"));
    // a text size beyond the int32 slot is recorded as unknown (0), not wrapped
    write_shard(path, tokens, 300, (size_t)1 << 33);
    CHECK(read_file(path) == shard_bytes(tokens, 300, 0, 0xa31d9300, 0xd808de00));
}

TEST_CASE("shard/write_shard atomic") {
    // a write that fails midway (a bad id after the first 1M-token block) leaves the old shard
    // untouched under the real name and no temporary file
    std::string dir = temp_dir("shard"), path = dir + "/a.bin";
    write_shard(path, {1, 2, 3}, 256);
    std::string before = read_file(path);
    std::vector<uint16_t> tokens((1 << 20) + 10, 7);
    tokens.back() = 300;
    std::string msg = error_of([&] { write_shard(path, tokens, 256); });
    CHECK(msg.find(path) != std::string::npos);
    CHECK(msg.find("300") != std::string::npos);
    CHECK(read_file(path) == before);
    CHECK(!file_exists(path + ".tmp"));
    CHECK(error_of([&] { write_shard(dir + "/b.bin", {1}, 70000); }).find("b.bin") != std::string::npos);
    CHECK(!file_exists(dir + "/b.bin"));
}

TEST_CASE("shard/read_shard_header") {
    std::string dir = temp_dir("shard");
    write_shard(dir + "/ok.bin", std::vector<uint16_t>(100, 5), 50257, 321);
    ShardHeader h = read_shard_header(dir + "/ok.bin");
    CHECK(h.num_tokens == 100);
    CHECK(h.vocab_size == 50257);
    CHECK(h.num_bytes == 321);
    write_raw_shard(dir + "/llmc.bin", SHARD_MAGIC, 1, 10, 10);  // as llm.c writes it: slots 3, 4 zero
    h = read_shard_header(dir + "/llmc.bin");
    CHECK(h.num_tokens == 10);
    CHECK(h.vocab_size == 0);
    CHECK(h.num_bytes == 0);

    // each malformed case names the file and says what is wrong
    struct Case { const char* file; const char* says; };
    write_bytes(dir + "/short_header.bin", &SHARD_MAGIC, 4);  // the right magic, then nothing
    write_bytes(dir + "/text.bin", "First Citizen:\n", 15);
    write_raw_shard(dir + "/magic.bin", 12345, 1, 10, 10);
    write_raw_shard(dir + "/version.bin", SHARD_MAGIC, 2, 10, 10);
    write_raw_shard(dir + "/truncated.bin", SHARD_MAGIC, 1, 10, 9);
    write_raw_shard(dir + "/trailing.bin", SHARD_MAGIC, 1, 10, 11);
    write_raw_shard(dir + "/negative.bin", SHARD_MAGIC, 1, -3, 0);
    for (Case c : {Case{"short_header.bin", "truncated: 4 bytes, shorter than the 1024-byte token shard header"},
                   Case{"text.bin", "not a token shard (magic 1936877894, expected 20240520)"},
                   Case{"magic.bin", "not a token shard (magic 12345, expected 20240520)"},
                   Case{"version.bin", "unsupported token shard version 2 (expected 1; version 2 is llm.c's uint32 format for Llama 3)"},
                   Case{"truncated.bin", "truncated"},
                   Case{"trailing.bin", "bytes after"}, Case{"negative.bin", "corrupt"},
                   Case{"missing.bin", "cannot open"}}) {
        std::string path = dir + "/" + c.file, msg = error_of([&] { read_shard_header(path); });
        INFO(c.file, ": ", msg);
        CHECK(msg.find(path) != std::string::npos);
        CHECK(msg.find(c.says) != std::string::npos);
        if (c.says != std::string("cannot open")) CHECK(msg.find("HINT: write shards with") != std::string::npos);
        CHECK(msg.find('\n') == std::string::npos);
    }
}

TEST_CASE("shard/is_shard_file") {
    std::string dir = temp_dir("shard");
    write_shard(dir + "/a.bin", {1, 2}, 256);
    write_bytes(dir + "/a.txt", "First Citizen:\n", 15);
    CHECK(is_shard_file(dir + "/a.bin"));
    CHECK(!is_shard_file(dir + "/a.txt"));
    CHECK(!is_shard_file(dir + "/missing"));
}

TEST_CASE("shard/a bit flip in the header or the tokens is reported, naming the shard; llm.c's shards pass") {
    std::string dir = temp_dir("shard"), path = dir + "/a.bin";
    std::vector<uint16_t> tokens(50);
    for (size_t i = 0; i < tokens.size(); i++) tokens[i] = (uint16_t)(i * 7 % 256);
    write_shard(path, tokens, 256);
    const std::string good = read_file(path);
    ShardHeader h = read_shard_header(path);
    CHECK(h.has_checksum);
    check_shard_tokens(path, h, tokens.data());  // intact: passes
    // the count (slot 2) flipped: the header's CRC, before the count is believed
    std::string bad = good;
    bad[8] ^= 1;
    write_bytes(path, bad.data(), bad.size());
    CHECK(error_of([&] { read_shard_header(path); }).rfind(path + ": damaged: its header does not match its checksum", 0) == 0);
    // one token's bit: the header reads, the tokens do not match it (checked when the DataLoader maps it)
    std::vector<uint16_t> flipped = tokens;
    flipped[17] ^= 0x100;
    std::string msg = error_of([&] { check_shard_tokens(path, h, flipped.data()); });
    CHECK(msg.rfind(path + ": damaged: its token shard data does not match its checksum (CRC-32 of 100 bytes ", 0) == 0);
    CHECK(msg.find("HINT: write shards with") != std::string::npos);
    // llm.c's shard has no checksum: nothing to compare, it loads
    write_raw_shard(path, SHARD_MAGIC, 1, 10, 10);
    h = read_shard_header(path);
    CHECK_FALSE(h.has_checksum);
    check_shard_tokens(path, h, flipped.data());
}

TEST_CASE("shard/a shard sealed by Python's zlib passes its checks") {
    // test/fuzz/seeds.py writes twenty.bin with its own CRC-32 (zlib.crc32): 20 tokens i*7 % 50
    const std::string seed = "test/fuzz/corpus/shard/twenty.bin";
    require_input(seed, "it is committed; run `/usr/bin/python3 test/fuzz/seeds.py` to write it again");
    ShardHeader h = read_shard_header(seed);
    REQUIRE(h.num_tokens == 20);
    CHECK(h.has_checksum);
    std::vector<uint16_t> tokens(20);
    for (size_t i = 0; i < tokens.size(); i++) tokens[i] = (uint16_t)(i * 7 % 50);
    check_shard_tokens(seed, h, tokens.data());
    tokens[0] = 1;
    CHECK(error_of([&] { check_shard_tokens(seed, h, tokens.data()); }).find("damaged") != std::string::npos);
}
