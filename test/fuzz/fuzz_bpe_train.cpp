// fuzz_bpe_train.cpp: BPE training (tokenizer/bpe_train.h) on arbitrary text: the first byte sets
// the vocabulary size (256 + 2 specials + up to 1020 merges), the rest is the corpus. The trained
// vocabulary must round-trip the corpus, and save and load as itself in our text format. Time is
// bounded by `make fuzz` (-timeout): work quadratic in the input shows up as a finding.
#include "test/fuzz/fuzz.h"
#include "test/fuzz/fuzz_tokenizer_check.h"
#include "tokenizer/bpe_train.h"  // bpe_count_words, bpe_train
#include "tokenizer/vocab_io.h"   // vocab_save

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    BpeTrainOptions opt;
    opt.specials = {"<|endoftext|>", "<|x|>"};
    opt.vocab_size = 258 + 4 * data[0];
    const std::string text((const char*)data + 1, size - 1);
    WordCounts counts;
    bpe_count_words(text.data(), text.size(), opt.specials, counts);
    Tokenizer tok;
    bpe_train(tok, counts, opt);
    FUZZ_CHECK((int)tok.vocab.size() <= opt.vocab_size);
    fuzz_check_round_trip(tok, text);
    const std::string path = fuzz_dir() + "/trained.vocab";
    vocab_save(tok, path);
    Tokenizer back;
    tokenizer_load(back, path);
    FUZZ_CHECK(back.vocab == tok.vocab && back.specials == tok.specials && back.merges == tok.merges);
    return 0;
}
