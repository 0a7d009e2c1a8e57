// test_vocab_gpt2.cpp: GPT-2's encoder.json + vocab.bpe (tokenizer/vocab_gpt2.h), and converting
// them to llm.c's gpt2_tokenizer.bin. Fails, naming `make gpt2-vocab`, where GPT-2's files are absent.
#include <doctest.h>

#include <cstdio>
#include <cstdlib>  // setenv
#include <string>

#include "data/common/files.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_gpt2.h"
#include "tokenizer/vocab_io.h"
#include "test/check.h"  // require_gpt2_vocab, temp_dir

static void write_bytes(const std::string& path, const std::string& data) {
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f);
    std::fwrite(data.data(), 1, data.size(), f);
    std::fclose(f);
}

TEST_CASE("vocab_gpt2/load") {
    const std::string gpt2 = require_gpt2_vocab();  // fails, saying how to get them, where they are absent
    Tokenizer tok;
    vocab_load_gpt2(tok, gpt2);
    tokenizer_build(tok);
    CHECK(tok.vocab.size() == 50257);
    CHECK(tok.eot == 50256);
    CHECK(tok.vocab[0] == "!");
    CHECK(tok.vocab[198] == "\n");
    CHECK(tok.vocab[220] == " ");
    CHECK(tok.vocab[31373] == "hello");
    // into llm.c's format and back: same vocabulary, same ids (encoding needs only the vocab)
    std::string path = temp_dir("vocab_gpt2") + "/gpt2_tokenizer.bin";
    vocab_save(tok, path);
    Tokenizer back;
    tokenizer_load(back, path);
    CHECK(back.vocab == tok.vocab);
    CHECK(back.eot == 50256);
    std::string s = "Hello world, it's GPT-2's tokenizer.\n";
    CHECK(tokenizer_encode(back, s) == tokenizer_encode(tok, s));
    // a vocab.bpe that disagrees with encoder.json is caught
    std::string dir = temp_dir("vocab_gpt2");
    write_bytes(dir + "/encoder.json", read_file(gpt2 + "/encoder.json"));
    write_bytes(dir + "/vocab.bpe", "#version: 0.2\nh e\n");
    Tokenizer bad;
    CHECK_THROWS_WITH_AS(vocab_load_gpt2(bad, dir), doctest::Contains("vocab.bpe"), Error);
}

TEST_CASE("vocab_gpt2/gpt2_dir") {
    setenv("SCRATCHGPT_GPT2_DIR", "/nonexistent-gpt2", 1);
    CHECK_THROWS_WITH_AS(gpt2_dir(), doctest::Contains("make gpt2-vocab"), Error);
    unsetenv("SCRATCHGPT_GPT2_DIR");
}

TEST_CASE("vocab_gpt2/malformed") {
    std::string dir = temp_dir("vocab_gpt2");
    write_bytes(dir + "/vocab.bpe", "#version: 0.2\n");
    struct Bad { std::string json; const char* why; };
    Bad bad[] = {
        {"", "expected a value"},
        {"{\"a\": }", "unexpected character"},
        {"[1]", "expected a JSON object"},
        {"{\"a\": 1.5}", "not an integer"},
        {"{\"a\": 0, \"b\": 1", "expected ','"},
        {"{\"a", "unterminated string"},
        {"{\"\\uZZZZ\": 0}", "bad \\u escape"},
        {"{\"a\": 0, \"b\": 0}", "once each"},
        {"{\"\\u0000\": 0}", "byte alphabet"},  // U+0000 spells no byte in GPT-2's alphabet
    };
    for (const Bad& b : bad) {
        CAPTURE(b.json);
        write_bytes(dir + "/encoder.json", b.json);
        Tokenizer tok;
        CHECK_THROWS_WITH_AS(vocab_load_gpt2(tok, dir), doctest::Contains("encoder.json"), Error);
        CHECK_THROWS_WITH_AS(vocab_load_gpt2(tok, dir), doctest::Contains(b.why), Error);
    }
}
