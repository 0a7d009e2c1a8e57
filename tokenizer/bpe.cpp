// bpe.cpp: merging one piece, and encoding text without special tokens. See bpe.h.
#include "tokenizer/bpe.h"

#include <functional>  // std::greater
#include <queue>       // std::priority_queue
#include <utility>     // std::pair

#include "tokenizer/pretokenize.h"  // pretokenize_piece_end

// the token that left and right join into, or -1
static int merged_id(const Tokenizer& tok, int left, int right) {
    auto it = tok.merges.find((uint64_t)(uint32_t)left << 32 | (uint32_t)right);
    return it == tok.merges.end() ? -1 : it->second;
}

void bpe_encode_piece(const Tokenizer& tok, const char* s, size_t n, std::vector<int>& out) {
    // the piece as a doubly linked list of tokens; node k starts at byte k, so node order is text order
    std::vector<int> id(n), prev(n), next(n);  // (n,) each; next == -1 ends the list
    for (size_t k = 0; k < n; k++) {
        id[k] = tok.byte_id[(unsigned char)s[k]];
        prev[k] = (int)k - 1;
        next[k] = k + 1 < n ? (int)k + 1 : -1;
    }
    // candidate merges as (rank, left node); the smallest pops first: lowest rank, then leftmost
    using Cand = std::pair<int, int>;
    std::priority_queue<Cand, std::vector<Cand>, std::greater<Cand>> heap;
    auto push = [&](int left) {
        if (left < 0 || next[left] < 0) return;
        int m = merged_id(tok, id[left], id[next[left]]);
        if (m >= 0) heap.push({m, left});
    };
    for (size_t k = 0; k + 1 < n; k++) push((int)k);
    while (!heap.empty()) {
        auto [rank, left] = heap.top();
        heap.pop();
        // subtle: entries go stale when a neighbour merges; a live one still names this exact merge
        // (every merge pushes fresh entries for the two pairs it changes)
        if (id[left] < 0 || next[left] < 0 || merged_id(tok, id[left], id[next[left]]) != rank) continue;
        int right = next[left];  // left absorbs right
        id[left] = rank;
        id[right] = -1;
        next[left] = next[right];
        if (next[right] >= 0) prev[next[right]] = left;
        push(prev[left]);
        push(left);
    }
    for (int k = 0; k >= 0; k = next[k]) out.push_back(id[k]);
}

void bpe_encode_ordinary(const Tokenizer& tok, const char* s, size_t n, PieceCache& cache, std::vector<int>& out) {
    if (tok.merges.empty()) {  // the byte tokenizer (or a vocab with no merges): one id per byte
        for (size_t k = 0; k < n; k++) out.push_back(tok.byte_id[(unsigned char)s[k]]);
        return;
    }
    for (size_t i = 0; i < n;) {
        size_t e = pretokenize_piece_end(s, n, i);
        if (e - i == 1) {
            out.push_back(tok.byte_id[(unsigned char)s[i]]);
        } else {
            std::string piece(s + i, e - i);
            auto it = cache.find(piece);
            if (it == cache.end()) {
                if (cache.size() >= BPE_CACHE_MAX) cache.clear();
                std::vector<int> ids;
                bpe_encode_piece(tok, s + i, e - i, ids);
                it = cache.emplace(std::move(piece), std::move(ids)).first;
            }
            out.insert(out.end(), it->second.begin(), it->second.end());
        }
        i = e;
    }
}
