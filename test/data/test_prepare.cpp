// test_prepare.cpp: `./train prepare` (data/prepare.h): text -> shards, checked token by token
// against the text (byte tokenizer), the 90/10 split, shard bounds, documents and <|endoftext|>,
// streaming over chunk boundaries (GPT-2 ids on adversarial text equal to encoding it whole), the cache, the command line, and Tiny Shakespeare end to end.
#include <doctest.h>

#include <cmath>  // llround
#include <string>
#include <vector>
#include <sys/stat.h>  // mkfifo

#include "data/dataloader.h"
#include "data/prepare.h"
#include "data/common/flags.h"  // Command, flags_parse: the subcommand as ./train runs it
#include "data/common/files.h"
#include "tokenizer/pretokenize.h"  // pretokenize_next_cut: the split rule
#include "test/check.h"  // require_input, temp_dir

static void write_text(const std::string& path, const std::string& text) {
    AtomicFile f(path);
    f.write(text.data(), text.size());
    f.commit();
}

// The tokens of shards one after the other.
static std::vector<int> shard_ids(const std::vector<std::string>& paths) {
    std::vector<int> out;
    for (const std::string& p : paths) {
        std::string raw = read_file(p);
        ShardHeader h = read_shard_header(p);
        const uint16_t* t = (const uint16_t*)(raw.data() + SHARD_HEADER_BYTES);
        out.insert(out.end(), t, t + h.num_tokens);
    }
    return out;
}

// The same as a string of bytes (byte tokenizer: token = byte; 256 = <|endoftext|>).
static std::string shard_text(const std::vector<std::string>& paths) {
    std::string out;
    for (int t : shard_ids(paths)) out += t == 256 ? std::string("<EOT>") : std::string(1, (char)t);
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

// Options for a test: no progress lines, this input (a file or directory), shards into out_dir.
static PrepareOptions quiet_options(const std::string& input, const std::string& out_dir) {
    PrepareOptions opt;
    opt.quiet = true;
    opt.input = input;
    opt.out_dir = out_dir;
    return opt;
}

static Tokenizer byte_tokenizer() {
    Tokenizer tok;
    tokenizer_load(tok, "byte");
    return tok;
}

TEST_CASE("prepare/prepare") {
    std::string dir = temp_dir("prepare"), input = dir + "/play.txt", text = some_text(5000);
    write_text(input, text);
    PrepareOptions opt = quiet_options(input, dir + "/out");
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
    // 2.5 MB (chunks of 1 MB, cut mid-text) and a 1.2 MB line without any white space: nothing is
    // lost or repeated at a chunk boundary, and no chunk ends inside the long line, which holds
    // byte 3600000 where the split would fall; the split rule moves it to the first cut after
    // the line: the ' ' after the "To" that some_text starts with
    std::string dir = temp_dir("prepare"), input = dir + "/big.txt";
    std::string text = some_text(2500000) + std::string(1200000, 'x') + some_text(300000);
    REQUIRE(text.compare(3700000, 3, "To ") == 0);
    write_text(input, text);
    PrepareOptions opt = quiet_options(input, dir);
    opt.shard_tokens = 1500000;
    PrepareResult r = prepare(opt, byte_tokenizer());
    CHECK(r.train.size() == 3);
    std::string train = shard_text(r.train), val = shard_text(r.val);
    CHECK(train + val == text);
    CHECK(train.size() == 3700002);
}

TEST_CASE("prepare/gpt2 across chunks") {
    // GPT-2's BPE on adversarial text (Unicode spaces, mixed runs, newlines after punctuation,
    // contractions, long words, invalid UTF-8, <|endoftext|>) over more than one 1 MB chunk:
    // the shards hold exactly the ids of encoding the train text and the val text whole
    static const char* parts[] = {"word", " ", "  ", "\n", "\n\n", "\t", " \n ", ".\n", "!\n\n", "'s", "'S",
                                  "\xc2\xa0", "\xc2\xa0 ", "\xe3\x80\x80", "caf\xc3\xa9", "42", "\xff",
                                  "\xe3\x80", "<|endoftext|>", "a_long_word_without_any_space_at_all"};
    std::string text;
    for (unsigned x = 5; text.size() < 1500000;) {
        x = x * 1103515245u + 12345u;  // a fixed LCG
        text += parts[(x >> 16) % 20];
    }
    std::string dir = temp_dir("prepare"), input = dir + "/mixed.txt";
    write_text(input, text);
    Tokenizer tok;
    REQUIRE_NOTHROW(tokenizer_load(tok, "gpt2"));  // ../shared/data/gpt2
    PrepareOptions opt = quiet_options(input, dir);
    PrepareResult r = prepare(opt, tok);
    // the split rule: the first cut at or after the first val byte
    size_t val_start = text.size() - (size_t)std::llround(0.1 * (double)text.size());
    size_t split = pretokenize_next_cut(text.data(), text.size(), val_start);
    REQUIRE(split < val_start + 100);
    std::vector<int> train = {tok.eot}, val = tokenizer_encode(tok, text.substr(split), true);
    std::vector<int> head = tokenizer_encode(tok, text.substr(0, split), true);
    train.insert(train.end(), head.begin(), head.end());
    CHECK(shard_ids(r.train) == train);
    CHECK(shard_ids(r.val) == val);
}

TEST_CASE("prepare/documents") {
    // a directory: each file a document, sorted by name, each preceded by <|endoftext|> when the
    // tokenizer has it (here: the byte tokenizer plus id 256); hidden files, subdirectories and
    // special files skipped (issue 16: a FIFO in the folder blocked the read until a writer came)
    std::string dir = temp_dir("prepare");
    make_dir(dir + "/docs/sub");
    REQUIRE(mkfifo((dir + "/docs/d.fifo").c_str(), 0600) == 0);
    write_text(dir + "/docs/b.txt", "second doc");
    write_text(dir + "/docs/a.txt", "first doc");
    write_text(dir + "/docs/c.txt", "");
    write_text(dir + "/docs/.hidden", "no");
    write_text(dir + "/docs/sub/x.txt", "no");
    Tokenizer tok = byte_tokenizer();
    tok.vocab.push_back("<|endoftext|>");
    tok.eot = 256;
    PrepareOptions opt = quiet_options(dir + "/docs", dir + "/out");
    opt.val_fraction = 0;
    PrepareResult r = prepare(opt, tok);
    CHECK(r.val.empty());
    REQUIRE(r.train.size() == 1);
    CHECK(r.train[0] == dir + "/out/docs_train_000000.bin");
    CHECK(shard_text(r.train) == "<EOT>first doc<EOT>second doc");
    ShardHeader h = read_shard_header(r.train[0]);
    CHECK(h.vocab_size == 257);
    CHECK(h.num_bytes == 19);  // <|endoftext|> is not text
    // given by name, a special file is refused before any work
    opt = quiet_options(dir + "/docs/d.fifo", dir + "/out");
    CHECK(error_of([&] { prepare(opt, tok); }) == dir + "/docs/d.fifo: not a regular file (a device, FIFO or directory)");
}

TEST_CASE("prepare/cached") {
    std::string dir = temp_dir("prepare"), input = dir + "/play.txt";
    write_text(input, some_text(3000));
    PrepareOptions opt = quiet_options(input, dir);
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
    auto run = [](std::vector<std::string> args) {  // as ./train prepare ARGS runs
        Command cmd = prepare_command();
        return flags_parse(cmd, args) ? cmd.run() : 0;
    };
    CHECK(run({"-i", input, "-o", out, "--name", "tiny", "--tokenizer", "byte", "--val-fraction", "0.25",
               "--shard-tokens", "600"}) == 0);
    CHECK(file_exists(out + "/tiny_train_000002.bin"));
    CHECK(!file_exists(out + "/tiny_train_000003.bin"));
    CHECK(file_exists(out + "/tiny_val_000000.bin"));
    CHECK(run({"--help"}) == 0);
    CHECK_THROWS_AS(run({"--bogus", "1"}), UsageError);
    CHECK_THROWS_AS(run({"-i"}), UsageError);
    CHECK_THROWS_AS(run({"-i", input, "--val-fraction", "1"}), UsageError);
    CHECK_THROWS_AS(run({"-i", input, "--shard-tokens", "0"}), UsageError);
    try {
        run({"-i", dir + "/missing.txt", "-o", out});
        CHECK(false);
    } catch (const Error& e) {
        CHECK(std::string(e.what()).find("missing.txt") != std::string::npos);
    }
}

TEST_CASE("prepare/tinyshakespeare") {
    // the default corpus (no -i) end to end: 1115394 bytes -> as many byte tokens, 90/10
    require_input("../shared/data/tinyshakespeare.txt", GET_SHARED);
    std::string dir = temp_dir("prepare");
    PrepareResult r = prepare(quiet_options("", dir), byte_tokenizer());
    REQUIRE(r.train.size() == 1);
    REQUIRE(r.val.size() == 1);
    CHECK(r.train[0] == dir + "/tinyshakespeare_train_000000.bin");
    CHECK(r.train_tokens + r.val_tokens == 1115394);
    CHECK(r.val_tokens == doctest::Approx(111539).epsilon(0.001));
    CHECK(shard_text(r.train) + shard_text(r.val) == read_file("../shared/data/tinyshakespeare.txt"));
}
