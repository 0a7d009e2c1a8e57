// shard.h: llm.c's token-shard format, written by `./train prepare`, read by the DataLoader.
// A shard is llm.c's header of 256 int32 (data/common/binary_header.h), then the tokens as uint16
// (so V <= 65536). The header slots, by name:
//   MAGIC   = 20240520          VERSION = 1 (uint16 tokens)          SHARD_SLOT_TOKENS = token count
//   SHARD_SLOT_VOCAB = vocabulary size of the tokenizer that wrote it (ours; 0 = unknown, as in llm.c's shards)
//   SHARD_SLOT_BYTES = bytes of text the tokens encode (ours; 0 = unknown): tokenizer_text_bytes,
//                      the count the trainer's bits per byte uses per validation batch
//   HEADER_SLOT_CHECKSUMS/_BODY_CRC/_HEADER_CRC (253..255): CRC-32s of the tokens and of the header
//   (binary_header.h; the tokens' is checked when the DataLoader first maps the shard)
//   every other slot 0
// llm.c leaves slots 3, 4 and 253..255 at zero and never reads them, so its shards load here
// (unchecked) and ours load there.
// Not supported: llm.c's version 2 (uint32 tokens, for Llama 3). Little-endian machines only, like llm.c.
// Reference: llm.c dev/data/data_common.py (write_datafile) and llmc/dataloader.h.
#pragma once
#include <cstddef>  // size_t
#include <cstdint>  // int32_t, uint16_t
#include <string>
#include <vector>

#include "data/common/binary_header.h"  // HeaderFormat, HEADER_BYTES, HEADER_SLOT_MAGIC/VERSION

constexpr int32_t SHARD_MAGIC = 20240520;
constexpr int32_t SHARD_VERSION = 1;
constexpr size_t SHARD_HEADER_BYTES = HEADER_BYTES;  // 1024: tokens start here
constexpr int SHARD_MAX_VOCAB = 65536;               // ids must fit a uint16
// the header slots, by name (0 and 1 are magic and version)
enum ShardSlot { SHARD_SLOT_TOKENS = 2, SHARD_SLOT_VOCAB = 3, SHARD_SLOT_BYTES = 4 };

// What a shard's header says, after checking it against the file.
struct ShardHeader {
    size_t num_tokens = 0;  // tokens after the header
    int vocab_size = 0;     // 0 if the writer did not record it (llm.c)
    size_t num_bytes = 0;   // text bytes those tokens encode; 0 if unknown
    bool has_checksum = false;  // written with checksums (by us, not llm.c)
    uint32_t tokens_crc = 0;    // then the CRC-32 of the tokens' bytes
};

// Writes tokens as a shard through AtomicFile (path.tmp, then rename), so an interrupted
// write never leaves a shard under the real name. Every id must be < vocab_size (Error
// naming the path otherwise); num_bytes is recorded if it fits the int32 slot, else 0.
void write_shard(const std::string& path, const std::vector<uint16_t>& tokens, int vocab_size,
                 size_t num_bytes = 0);
// The same for n tokens at `tokens` (prepare writes from the front of a larger buffer, without a copy).
void write_shard(const std::string& path, const uint16_t* tokens, size_t n, int vocab_size, size_t num_bytes);

// Reads and checks the header: magic, version, token count against the file size.
// Throws Error("path: ...") with a hint on each malformed case.
ShardHeader read_shard_header(const std::string& path);

// Throws Error("path: damaged: ...") if the shard has a checksum and its tokens (the file's body,
// h.num_tokens of them, as mapped by the DataLoader) do not match it.
void check_shard_tokens(const std::string& path, const ShardHeader& h, const uint16_t* tokens);

// True if the file exists and starts with the shard magic (train.cpp tells shards from text with it).
bool is_shard_file(const std::string& path);
