// test_vocab_io.cpp: vocabulary files (tokenizer/vocab_io.h): our text format and llm.c's
// gpt2_tokenizer.bin written and read back; clear errors on malformed or truncated files.
#include <doctest.h>

#include <cstdio>
#include <string>

#include "data/common/files.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_io.h"
#include "test/check.h"  // temp_dir

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
        {"/badhex.vocab", "scratchgpt tokenizer 1\nvocab_size 256\n0 \"\\xZZ\"\n", "bad \\x escape"},
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
