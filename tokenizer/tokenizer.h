// tokenizer.h: text <-> token ids, the byte-level BPE of GPT-2 (and the raw byte tokenizer).
// The trainer only ever sees a Tokenizer through these functions, so a byte tokenizer
// (ids 0..255 = the bytes), GPT-2's own vocabulary and one trained here are interchangeable.
// Encoding is GPT-2's: split by the GPT-2 pattern (pretokenize.h), then merge the bytes of
// each piece pair by pair, lowest rank first, where a token's rank is its id (as tiktoken
// does). Files: vocab_io.h. Training: bpe_train.h. Command line: `./train tokenizer --help`.
// Unlike tiktoken, text is bytes, not Unicode: invalid UTF-8 is encoded byte by byte, and
// decode(encode(x)) == x for every byte string x.
#pragma once
#include <cstddef>        // size_t
#include <cstdint>        // uint64_t
#include <cstdio>         // FILE
#include <functional>     // std::function
#include <string>
#include <unordered_map>  // the merge table
#include <vector>

struct Tokenizer {
    std::string name;                  // "byte", "gpt2", or the file it was loaded from
    std::vector<std::string> vocab;    // (V,) id -> the bytes it stands for; ids are ranks
    int eot = -1;                      // id of <|endoftext|>, or -1 if there is none
    std::vector<int> specials;         // ids of special tokens (eot among them): only ever made by
                                       // allow_special, never by merging bytes
    // derived from vocab and specials by tokenizer_build:
    std::vector<int> byte_id;          // (256,) id of the one-byte token for each byte value
    std::unordered_map<uint64_t, int> merges;  // (left id << 32 | right id) -> id of the token their
                                               // bytes join into; that id is also the merge's rank
};

// spec: "byte", "gpt2" (GPT-2's encoder.json + vocab.bpe, found as gpt2_dir() says), or a path
// to a vocabulary file: ours (text, "scratchgpt tokenizer 1") or llm.c's gpt2_tokenizer.bin
// (magic 20240328), told apart by their first bytes.
// Throws Error naming the file on a missing, malformed or truncated vocabulary.
void tokenizer_load(Tokenizer& tok, const std::string& spec);
// Fills byte_id and merges from vocab and specials (every loader calls it; so must code that
// builds a vocab by hand). Throws Error if some byte value has no one-byte token.
void tokenizer_build(Tokenizer& tok);
int tokenizer_vocab_size(const Tokenizer& tok);

// allow_special: "<|endoftext|>" (any special token) in the text becomes its single id
// (tiktoken's allowed_special="all"); otherwise it is encoded as the plain text it is.
std::vector<int> tokenizer_encode(const Tokenizer& tok, const std::string& text, bool allow_special = false);
// The same ids as tokenizer_encode, computed by all OpenMP threads: the text is cut at
// pretokenize_next_cut points about chunk_bytes apart (0: text/64, within 64 KB..4 MB) and the
// chunks are encoded in parallel, one piece cache per thread. For large texts (data preparation).
std::vector<int> tokenizer_encode_parallel(const Tokenizer& tok, const std::string& text, bool allow_special = false,
                                           size_t chunk_bytes = 0);
// Encodes a stream of any size, block_bytes at a time: each chunk of pretokenize_read_chunks is
// encoded in parallel, so the ids handed to emit, in order, are exactly tokenizer_encode of the
// whole stream. name is for error messages. Throws Error on a read error.
void tokenizer_encode_stream(const Tokenizer& tok, FILE* in, const std::string& name, bool allow_special,
                             const std::function<void(const std::vector<int>&)>& emit,
                             size_t block_bytes = (size_t)8 << 20);
// The bytes of ids[0..n) concatenated. Throws Error on an id outside [0, V).
std::string tokenizer_decode(const Tokenizer& tok, const int* ids, size_t n);

// The bytes of text ids[0..n) stand for, the denominator of bits per byte (validation, shard
// headers); <|endoftext|> stands for no text. Exact for byte-level tokenizers.
size_t tokenizer_text_bytes(const Tokenizer& tok, const int* ids, size_t n);
size_t tokenizer_text_bytes(const Tokenizer& tok, const uint16_t* ids, size_t n);

// ----------------------------------------------------------------------------
// which tokenizer a model goes with

// A run records its tokenizer in its output directory (model/train/run_dir.h), so that every
// checkpoint there finds it: DIR/tokenizer.vocab, beside DIR/model_*.bin.
std::string tokenizer_recorded_in(const std::string& dir);
std::string tokenizer_beside(const std::string& checkpoint);
// The one rule for --tokenizer, in every subcommand: the spec given; else the tokenizer recorded
// beside the checkpoint (if there is one); else "gpt2" for a model of GPT-2's vocabulary
// (model_vocab 50257); else "byte" (also when there is no model: model_vocab 0, checkpoint "").
std::string tokenizer_spec_for(const std::string& spec, int model_vocab, const std::string& checkpoint = "");
// Loads the tokenizer of tokenizer_spec_for's rule for the model `checkpoint` of model_vocab ids
// (0 and "": no model yet) and checks that it fits. The rule for sizes: the tokenizer has exactly
// model_vocab tokens, or fewer only where the model was made larger on purpose (--vocab): then
// `larger_on_purpose` (--vocab given), or the tokenizer is the one recorded beside the checkpoint
// (the run that made the model recorded the tokenizer it trained with); a note on stderr says
// so. Anything else throws UsageError naming both sizes and the fix (--tokenizer FILE): never a
// silent fallback.
void tokenizer_load_for_model(Tokenizer& tok, const std::string& spec, int model_vocab, const std::string& checkpoint,
                              bool larger_on_purpose);

// `./train tokenizer encode|decode|train|convert ...`: its flags and what runs them (cli.cpp).
// Running throws UsageError on a bad command line, Error on a failed run.
struct Command;  // data/common/flags.h
Command tokenizer_command();
