// test_vocab_io.cpp: vocabulary files (tokenizer/vocab_io.h): our text format and llm.c's
// gpt2_tokenizer.bin written and read back; GPT-2's encoder.json + vocab.bpe; clear errors.
#include <doctest.h>

#include <cstdio>
#include <cstdlib>
#include <string>

#include "../model/util.h"
#include "../tokenizer/tokenizer.h"
#include "../tokenizer/vocab_io.h"
#include "check.h"  // temp_dir, shared_dir

// bytes, then awkward tokens (quotes, backslashes, newlines, high bytes), then <|endoftext|>
static Tokenizer awkward() {
    Tokenizer tok;
    tok.name = "awkward";
    for (int b = 0; b < 256; b++) tok.vocab.push_back(std::string(1, (char)b));
    for (std::string s : {"\"q\"", "a\\b", "\n\n", " the", "\xff\xfe", "\xc3\xa9t\xc3\xa9", "  "}) tok.vocab.push_back(s);
    tok.eot = (int)tok.vocab.size();
    tok.specials = {tok.eot};
    tok.vocab.push_back("<|endoftext|>");
    tokenizer_build(tok);
    return tok;
}

static void write_bytes(const std::string& path, const std::string& data) {
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
}

TEST_CASE("vocab_io/save and load") {
    Tokenizer tok = awkward();
    std::string dir = temp_dir("vocab_io");
    for (std::string name : {"/tok.vocab", "/tok.bin"}) {
        CAPTURE(name);
        vocab_save(tok, dir + name);
        Tokenizer back;
        tokenizer_load(back, dir + name);
        CHECK(back.vocab == tok.vocab);
        CHECK(back.eot == tok.eot);
        CHECK(back.specials == tok.specials);
        CHECK(tokenizer_encode(back, "\"q\" the\n\n") == tokenizer_encode(tok, "\"q\" the\n\n"));
    }
    // llm.c's header: magic, version 2, vocab size, eot
    std::string bin = read_file(dir + "/tok.bin");
    const int32_t* h = (const int32_t*)bin.data();
    CHECK(h[0] == 20240328);
    CHECK(h[1] == 2);
    CHECK(h[2] == (int)tok.vocab.size());
    CHECK(h[3] == tok.eot);
}

TEST_CASE("vocab_io/load malformed") {
    Tokenizer tok = awkward(), back;
    std::string dir = temp_dir("vocab_io");
    vocab_save(tok, dir + "/good.vocab");
    vocab_save(tok, dir + "/good.bin");
    std::string text = read_file(dir + "/good.vocab"), bin = read_file(dir + "/good.bin");
    struct Bad { const char* name; std::string data; const char* why; };
    Bad bad[] = {
        {"/cut.vocab", text.substr(0, text.size() / 2), "truncated"},
        {"/cut.bin", bin.substr(0, bin.size() - 5), "truncated"},
        {"/header.bin", bin.substr(0, 100), "truncated"},
        {"/version.vocab", "scratchgpt tokenizer 9\n", "not a vocabulary of this version"},
        {"/garbage.vocab", "hello\n", "not a vocabulary file"},
        {"/empty.vocab", "", "not a vocabulary file"},
        {"/badline.vocab", "scratchgpt tokenizer 1\nvocab_size 256\n0 \"\\x00\"\n7 oops\n", "expected token 1"},
    };
    for (const Bad& b : bad) {
        CAPTURE(b.name);
        write_bytes(dir + b.name, b.data);
        // the message names the file and says what is wrong
        CHECK_THROWS_WITH_AS(tokenizer_load(back, dir + b.name), doctest::Contains(b.name), Error);
        CHECK_THROWS_WITH_AS(tokenizer_load(back, dir + b.name), doctest::Contains(b.why), Error);
    }
    CHECK_THROWS_WITH_AS(tokenizer_load(back, dir + "/missing.vocab"), doctest::Contains("missing.vocab"), Error);
}

TEST_CASE("vocab_io/gpt2") {
    if (!file_exists(shared_dir() + "/data/gpt2/encoder.json")) {
        MESSAGE("skipped: GPT-2's encoder.json + vocab.bpe are not in ../shared/data/gpt2 (run `make gpt2-vocab`)");
        return;
    }
    Tokenizer tok;
    vocab_load_gpt2(tok, shared_dir() + "/data/gpt2");
    tokenizer_build(tok);
    CHECK(tok.vocab.size() == 50257);
    CHECK(tok.eot == 50256);
    CHECK(tok.vocab[0] == "!");
    CHECK(tok.vocab[198] == "\n");
    CHECK(tok.vocab[220] == " ");
    CHECK(tok.vocab[31373] == "hello");
    // into llm.c's format and back: same vocabulary, same ids (encoding needs only the vocab)
    std::string path = temp_dir("vocab_io") + "/gpt2_tokenizer.bin";
    vocab_save(tok, path);
    Tokenizer back;
    tokenizer_load(back, path);
    CHECK(back.vocab == tok.vocab);
    CHECK(back.eot == 50256);
    std::string s = "Hello world, it's GPT-2's tokenizer.\n";
    CHECK(tokenizer_encode(back, s) == tokenizer_encode(tok, s));
    // a vocab.bpe that disagrees with encoder.json is caught
    std::string dir = temp_dir("vocab_io");
    write_bytes(dir + "/encoder.json", read_file(shared_dir() + "/data/gpt2/encoder.json"));
    write_bytes(dir + "/vocab.bpe", "#version: 0.2\nh e\n");
    Tokenizer bad;
    CHECK_THROWS_WITH_AS(vocab_load_gpt2(bad, dir), doctest::Contains("vocab.bpe"), Error);
}

TEST_CASE("vocab_io/gpt2_dir") {
    setenv("SCRATCHGPT_GPT2_DIR", "/nonexistent-gpt2", 1);
    CHECK_THROWS_WITH_AS(gpt2_dir(), doctest::Contains("make gpt2-vocab"), Error);
    unsetenv("SCRATCHGPT_GPT2_DIR");
}
