// shard.cpp: llm.c's token-shard format. See shard.h.
#include "data/shard.h"

#include <algorithm>  // min
#include <climits>    // INT32_MAX

#include "data/common/crc32.h"  // crc32: the checksum of the tokens

// Header checks point at the command that makes a good shard.
static const char* HINT = " (HINT: write shards with `./train prepare -i TEXT -o DIR`)";
static const HeaderFormat SHARD_FORMAT = {"token shard", SHARD_MAGIC, SHARD_VERSION, SHARD_VERSION, HINT,
                                          2, "version 2 is llm.c's uint32 format for Llama 3"};

void write_shard(const std::string& path, const std::vector<uint16_t>& tokens, int vocab_size, size_t num_bytes) {
    write_shard(path, tokens.data(), tokens.size(), vocab_size, num_bytes);
}

void write_shard(const std::string& path, const uint16_t* tokens, size_t n, int vocab_size, size_t num_bytes) {
    if (vocab_size <= 0 || vocab_size > SHARD_MAX_VOCAB)
        throw Error(path + ": vocabulary size " + std::to_string(vocab_size) + " does not fit uint16 tokens (1.." +
                    std::to_string(SHARD_MAX_VOCAB) + ")");
    if (n > (size_t)INT32_MAX)
        throw Error(path + ": " + std::to_string(n) + " tokens do not fit one shard's int32 count");
    BinaryHeader header;
    header[SHARD_SLOT_TOKENS] = (int32_t)n;
    header[SHARD_SLOT_VOCAB] = vocab_size;
    header[SHARD_SLOT_BYTES] = num_bytes <= (size_t)INT32_MAX ? (int32_t)num_bytes : 0;
    AtomicFile f(path);
    header_write(f, SHARD_FORMAT, header, crc32(0, tokens, n * sizeof(uint16_t)));
    // written in blocks, each checked first: a bad id throws before commit(), and the
    // AtomicFile destructor then removes the partial path.tmp
    const size_t BLOCK = 1 << 20;
    for (size_t start = 0; start < n; start += BLOCK) {
        size_t end = std::min(start + BLOCK, n);
        for (size_t i = start; i < end; i++)
            if (tokens[i] >= vocab_size)
                throw Error(path + ": token " + std::to_string(tokens[i]) + " at index " + std::to_string(i) +
                            " is >= the vocabulary size " + std::to_string(vocab_size));
        f.write(tokens + start, (end - start) * sizeof(uint16_t));
    }
    f.commit();
}

ShardHeader read_shard_header(const std::string& path) {
    File f(path);
    size_t size = f.size();
    BinaryHeader header = header_read(f, SHARD_FORMAT);
    int32_t count = header[SHARD_SLOT_TOKENS], vocab = header[SHARD_SLOT_VOCAB], bytes = header[SHARD_SLOT_BYTES];
    if (count < 0 || vocab < 0 || vocab > SHARD_MAX_VOCAB || bytes < 0)
        throw Error(path + ": corrupt shard header (tokens " + std::to_string(count) + ", vocabulary " +
                    std::to_string(vocab) + ", bytes " + std::to_string(bytes) + ")" + HINT);
    size_t want = SHARD_HEADER_BYTES + (size_t)count * sizeof(uint16_t);
    if (size < want)
        throw Error(path + ": truncated: the header says " + std::to_string(count) + " tokens (" +
                    std::to_string(want) + " bytes) but the file has " + std::to_string(size) + " bytes" + HINT);
    if (size > want)
        throw Error(path + ": " + std::to_string(size - want) + " bytes after its " + std::to_string(count) +
                    " tokens: not a complete shard" + HINT);
    ShardHeader h;
    h.num_tokens = (size_t)count;
    h.vocab_size = vocab;
    h.num_bytes = (size_t)bytes;
    h.has_checksum = header.has_checksums();
    h.tokens_crc = header.body_crc();
    return h;
}

void check_shard_tokens(const std::string& path, const ShardHeader& h, const uint16_t* tokens) {
    if (!h.has_checksum) return;  // llm.c's shard: nothing recorded to check against
    size_t bytes = h.num_tokens * sizeof(uint16_t);
    header_check_body(path, h.tokens_crc, crc32(0, tokens, bytes), bytes, SHARD_FORMAT);
}

bool is_shard_file(const std::string& path) {
    // a probe, never an error: a missing, unreadable or short file is simply not a shard
    try {
        File f(path);
        int32_t magic = 0;
        return f.read_some(&magic, sizeof magic) == sizeof magic && magic == SHARD_MAGIC;
    } catch (const Error&) {
        return false;
    }
}
