// test_vocab_io.cpp: vocabulary files (tokenizer/vocab_io.h): our text format and llm.c's
// gpt2_tokenizer.bin written and read back; clear errors on malformed or truncated files.
#include <doctest.h>

#include <cstdio>
#include <cstring>  // memset
#include <string>
#include <vector>

#include "data/common/binary_header.h"  // header_seal, the checksum slots
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
}

// llm.c's gpt2_tokenizer.bin built by hand from the layout in vocab_io.h, not by vocab_io.cpp:
// 256 int32 {20240328, version, V, eot (version 2), 0...}, then per token a length byte and its bytes.
static std::string llmc_tokenizer_bytes(const std::vector<std::string>& vocab, int32_t version, int32_t eot) {
    int32_t header[256] = {20240328, version, (int32_t)vocab.size(), version == 2 ? eot : 0};  // the rest zero
    std::string out((const char*)header, sizeof header);
    for (const std::string& t : vocab) out += (char)t.size() + t;
    return out;
}

TEST_CASE("vocab_io/llm.c format byte for byte") {
    Tokenizer tok = awkward();
    std::string dir = temp_dir("vocab_io");
    vocab_save(tok, dir + "/tok.bin");
    // llm.c's bytes but for the checksum slots 253..255, which llm.c writes as 0 and never reads
    std::string ours = read_file(dir + "/tok.bin");
    REQUIRE(ours.size() > HEADER_BYTES);
    CHECK(ours.compare(4 * HEADER_SLOT_CHECKSUMS, 4, "CRC1") == 0);
    std::memset(&ours[4 * HEADER_SLOT_CHECKSUMS], 0, 3 * 4);
    CHECK(ours == llmc_tokenizer_bytes(tok.vocab, 2, tok.eot));
    // version 1 (llm.c's first) has no eot slot: the eot is the last token, as in GPT-2's
    write_bytes(dir + "/v1.bin", llmc_tokenizer_bytes(tok.vocab, 1, 0));
    Tokenizer v1;
    tokenizer_load(v1, dir + "/v1.bin");
    CHECK(v1.vocab == tok.vocab);
    CHECK(v1.eot == (int)tok.vocab.size() - 1);
}

// The text vocabulary `text` with its last token (the special one, 263) spelled `spelling`;
// asserts that `special_line` is there, so the case cannot pass on a changed fixture.
static std::string with_last_token(const std::string& text, const std::string& special_line, const std::string& spelling) {
    REQUIRE(text.find(special_line + "\n") != std::string::npos);
    size_t last = text.rfind("\n263 ");
    REQUIRE(last != std::string::npos);
    return text.substr(0, last) + "\n263 " + spelling + "\n";
}

TEST_CASE("vocab_io/load malformed") {
    Tokenizer tok = awkward(), back;
    std::string dir = temp_dir("vocab_io");
    vocab_save(tok, dir + "/good.vocab");
    vocab_save(tok, dir + "/good.bin");
    std::string text = read_file(dir + "/good.vocab"), bin = read_file(dir + "/good.bin");
    auto sealed = [](std::string bytes) {  // an edit as a writer would have made it, checksums and all
        header_seal(bytes);
        return bytes;
    };
    struct Bad { const char* name; std::string data; const char* why; };
    Bad bad[] = {
        {"/cut.vocab", text.substr(0, text.size() / 2), "truncated"},
        {"/cut.bin", sealed(bin.substr(0, bin.size() - 5)), "truncated"},
        {"/header.bin", bin.substr(0, 100), "truncated: 100 bytes, shorter than the 1024-byte llm.c tokenizer header"},
        {"/version.bin", sealed(std::string(bin).replace(4, 1, "\x03")), "unsupported llm.c tokenizer version 3 (expected 1 or 2)"},
        // issue 16: damage on disk (a byte of a token, not resealed), and a cut file as it is (not resealed)
        {"/flipped.bin", std::string(bin).replace(HEADER_BYTES + 20, 1, "\x7f"), "damaged: its llm.c tokenizer data does not match"},
        {"/cut-unsealed.bin", bin.substr(0, bin.size() - 5), "damaged: its llm.c tokenizer data does not match"},
        {"/version.vocab", "scratchgpt tokenizer 9\n", "not a vocabulary of this version"},
        {"/garbage.vocab", "hello\n", "not a vocabulary file"},
        {"/empty.vocab", "", "not a vocabulary file"},
        {"/badhex.vocab", "scratchgpt tokenizer 1\nvocab_size 256\n0 \"\\xZZ\"\n", "bad \\x escape"},
        {"/badline.vocab", "scratchgpt tokenizer 1\nvocab_size 256\n0 \"\\x00\"\n7 oops\n", "expected token 1"},
        // issue 16: a special token spelled "" matched everywhere without moving on: encode never ended
        {"/emptyspecial.vocab", with_last_token(text, "special 263", "\"\""), "special token 263 is empty"},
        // found by test/fuzz/fuzz_vocab_llmc.cpp: a special with white space inside, split by the parallel encoder
        {"/spacedspecial.vocab", with_last_token(text, "special 263", "\"th \""), "special token 263 'th ' holds white space"},
        // a special listed again would be searched for again at every match
        {"/twice.vocab", std::string(text).replace(text.find("special 263"), 11, "special 263\nspecial 263"),
         "special id 263 listed twice"},
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
