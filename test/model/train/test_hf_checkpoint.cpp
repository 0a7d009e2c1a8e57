// test_hf_checkpoint.cpp: GPT-2 in Hugging Face's layout (model/train/hf_checkpoint.h) against
// dev/reference/hf_gpt2.py, a GPT2LMHeadModel written in torch with Hugging Face's names and
// Conv1D layout: the same logits from its F32, F16 and BF16 files; an export that holds the same
// bytes under the same names as the file that script wrote; llm.c -> export -> load round trips
// to the same bytes; and every malformed file or config.json is a one-line error.
#include <doctest.h>

#include <cstring>
#include <fstream>
#include <string>
#include <vector>

#include "model/classifier.h"            // classifier_chunk_rows: all logits in one chunk
#include "model/gpt2.h"
#include "model/train/checkpoint.h"      // gpt2_build_from_checkpoint, checkpoint_save
#include "model/train/hf_checkpoint.h"
#include "model/train/safetensors.h"
#include "data/common/files.h"
#include "test/check.h"
#include "test/fixture.h"
#include "test/sha256.h"           // sha256_hex: the Hub's config.json is the one `make gpt2-weights` checks

static const std::string HF_DIR = "test/fixtures/hf_gpt2";

// The logits (B,T,V) of a model for the fixture's inputs (targets: any valid ids, so all positions are kept).
static std::vector<float> logits_of(GPT2& model, const Fixture& fx) {
    const std::vector<int32_t>& in = fx.i("inputs");
    const int B = fx.get("inputs").shape[0], T = fx.get("inputs").shape[1];
    const int V = model.config.vocab_size, Vp = model.config.padded_vocab_size;
    REQUIRE(B * T <= classifier_chunk_rows(Vp));
    std::vector<int> inputs(in.begin(), in.end()), targets(inputs);
    gpt2_forward(model, inputs.data(), targets.data(), B, T);
    std::vector<float> out((size_t)B * T * V);
    for (size_t bt = 0; bt < (size_t)B * T; bt++)  // seek to logits[bt,:], drop the Vp - V padding
        std::memcpy(&out[bt * V], model.acts.logits + bt * Vp, V * sizeof(float));
    return out;
}

TEST_CASE("hf_checkpoint/F32, F16 and BF16 files give the reference's logits") {
    Fixture fx = fixture_load("hf_gpt2");
    struct File { std::string path, logits; };
    // the directory reads model.safetensors; the others are named; F16's file has the old mask buffers,
    // a tied lm_head.weight and no "transformer." prefix, as the Hub's gpt2 has
    for (const File& f : {File{HF_DIR, "logits_f32"}, File{HF_DIR + "/model_f16.safetensors", "logits_f16"},
                          File{HF_DIR + "/model_bf16.safetensors", "logits_bf16"}}) {
        CAPTURE(f.path);
        GPT2 model;
        gpt2_build_from_checkpoint(model, f.path);
        CHECK(model.config.vocab_size == 50);
        CHECK(model.config.padded_vocab_size == 128);
        CHECK(model.config.num_layers == 2);
        CHECK(model.config.num_heads == 2);
        CHECK(model.config.channels == 16);
        CHECK(model.config.max_seq_len == 16);
        std::vector<float> got = logits_of(model, fx);
        const std::vector<float>& want = fx.f(f.logits);
        REQUIRE(got.size() == want.size());
        check_tensor(f.logits.c_str(), got.data(), want.data(), got.size(), TOL_FORWARD);
    }
}

TEST_CASE("hf_checkpoint/load puts every tensor where llm.c's layout has it") {
    // the reference's own conversion (Conv1D transposed, wte padded with zero rows): exact
    Fixture fx = fixture_load("hf_gpt2");
    GPT2 model;
    gpt2_build_from_checkpoint(model, HF_DIR);
    REQUIRE(model.params_memory.size() == fx.f("params").size());
    CHECK(std::memcmp(model.params_memory.data(), fx.f("params").data(), model.params_memory.size() * 4) == 0);
}

TEST_CASE("hf_checkpoint/export holds the reference's bytes under the reference's names") {
    Fixture fx = fixture_load("hf_gpt2");
    std::string dir = temp_dir("hf_export");
    GPT2Config c = hf_read_config(HF_DIR);
    checkpoint_save(dir + "/model.bin", c, fx.f("params").data(), fx.f("params").size());  // an llm.c checkpoint
    GPT2 model;
    gpt2_build_from_checkpoint(model, dir + "/model.bin");
    hf_save(dir + "/hf", model.config, model.params_memory.data(), -1);
    SafetensorsFile got(dir + "/hf/model.safetensors"), want(HF_DIR + "/model.safetensors");
    REQUIRE(got.tensors().size() == want.tensors().size());
    for (const auto& kv : want.tensors()) {
        const std::string& name = kv.first;  // subtle: not a structured binding, which CAPTURE's lambda cannot name in C++17
        const SafeTensor& w = kv.second;
        CAPTURE(name);
        const SafeTensor* g = got.find(name);
        REQUIRE(g != nullptr);
        CHECK(g->dtype == SafeDtype::F32);
        CHECK(g->shape == w.shape);
        CHECK(std::memcmp(g->data, w.data, w.count * 4) == 0);
    }
    // its config.json says the same model
    GPT2Config back = hf_read_config(dir + "/hf");
    CHECK(back.num_layers == c.num_layers);
    CHECK(back.num_heads == c.num_heads);
    CHECK(back.channels == c.channels);
    CHECK(back.vocab_size == c.vocab_size);
    CHECK(back.max_seq_len == c.max_seq_len);
}

TEST_CASE("hf_checkpoint/llm.c checkpoint -> export -> load: the same parameter bytes") {
    std::string dir = temp_dir("hf_roundtrip");
    GPT2 model;
    gpt2_build_from_descriptor(model, "l2h2c16", 8, 37, 42);  // V=37 padded to Vp=128, maxT=8
    gpt2_save_checkpoint(model, dir + "/a.bin");
    GPT2 from_llmc;
    gpt2_build_from_checkpoint(from_llmc, dir + "/a.bin");
    hf_save(dir + "/hf", from_llmc.config, from_llmc.params_memory.data(), 36);
    GPT2 back;
    gpt2_build_from_checkpoint(back, dir + "/hf");
    CHECK(back.config.vocab_size == 37);
    CHECK(back.config.padded_vocab_size == 128);
    CHECK(back.config.max_seq_len == 8);
    REQUIRE(back.params_memory.size() == model.params_memory.size());
    CHECK(std::memcmp(back.params_memory.data(), model.params_memory.data(), model.params_memory.size() * 4) == 0);
    // and back to llm.c's format: the same file
    gpt2_save_checkpoint(back, dir + "/b.bin");
    CHECK(read_file(dir + "/a.bin") == read_file(dir + "/b.bin"));
}

TEST_CASE("hf_checkpoint/the Hub's gpt2 config.json reads as GPT-2 124M") {
    // test/fixtures/hf_gpt2_hub/config.json has the SHA-256 that many public projects pin for
    // openai-community/gpt2 at revision 607a30d7, and the Makefile's gpt2-weights checks
    const std::string path = "test/fixtures/hf_gpt2_hub/config.json";
    const std::string sha = sha256_hex(read_file(path));
    CHECK(sha == "0daed7749b4f02b8f76240d5444551d7b08712dab4d0adb8239c56ba823bb7b4");
    CHECK(read_file("Makefile").find("GPT2_SHA_config.json := " + sha + "\n") != std::string::npos);
    GPT2Config c = hf_read_config(path);
    CHECK(c.num_layers == 12);
    CHECK(c.num_heads == 12);
    CHECK(c.channels == 768);
    CHECK(c.max_seq_len == 1024);
    CHECK(c.vocab_size == 50257);
    CHECK(c.padded_vocab_size == 50304);
}

// ----------------------------------------------------------------------------
// malformed inputs

// A copy of the reference's directory whose model.safetensors holds `edit`'s tensors (F32).
struct EditTensor { std::string name; std::vector<size_t> shape; std::vector<float> data; };
static std::string edited_copy(const char* tag, void (*edit)(std::vector<EditTensor>&)) {
    std::string dir = temp_dir(tag);
    std::ofstream(dir + "/config.json") << read_file(HF_DIR + "/config.json");
    SafetensorsFile ref(HF_DIR + "/model.safetensors");
    std::vector<EditTensor> ts;
    for (const auto& [name, t] : ref.tensors()) {
        ts.push_back({name, t.shape, std::vector<float>(t.count)});
        safetensor_to_float(t, ts.back().data.data());
    }
    edit(ts);
    std::vector<SafeTensorSpec> specs;
    for (const EditTensor& t : ts) specs.push_back({t.name, t.shape});
    SafetensorsWriter w(dir + "/model.safetensors", specs, {});
    for (const EditTensor& t : ts) w.write(t.data.data());
    w.commit();
    return dir;
}
static std::string load_error(const std::string& path) {
    return error_of([&] {
        GPT2 model;
        gpt2_build_from_checkpoint(model, path);
    });
}

TEST_CASE("hf_checkpoint/a missing, misshapen, unexpected or untied tensor is named") {
    struct Case { const char* tag; void (*edit)(std::vector<EditTensor>&); const char* why; };
    Case cases[] = {
        {"hf_missing", [](std::vector<EditTensor>& ts) { ts.erase(ts.begin()); }, "missing tensor h.0.attn.c_attn.bias"},
        {"hf_shape", [](std::vector<EditTensor>& ts) {
             for (auto& t : ts) if (t.name == "transformer.h.1.mlp.c_fc.weight") t.shape = {64, 16};  // nn.Linear's (out,in)
         }, "tensor h.1.mlp.c_fc.weight has shape [64, 16]"},
        {"hf_extra", [](std::vector<EditTensor>& ts) { ts.push_back({"transformer.h.0.attn.q_proj.weight", {1}, {0}}); },
         "unexpected tensor transformer.h.0.attn.q_proj.weight"},
        {"hf_untied", [](std::vector<EditTensor>& ts) {
             for (const auto& t : std::vector<EditTensor>(ts))
                 if (t.name == "transformer.wte.weight") { ts.push_back({"lm_head.weight", t.shape, t.data}); ts.back().data[7] += 1; }
         }, "lm_head.weight differs from wte.weight"},
        {"hf_twice", [](std::vector<EditTensor>& ts) { ts.push_back({"ln_f.bias", {16}, std::vector<float>(16)}); },
         "ln_f.bias is there twice"},
    };
    for (const Case& c : cases) {
        CAPTURE(std::string(c.tag));
        std::string dir = edited_copy(c.tag, c.edit);
        std::string err = load_error(dir);
        CHECK(err.find(dir + "/model.safetensors: ") == 0);
        CHECK_MESSAGE(err.find(c.why) != std::string::npos, err);
    }
}

TEST_CASE("hf_checkpoint/config.json: every key it needs, and only GPT-2's math") {
    const std::string good = read_file(HF_DIR + "/config.json");
    auto with = [&](const std::string& from, const std::string& to) {
        std::string s = good;
        size_t at = s.find(from);
        REQUIRE(at != std::string::npos);
        return s.replace(at, from.size(), to);
    };
    struct Case { std::string json, why; };
    Case cases[] = {
        {"{", "malformed JSON"},
        {with("\"n_layer\"", "\"n_layers\""), "has no n_layer"},
        {with("\"n_head\": 2", "\"n_head\": 3"), "n_embd 16 is not divisible by n_head"},
        {with("\"n_embd\": 16", "\"n_embd\": 0"), "n_embd is not an integer in [1,"},
        {with("\"gelu_new\"", "\"relu\""), "activation_function relu is not GPT-2's gelu_new"},
        {with("1e-05", "1e-06"), "layer_norm_epsilon 1e-06 is not GPT-2's 1e-05"},
        {with("\"gpt2\"", "\"bert\""), "model_type is not \"gpt2\""},
        {with("\"n_inner\": null", "\"n_inner\": 32"), "n_inner 32 is not 4 * n_embd"},
        {with("\"tie_word_embeddings\": true", "\"tie_word_embeddings\": false"), "tie_word_embeddings must be true"},
        {with("\"vocab_size\": 50", "\"vocab_size\": 51"), "tensor wte.weight has shape [50, 16], "},
    };
    std::string dir = temp_dir("hf_config");
    std::ofstream(dir + "/model.safetensors", std::ios::binary) << read_file(HF_DIR + "/model.safetensors");
    for (const Case& c : cases) {
        CAPTURE(c.json);
        std::ofstream(dir + "/config.json", std::ios::trunc) << c.json;
        std::string err = load_error(dir);
        CHECK_MESSAGE(err.find(c.why) != std::string::npos, err);
        CHECK(err.find('\n') == std::string::npos);
    }
    std::string empty = temp_dir("hf_empty");
    CHECK(load_error(empty).find(empty + "/config.json: not found") == 0);
    std::ofstream(empty + "/config.json") << good;
    CHECK(load_error(empty).find(empty + "/model.safetensors: cannot open") == 0);
}
