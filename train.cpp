// train.cpp: the driver of ./train. Read this file first, top to bottom.
// It reads like llm.c's train_gpt2.c main(): defaults, flags, then
// model -> data -> tokenizer -> the training loop (validate every -v steps,
// sample every -s steps, one log line per step, checkpoints every -n steps).
// Subcommands (`./train tokenizer ...`, `./train prepare ...`) dispatch to their folders.
// Flags keep llm.c's letters (train_gpt2.cu) so commands carry over between the two.
#include <chrono>   // steady_clock: ms per step
#include <cmath>    // log, isfinite
#include <cstdio>
#include <cstdlib>  // strtod, strtoll
#include <cstring>
#include <string>
#include <vector>
#ifdef _OPENMP
#include <omp.h>  // omp_set_num_threads: the one owner of threads
#elif !defined(NO_OMP)
#error "scratchgpt needs OpenMP: build with g++ (-fopenmp), or on macOS `brew install libomp` and use clang++ with -Xpreprocessor -fopenmp -lomp (or NO_OMP=1 for a serial build)"
#endif

#include "data/dataloader.h"    // batches from shards or in-memory tokens
#include "data/prepare.h"       // ./train prepare: text -> token shards
#include "model/gpt2.h"         // the model: build, forward, backward, update
#include "model/sampler.h"      // next-token sampling
#include "model/schedule.h"     // learning-rate schedules
#include "model/train_step.h"   // one optimizer step
#include "model/util.h"         // Error, UsageError, file helpers
#include "tokenizer/tokenizer.h"

// ----------------------------------------------------------------------------
// defaults and flags

struct Options {
    std::string train_data = "";       // -i  shard glob, or a plain text file (split 90/10 with -j unset)
    std::string val_data = "";         // -j  shard glob (default: the 10% of -i when -i is text)
    std::string model = "d4";          // -e  checkpoint file, or descriptor dN / lNhNcN for a fresh model
    std::string output_dir = "";       // -o  main.log and checkpoints go here
    int batch_size = 4;                // -b  B
    int seq_len = 64;                  // -t  T
    long total_batch_size = -1;        // -d  tokens per optimizer step; -1 = B*T (no accumulation)
    int max_steps = -1;                // -x  -1 = one epoch of the training data
    std::string schedule = "cosine";   // -k  cosine | linear | constant
    float learning_rate = 3e-4f;       // -l
    int warmup = 0;                    // -u  warmup steps
    float final_lr_frac = 1.0f;        // -q  final lr as a fraction of -l (llm.c's default 1.0: no decay)
    float weight_decay = 0.0f;         // -c
    int val_every = 20;                // -v  validate every N steps (0 = never)
    int val_batches = 20;              // -m  batches per validation
    int sample_every = 20;             // -s  sample every N steps (0 = never)
    int gen_tokens = 64;               // -g  tokens per sample
    int checkpoint_every = 0;          // -n  checkpoint every N steps (0 = only at the end, with -o)
    int overfit = 0;                   // -a  1 = train on the first batch over and over
    int shuffle = 0;                   // --shuffle   1 = seeded shuffle of shards and windows
    long seed = 1337;                  // --seed      initialisation, dropout and sampling
    int threads = 0;                   // --threads   0 = OpenMP's default ($OMP_NUM_THREADS or all cores)
    float dropout = 0.0f;              // --dropout
    float grad_clip = 1.0f;            // --grad-clip global-norm clip (0 = none)
    float beta2 = 0.95f;               // --beta2     AdamW (llm.c's train_gpt2.c uses 0.999)
    float temperature = 1.0f;          // --temperature for samples (0 = greedy)
    int top_k = 0;                     // --top-k     0 = sample from the whole vocabulary
    std::string tokenizer = "byte";    // --tokenizer byte | gpt2 | FILE
    int block_size = 0;                // --block-size maxT of a fresh model (0 = -t)
    int vocab = 0;                     // --vocab      V of a fresh model (0 = the tokenizer's)
};

enum class Kind { Int, Long, Float, String };
struct Flag {
    const char* shortname;  // llm.c's letter, or nullptr
    const char* longname;
    Kind kind;
    size_t offset;          // where in Options the value goes
    double min, max;        // allowed range for numbers
    const char* help;
};

#define FIELD(name) offsetof(Options, name)
static const double BIG = 1e18;
static const Flag FLAGS[] = {
    {"-i", "--train-data", Kind::String, FIELD(train_data), 0, 0, "training data: shard glob or text file"},
    {"-j", "--val-data", Kind::String, FIELD(val_data), 0, 0, "validation data: shard glob (default: 10% of a text -i)"},
    {"-e", "--model", Kind::String, FIELD(model), 0, 0, "checkpoint to start from, or descriptor dN / lNhNcN"},
    {"-o", "--output-dir", Kind::String, FIELD(output_dir), 0, 0, "directory for main.log and checkpoints"},
    {"-b", "--batch-size", Kind::Int, FIELD(batch_size), 1, 1 << 20, "B, sequences per micro-batch"},
    {"-t", "--seq-len", Kind::Int, FIELD(seq_len), 1, 1 << 20, "T, tokens per sequence"},
    {"-d", "--total-batch-size", Kind::Long, FIELD(total_batch_size), -1, BIG, "tokens per step (-1: B*T)"},
    {"-x", "--max-steps", Kind::Int, FIELD(max_steps), -1, 1e9, "optimizer steps (-1: one epoch)"},
    {"-k", "--schedule", Kind::String, FIELD(schedule), 0, 0, "lr schedule: cosine, linear, constant"},
    {"-l", "--learning-rate", Kind::Float, FIELD(learning_rate), 0, 10, "peak learning rate"},
    {"-u", "--warmup", Kind::Int, FIELD(warmup), 0, 1e9, "warmup steps"},
    {"-q", "--final-lr-frac", Kind::Float, FIELD(final_lr_frac), 0, 1, "final lr as a fraction of -l"},
    {"-c", "--weight-decay", Kind::Float, FIELD(weight_decay), 0, 10, "AdamW weight decay (2-D weights)"},
    {"-v", "--val-every", Kind::Int, FIELD(val_every), 0, 1e9, "validate every N steps (0: never)"},
    {"-m", "--val-batches", Kind::Int, FIELD(val_batches), 1, 1e9, "batches per validation"},
    {"-s", "--sample-every", Kind::Int, FIELD(sample_every), 0, 1e9, "sample every N steps (0: never)"},
    {"-g", "--gen-tokens", Kind::Int, FIELD(gen_tokens), 0, 1e9, "tokens per sample"},
    {"-n", "--checkpoint-every", Kind::Int, FIELD(checkpoint_every), 0, 1e9, "checkpoint every N steps"},
    {"-a", "--overfit", Kind::Int, FIELD(overfit), 0, 1, "1: train on one batch over and over"},
    {nullptr, "--shuffle", Kind::Int, FIELD(shuffle), 0, 1, "1: shuffle shard order and windows (seeded)"},
    {nullptr, "--seed", Kind::Long, FIELD(seed), 0, BIG, "seed for init, dropout, sampling"},
    {nullptr, "--threads", Kind::Int, FIELD(threads), 0, 4096, "threads (0: $OMP_NUM_THREADS or all cores)"},
    {nullptr, "--dropout", Kind::Float, FIELD(dropout), 0, 0.99, "dropout probability"},
    {nullptr, "--grad-clip", Kind::Float, FIELD(grad_clip), 0, BIG, "clip gradients to this global norm (0: off)"},
    {nullptr, "--beta2", Kind::Float, FIELD(beta2), 0, 0.999999, "AdamW beta2"},
    {nullptr, "--temperature", Kind::Float, FIELD(temperature), 0, 100, "sampling temperature (0: greedy)"},
    {nullptr, "--top-k", Kind::Int, FIELD(top_k), 0, 1 << 30, "sample among the k likeliest (0: all)"},
    {nullptr, "--tokenizer", Kind::String, FIELD(tokenizer), 0, 0, "byte, gpt2, or a vocabulary file"},
    {nullptr, "--block-size", Kind::Int, FIELD(block_size), 0, 1 << 20, "maxT of a fresh model (0: -t)"},
    {nullptr, "--vocab", Kind::Int, FIELD(vocab), 0, 65536, "V of a fresh model (0: the tokenizer's)"},
};

static void usage() {
    Options d;  // the defaults, printed from the same struct the program uses
    std::printf("usage: ./train [flags]                 train a GPT-2\n"
                "       ./train tokenizer encode|decode|train ...   (./train tokenizer --help)\n"
                "       ./train prepare ...             text -> token shards (./train prepare --help)\n\nflags:\n");
    for (const Flag& f : FLAGS) {
        const char* base = reinterpret_cast<const char*>(&d) + f.offset;
        std::string def;
        if (f.kind == Kind::Int) def = std::to_string(*reinterpret_cast<const int*>(base));
        if (f.kind == Kind::Long) def = std::to_string(*reinterpret_cast<const long*>(base));
        if (f.kind == Kind::Float) { char b[32]; std::snprintf(b, sizeof b, "%g", *reinterpret_cast<const float*>(base)); def = b; }
        if (f.kind == Kind::String) def = *reinterpret_cast<const std::string*>(base);
        std::printf("  %-3s %-20s %s (default: %s)\n", f.shortname ? f.shortname : "", f.longname, f.help,
                    def.empty() ? "none" : def.c_str());
    }
}

// Parses "-x 100", "--max-steps 100" or "--max-steps=100"; any problem is a UsageError (exit 2).
static Options parse_flags(int argc, char** argv) {
    Options opt;
    for (int i = 1; i < argc; i++) {
        std::string arg = argv[i], value;
        bool has_value = false;
        size_t eq = arg.find('=');
        if (arg.rfind("--", 0) == 0 && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            has_value = true;
        }
        const Flag* flag = nullptr;
        for (const Flag& f : FLAGS)
            if ((f.shortname && arg == f.shortname) || arg == f.longname) flag = &f;
        if (!flag) throw UsageError("unknown flag " + arg + " (see ./train --help)");
        if (!has_value) {
            if (i + 1 >= argc) throw UsageError(arg + " needs a value");
            value = argv[++i];
        }
        char* base = reinterpret_cast<char*>(&opt) + flag->offset;
        if (flag->kind == Kind::String) {
            *reinterpret_cast<std::string*>(base) = value;
            continue;
        }
        char* end = nullptr;
        double x = std::strtod(value.c_str(), &end);
        bool integral = flag->kind != Kind::Float;
        if (value.empty() || *end != '\0' || !std::isfinite(x) || (integral && x != std::floor(x)))
            throw UsageError(arg + " " + value + ": not " + (integral ? "an integer" : "a number"));
        if (x < flag->min || x > flag->max)
            throw UsageError(arg + " " + value + ": out of range [" + std::to_string((long long)flag->min) + ", " +
                             (flag->max >= BIG ? std::string("inf") : std::to_string((long long)flag->max)) + "]");
        if (flag->kind == Kind::Int) *reinterpret_cast<int*>(base) = (int)x;
        if (flag->kind == Kind::Long) *reinterpret_cast<long*>(base) = (long)x;
        if (flag->kind == Kind::Float) *reinterpret_cast<float*>(base) = (float)x;
    }
    return opt;
}

// ----------------------------------------------------------------------------
// data: shards, or a plain text file tokenized here and split 90/10

static void open_data(DataLoader& train, DataLoader& val, bool& has_val, const Options& opt, const Tokenizer& tok,
                      int vocab_size) {
    if (opt.train_data.empty()) throw UsageError("-i is required: a text file or a glob of token shards");
    DataLoaderOptions lo;
    lo.vocab_size = vocab_size;
    lo.seed = (uint64_t)opt.seed;
    lo.shuffle = opt.shuffle;
    const int B = opt.batch_size, T = opt.seq_len;
    // token shards (llm.c's format, made by `./train prepare` or llm.c's scripts)
    if (!file_exists(opt.train_data) || is_shard_file(opt.train_data)) {
        dataloader_init(train, opt.train_data, B, T, lo);
        has_val = !opt.val_data.empty();
        lo.shuffle = false;  // validation always reads the same batches
        if (has_val) dataloader_init(val, opt.val_data, B, T, lo);
        return;
    }
    if (!opt.val_data.empty()) throw UsageError("-j needs -i to be token shards too, not a text file");
    // a plain text file: tokenize it all, the first 90% trains, the last 10% validates
    std::string text = read_file(opt.train_data);
    std::vector<int> ids = tokenizer_encode(tok, text);
    std::vector<uint16_t> tokens(ids.begin(), ids.end());
    size_t split = tokens.size() * 9 / 10;
    std::vector<uint16_t> val_tokens(tokens.begin() + split, tokens.end());
    tokens.resize(split);
    dataloader_init_tokens(train, std::move(tokens), opt.train_data + " (first 90%)", B, T, lo);
    has_val = val_tokens.size() >= (size_t)B * T + 1;
    if (has_val) dataloader_init_tokens(val, std::move(val_tokens), opt.train_data + " (last 10%)", B, T, lo);
}

// ----------------------------------------------------------------------------
// evaluation and sampling

struct EvalResult {
    double loss;           // mean nats per token
    double bits_per_byte;  // loss / ln 2 * tokens / bytes: comparable across tokenizers
};

static EvalResult evaluate(GPT2& model, DataLoader& val, const Tokenizer& tok, int batches, int B, int T) {
    std::vector<int> inputs((size_t)B * T), targets((size_t)B * T);
    dataloader_reset(val);
    double loss_sum = 0.0, bytes = 0.0;
    model.training = false;
    for (int k = 0; k < batches; k++) {
        dataloader_next_batch(val, inputs.data(), targets.data());
        gpt2_forward(model, inputs.data(), targets.data(), B, T);
        loss_sum += model.mean_loss;
        for (int id : targets)  // text bytes this token stands for; <|endoftext|> stands for none
            bytes += id == tok.eot ? 0.0 : (double)tok.vocab[id].size();
    }
    double loss = loss_sum / batches;
    double tokens = (double)batches * B * T;
    return {loss, loss / std::log(2.0) * tokens / bytes};
}

// Generates n tokens after `prompt`, printing each decoded token as it comes.
static void generate(GPT2& model, const Tokenizer& tok, std::vector<int> context, int n, float temperature, int top_k,
                     uint64_t seed) {
    SamplerRng rng{seed * 0x9E3779B97F4A7C15ULL + 1};
    const int maxT = model.seq_len;  // the activations' T: slide a window of the last maxT tokens
    const int Vp = model.config.padded_vocab_size;
    model.training = false;
    for (int i = 0; i < n; i++) {
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
// the training run

static int train_main(const Options& opt) {
    // threads: set once, here; Eigen's GEMMs and our loops share the same OpenMP pool
#ifdef _OPENMP
    if (opt.threads > 0) omp_set_num_threads(opt.threads);
    int threads = omp_get_max_threads();
#else
    int threads = 1;
#endif
    std::printf("threads: %d\n", threads);

    Tokenizer tok;
    tokenizer_load(tok, opt.tokenizer);

    // the model: from a checkpoint file, or fresh from a descriptor
    GPT2 model;
    if (file_exists(opt.model)) {
        gpt2_build_from_checkpoint(model, opt.model);
    } else {
        int maxT = opt.block_size > 0 ? opt.block_size : opt.seq_len;
        int V = opt.vocab > 0 ? opt.vocab : tokenizer_vocab_size(tok);
        gpt2_build_from_descriptor(model, opt.model, maxT, V, (uint64_t)opt.seed);
    }
    const GPT2Config& c = model.config;
    if (opt.seq_len > c.max_seq_len)
        throw UsageError("-t " + std::to_string(opt.seq_len) + " exceeds the model's block size " +
                         std::to_string(c.max_seq_len));
    if (tokenizer_vocab_size(tok) > c.vocab_size)
        throw UsageError("--tokenizer " + opt.tokenizer + " has " + std::to_string(tokenizer_vocab_size(tok)) +
                         " tokens, more than the model's vocabulary of " + std::to_string(c.vocab_size));
    model.dropout = opt.dropout;
    const int B = opt.batch_size, T = opt.seq_len;
    const long tokens_per_micro = (long)B * T;
    const long total_batch = opt.total_batch_size > 0 ? opt.total_batch_size : tokens_per_micro;
    if (total_batch % tokens_per_micro != 0)
        throw UsageError("-d " + std::to_string(total_batch) + " is not a multiple of B*T = " +
                         std::to_string(tokens_per_micro));
    const int accum_steps = (int)(total_batch / tokens_per_micro);
    std::printf("model: L=%d NH=%d C=%d V=%d (Vp=%d) maxT=%d, %zu parameters\n", c.num_layers, c.num_heads,
                c.channels, c.vocab_size, c.padded_vocab_size, c.max_seq_len, model.num_parameters);
    std::printf("batch: B=%d T=%d, %d micro-batch(es) = %ld tokens per step\n", B, T, accum_steps, total_batch);

    DataLoader train_loader, val_loader;
    bool has_val = false;
    open_data(train_loader, val_loader, has_val, opt, tok, c.vocab_size);
    int max_steps = opt.max_steps >= 0 ? opt.max_steps
                                       : (int)(dataloader_num_batches(train_loader) / (size_t)accum_steps);
    std::printf("steps: %d (%zu batches per epoch)\n", max_steps, dataloader_num_batches(train_loader));

    TrainStepConfig step_cfg;
    step_cfg.accum_steps = accum_steps;
    step_cfg.grad_clip = opt.grad_clip;
    step_cfg.seed = (uint64_t)opt.seed;
    step_cfg.schedule.lr = opt.learning_rate;
    step_cfg.schedule.warmup = opt.warmup;
    step_cfg.schedule.total = max_steps;
    step_cfg.schedule.final_frac = opt.final_lr_frac;
    step_cfg.schedule.kind = parse_schedule(opt.schedule);
    step_cfg.adamw.beta2 = opt.beta2;
    step_cfg.adamw.weight_decay = opt.weight_decay;

    FILE* log = nullptr;
    if (!opt.output_dir.empty()) {
        make_dir(opt.output_dir);
        log = open_or_fail(opt.output_dir + "/main.log", "w");
    }
    std::vector<int> batch_inputs((size_t)B * T), batch_targets((size_t)B * T);  // (B,T) each
    bool have_batch = false;
    const double flops_per_token = gpt2_flops_per_token(c, T);

    for (int step = 0; step <= max_steps; step++) {
        bool last_step = step == max_steps;
        // once in a while: validation loss, in nats per token and bits per byte
        if (has_val && opt.val_every > 0 && (step % opt.val_every == 0 || last_step)) {
            int batches = std::min<int>(opt.val_batches, (int)dataloader_num_batches(val_loader));
            EvalResult r = evaluate(model, val_loader, tok, batches, B, T);
            std::printf("val loss %.6f | %.4f bits/byte\n", r.loss, r.bits_per_byte);
            if (log) std::fprintf(log, "s:%d tel:%.6f bpb:%.6f\n", step, r.loss, r.bits_per_byte), std::fflush(log);
        }
        // once in a while: what the model writes now
        if (opt.sample_every > 0 && opt.gen_tokens > 0 && ((step > 0 && step % opt.sample_every == 0) || last_step)) {
            std::printf("---\n");
            std::vector<int> prompt = {tok.eot >= 0 ? tok.eot : '\n'};
            generate(model, tok, prompt, opt.gen_tokens, opt.temperature, opt.top_k, (uint64_t)opt.seed + step);
            std::printf("---\n");
        }
        // checkpoints every -n steps and at the end
        if (!opt.output_dir.empty() && ((opt.checkpoint_every > 0 && step > 0 && step % opt.checkpoint_every == 0) ||
                                        (last_step && step > 0))) {
            std::string path = opt.output_dir + "/model_" + std::to_string(step) + ".bin";
            gpt2_save_checkpoint(model, path);
            std::printf("wrote %s\n", path.c_str());
        }
        if (last_step) break;

        // one optimizer step (model/train_step.cpp): accumulate over micro-batches, clip, update
        auto t0 = std::chrono::steady_clock::now();
        StepResult r = gpt2_train_step(model, step_cfg, step, B, T, [&](int* inputs, int* targets) {
            // -a 1 (overfit): read one batch, then give it again and again
            if (!(opt.overfit && have_batch)) dataloader_next_batch(train_loader, batch_inputs.data(), batch_targets.data());
            have_batch = true;
            std::copy(batch_inputs.begin(), batch_inputs.end(), inputs);
            std::copy(batch_targets.begin(), batch_targets.end(), targets);
        });
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        double tok_per_s = total_batch / (ms / 1000.0);
        std::printf("step %5d/%d | loss %.6f | lr %.2e | norm %.4f | %.1f ms | %.0f tok/s | %.1f GFLOP/s\n", step + 1,
                    max_steps, r.loss, r.lr, r.norm, ms, tok_per_s, flops_per_token * tok_per_s / 1e9);
        if (log) std::fprintf(log, "s:%d trl:%.6f lr:%.6e norm:%.6f\n", step + 1, r.loss, r.lr, r.norm), std::fflush(log);
    }
    if (log) std::fclose(log);
    return 0;
}

// ----------------------------------------------------------------------------

int main(int argc, char** argv) {
    try {
        if (argc >= 2 && std::strcmp(argv[1], "tokenizer") == 0) return tokenizer_main(argc - 1, argv + 1);
        if (argc >= 2 && std::strcmp(argv[1], "prepare") == 0) return prepare_main(argc - 1, argv + 1);
        for (int i = 1; i < argc; i++)
            if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
                usage();
                return 0;
            }
        return train_main(parse_flags(argc, argv));
    } catch (const UsageError& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
