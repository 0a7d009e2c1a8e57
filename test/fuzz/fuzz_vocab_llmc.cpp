// fuzz_vocab_llmc.cpp: llm.c's gpt2_tokenizer.bin (tokenizer/vocab_io.h) from arbitrary bytes, its
// magic always in place so every input reaches the llm.c reader; a vocabulary that loads must
// encode and decode a text with its specials.
#include <cstring>  // memcpy
#include <vector>

#include "test/fuzz/fuzz.h"
#include "test/fuzz/fuzz_tokenizer_check.h"
#include "tokenizer/vocab_io.h"  // LLMC_TOKENIZER_MAGIC

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    std::vector<uint8_t> bytes(data, data + size);
    if (bytes.size() < 4) bytes.resize(4);
    const int32_t magic = LLMC_TOKENIZER_MAGIC;
    std::memcpy(bytes.data(), &magic, 4);
    const std::string path = fuzz_binary_file(bytes.data(), bytes.size(), "tok.bin");
    Tokenizer tok;
    if (fuzz_expect_errors([&] { tokenizer_load(tok, path); })) fuzz_check_round_trip(tok, fuzz_text_with_specials(tok));
    return 0;
}
