// hf_checkpoint.cpp: GPT-2's Hugging Face names and layout <-> llm.c's. See hf_checkpoint.h.
#include "model/train/hf_checkpoint.h"

#include <algorithm>   // std::none_of
#include <cmath>       // std::fabs: layer_norm_epsilon
#include <cstring>     // memcmp: lm_head tied to wte
#include <sys/stat.h>  // stat: is PATH a directory

#include "model/tensors.h"               // parameter_table, point_tensors
#include "model/train/safetensors.h"     // SafetensorsFile, SafetensorsWriter
#include "data/common/files.h"           // read_file, make_dir, AtomicFile, Error
#include "data/common/json.h"            // json_parse: config.json

// ----------------------------------------------------------------------------
// where the files are

static bool is_dir(const std::string& path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode);
}

bool hf_is_checkpoint(const std::string& path) {
    const std::string ext = ".safetensors";
    return is_dir(path) || (path.size() > ext.size() && path.compare(path.size() - ext.size(), ext.size(), ext) == 0);
}

// DIR -> DIR/name; DIR/x.safetensors -> DIR/name
static std::string hf_file(const std::string& path, const std::string& name) {
    if (is_dir(path)) return path + "/" + name;
    size_t slash = path.find_last_of('/');
    return (slash == std::string::npos ? "." : path.substr(0, slash)) + "/" + name;
}
static std::string weights_file(const std::string& path) { return is_dir(path) ? path + "/model.safetensors" : path; }

// ----------------------------------------------------------------------------
// the name table: one row per Hugging Face tensor, pointing at its llm.c slice

struct HfTensor {
    std::string name;           // without "transformer."
    std::vector<size_t> shape;  // Hugging Face's shape
    float* dst;                 // llm.c's tensor (its first rows, for wte)
    bool conv1d;                // stored (in, out): transposed against llm.c's (out, in)
};

// Every tensor of GPT2LMHeadModel but lm_head (tied to wte), in GPT-2's order; p points into params.
static std::vector<HfTensor> hf_table(const GPT2Config& c, const ParameterTensors& p) {
    const size_t C = c.channels, L = c.num_layers;
    std::vector<HfTensor> t = {
        {"wte.weight", {(size_t)c.vocab_size, C}, p.wte, false},  // (V,C): the Vp - V padding rows are ours
        {"wpe.weight", {(size_t)c.max_seq_len, C}, p.wpe, false},
    };
    for (size_t l = 0; l < L; l++) {
        const std::string h = "h." + std::to_string(l) + ".";
        // Conv1D weights: Hugging Face (in, out) = (C,3C), llm.c (out, in) = (3C,C), and so on
        t.push_back({h + "ln_1.weight", {C}, p.ln1w + l * C, false});
        t.push_back({h + "ln_1.bias", {C}, p.ln1b + l * C, false});
        t.push_back({h + "attn.c_attn.weight", {C, 3 * C}, p.qkvw + l * 3 * C * C, true});
        t.push_back({h + "attn.c_attn.bias", {3 * C}, p.qkvb + l * 3 * C, false});
        t.push_back({h + "attn.c_proj.weight", {C, C}, p.attprojw + l * C * C, true});
        t.push_back({h + "attn.c_proj.bias", {C}, p.attprojb + l * C, false});
        t.push_back({h + "ln_2.weight", {C}, p.ln2w + l * C, false});
        t.push_back({h + "ln_2.bias", {C}, p.ln2b + l * C, false});
        t.push_back({h + "mlp.c_fc.weight", {C, 4 * C}, p.fcw + l * 4 * C * C, true});
        t.push_back({h + "mlp.c_fc.bias", {4 * C}, p.fcb + l * 4 * C, false});
        t.push_back({h + "mlp.c_proj.weight", {4 * C, C}, p.fcprojw + l * C * 4 * C, true});
        t.push_back({h + "mlp.c_proj.bias", {C}, p.fcprojb + l * C, false});
    }
    t.push_back({"ln_f.weight", {C}, p.lnfw, false});
    t.push_back({"ln_f.bias", {C}, p.lnfb, false});
    return t;
}

static std::string shape_text(const std::vector<size_t>& s) {
    std::string out = "[";
    for (size_t k = 0; k < s.size(); k++) out += (k ? ", " : "") + std::to_string(s[k]);
    return out + "]";
}

// (in, out) -> (out, in): dst[o,i] = src[i,o].   src (IN,OUT)  dst (OUT,IN)
static void transpose(float* dst, const float* src, size_t IN, size_t OUT) {
    for (size_t i = 0; i < IN; i++)
        for (size_t o = 0; o < OUT; o++) dst[o * IN + i] = src[i * OUT + o];
}

// ----------------------------------------------------------------------------
// config.json

GPT2Config hf_read_config(const std::string& path) {
    const std::string file = hf_file(path, "config.json");
    if (!file_exists(file)) throw Error(file + ": not found; a Hugging Face model directory has config.json beside model.safetensors (HINT: make gpt2-weights)");
    Json js = json_parse(read_file(file), file);
    if (js.kind != Json::Object) throw Error(file + ": not a JSON object");
    auto need = [&](const char* key) -> const Json& {
        const Json* v = js.find(key);
        if (!v) throw Error(file + ": has no " + key);
        return *v;
    };
    const int64_t MAX = 1 << 24;  // far past any GPT-2 (50257 tokens, 1600 channels), far from int overflow
    GPT2Config c;
    c.num_layers = (int)json_int(need("n_layer"), file, "n_layer", 1, MAX);
    c.num_heads = (int)json_int(need("n_head"), file, "n_head", 1, MAX);
    c.channels = (int)json_int(need("n_embd"), file, "n_embd", 1, MAX);
    c.max_seq_len = (int)json_int(need("n_positions"), file, "n_positions", 1, MAX);
    c.vocab_size = (int)json_int(need("vocab_size"), file, "vocab_size", 1, MAX);
    c.padded_vocab_size = padded_vocab(c.vocab_size);
    if (c.channels % c.num_heads != 0) throw Error(file + ": n_embd " + std::to_string(c.channels) + " is not divisible by n_head");
    // what this model computes, and transformers' defaults where a key is absent
    const Json* model_type = js.find("model_type");
    if (model_type && !(model_type->kind == Json::String && model_type->text == "gpt2"))
        throw Error(file + ": model_type is not \"gpt2\"");
    const Json* act = js.find("activation_function");
    if (act && !(act->kind == Json::String && (act->text == "gelu_new" || act->text == "gelu_pytorch_tanh")))
        throw Error(file + ": activation_function " + (act->kind == Json::String ? act->text : "(not a string)") +
                    " is not GPT-2's gelu_new (the tanh GELU, the only one this model computes)");
    const Json* eps = js.find("layer_norm_epsilon");
    if (eps && std::fabs(json_number(*eps, file, "layer_norm_epsilon") - 1e-5) > 1e-12)
        throw Error(file + ": layer_norm_epsilon " + eps->text + " is not GPT-2's 1e-05 (the only one this model computes)");
    const Json* inner = js.find("n_inner");
    if (inner && inner->kind != Json::Null && json_int(*inner, file, "n_inner", 1, MAX) != 4 * (int64_t)c.channels)
        throw Error(file + ": n_inner " + inner->text + " is not 4 * n_embd, GPT-2's MLP width");
    // switches of GPT2Config that change the math; each must be GPT-2's value
    for (auto [key, want] : {std::pair<const char*, bool>{"tie_word_embeddings", true}, {"scale_attn_weights", true},
                             {"scale_attn_by_inverse_layer_idx", false}, {"add_cross_attention", false}}) {
        const Json* v = js.find(key);
        if (v && !(v->kind == Json::Bool && v->boolean == want))
            throw Error(file + ": " + key + " must be " + (want ? "true" : "false") + " for GPT-2");
    }
    return c;
}

// ----------------------------------------------------------------------------
// model.safetensors -> llm.c's layout

// Names that may be in a file and are not parameters: the causal mask buffers of older transformers.
static bool is_mask_buffer(const std::string& name) {
    auto ends = [&](const std::string& s) { return name.size() >= s.size() && name.compare(name.size() - s.size(), s.size(), s) == 0; };
    return ends(".attn.bias") || ends(".attn.masked_bias");
}

void hf_load(const std::string& path, GPT2Config& config, std::vector<float>& out) {
    GPT2Config c = hf_read_config(path);
    const std::string config_file = hf_file(path, "config.json");
    SafetensorsFile f(weights_file(path));
    std::vector<float> params(table_size(parameter_table(c)), 0.0f);  // zeros: wte's padding rows stay 0
    ParameterTensors p;
    point_tensors(p, params.data(), parameter_table(c));
    std::vector<float> tmp;  // one tensor as fp32, in Hugging Face's layout
    const std::vector<HfTensor> table = hf_table(c, p);
    for (const HfTensor& e : table) {
        // "transformer.h.0.ln_1.weight" (GPT2LMHeadModel.save_pretrained) or "h.0.ln_1.weight" (the Hub's gpt2)
        const SafeTensor* t = f.find("transformer." + e.name);
        if (!t) t = f.find(e.name);
        if (!t) throw Error(f.path() + ": missing tensor " + e.name + " (or transformer." + e.name + ")");
        if (t->shape != e.shape)
            throw Error(f.path() + ": tensor " + e.name + " has shape " + shape_text(t->shape) + ", " + config_file +
                        " implies " + shape_text(e.shape));
        tmp.resize(t->count);
        safetensor_to_float(*t, tmp.data());
        if (e.conv1d) transpose(e.dst, tmp.data(), e.shape[0], e.shape[1]);  // Conv1D (in,out) -> (out,in)
        else std::memcpy(e.dst, tmp.data(), t->count * sizeof(float));
    }
    // every other tensor must be the tied lm_head or a mask buffer: anything else is a different model
    for (const auto& [name, t] : f.tensors()) {
        const bool prefixed = name.rfind("transformer.", 0) == 0;
        const std::string bare = prefixed ? name.substr(12) : name;
        if (is_mask_buffer(bare)) continue;
        if (name == "lm_head.weight") {
            // tied: the same numbers as wte (converted the same way), else an output layer we cannot hold
            if (t.shape != std::vector<size_t>{(size_t)c.vocab_size, (size_t)c.channels})
                throw Error(f.path() + ": tensor lm_head.weight has shape " + shape_text(t.shape) + ", not wte's");
            tmp.resize(t.count);
            safetensor_to_float(t, tmp.data());
            if (std::memcmp(tmp.data(), p.wte, t.count * sizeof(float)) != 0)
                throw Error(f.path() + ": tensor lm_head.weight differs from wte.weight (an untied output layer; GPT-2 ties them)");
            continue;
        }
        if (f.find(bare) && f.find("transformer." + bare))
            throw Error(f.path() + ": tensor " + bare + " is there twice, with and without transformer.");
        if (std::none_of(table.begin(), table.end(), [&](const HfTensor& e) { return e.name == bare; })) throw Error(f.path() + ": unexpected tensor " + name + " (not a GPT-2 of " + config_file + ")");
    }
    config = c;
    out.swap(params);
}

// ----------------------------------------------------------------------------
// llm.c's layout -> model.safetensors + config.json

void hf_save(const std::string& dir, const GPT2Config& c, const float* params, int eot) {
    make_dir(dir);
    // the table needs pointers; it reads through them only (subtle: const_cast, nothing is written)
    ParameterTensors p;
    point_tensors(p, const_cast<float*>(params), parameter_table(c));
    std::vector<HfTensor> table = hf_table(c, p);
    std::vector<SafeTensorSpec> specs;
    for (const HfTensor& e : table) specs.push_back({"transformer." + e.name, e.shape});
    // transformers refuses a safetensors file without metadata "format" (pt, tf, flax or mlx)
    SafetensorsWriter w(dir + "/model.safetensors", specs, {{"format", "pt"}});
    std::vector<float> tmp;
    for (const HfTensor& e : table) {
        if (!e.conv1d) { w.write(e.dst); continue; }  // wte: its first V rows are exactly (V,C)
        // llm.c (out,in) -> Conv1D (in,out): the transpose of the load's transpose
        const size_t IN = e.shape[0], OUT = e.shape[1];
        tmp.resize(IN * OUT);
        transpose(tmp.data(), e.dst, OUT, IN);
        w.write(tmp.data());
    }
    w.commit();
    // config.json: GPT2Config's keys; what is not ours (dropout, init range) is GPT-2's own value
    const std::string id = eot >= 0 ? std::to_string(eot) : "null";
    std::string js = "{\n"
        "  \"architectures\": [\"GPT2LMHeadModel\"],\n"
        "  \"model_type\": \"gpt2\",\n"
        "  \"vocab_size\": " + std::to_string(c.vocab_size) + ",\n"
        "  \"n_positions\": " + std::to_string(c.max_seq_len) + ",\n"
        "  \"n_ctx\": " + std::to_string(c.max_seq_len) + ",\n"
        "  \"n_embd\": " + std::to_string(c.channels) + ",\n"
        "  \"n_layer\": " + std::to_string(c.num_layers) + ",\n"
        "  \"n_head\": " + std::to_string(c.num_heads) + ",\n"
        "  \"n_inner\": null,\n"
        "  \"activation_function\": \"gelu_new\",\n"
        "  \"layer_norm_epsilon\": 1e-05,\n"
        "  \"resid_pdrop\": 0.1,\n  \"embd_pdrop\": 0.1,\n  \"attn_pdrop\": 0.1,\n"
        "  \"initializer_range\": 0.02,\n"
        "  \"tie_word_embeddings\": true,\n"
        "  \"bos_token_id\": " + id + ",\n"
        "  \"eos_token_id\": " + id + ",\n"
        "  \"torch_dtype\": \"float32\"\n"
        "}\n";
    AtomicFile cf(dir + "/config.json");
    cf.write(js.data(), js.size());
    cf.commit();
}
