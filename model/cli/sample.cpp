// sample.cpp: generate() and `./train sample`. See sample.h.
#include "model/cli/sample.h"

#include <cstdio>  // printf, fputs
#include <memory>  // make_shared: the options a Command owns
#include <string>

#include "data/common/flags.h"       // Command, flag
#include "data/common/files.h"       // UsageError
#include "data/common/stop.h"        // stop_requested: Ctrl-C during training ends a sample at once
#include "model/cli/sampler.h"       // sampler_init, sample_token
#include "model/train/checkpoint.h"  // gpt2_build_from_checkpoint

void generate(GPT2& model, const Tokenizer& tok, std::vector<int> context, int n, float temperature, int top_k,
              uint64_t seed) {
    SamplerRng rng = sampler_init(seed);
    const int maxT = model.seq_len;  // the activations' T: slide a window of the last maxT tokens
    const int Vp = model.config.padded_vocab_size;
    model.training = false;
    for (int i = 0; i < n && !stop_requested; i++) {
        int T = (int)context.size() < maxT ? (int)context.size() : maxT;
        const int* window = context.data() + context.size() - T;
        gpt2_forward(model, window, nullptr, 1, T);
        const float* logits = model.acts.logits + (size_t)(T - 1) * Vp;  // the last position's logits
        int next = sample_token(logits, model.config.vocab_size, temperature, top_k, rng);
        context.push_back(next);
        if (next < tokenizer_vocab_size(tok)) std::fputs(tokenizer_decode(tok, &next, 1).c_str(), stdout);
        std::fflush(stdout);
    }
    std::printf("\n");
}

// ----------------------------------------------------------------------------
// ./train sample: a checkpoint and a prompt in, text out

struct SampleOptions {
    std::string model;         // -e  the checkpoint
    std::string tokenizer;     // --tokenizer (none: tokenizer_spec_for's rule)
    std::string prompt;        // --prompt: the text to continue ("" = start of a document)
    int gen_tokens = 256;      // -g
    float temperature = 1.0f;  // --temperature
    int top_k = 0;             // --top-k
    uint64_t seed = 1337;      // --seed
};

static int sample_main(const SampleOptions& o) {
    if (o.model.empty()) throw UsageError("-e CHECKPOINT is required (see ./train sample --help)");
    GPT2 model;
    gpt2_build_from_checkpoint(model, o.model);
    std::string spec = tokenizer_spec_for(o.tokenizer, model.config.vocab_size);
    Tokenizer tok;
    tokenizer_load(tok, spec);
    if (tokenizer_vocab_size(tok) > model.config.vocab_size)
        throw UsageError("--tokenizer " + spec + " does not fit the model's vocabulary of " +
                         std::to_string(model.config.vocab_size));
    std::vector<int> context = tokenizer_encode(tok, o.prompt);
    if (context.empty()) context.push_back(tok.eot >= 0 ? tok.eot : '\n');
    gpt2_allocate_activations(model, 1, model.config.max_seq_len);
    std::fputs(o.prompt.c_str(), stdout);
    generate(model, tok, context, o.gen_tokens, o.temperature, o.top_k, o.seed);
    return 0;
}

Command sample_command() {
    auto o = std::make_shared<SampleOptions>();  // lives as long as the command: flags point into it
    Command cmd{"sample", "usage: ./train sample -e CHECKPOINT [--prompt TEXT] [flags]   text from a trained model\n"};
    cmd.flags = {
        flag("-e", "--model", &o->model, "the checkpoint to sample from"),
        flag(nullptr, "--tokenizer", &o->tokenizer, "byte, gpt2, or a vocabulary file (none: gpt2 for V=50257, else byte)"),
        flag(nullptr, "--prompt", &o->prompt, "the text to continue"),
        flag("-g", "--gen-tokens", &o->gen_tokens, 0, 1000000000, "tokens to generate"),
        flag(nullptr, "--temperature", &o->temperature, 0, 100, "sampling temperature (0: greedy)"),
        flag(nullptr, "--top-k", &o->top_k, 0, 1 << 30, "sample among the k likeliest (0: all)"),
        flag(nullptr, "--seed", &o->seed, "seed of the sampler"),
    };
    cmd.run = [o] { return sample_main(*o); };
    return cmd;
}
