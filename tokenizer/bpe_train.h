// bpe_train.h: learning a byte-level BPE vocabulary from a corpus (GPT-2's recipe).
// The corpus is cut at special tokens (they are documents' ends, never learned) and
// split by GPT-2's pattern; identical pieces are counted once with their frequency.
// Then each step merges the most frequent adjacent pair of tokens into a new token.
// Pair counts are computed once and then updated only in the words that hold the
// merged pair (an index pair -> words), with a lazily updated max-heap to find the
// best pair: no full recount per merge (minbpe's teaching version recounts; we can't).
// Tie rule, stated and deterministic: among equally frequent pairs, the smallest
// (left id, right id) wins. The vocab: ids 0..255 = bytes, 256.. = merges in order,
// then the special tokens. The result does not depend on hash order or thread count.
#pragma once
#include <cstdint>  // int64_t
#include <string>
#include <unordered_map>
#include <vector>

#include "tokenizer/tokenizer.h"  // Tokenizer

struct BpeTrainOptions {
    int vocab_size = 4096;                                  // total: 256 bytes + merges + specials
    std::vector<std::string> specials = {"<|endoftext|>"};  // appended last, in this order
    bool verbose = false;                                   // print progress to stderr
};

// piece bytes -> how often it occurs in the corpus
using WordCounts = std::unordered_map<std::string, int64_t>;

// Adds the pieces of s[0..n) to counts; occurrences of the specials are skipped, not split.
void bpe_count_words(const char* s, size_t n, const std::vector<std::string>& specials, WordCounts& counts);
// The same for a file of any size, read in chunks cut by pretokenize.h's rule. Throws Error naming it.
void bpe_count_file(const std::string& path, const std::vector<std::string>& specials, WordCounts& counts);

// Learns opt.vocab_size - 256 - specials merges (fewer if the words run out of pairs) into tok,
// which is then ready to encode. Throws Error if vocab_size leaves no room for the bytes and specials.
void bpe_train(Tokenizer& tok, const WordCounts& counts, const BpeTrainOptions& opt);
