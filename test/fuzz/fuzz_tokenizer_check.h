// fuzz_tokenizer_check.h: the properties every loaded or trained tokenizer must have, shared by
// the vocabulary harnesses: ids in range, and decode(encode(x)) == x with and without specials,
// the parallel encoder equal to the serial one.
#pragma once
#include <string>
#include <vector>

#include "test/fuzz/fuzz.h"
#include "tokenizer/tokenizer.h"

inline void fuzz_check_round_trip(const Tokenizer& tok, const std::string& text) {
    for (bool allow_special : {false, true}) {
        std::vector<int> ids = tokenizer_encode(tok, text, allow_special);
        for (int id : ids) FUZZ_CHECK(id >= 0 && (size_t)id < tok.vocab.size());
        FUZZ_CHECK(tokenizer_decode(tok, ids.data(), ids.size()) == text);
        // chunks of 16 bytes: many cuts, each must leave the ids as they were
        FUZZ_CHECK(tokenizer_encode_parallel(tok, text, allow_special, 16) == ids);
    }
}

// A text that holds every special token of tok, between ordinary words.
inline std::string fuzz_text_with_specials(const Tokenizer& tok) {
    std::string text = "Hello world, it's 2024!\n  caf\xc3\xa9 \xff\xfe";
    for (int id : tok.specials) text += tok.vocab[id] + " x";
    return text;
}
