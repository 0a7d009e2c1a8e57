// tokenizer.cpp: the byte tokenizer (placeholder until BPE lands).
#include "tokenizer.h"
#include "../model/util.h"

void tokenizer_load(Tokenizer& tok, const std::string& spec) {
    if (spec != "byte") throw UsageError("--tokenizer " + spec + ": only 'byte' is available in this build");
    tok.name = "byte";
    tok.vocab.clear();
    for (int i = 0; i < 256; i++) tok.vocab.push_back(std::string(1, (char)i));
    tok.eot = -1;
}

int tokenizer_vocab_size(const Tokenizer& tok) { return (int)tok.vocab.size(); }

std::vector<int> tokenizer_encode(const Tokenizer&, const std::string& text, bool) {
    std::vector<int> ids(text.size());
    for (size_t i = 0; i < text.size(); i++) ids[i] = (unsigned char)text[i];
    return ids;
}

std::string tokenizer_decode(const Tokenizer& tok, const int* ids, size_t n) {
    std::string out;
    for (size_t i = 0; i < n; i++) out += tok.vocab.at(ids[i]);
    return out;
}

int tokenizer_main(int, char**) { throw UsageError("tokenizer: not available in this build"); }
