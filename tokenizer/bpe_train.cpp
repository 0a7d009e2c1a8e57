// bpe_train.cpp: counting words, then merges with incremental pair counts. See bpe_train.h.
#include "tokenizer/bpe_train.h"

#include <chrono>   // progress timing
#include <cstdio>   // fprintf, FILE
#include <memory>   // std::unique_ptr: the file
#include <queue>    // std::priority_queue

#include "data/common/files.h"  // Error, File
#include "tokenizer/pretokenize.h"    // pretokenize_piece_end, pretokenize_specials, pretokenize_read_chunks

// ----------------------------------------------------------------------------
// counting the pieces of the corpus

void bpe_count_words(const char* s, size_t n, const std::vector<std::string>& specials, WordCounts& counts) {
    auto count_pieces = [&](const char* text, size_t len) {
        for (size_t i = 0; i < len;) {
            size_t e = pretokenize_piece_end(text, len, i);
            counts[std::string(text + i, e - i)]++;
            i = e;
        }
    };
    pretokenize_specials(s, n, specials, count_pieces, [](size_t) {});  // specials: skipped, not counted
}

void bpe_count_file(const std::string& path, const std::vector<std::string>& specials, WordCounts& counts) {
    const size_t BLOCK = (size_t)16 << 20;  // bytes read at a time; memory stays ~1 block
    File f(path);  // closed on a throw too
    pretokenize_read_chunks(f.get(), path, BLOCK, [&](std::string& chunk) {
        bpe_count_words(chunk.data(), chunk.size(), specials, counts);
    });
}

// ----------------------------------------------------------------------------
// merging

static uint64_t pair_key(int a, int b) { return (uint64_t)(uint32_t)a << 32 | (uint32_t)b; }

// a heap entry: a pair and its count when pushed (stale if the count changed since)
struct PairCount {
    int64_t count;
    int a, b;
};
// priority_queue's "less": the top is the highest count, then the smallest (a, b)  (the tie rule)
struct PairOrder {
    bool operator()(const PairCount& x, const PairCount& y) const {
        if (x.count != y.count) return x.count < y.count;
        return x.a != y.a ? x.a > y.a : x.b > y.b;
    }
};

void bpe_train(Tokenizer& tok, const WordCounts& counts, const BpeTrainOptions& opt) {
    int n_merges = opt.vocab_size - 256 - (int)opt.specials.size();
    if (n_merges < 0)
        throw Error("--vocab-size " + std::to_string(opt.vocab_size) + ": must be at least 256 + " +
                    std::to_string(opt.specials.size()) + " special tokens");
    auto t0 = std::chrono::steady_clock::now();
    tok = Tokenizer();
    tok.name = "trained";
    for (int b = 0; b < 256; b++) tok.vocab.push_back(std::string(1, (char)b));

    // the words as token lists, starting from bytes (id = byte value), each with its frequency
    std::vector<std::vector<int>> words;  // (W,) tokens of word w
    std::vector<int64_t> freq;            // (W,)
    words.reserve(counts.size());
    for (auto& [w, c] : counts) {
        words.emplace_back(w.begin(), w.end());
        for (int& x : words.back()) x = (unsigned char)x;
        freq.push_back(c);
    }
    // count every adjacent pair once, and remember which words hold it
    std::unordered_map<uint64_t, int64_t> pair_count;
    std::unordered_map<uint64_t, std::vector<int>> where;  // pair -> words that held it (may repeat or be stale)
    for (size_t w = 0; w < words.size(); w++)
        for (size_t k = 0; k + 1 < words[w].size(); k++) {
            uint64_t p = pair_key(words[w][k], words[w][k + 1]);
            pair_count[p] += freq[w];
            auto& ws = where[p];
            if (ws.empty() || ws.back() != (int)w) ws.push_back((int)w);
        }
    std::priority_queue<PairCount, std::vector<PairCount>, PairOrder> heap;
    for (auto& [p, c] : pair_count) heap.push({c, (int)(p >> 32), (int)(uint32_t)p});

    std::vector<int> touched(words.size(), -1);  // the last merge that rewrote word w
    std::vector<int> merged;                     // scratch: the rewritten word
    for (int m = 0; m < n_merges; m++) {
        // the best pair whose heap entry is current; a stale entry is re-pushed with its true count
        PairCount best{0, 0, 0};
        while (!heap.empty()) {
            PairCount top = heap.top();
            heap.pop();
            auto it = pair_count.find(pair_key(top.a, top.b));
            int64_t now = it == pair_count.end() ? 0 : it->second;
            if (now == top.count) { best = top; break; }
            if (now > 0) heap.push({now, top.a, top.b});
        }
        if (best.count <= 0) {
            if (opt.verbose) std::fprintf(stderr, "train: no pairs left after %d merges\n", m);
            break;
        }
        int t = 256 + m;  // the new token
        tok.vocab.push_back(tok.vocab[best.a] + tok.vocab[best.b]);
        uint64_t key = pair_key(best.a, best.b);
        std::vector<int> holders = std::move(where[key]);
        where.erase(key);
        std::vector<uint64_t> grown;  // pairs with t whose counts rose: pushed once each below
        for (int w : holders) {
            if (touched[w] == m) continue;
            touched[w] = m;
            std::vector<int>& word = words[w];
            // forward: word -> merged, replacing each (a, b) left to right, without overlaps
            merged.clear();
            for (size_t k = 0; k < word.size(); k++) {
                if (k + 1 < word.size() && word[k] == best.a && word[k + 1] == best.b) { merged.push_back(t); k++; }
                else merged.push_back(word[k]);
            }
            if (merged.size() == word.size()) continue;  // a stale holder
            // counts: take out all pairs of the old word, put in all pairs of the new one
            for (size_t k = 0; k + 1 < word.size(); k++) pair_count[pair_key(word[k], word[k + 1])] -= freq[w];
            for (size_t k = 0; k + 1 < merged.size(); k++) {
                uint64_t p = pair_key(merged[k], merged[k + 1]);
                pair_count[p] += freq[w];
                if (merged[k] == t || merged[k + 1] == t) {  // a pair that did not exist before this merge
                    auto& ws = where[p];
                    if (ws.empty()) grown.push_back(p);
                    if (ws.empty() || ws.back() != w) ws.push_back(w);
                }
            }
            word.swap(merged);
        }
        pair_count.erase(key);
        for (uint64_t p : grown) heap.push({pair_count[p], (int)(p >> 32), (int)(uint32_t)p});
        if (opt.verbose && ((m + 1) % 1000 == 0 || m + 1 == n_merges)) {
            double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            std::fprintf(stderr, "train: merge %d/%d  count %lld  %.2fs\n", m + 1, n_merges, (long long)best.count, s);
        }
    }
    for (const std::string& sp : opt.specials) {
        tok.specials.push_back((int)tok.vocab.size());
        if (sp == "<|endoftext|>") tok.eot = (int)tok.vocab.size();
        tok.vocab.push_back(sp);
    }
    tokenizer_build(tok);
}
