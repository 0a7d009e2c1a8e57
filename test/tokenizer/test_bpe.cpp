// test_bpe.cpp: the merge step (tokenizer/bpe.h) on hand-worked vocabularies.
#include <doctest.h>

#include <random>
#include <string>
#include <vector>

#include "tokenizer/bpe.h"
#include "tokenizer/tokenizer.h"

// bytes 0..255 then the given tokens as ids 256, 257, ...
static Tokenizer tiny(const std::vector<std::string>& merged) {
    Tokenizer tok;
    tok.name = "tiny";
    for (int b = 0; b < 256; b++) tok.vocab.push_back(std::string(1, (char)b));
    for (auto& s : merged) tok.vocab.push_back(s);
    tokenizer_build(tok);
    return tok;
}

static std::vector<int> piece(const Tokenizer& tok, const std::string& s) {
    std::vector<int> out;
    bpe_encode_piece(tok, s.data(), s.size(), out);
    return out;
}

TEST_CASE("bpe/encode_piece") {
    // hand-worked: "abc" = a b c; (b,c) has rank 256 < (a,b)'s 257, so a|bc; then a+bc spells
    // token 258 "abc", which is a merge under tiktoken's rule (pairs are looked up by their bytes)
    Tokenizer tok = tiny({"bc", "ab", "abc", "aa", "aaaa"});
    CHECK(piece(tok, "abc") == std::vector<int>{258});
    CHECK(piece(tok, "abab") == std::vector<int>{257, 257});
    CHECK(piece(tok, "x") == std::vector<int>{'x'});
    // equal ranks: the leftmost pair merges first, like GPT-2's left-to-right replacement
    CHECK(piece(tok, "aaa") == std::vector<int>{259, 'a'});
    CHECK(piece(tok, "aaaa") == std::vector<int>{260});
    CHECK(piece(tok, "aaaaa") == std::vector<int>{260, 'a'});
    CHECK(piece(tok, "abcabc") == std::vector<int>{258, 258});
}

TEST_CASE("bpe/encode_piece long") {
    // a piece of 200k bytes (a text with no spaces) must stay fast (heap, not quadratic) and exact
    Tokenizer tok = tiny({"ab", "ba", "aa", "abab", "aaaa", "bb"});
    std::mt19937 rng(7);
    std::string s;
    for (int k = 0; k < 200000; k++) s += "ab"[rng() % 2];
    std::vector<int> ids = piece(tok, s);
    CHECK(ids.size() < s.size());
    CHECK(tokenizer_decode(tok, ids.data(), ids.size()) == s);
}

TEST_CASE("bpe/encode_ordinary") {
    Tokenizer tok = tiny({" t", "he", " the", "th"});
    PieceCache cache;
    std::vector<int> out;
    std::string s = "the the";  // pieces "the" " the"
    bpe_encode_ordinary(tok, s.data(), s.size(), cache, out);
    // "the": (h,e) has rank 257 < (t,h)'s 259, so t|he, and "the" is no token;
    // " the": (' ',t) 256 first, then (h,e) 257, then " t"+"he" = " the" 258
    CHECK(out == std::vector<int>{'t', 257, 258});
}
