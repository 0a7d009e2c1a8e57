// checkpoint.cpp: llm.c's fp32 model checkpoint format. See checkpoint.h.
#include "model/train/checkpoint.h"
#include "model/tensors.h"  // parameter_table: how many floats the header implies
#include "data/common/files.h"     // Error, read_exact, AtomicFile

#include <cstdint>

static void check(bool ok, const std::string& path, const std::string& problem) {
    if (!ok) throw Error(path + ": " + problem);
}

// The header alone, validated field by field against what a GPT-2 can be.
static GPT2Config parse_header(const int32_t* h, const std::string& path) {
    check(h[0] == MODEL_MAGIC, path, "not a model checkpoint (bad magic " + std::to_string(h[0]) + ", expected " +
                                         std::to_string(MODEL_MAGIC) + ")");
    check(h[1] != 5, path, "version 5 (bf16) checkpoints are not supported; export fp32 (version 3)");
    check(h[1] == MODEL_VERSION, path, "unsupported checkpoint version " + std::to_string(h[1]) + " (expected 3)");
    GPT2Config c;
    c.max_seq_len = h[2];
    c.vocab_size = h[3];
    c.num_layers = h[4];
    c.num_heads = h[5];
    c.channels = h[6];
    c.padded_vocab_size = h[7];
    check(c.max_seq_len > 0 && c.vocab_size > 0 && c.num_layers > 0 && c.num_heads > 0 && c.channels > 0, path,
          "header has a non-positive size");
    check(c.padded_vocab_size >= c.vocab_size, path, "header has padded vocab < vocab");
    check(c.channels % c.num_heads == 0, path, "header's channels are not divisible by heads");
    return c;
}

GPT2Config checkpoint_read_config(const std::string& path) {
    FILE* f = open_or_fail(path, "rb");
    int32_t header[HEADER_INTS];
    try {
        read_exact(f, header, sizeof header, path);
    } catch (...) {
        std::fclose(f);
        throw;
    }
    std::fclose(f);
    return parse_header(header, path);
}

void checkpoint_load(const std::string& path, GPT2Config& config, std::vector<float>& params) {
    GPT2Config c = checkpoint_read_config(path);
    size_t n = table_size(parameter_table(c));
    size_t expected = HEADER_INTS * sizeof(int32_t) + n * sizeof(float);
    size_t actual = file_size(path);
    check(actual >= expected, path, "truncated: " + std::to_string(actual) + " bytes, the header implies " +
                                        std::to_string(expected));
    check(actual == expected, path, "has " + std::to_string(actual - expected) +
                                        " bytes more than the header implies (a different format?)");
    std::vector<float> p(n);
    FILE* f = open_or_fail(path, "rb");
    try {
        std::fseek(f, HEADER_INTS * sizeof(int32_t), SEEK_SET);
        read_exact(f, p.data(), n * sizeof(float), path);
    } catch (...) {
        std::fclose(f);
        throw;
    }
    std::fclose(f);
    config = c;
    params.swap(p);
}

void checkpoint_save(const std::string& path, const GPT2Config& c, const float* params, size_t num_parameters) {
    int32_t header[HEADER_INTS] = {0};
    header[0] = MODEL_MAGIC;
    header[1] = MODEL_VERSION;
    header[2] = c.max_seq_len;
    header[3] = c.vocab_size;
    header[4] = c.num_layers;
    header[5] = c.num_heads;
    header[6] = c.channels;
    header[7] = c.padded_vocab_size;
    AtomicFile f(path);
    f.write(header, sizeof header);
    f.write(params, num_parameters * sizeof(float));
    f.commit();
}

void gpt2_build_from_checkpoint(GPT2& model, const std::string& path) {
    GPT2Config c;
    std::vector<float> loaded;
    checkpoint_load(path, c, loaded);
    gpt2_build(model, c);
    model.params_memory.swap(loaded);  // same size: checkpoint_load sized it from the same table
    point_tensors(model.params, model.params_memory.data(), model.param_table);
}

void gpt2_save_checkpoint(const GPT2& model, const std::string& path) {
    checkpoint_save(path, model.config, model.params_memory.data(), model.num_parameters);
}
