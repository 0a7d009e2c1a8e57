// sample.cpp: generate() and `./train sample`. See sample.h.
#include "model/cli/sample.h"

#include <cstdio>  // printf, fputs
#include <memory>  // make_shared: the options a Command owns
#include <string>
#include <vector>

#include "data/common/flags.h"       // Command, flag
#include "model/precision.h"         // --precision
#include "data/common/files.h"       // UsageError
#include "data/common/stop.h"        // stop_requested: Ctrl-C during training ends a sample at once
#include "model/cli/safe_text.h"     // SafeText: control bytes and broken UTF-8 shown, not sent
#include "model/cli/sampler.h"       // sampler_init, sample_token
#include "model/train/checkpoint.h"  // gpt2_build_from_checkpoint

void generate(GPT2& model, const Tokenizer& tok, const std::string& prompt, int n, float temperature, int top_k,
              uint64_t seed) {
    std::vector<int> context = tokenizer_encode(tok, prompt);
    if (context.empty()) context.push_back(tok.eot >= 0 ? tok.eot : tok.byte_id['\n']);  // a document starts
    SafeText out;  // the bytes of a character cut between two tokens wait here
    std::fputs(safe_text_feed(out, prompt).c_str(), stdout);
    SamplerRng rng = sampler_init(seed);
    const int maxT = model.seq_len;  // the activations' T: slide a window of the last maxT tokens
    model.training = false;
    for (int i = 0; i < n && !stop_requested; i++) {
        int T = (int)context.size() < maxT ? (int)context.size() : maxT;
        const int* window = context.data() + context.size() - T;
        gpt2_forward(model, window, nullptr, 1, T);
        const float* logits = model.acts.logits;  // (Vp): a forward without targets gives the last position's
        int next = sample_token(logits, model.config.vocab_size, temperature, top_k, rng);
        context.push_back(next);
        if (next < tokenizer_vocab_size(tok))
            std::fputs(safe_text_feed(out, tokenizer_decode(tok, &next, 1)).c_str(), stdout);
        else  // an id past the tokenizer's (--vocab larger on purpose): shown, not dropped
            std::printf("%s<|id %d|>", safe_text_end(out).c_str(), next);
        std::fflush(stdout);
    }
    std::printf("%s\n", safe_text_end(out).c_str());
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
    std::string precision = "fp32";  // --precision fp32 | bf16 | auto
};

static int sample_main(const SampleOptions& o) {
    if (o.model.empty()) throw UsageError("-e CHECKPOINT is required (see ./train sample --help)");
    GPT2 model;
    gpt2_build_from_checkpoint(model, o.model);
    Tokenizer tok;  // by the one rule: --tokenizer, else the run's, recorded beside the checkpoint
    tokenizer_load_for_model(tok, o.tokenizer, model.config.vocab_size, o.model, /*larger_on_purpose=*/false);
    gpt2_set_precision(model, parse_precision(o.precision));
    gpt2_allocate_activations(model, 1, model.config.max_seq_len);
    generate(model, tok, o.prompt, o.gen_tokens, o.temperature, o.top_k, o.seed);
    return 0;
}

Command sample_command() {
    auto o = std::make_shared<SampleOptions>();  // lives as long as the command: flags point into it
    Command cmd{"sample", "usage: ./train sample -e CHECKPOINT [--prompt TEXT] [flags]   text from a trained model\n"};
    cmd.flags = {
        flag("-e", "--model", &o->model, "the checkpoint to sample from"),
        flag(nullptr, "--tokenizer", &o->tokenizer, "byte, gpt2, or a vocabulary file (none: the run's, beside -e; else gpt2 for V=50257, else byte)"),
        flag(nullptr, "--prompt", &o->prompt, "the text to continue"),
        flag("-g", "--gen-tokens", &o->gen_tokens, 0, 1000000000, "tokens to generate"),
        flag(nullptr, "--temperature", &o->temperature, 0, 100, "sampling temperature (0: greedy)"),
        flag(nullptr, "--top-k", &o->top_k, 0, 1 << 30, "sample among the k likeliest (0: all)"),
        flag(nullptr, "--seed", &o->seed, "seed of the sampler"),
        flag(nullptr, "--precision", &o->precision, PRECISION_HELP),
    };
    cmd.run = [o] { return sample_main(*o); };
    return cmd;
}
