// vocab_gpt2.h: GPT-2's own vocabulary, as OpenAI published it with the model.
// encoder.json maps each token's spelling to its id; the spelling writes each byte as one
// printable character (GPT-2's bytes_to_unicode), so " the" is spelled "\u0120the".
// vocab.bpe lists the 50000 merges in rank order; merge r makes token 256 + r, which the
// loader checks, so a mismatched pair of files is refused. <|endoftext|> is id 50256.
// Both files are found in $SCRATCHGPT_GPT2_DIR, ../shared/data/gpt2 or cache/gpt2.
#pragma once
#include <string>

#include "tokenizer/tokenizer.h"  // Tokenizer

// Where "gpt2" is found: $SCRATCHGPT_GPT2_DIR, else ../shared/data/gpt2, else cache/gpt2 (written by
// `make gpt2-vocab`). Throws Error naming that target when none holds encoder.json.
std::string gpt2_dir();
// Fills tok.vocab, eot and specials from dir/encoder.json + dir/vocab.bpe (then call tokenizer_build).
// Throws Error naming the file on anything malformed, truncated or inconsistent.
void vocab_load_gpt2(Tokenizer& tok, const std::string& dir);

// Writes dir/vocab.json + dir/merges.txt, Hugging Face's names for the same two files
// (GPT2Tokenizer.from_pretrained(dir) reads them): GPT-2's own are copied from gpt2_dir() as they
// are; another byte-level BPE (ours) is spelled in GPT-2's byte alphabet, every way to cut a token
// into two tokens listed as a merge, in the order of the token ids (the rank rule tokenizer.h uses).
// Throws Error naming the tokenizer if it cannot be written so: a special token other than
// <|endoftext|>, or a token that is not two earlier ones joined.
void vocab_save_hf(const Tokenizer& tok, const std::string& dir);
