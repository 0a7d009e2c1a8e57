// bpe.h: the merge step of byte-level BPE, applied to one pre-tokenized piece at a time.
// A piece's bytes start as one-byte tokens; then, as long as some adjacent pair of
// tokens joins into a token of the vocabulary, the pair with the lowest rank (leftmost
// on a tie) is merged. This is tiktoken's rule; for GPT-2's vocabulary it gives exactly
// GPT-2's ids. A heap keeps each piece O(n log n), so a megabyte without spaces is no trap.
// Pieces repeat a lot in text, so their ids are cached (one cache per thread).
#pragma once
#include <cstddef>  // size_t
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizer/tokenizer.h"  // Tokenizer

// Appends the ids of one piece s[0..n), n >= 1.
void bpe_encode_piece(const Tokenizer& tok, const char* s, size_t n, std::vector<int>& out);

// piece bytes -> its ids; emptied when it grows past BPE_CACHE_MAX pieces, so memory stays bounded
using PieceCache = std::unordered_map<std::string, std::vector<int>>;
constexpr size_t BPE_CACHE_MAX = (size_t)1 << 18;

// Appends the ids of s[0..n) with no special tokens: pre-tokenize, then BPE each piece.
void bpe_encode_ordinary(const Tokenizer& tok, const char* s, size_t n, PieceCache& cache, std::vector<int>& out);
