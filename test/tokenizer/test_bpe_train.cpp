// test_bpe_train.cpp: learning merges (tokenizer/bpe_train.h): a hand-worked corpus, the tie rule,
// the incremental counts against a naive recount, and a trained vocabulary used end to end.
#include <doctest.h>

#include <algorithm>
#include <chrono>  // the linear-time case
#include <cstdio>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "data/common/files.h"
#include "tokenizer/bpe_train.h"
#include "tokenizer/tokenizer.h"
#include "tokenizer/vocab_io.h"  // vocab_save: the long word's vocabulary saved and loaded
#include "test/check.h"  // temp_dir

TEST_CASE("bpe_train/count_words") {
    WordCounts counts;
    std::string s = "aa b<|endoftext|>aa b aa";
    bpe_count_words(s.data(), s.size(), {"<|endoftext|>"}, counts);
    CHECK(counts.size() == 3);
    CHECK(counts["aa"] == 2);
    CHECK(counts[" b"] == 2);
    CHECK(counts[" aa"] == 1);
    CHECK(counts.count("<|endoftext|>") == 0);  // a document end, never learned
    // a file gives the same counts
    std::string path = temp_dir("bpe_train") + "/corpus.txt";
    FILE* f = std::fopen(path.c_str(), "wb");
    std::fwrite(s.data(), 1, s.size(), f);
    std::fclose(f);
    WordCounts from_file;
    bpe_count_file(path, {"<|endoftext|>"}, from_file);
    CHECK(from_file == counts);
    CHECK_THROWS_WITH_AS(bpe_count_file(path + ".missing", {}, from_file), doctest::Contains("corpus.txt.missing"), Error);
}

TEST_CASE("bpe_train/train hand-worked") {
    // pieces "aaab" " aab" " ab":  (a,a)=3 and (a,b)=3 tie -> the smaller pair (97,97) wins: 256 "aa";
    // then (a,b)=2: 257 "ab"; then four pairs of count 1 tie -> the smallest, (32,256): 258 " aa"
    WordCounts counts;
    std::string s = "aaab aab ab";
    bpe_count_words(s.data(), s.size(), {}, counts);
    BpeTrainOptions opt;
    opt.vocab_size = 260;
    Tokenizer tok;
    bpe_train(tok, counts, opt);
    REQUIRE(tok.vocab.size() == 260);
    CHECK(tok.vocab[256] == "aa");
    CHECK(tok.vocab[257] == "ab");
    CHECK(tok.vocab[258] == " aa");
    CHECK(tok.vocab[259] == "<|endoftext|>");
    CHECK(tok.eot == 259);
    CHECK(tokenizer_encode(tok, "aaab aab") == std::vector<int>{256, 257, 258, 'b'});
    CHECK_THROWS_AS([&] { opt.vocab_size = 256; bpe_train(tok, counts, opt); }(), Error);
}

// The textbook trainer: recount every pair before every merge (minbpe's way). Same tie rule.
static std::vector<std::string> naive_train(const WordCounts& counts, int n_merges) {
    std::vector<std::string> vocab;
    for (int b = 0; b < 256; b++) vocab.push_back(std::string(1, (char)b));
    std::vector<std::pair<std::vector<int>, int64_t>> words;
    for (auto& [w, c] : counts) {
        std::vector<int> ids;
        for (unsigned char ch : w) ids.push_back(ch);
        words.push_back({ids, c});
    }
    for (int m = 0; m < n_merges; m++) {
        std::map<std::pair<int, int>, int64_t> pc;  // ordered: the first max is the smallest pair
        for (auto& [ids, c] : words)
            for (size_t k = 0; k + 1 < ids.size(); k++) pc[{ids[k], ids[k + 1]}] += c;
        if (pc.empty()) break;
        auto best = pc.begin();
        for (auto it = pc.begin(); it != pc.end(); ++it)
            if (it->second > best->second) best = it;
        int t = 256 + m;
        vocab.push_back(vocab[best->first.first] + vocab[best->first.second]);
        for (auto& [ids, c] : words) {
            std::vector<int> out;
            for (size_t k = 0; k < ids.size(); k++) {
                if (k + 1 < ids.size() && ids[k] == best->first.first && ids[k + 1] == best->first.second) { out.push_back(t); k++; }
                else out.push_back(ids[k]);
            }
            ids = out;
        }
    }
    return vocab;
}

// a seeded pseudo-text: words from a small alphabet with repeats (aa, aaa...) to exercise overlaps
static std::string synthetic_text(size_t n_words, unsigned seed) {
    std::mt19937 rng(seed);
    const char* alphabet[] = {"a", "a", "b", "n", "e", "s", "t", "'s", "é", "1"};
    std::string s;
    for (size_t w = 0; w < n_words; w++) {
        int len = 1 + (int)(rng() % 7);
        for (int k = 0; k < len; k++) s += alphabet[rng() % 10];
        s += (rng() % 9 == 0) ? "\n" : (rng() % 5 == 0 ? ", " : " ");
    }
    return s;
}

TEST_CASE("bpe_train/train incremental equals recount") {
    std::string text = synthetic_text(4000, 42);
    WordCounts counts;
    bpe_count_words(text.data(), text.size(), {}, counts);
    BpeTrainOptions opt;
    opt.vocab_size = 256 + 300 + 1;
    Tokenizer tok;
    bpe_train(tok, counts, opt);
    std::vector<std::string> want = naive_train(counts, 300);
    REQUIRE(tok.vocab.size() == want.size() + 1);
    for (size_t t = 0; t < want.size(); t++) {
        CAPTURE(t);
        CHECK(tok.vocab[t] == want[t]);
    }
    // deterministic: a second run gives the same vocabulary
    Tokenizer again;
    bpe_train(again, counts, opt);
    CHECK(again.vocab == tok.vocab);
}

TEST_CASE("bpe_train/train end to end") {
    std::string text = synthetic_text(3000, 5) + "<|endoftext|>" + synthetic_text(100, 6);
    WordCounts counts;
    bpe_count_words(text.data(), text.size(), {"<|endoftext|>"}, counts);
    BpeTrainOptions opt;
    opt.vocab_size = 512;
    Tokenizer tok;
    bpe_train(tok, counts, opt);
    CHECK(tokenizer_vocab_size(tok) == 512);
    std::vector<int> ids = tokenizer_encode(tok, text, true);
    CHECK(ids.size() < text.size() / 2);  // it compresses
    CHECK(std::count(ids.begin(), ids.end(), tok.eot) == 1);
    CHECK(tokenizer_decode(tok, ids.data(), ids.size()) == text);
}

// issue 16: `./train tokenizer train --vocab-size 1000` on one word of 'a' took 16 s for 200 KB and
// over a minute for 1 MB; here 512 KB (the merge table copied both halves of every cut of its half-length
// tokens); training and loading are linear in the text now
TEST_CASE("bpe_train/one long word trains and loads in linear time") {
    const size_t n = (size_t)1 << 19;
    std::string text(n, 'a');
    auto t0 = std::chrono::steady_clock::now();
    WordCounts counts;
    bpe_count_words(text.data(), text.size(), {}, counts);
    BpeTrainOptions opt;
    opt.vocab_size = 1000;
    Tokenizer tok;
    bpe_train(tok, counts, opt);
    std::string path = temp_dir("bpe_train") + "/long.vocab";
    vocab_save(tok, path);
    Tokenizer back;
    tokenizer_load(back, path);
    double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    CHECK(s < 10.0);
    CHECK(back.vocab == tok.vocab);
    std::vector<int> ids = tokenizer_encode(back, text);
    CHECK(ids.size() < 40);  // tokens of 2^k a's: a handful cover it
    CHECK(tokenizer_decode(back, ids.data(), ids.size()) == text);
}
