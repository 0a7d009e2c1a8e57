// checkpoint.cpp: llm.c's fp32 model checkpoint format. See checkpoint.h.
#include "model/train/checkpoint.h"
#include "model/tensors.h"               // parameter_table: how many floats the header implies
#include "model/train/hf_checkpoint.h"    // Hugging Face's format, for -e DIR or -e FILE.safetensors
#include "data/common/binary_header.h"   // BinaryHeader, header_read, header_write
#include "data/common/crc32.h"           // crc32: the checksum of the floats
#include "data/common/files.h"           // File, AtomicFile, Error

#include <cstdint>

static const HeaderFormat MODEL_FORMAT = {"model checkpoint", MODEL_MAGIC, MODEL_VERSION, MODEL_VERSION, "",
                                          5, "version 5 is llm.c's bf16 format: export fp32 (version 3)"};

static void check(bool ok, const std::string& path, const std::string& problem) {
    if (!ok) throw Error(path + ": " + problem);
}

// The one reader of the header: magic and version, then every size checked against what a GPT-2 can be.
static GPT2Config read_header(File& f, BinaryHeader& h) {
    h = header_read(f, MODEL_FORMAT);
    GPT2Config c;
    c.max_seq_len = h[MODEL_SLOT_MAX_SEQ_LEN];
    c.vocab_size = h[MODEL_SLOT_VOCAB];
    c.num_layers = h[MODEL_SLOT_LAYERS];
    c.num_heads = h[MODEL_SLOT_HEADS];
    c.channels = h[MODEL_SLOT_CHANNELS];
    c.padded_vocab_size = h[MODEL_SLOT_PADDED_VOCAB];
    const std::string& path = f.path();
    check(c.max_seq_len > 0 && c.vocab_size > 0 && c.num_layers > 0 && c.num_heads > 0 && c.channels > 0, path,
          "header has a non-positive size");
    check(c.padded_vocab_size >= c.vocab_size, path, "header has padded vocab < vocab");
    check(c.channels % c.num_heads == 0, path, "header's channels are not divisible by heads");
    try {
        table_size(parameter_table(c));  // sizes whose products do not fit are refused here, by name
    } catch (const Error& e) {
        throw Error(path + ": header sizes too large: " + e.what());
    }
    return c;
}

// The one writer of the header.
static uint32_t write_header(AtomicFile& f, const GPT2Config& c, uint32_t params_crc) {
    BinaryHeader h;
    h[MODEL_SLOT_MAX_SEQ_LEN] = c.max_seq_len;
    h[MODEL_SLOT_VOCAB] = c.vocab_size;
    h[MODEL_SLOT_LAYERS] = c.num_layers;
    h[MODEL_SLOT_HEADS] = c.num_heads;
    h[MODEL_SLOT_CHANNELS] = c.channels;
    h[MODEL_SLOT_PADDED_VOCAB] = c.padded_vocab_size;
    return header_write(f, MODEL_FORMAT, h, params_crc);
}

GPT2Config checkpoint_read_config(const std::string& path) {
    if (hf_is_checkpoint(path)) return hf_read_config(path);  // a directory or .safetensors
    File f(path);
    BinaryHeader h;
    return read_header(f, h);
}

int64_t checkpoint_checksum(const std::string& path) {
    File f(path);
    BinaryHeader h;
    read_header(f, h);
    return h.has_checksums() ? (int64_t)h.header_crc() : -1;
}

void checkpoint_load(const std::string& path, GPT2Config& config, std::vector<float>& params) {
    File f(path);
    BinaryHeader h;
    GPT2Config c = read_header(f, h);
    size_t n = table_size(parameter_table(c));
    size_t expected = HEADER_BYTES + n * sizeof(float);
    size_t actual = f.size();
    check(actual >= expected, path, "truncated: " + std::to_string(actual) + " bytes, the header implies " +
                                        std::to_string(expected));
    check(actual == expected, path, "has " + std::to_string(actual - expected) +
                                        " bytes more than the header implies (a different format?)");
    std::vector<float> p(n);
    f.read_exact(p.data(), n * sizeof(float));  // the header was just read: the floats follow
    if (h.has_checksums())  // (a file without them, llm.c's, has nothing to check)
        header_check_body(path, h.body_crc(), crc32(0, p.data(), n * sizeof(float)), n * sizeof(float), MODEL_FORMAT);
    config = c;
    params.swap(p);
}

uint32_t checkpoint_save(const std::string& path, const GPT2Config& c, const float* params, size_t num_parameters) {
    AtomicFile f(path);
    uint32_t checksum = write_header(f, c, crc32(0, params, num_parameters * sizeof(float)));
    f.write(params, num_parameters * sizeof(float));
    f.commit();
    return checksum;
}

void gpt2_build_from_checkpoint(GPT2& model, const std::string& path) {
    GPT2Config c;
    std::vector<float> loaded;
    if (hf_is_checkpoint(path)) hf_load(path, c, loaded);  // Hugging Face's layout, converted to ours
    else checkpoint_load(path, c, loaded);
    gpt2_build(model, c);
    model.params_memory.swap(loaded);  // same size: checkpoint_load sized it from the same table
    point_tensors(model.params, model.params_memory.data(), model.param_table);
}

uint32_t gpt2_save_checkpoint(const GPT2& model, const std::string& path) {
    return checkpoint_save(path, model.config, model.params_memory.data(), model.num_parameters);
}
