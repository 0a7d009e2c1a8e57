// test_prepare.cpp: `./train prepare` (data/prepare.h): text -> shards, checked token by token
// against the text (byte tokenizer), the 90/10 split, shard bounds, documents and <|endoftext|>,
// streaming over chunk boundaries, the cache, the command line, and Tiny Shakespeare end to end.
#include <doctest.h>

#include <string>
#include <vector>

#include "data/dataloader.h"
#include "data/prepare.h"
#include "data/common/files.h"
#include "test/check.h"  // require_input, temp_dir

static void write_text(const std::string& path, const std::string& text) {
    AtomicFile f(path);
    f.write(text.data(), text.size());
    f.commit();
}

// The tokens of shards one after the other, as a string of bytes (byte tokenizer: token = byte).
static std::string shard_text(const std::vector<std::string>& paths) {
    std::string out;
    for (const std::string& p : paths) {
        std::string raw = read_file(p);
        ShardHeader h = read_shard_header(p);
        const uint16_t* t = (const uint16_t*)(raw.data() + SHARD_HEADER_BYTES);
        for (size_t i = 0; i < h.num_tokens; i++) out += t[i] == 256 ? std::string("<EOT>") : std::string(1, (char)t[i]);
    }
    return out;
}

// Words and newlines, n bytes, deterministic.
static std::string some_text(size_t n) {
    static const char* words[] = {"To", "be,", "or", "not", "to", "be:", "that", "is", "the", "question.\n"};
    std::string s;
    for (size_t i = 0; s.size() < n; i++) s += std::string(words[(i * 7 + i / 3) % 10]) + (i % 13 == 12 ? "\n\n" : " ");
    s.resize(n);
    return s;
}

static Tokenizer byte_tokenizer() {
    Tokenizer tok;
    tokenizer_load(tok, "byte");
    return tok;
}

TEST_CASE("prepare/prepare_chunk_end") {
    // just before a whitespace run that follows a non-space: the last such point
    CHECK(prepare_chunk_end("ab cd", 5) == 2);
    CHECK(prepare_chunk_end("ab cd\n\nef", 9) == 5);
    CHECK(prepare_chunk_end("ab  ", 4) == 2);
    CHECK(prepare_chunk_end("a b\xC2\xA0 c", 7) == 1);  // not inside the run U+00A0 + space
    // no whitespace: the last UTF-8 character start (never inside "é" = C3 A9)
    CHECK(prepare_chunk_end("abc\xC3\xA9", 5) == 3);
    CHECK(prepare_chunk_end("abcd", 4) == 3);
    CHECK(prepare_chunk_end("a", 1) == 1);
}

TEST_CASE("prepare/prepare") {
    std::string dir = temp_dir("prepare"), input = dir + "/play.txt", text = some_text(5000);
    write_text(input, text);
    PrepareOptions opt;
    opt.quiet = true;
    opt.input = input;
    opt.out_dir = dir + "/out";
    opt.shard_tokens = 1000;
    PrepareResult r = prepare(opt, byte_tokenizer());
    CHECK(!r.cached);
    CHECK(r.bytes == 5000);
    // train then val is the text itself, split just before a whitespace run at or after byte 4500
    std::string train = shard_text(r.train), val = shard_text(r.val);
    CHECK(train + val == text);
    CHECK(train.size() >= 4500);
    CHECK(train.size() < 4520);
    CHECK(val.find_first_not_of(" \n") > 0);
    // llm.c's naming, bounded shards, the vocabulary and the bytes recorded
    REQUIRE(r.train.size() == 5);
    CHECK(r.train[0] == dir + "/out/play_train_000000.bin");
    CHECK(r.val[0] == dir + "/out/play_val_000000.bin");
    for (size_t i = 0; i < 4; i++) CHECK(read_shard_header(r.train[i]).num_tokens == 1000);
    ShardHeader h = read_shard_header(r.val[0]);
    CHECK(h.vocab_size == 256);
    CHECK(h.num_bytes == h.num_tokens);
    CHECK(r.train_tokens + r.val_tokens == 5000);
    // the loader reads them back in order
    DataLoader loader;
    dataloader_init(loader, dir + "/out/play_train_*.bin", 4, 8, DataLoaderOptions());
    std::vector<int> inputs(32), targets(32);
    dataloader_next_batch(loader, inputs.data(), targets.data());
    for (size_t i = 0; i < 32; i++) CHECK(inputs[i] == (unsigned char)text[i]);
}

TEST_CASE("prepare/streaming") {
    // 2.5 MB (chunks of 1 MB, cut mid-text) and a 1.2 MB line without any whitespace: nothing is
    // lost or repeated at a chunk boundary; the split lands at the first chunk end or cut after 90%,
    // here the end of the chunk that holds byte 3600000, inside the long line
    std::string dir = temp_dir("prepare"), input = dir + "/big.txt";
    std::string text = some_text(2500000) + std::string(1200000, 'x') + some_text(300000);
    write_text(input, text);
    PrepareOptions opt;
    opt.quiet = true;
    opt.input = input;
    opt.out_dir = dir;
    opt.shard_tokens = 1500000;
    PrepareResult r = prepare(opt, byte_tokenizer());
    CHECK(r.train.size() == 3);
    std::string train = shard_text(r.train), val = shard_text(r.val);
    CHECK(train + val == text);
    CHECK(train.size() >= 3600000);
    CHECK(train.size() < 3600000 + (1 << 20));
}

TEST_CASE("prepare/documents") {
    // a directory: each file a document, sorted by name, each preceded by <|endoftext|> when the
    // tokenizer has it (here: the byte tokenizer plus id 256); hidden files and subdirectories skipped
    std::string dir = temp_dir("prepare");
    make_dir(dir + "/docs/sub");
    write_text(dir + "/docs/b.txt", "second doc");
    write_text(dir + "/docs/a.txt", "first doc");
    write_text(dir + "/docs/c.txt", "");
    write_text(dir + "/docs/.hidden", "no");
    write_text(dir + "/docs/sub/x.txt", "no");
    Tokenizer tok = byte_tokenizer();
    tok.vocab.push_back("<|endoftext|>");
    tok.eot = 256;
    PrepareOptions opt;
    opt.quiet = true;
    opt.input = dir + "/docs";
    opt.out_dir = dir + "/out";
    opt.val_fraction = 0;
    PrepareResult r = prepare(opt, tok);
    CHECK(r.val.empty());
    REQUIRE(r.train.size() == 1);
    CHECK(r.train[0] == dir + "/out/docs_train_000000.bin");
    CHECK(shard_text(r.train) == "<EOT>first doc<EOT>second doc");
    ShardHeader h = read_shard_header(r.train[0]);
    CHECK(h.vocab_size == 257);
    CHECK(h.num_bytes == 19);  // <|endoftext|> is not text
}

TEST_CASE("prepare/cached") {
    std::string dir = temp_dir("prepare"), input = dir + "/play.txt";
    write_text(input, some_text(3000));
    PrepareOptions opt;
    opt.quiet = true;
    opt.input = input;
    opt.out_dir = dir;
    opt.shard_tokens = 1000;
    PrepareResult first = prepare(opt, byte_tokenizer());
    CHECK(first.train.size() == 3);
    PrepareResult again = prepare(opt, byte_tokenizer());
    CHECK(again.cached);
    CHECK(again.train == first.train);
    CHECK(again.val == first.val);
    CHECK(again.train_tokens == first.train_tokens);
    // other settings: done again, and the old shards are gone so a glob cannot mix two runs
    opt.shard_tokens = 2000;
    PrepareResult bigger = prepare(opt, byte_tokenizer());
    CHECK(!bigger.cached);
    CHECK(bigger.train.size() == 2);
    CHECK(!file_exists(dir + "/play_train_000002.bin"));
    // a changed input: done again; a lost shard: done again
    write_text(input, some_text(3500));
    CHECK(!prepare(opt, byte_tokenizer()).cached);
    CHECK(prepare(opt, byte_tokenizer()).cached);
    std::remove((dir + "/play_val_000000.bin").c_str());
    CHECK(!prepare(opt, byte_tokenizer()).cached);
    CHECK(file_exists(dir + "/play_val_000000.bin"));
    std::string good = read_file(dir + "/play_train_000001.bin");
    write_text(dir + "/play_train_000001.bin", "damaged");
    CHECK(!prepare(opt, byte_tokenizer()).cached);
    CHECK(read_file(dir + "/play_train_000001.bin") == good);
}

TEST_CASE("prepare/prepare_main") {
    std::string dir = temp_dir("prepare"), input = dir + "/in.txt";
    write_text(input, some_text(2000));
    std::string out = dir + "/o";
    std::vector<std::string> args = {"prepare", "-i", input, "-o", out, "--name", "tiny", "--tokenizer", "byte",
                                     "--val-fraction", "0.25", "--shard-tokens", "600"};
    std::vector<char*> argv;
    for (std::string& a : args) argv.push_back(&a[0]);
    CHECK(prepare_main((int)argv.size(), argv.data()) == 0);
    CHECK(file_exists(out + "/tiny_train_000002.bin"));
    CHECK(!file_exists(out + "/tiny_train_000003.bin"));
    CHECK(file_exists(out + "/tiny_val_000000.bin"));
    auto run = [](std::vector<std::string> a) {
        std::vector<char*> v;
        for (std::string& s : a) v.push_back(&s[0]);
        return prepare_main((int)v.size(), v.data());
    };
    CHECK(run({"prepare", "--help"}) == 0);
    CHECK_THROWS_AS(run({"prepare", "--bogus", "1"}), UsageError);
    CHECK_THROWS_AS(run({"prepare", "-i"}), UsageError);
    CHECK_THROWS_AS(run({"prepare", "-i", input, "--val-fraction", "1"}), UsageError);
    CHECK_THROWS_AS(run({"prepare", "-i", input, "--shard-tokens", "0"}), UsageError);
    try {
        run({"prepare", "-i", dir + "/missing.txt", "-o", out});
        CHECK(false);
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("missing.txt") != std::string::npos);
    }
}

TEST_CASE("prepare/tinyshakespeare") {
    // the default corpus (no -i) end to end: 1115394 bytes -> as many byte tokens, 90/10
    require_input("../shared/data/tinyshakespeare.txt", GET_SHARED);
    std::string dir = temp_dir("prepare");
    PrepareOptions opt;
    opt.quiet = true;
    opt.out_dir = dir;
    PrepareResult r = prepare(opt, byte_tokenizer());
    REQUIRE(r.train.size() == 1);
    REQUIRE(r.val.size() == 1);
    CHECK(r.train[0] == dir + "/tinyshakespeare_train_000000.bin");
    CHECK(r.train_tokens + r.val_tokens == 1115394);
    CHECK(r.val_tokens == doctest::Approx(111539).epsilon(0.001));
    CHECK(shard_text(r.train) + shard_text(r.val) == read_file("../shared/data/tinyshakespeare.txt"));
}
