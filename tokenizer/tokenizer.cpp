// tokenizer.cpp: loading, the merge table, encode (serial and parallel) and decode. See tokenizer.h.
#include "tokenizer/tokenizer.h"

#include <algorithm>  // std::min, std::max

#include "data/common/files.h"  // Error, UsageError, file_exists
#include "tokenizer/bpe.h"            // bpe_encode_ordinary, PieceCache
#include "tokenizer/pretokenize.h"    // pretokenize_specials, pretokenize_next_cut, pretokenize_read_chunks
#include "tokenizer/vocab_gpt2.h"     // gpt2_dir, vocab_load_gpt2
#include "tokenizer/vocab_io.h"       // vocab_load_file

// ----------------------------------------------------------------------------
// loading

void tokenizer_load(Tokenizer& tok, const std::string& spec) {
    tok = Tokenizer();
    if (spec == "byte") {
        tok.name = "byte";
        for (int b = 0; b < 256; b++) tok.vocab.push_back(std::string(1, (char)b));
    } else if (spec == "gpt2") {
        vocab_load_gpt2(tok, gpt2_dir());
        tok.name = "gpt2";
    } else {
        vocab_load_file(tok, spec);
        tok.name = spec;
    }
    tokenizer_build(tok);
}

// The tokens' bytes as a trie: node 0 is the root, edge (node, byte) -> child; token_at[node] is the
// lowest id whose bytes (read forward, or backward from the last) spell the path to node, or -1.
struct ByteTrie {
    std::unordered_map<uint64_t, size_t> child;  // node << 8 | byte -> node
    std::vector<int> token_at = {-1};            // (nodes,)
    // the child of node along byte c, 0 if none (the root is nobody's child)
    size_t next(size_t node, char c) const {
        auto it = child.find((uint64_t)node << 8 | (unsigned char)c);
        return it == child.end() ? 0 : it->second;
    }
    void insert(const std::string& s, int id, bool backward) {
        size_t node = 0;
        for (size_t i = 0; i < s.size(); i++) {
            char c = backward ? s[s.size() - 1 - i] : s[i];
            auto [it, added] = child.emplace((uint64_t)node << 8 | (unsigned char)c, token_at.size());
            if (added) token_at.push_back(-1);
            node = it->second;
        }
        if (token_at[node] < 0) token_at[node] = id;  // on a duplicate the lower id (rank) wins
    }
};

void tokenizer_build(Tokenizer& tok) {
    // a special token of no bytes would match everywhere in the text without moving on (issue 16)
    std::vector<bool> special_id(tok.vocab.size(), false);  // (V,)
    for (int id : tok.specials) {
        if (id < 0 || (size_t)id >= tok.vocab.size() || tok.vocab[id].empty())
            throw Error(tok.name + ": special token " + std::to_string(id) + " is empty or outside the vocabulary");
        // found by test/fuzz/fuzz_vocab_llmc.cpp: an eot spelled "th " was split by the parallel encoder
        const std::string& sp = tok.vocab[id];
        if (pretokenize_cuttable(sp.data(), sp.size()))
            throw Error(tok.name + ": special token " + std::to_string(id) + " '" + sp +
                        "' holds white space or ends inside a character: encoding in parallel would split it");
        special_id[id] = true;
    }
    auto is_special = [&](int id) { return special_id[id]; };
    // bytes -> id of every ordinary token; on a duplicate the lower id (rank) wins
    std::unordered_map<std::string, int> id_of;
    for (size_t t = 0; t < tok.vocab.size(); t++)
        if (!is_special((int)t)) id_of.emplace(tok.vocab[t], (int)t);
    tok.byte_id.assign(256, -1);
    for (int b = 0; b < 256; b++) {
        auto it = id_of.find(std::string(1, (char)b));
        if (it == id_of.end()) throw Error(tok.name + ": vocabulary has no token for byte " + std::to_string(b));
        tok.byte_id[b] = it->second;
    }
    // Every way to cut a token into two tokens is a merge producing it, ranked by its id: the rule
    // tiktoken applies (it looks pairs up by their joined bytes), so only the vocab is needed.
    // subtle: looking up both halves of every cut by their bytes costs a token of L bytes L^2 (a
    // trained token of 500 KB of 'a' took minutes, at every load); two tries of the ordinary tokens,
    // one read forward and one backward, give every prefix and every suffix of a token that is a
    // token in one walk each, so the table costs the vocabulary's bytes.
    ByteTrie prefixes, suffixes;
    for (size_t t = 0; t < tok.vocab.size(); t++)
        if (!is_special((int)t)) {
            prefixes.insert(tok.vocab[t], (int)t, false);
            suffixes.insert(tok.vocab[t], (int)t, true);
        }
    tok.merges.clear();
    std::vector<int> left_id, right_id;  // (L,) id of s[0..k) and of s[k..L), or -1
    for (size_t t = 0; t < tok.vocab.size(); t++) {
        const std::string& s = tok.vocab[t];
        if (s.size() < 2 || is_special((int)t) || id_of.at(s) != (int)t) continue;
        const size_t L = s.size();
        left_id.assign(L, -1);
        right_id.assign(L, -1);
        for (size_t k = 1, node = 0; k < L && (node = prefixes.next(node, s[k - 1])) != 0; k++)
            left_id[k] = prefixes.token_at[node];
        for (size_t k = L - 1, node = 0; k >= 1 && (node = suffixes.next(node, s[k])) != 0; k--)
            right_id[k] = suffixes.token_at[node];
        for (size_t k = 1; k < L; k++) {
            if (left_id[k] < 0 || right_id[k] < 0) continue;
            uint64_t key = (uint64_t)(uint32_t)left_id[k] << 32 | (uint32_t)right_id[k];
            tok.merges.emplace(key, (int)t);  // tokens in id order: the first (lowest) rank stays
        }
    }
}

int tokenizer_vocab_size(const Tokenizer& tok) { return (int)tok.vocab.size(); }

template <class Id>
static size_t text_bytes(const Tokenizer& tok, const Id* ids, size_t n) {
    size_t bytes = 0;
    for (size_t i = 0; i < n; i++)
        if ((int)ids[i] != tok.eot) bytes += tok.vocab[ids[i]].size();
    return bytes;
}
size_t tokenizer_text_bytes(const Tokenizer& tok, const int* ids, size_t n) { return text_bytes(tok, ids, n); }
size_t tokenizer_text_bytes(const Tokenizer& tok, const uint16_t* ids, size_t n) { return text_bytes(tok, ids, n); }

// ----------------------------------------------------------------------------
// which tokenizer a model goes with

std::string tokenizer_recorded_in(const std::string& dir) { return dir + "/tokenizer.vocab"; }

std::string tokenizer_beside(const std::string& checkpoint) {
    size_t slash = checkpoint.find_last_of('/');
    return tokenizer_recorded_in(slash == std::string::npos ? "." : checkpoint.substr(0, slash));
}

std::string tokenizer_spec_for(const std::string& spec, int model_vocab, const std::string& checkpoint) {
    const int GPT2_VOCAB = 50257;  // GPT-2's encoder.json: 50000 merges + 256 bytes + <|endoftext|>
    if (!spec.empty()) return spec;
    if (!checkpoint.empty() && file_exists(tokenizer_beside(checkpoint))) return tokenizer_beside(checkpoint);
    return model_vocab == GPT2_VOCAB ? "gpt2" : "byte";
}

void tokenizer_load_for_model(Tokenizer& tok, const std::string& spec, int model_vocab, const std::string& checkpoint,
                              bool larger_on_purpose) {
    const std::string chosen = tokenizer_spec_for(spec, model_vocab, checkpoint);
    tokenizer_load(tok, chosen);
    const int n = tokenizer_vocab_size(tok);
    if (model_vocab == 0 || n == model_vocab) return;
    if (n < model_vocab && (larger_on_purpose || chosen == tokenizer_beside(checkpoint))) {
        // allowed, but said: a folder holding two runs' files would otherwise pass silently
        std::fprintf(stderr, "note: tokenizer %s has %d tokens for the %d ids of model %s (made larger with --vocab)\n",
                     chosen.c_str(), n, model_vocab, checkpoint.empty() ? "(fresh)" : checkpoint.c_str());
        return;
    }
    throw UsageError("tokenizer " + chosen + " has " + std::to_string(n) + " tokens but the model " + checkpoint +
                     " has " + std::to_string(model_vocab) + "; give the tokenizer it was trained with: --tokenizer FILE");
}

// ----------------------------------------------------------------------------
// encoding and decoding

// Appends the ids of s[0..n): ordinary text between special tokens (when allowed), which become their ids.
static void encode_span(const Tokenizer& tok, const char* s, size_t n, bool allow_special, PieceCache& cache,
                        std::vector<int>& out) {
    std::vector<std::string> specials;  // none: "<|endoftext|>" is plain text
    if (allow_special)
        for (int id : tok.specials) specials.push_back(tok.vocab[id]);
    pretokenize_specials(
        s, n, specials, [&](const char* text, size_t len) { bpe_encode_ordinary(tok, text, len, cache, out); },
        [&](size_t k) { out.push_back(tok.specials[k]); });
}

std::vector<int> tokenizer_encode(const Tokenizer& tok, const std::string& text, bool allow_special) {
    std::vector<int> out;
    PieceCache cache;
    encode_span(tok, text.data(), text.size(), allow_special, cache, out);
    return out;
}

std::vector<int> tokenizer_encode_parallel(const Tokenizer& tok, const std::string& text, bool allow_special,
                                           size_t chunk_bytes) {
    // chunk c is text[cuts[c], cuts[c+1]), cut by pretokenize.h's rule: the chunks encode as the whole
    if (chunk_bytes == 0) chunk_bytes = std::min(std::max(text.size() / 64, (size_t)64 << 10), (size_t)4 << 20);
    std::vector<size_t> cuts = {0};
    while (cuts.back() < text.size()) {
        size_t want = cuts.back() + chunk_bytes;
        cuts.push_back(want >= text.size() ? text.size() : pretokenize_next_cut(text.data(), text.size(), want));
    }
    long C = (long)cuts.size() - 1;
    if (C <= 1) return tokenizer_encode(tok, text, allow_special);  // no threads to wake for one chunk
    std::vector<std::vector<int>> parts((size_t)C);
#pragma omp parallel
    {
        PieceCache cache;  // per thread
#pragma omp for schedule(dynamic, 1)
        for (long c = 0; c < C; c++)
            encode_span(tok, text.data() + cuts[c], cuts[c + 1] - cuts[c], allow_special, cache, parts[c]);
    }
    std::vector<int> out;
    for (auto& p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

void tokenizer_encode_stream(const Tokenizer& tok, FILE* in, const std::string& name, bool allow_special,
                             const std::function<void(const std::vector<int>&)>& emit, size_t block_bytes) {
    pretokenize_read_chunks(in, name, block_bytes, [&](std::string& chunk) {
        emit(tokenizer_encode_parallel(tok, chunk, allow_special));
    });
}

std::string tokenizer_decode(const Tokenizer& tok, const int* ids, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; i++) {
        if (ids[i] < 0 || (size_t)ids[i] >= tok.vocab.size())
            throw Error("decode: id " + std::to_string(ids[i]) + " is outside the vocabulary of " + tok.name +
                        " (size " + std::to_string(tok.vocab.size()) + ")");
        out += tok.vocab[ids[i]];
    }
    return out;
}
