// vocab_io.h: vocabulary files, read and written.
// Two formats fill the same Tokenizer (vocab = id -> bytes, plus the special ids); GPT-2's own
// encoder.json + vocab.bpe are read by vocab_gpt2.h:
//  - ours: text, versioned, one token per line, readable in any editor:
//        scratchgpt tokenizer 1
//        vocab_size 4096
//        special 4095
//        0 "\x00"   ...   256 " t"   ...   4095 "<|endoftext|>"
//    a token is a quoted string; \\ \" and \xHH are its escapes (used for bytes outside printable ASCII).
//  - llm.c's gpt2_tokenizer.bin: llm.c's header of 256 int32 (data/common/binary_header.h), slots by name:
//        MAGIC = 20240328   VERSION = 1 or 2 (we write 2)   LLMC_TOKENIZER_SLOT_VOCAB = V
//        LLMC_TOKENIZER_SLOT_EOT = the <|endoftext|> id (version 2; version 1 means V-1)
//        253..255: CRC-32s of the rest and of the header (binary_header.h; ours only, llm.c reads 0..3)
//        every other slot 0
//    then per token one length byte and its bytes. llm.c decodes with it.
// Every loader throws Error naming the file on anything malformed or truncated.
#pragma once
#include <string>

#include "tokenizer/tokenizer.h"  // Tokenizer

constexpr int LLMC_TOKENIZER_MAGIC = 20240328;
constexpr int LLMC_TOKENIZER_VERSION = 2;
// the header slots of llm.c's format, by name (0 and 1 are magic and version)
enum LlmcTokenizerSlot { LLMC_TOKENIZER_SLOT_VOCAB = 2, LLMC_TOKENIZER_SLOT_EOT = 3 };
constexpr const char* VOCAB_TEXT_MAGIC = "scratchgpt tokenizer";
constexpr int VOCAB_TEXT_VERSION = 1;

// Loads ours or llm.c's format, told apart by the first bytes of the file.
void vocab_load_file(Tokenizer& tok, const std::string& path);
// Writes llm.c's format if path ends in ".bin", ours otherwise (through AtomicFile).
void vocab_save(const Tokenizer& tok, const std::string& path);
