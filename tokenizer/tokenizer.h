// tokenizer.h: text <-> token ids.  (interface; the BPE implementation lands with issue 3)
// The trainer only ever sees a Tokenizer through these functions, so a byte
// tokenizer (ids 0..255 = the bytes) and GPT-2's BPE are interchangeable.
#pragma once
#include <cstddef>
#include <string>
#include <vector>

struct Tokenizer {
    std::string name;                  // "byte", "gpt2", or the file it was loaded from
    std::vector<std::string> vocab;    // id -> the bytes it stands for
    int eot = -1;                      // id of <|endoftext|>, or -1 if there is none
};

// spec: "byte", "gpt2" (GPT-2's encoder.json + vocab.bpe), or a path to a vocabulary file.
// Throws Error naming the file on a missing or malformed vocabulary.
void tokenizer_load(Tokenizer& tok, const std::string& spec);
int tokenizer_vocab_size(const Tokenizer& tok);
// allow_special: "<|endoftext|>" in the text becomes its single id instead of plain text.
std::vector<int> tokenizer_encode(const Tokenizer& tok, const std::string& text, bool allow_special = false);
std::string tokenizer_decode(const Tokenizer& tok, const int* ids, size_t n);
// `./train tokenizer encode|decode|train ...`; returns the exit status.
int tokenizer_main(int argc, char** argv);
