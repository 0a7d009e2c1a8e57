// fuzz_round_trip.cpp: encode -> decode on arbitrary bytes (tokenizer/tokenizer.h), with a
// vocabulary trained once at start (two specials, one a prefix-sharing neighbour of the other) and
// with the byte tokenizer: decode(encode(x)) == x with and without specials, and the parallel
// encoder cut into 16-byte chunks gives the serial ids.
#include "test/fuzz/fuzz.h"
#include "test/fuzz/fuzz_tokenizer_check.h"
#include "tokenizer/bpe_train.h"  // bpe_count_words, bpe_train

static Tokenizer trained() {
    std::string text;
    for (int i = 0; i < 200; i++)
        text += "The quick brown fox's 12 jumps, caf\xc3\xa9 \xe6\x97\xa5\xe6\x9c\xac  \n\t" + std::to_string(i * 7919) + " ";
    WordCounts counts;
    bpe_count_words(text.data(), text.size(), {}, counts);
    BpeTrainOptions opt;
    opt.vocab_size = 600;
    opt.specials = {"<|endoftext|>", "<|end|>"};
    Tokenizer tok;
    bpe_train(tok, counts, opt);
    return tok;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    static const Tokenizer tok = trained();
    static const Tokenizer bytes = [] {
        Tokenizer b;
        tokenizer_load(b, "byte");
        return b;
    }();
    const std::string text((const char*)data, size);
    fuzz_check_round_trip(tok, text);
    fuzz_check_round_trip(bytes, text);
    return 0;
}
