// fuzz_vocab_gpt2.cpp: GPT-2's encoder.json + vocab.bpe (tokenizer/vocab_gpt2.h) from arbitrary
// bytes: the input up to its first NUL is encoder.json, the rest vocab.bpe. A vocabulary that
// loads must encode and decode a text with <|endoftext|>.
#include <cstring>  // memchr

#include "test/fuzz/fuzz.h"
#include "test/fuzz/fuzz_tokenizer_check.h"
#include "tokenizer/vocab_gpt2.h"  // vocab_load_gpt2

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const uint8_t* nul = (const uint8_t*)std::memchr(data, 0, size);
    size_t json = nul ? (size_t)(nul - data) : size;
    fuzz_file(data, json, "encoder.json");
    fuzz_file(data + json + (nul ? 1 : 0), size - json - (nul ? 1 : 0), "vocab.bpe");
    Tokenizer tok;
    tok.name = "gpt2";
    if (fuzz_expect_errors([&] {
            vocab_load_gpt2(tok, fuzz_dir());
            tokenizer_build(tok);
        }))
        fuzz_check_round_trip(tok, fuzz_text_with_specials(tok));
    return 0;
}
