// fuzz_vocab_text.cpp: our text vocabulary ("scratchgpt tokenizer 1", tokenizer/vocab_io.h) from
// arbitrary bytes; a vocabulary that loads must encode and decode a text with its specials.
#include "test/fuzz/fuzz.h"
#include "test/fuzz/fuzz_tokenizer_check.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz_file(data, size, "tok.vocab");
    Tokenizer tok;
    if (fuzz_expect_errors([&] { tokenizer_load(tok, path); })) fuzz_check_round_trip(tok, fuzz_text_with_specials(tok));
    return 0;
}
