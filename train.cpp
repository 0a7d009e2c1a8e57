// train.cpp: the driver of ./train. Read this file first, top to bottom.
// It reads like llm.c's train_gpt2.c main(): defaults, flags, then
// model -> data -> tokenizer -> the training loop (validate every -v steps,
// sample every -s steps, one log line per step, checkpoints every -n steps).
// Subcommands (`./train tokenizer ...`, `./train prepare ...`) dispatch to their folders.
// Flags keep llm.c's letters (train_gpt2.cu) so commands carry over between the two.
#include <chrono>   // steady_clock: ms per step
#include <csignal>  // SIGINT, SIGTERM: stop cleanly
#include <cstdarg>  // va_list: log_line
#include <cmath>    // log, isfinite
#include <cstdio>
#include <cstdlib>  // strtod, strtoll
#include <cstring>
#include <string>
#include <vector>
#ifdef _OPENMP
#include <omp.h>  // omp_set_num_threads: the one owner of threads
#elif !defined(NO_OMP)
// subtle: without -fopenmp the pragmas are silently ignored and ./train would run on one thread
#error "scratchgpt needs OpenMP: compile with -fopenmp (make does; clang++ also needs libomp: Debian libomp-dev, macOS brew install libomp + -Xpreprocessor -fopenmp -lomp), or build serially with make NO_OMP=1"
#endif

#include "data/dataloader.h"    // batches from shards or in-memory tokens
#include "data/prepare.h"       // ./train prepare: text -> token shards
#include "model/cli/bench.h"        // ./train bench
#include "model/train/checkpoint.h"   // llm.c's model file format
#include "model/gpt2.h"         // the model: build, forward, backward, update
#include "model/cli/sampler.h"      // next-token sampling
#include "model/train/schedule.h"     // learning-rate schedules
#include "model/train/train_state.h"  // what a resume needs besides the weights
#include "model/train/train_step.h"   // one optimizer step
#include "data/common/files.h"         // Error, UsageError, file helpers
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
    int resume = 0;                    // -y  1 = resume from the latest checkpoint in -o
    int keep_checkpoints = 0;          // -nk keep only the newest K checkpoints (0 = all)
    int early_stop = 0;                // --early-stop stop after N validations without a new best (0 = never)
    int skip_nonfinite = 0;            // --skip-nonfinite 1 = skip a step whose loss/norm is NaN/inf instead of stopping
    long seed = 1337;                  // --seed      initialisation, dropout and sampling
    int threads = 0;                   // --threads   0 = OpenMP's default ($OMP_NUM_THREADS or all cores)
    float dropout = 0.0f;              // --dropout
    float grad_clip = 1.0f;            // --grad-clip global-norm clip (0 = none)
    float beta2 = 0.95f;               // --beta2     AdamW (llm.c's train_gpt2.c uses 0.999)
    float temperature = 1.0f;          // --temperature for samples (0 = greedy)
    int top_k = 0;                     // --top-k     0 = sample from the whole vocabulary
    std::string tokenizer = "";        // --tokenizer byte | gpt2 | FILE (default: gpt2 for a V=50257 checkpoint, else byte)
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
    {"-y", "--resume", Kind::Int, FIELD(resume), 0, 1, "1: resume from the latest checkpoint in -o"},
    {"-nk", "--keep-checkpoints", Kind::Int, FIELD(keep_checkpoints), 0, 1e9, "keep the newest K checkpoints (0: all)"},
    {nullptr, "--early-stop", Kind::Int, FIELD(early_stop), 0, 1e9, "stop after N validations without a new best"},
    {nullptr, "--skip-nonfinite", Kind::Int, FIELD(skip_nonfinite), 0, 1, "1: skip NaN/inf steps instead of stopping"},
    {nullptr, "--shuffle", Kind::Int, FIELD(shuffle), 0, 1, "1: shuffle shard order and windows (seeded)"},
    {nullptr, "--seed", Kind::Long, FIELD(seed), 0, BIG, "seed for init, dropout, sampling"},
    {nullptr, "--threads", Kind::Int, FIELD(threads), 0, 4096, "threads (0: $OMP_NUM_THREADS or all cores)"},
    {nullptr, "--dropout", Kind::Float, FIELD(dropout), 0, 0.99, "dropout probability"},
    {nullptr, "--grad-clip", Kind::Float, FIELD(grad_clip), 0, BIG, "clip gradients to this global norm (0: off)"},
    {nullptr, "--beta2", Kind::Float, FIELD(beta2), 0, 0.999999, "AdamW beta2"},
    {nullptr, "--temperature", Kind::Float, FIELD(temperature), 0, 100, "sampling temperature (0: greedy)"},
    {nullptr, "--top-k", Kind::Int, FIELD(top_k), 0, 1 << 30, "sample among the k likeliest (0: all)"},
    {nullptr, "--tokenizer", Kind::String, FIELD(tokenizer), 0, 0, "byte, gpt2, or a vocabulary file (none: gpt2 for V=50257 checkpoints, else byte)"},
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
static Options parse_flags(const std::vector<std::string>& args) {
    Options opt;
    const size_t argc = args.size();
    for (size_t i = 0; i < argc; i++) {
        std::string arg = args[i], value;
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
            value = args[++i];
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

// The tokenizer: as asked, else GPT-2's for a checkpoint of GPT-2's vocabulary, else bytes.
static std::string tokenizer_for(const std::string& spec, const std::string& model) {
    if (!spec.empty()) return spec;
    return file_exists(model) && checkpoint_read_config(model).vocab_size == 50257 ? "gpt2" : "byte";
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
    // token shards (llm.c's format, made by `./train prepare` or llm.c's scripts); a .bin that
    // is not a shard goes this way too, to be refused by name rather than read as text
    const std::string& in = opt.train_data;
    bool dot_bin = in.size() >= 4 && in.compare(in.size() - 4, 4, ".bin") == 0;
    if (!file_exists(in) || is_shard_file(in) || dot_bin) {
        dataloader_init(train, opt.train_data, B, T, lo);
        has_val = !opt.val_data.empty();
        lo.shuffle = false;  // validation always reads the same batches
        if (has_val) dataloader_init(val, opt.val_data, B, T, lo);
        return;
    }
    if (!opt.val_data.empty()) throw UsageError("-j needs -i to be token shards too, not a text file");
    // a plain text file: tokenize it all, the first 90% trains, the last 10% validates
    std::string text = read_file(opt.train_data);
    std::vector<int> ids = tokenizer_encode_parallel(tok, text, false);
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

// Generates n tokens after `context`, printing each decoded token as it comes.
static void generate(GPT2& model, const Tokenizer& tok, std::vector<int> context, int n, float temperature, int top_k,
                     uint64_t seed) {
    SamplerRng rng = sampler_init(seed);
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
// what the model costs: printed once at start, so a learner sees where memory and compute go

static void print_model_card(const GPT2& model, int B, int T) {
    const GPT2Config& c = model.config;
    std::printf("model: L=%d NH=%d C=%d V=%d (padded %d) maxT=%d\n", c.num_layers, c.num_heads, c.channels,
                c.vocab_size, c.padded_vocab_size, c.max_seq_len);
    std::printf("  %-9s %12s\n", "tensor", "parameters");
    for (const ParameterInfo& e : model.param_table) std::printf("  %-9s %12zu\n", e.name, e.count);
    std::printf("  %-9s %12zu\n", "total", model.num_parameters);
    const double MB = 1024.0 * 1024.0 / sizeof(float);  // floats per MB
    const GPT2Memory mem = gpt2_memory(c, B, T);
    std::printf("memory: parameters %.1f MB, gradients %.1f MB, AdamW m+v %.1f MB, activations %.1f MB "
                "(+ %.1f MB for one layer's activation gradients) = %.1f MB\n",
                mem.params / MB, mem.params / MB, 2 * mem.params / MB, mem.acts / MB, mem.grad_acts / MB,
                mem.total() / MB);
    std::printf("compute: %.1f MFLOP per token (forward + backward), %.2f GFLOP per step of B*T = %d tokens\n",
                gpt2_flops_per_token(c, T) / 1e6, gpt2_flops_per_token(c, T) * B * T / 1e9, B * T);
}

// ----------------------------------------------------------------------------
// checkpoints: model_N.bin (llm.c's format) + state_N.bin (train_state.h), and main.log

// subtle: the one global. A signal handler can only set a flag; the loop reads it
// between steps, saves, and exits cleanly (Ctrl-C or `kill` never loses the run).
static volatile std::sig_atomic_t stop_requested = 0;
static void on_signal(int) { stop_requested = 1; }

static void save_checkpoint(const std::string& dir, int step, const GPT2& model, TrainState& state, int keep) {
    gpt2_save_checkpoint(model, model_path(dir, step));  // the weights first,
    state.step = step;
    state.m = model.m_memory;
    state.v = model.v_memory;
    if (state.m.empty()) state.m.assign(model.num_parameters, 0.0f), state.v = state.m;  // no step taken yet
    train_state_save(state_path(dir, step), state);      // then the state, which marks the pair complete
    if (keep > 0) {  // -nk: drop the oldest pairs, state first so a model never lacks its state
        std::vector<int> steps = saved_steps(dir);
        for (size_t i = 0; i + keep < steps.size(); i++) {
            std::remove(state_path(dir, steps[i]).c_str());
            std::remove(model_path(dir, steps[i]).c_str());
        }
    }
}

// main.log lines "s:STEP ...": on resume, keep those up to the resumed step (a crash may have
// logged steps past the last checkpoint), rewritten atomically.
static void truncate_log(const std::string& path, int step) {
    if (!file_exists(path)) return;
    std::string kept, text = read_file(path);
    for (size_t start = 0, end; start < text.size(); start = end + 1) {
        end = text.find('\n', start);
        if (end == std::string::npos) break;  // a torn last line: drop it
        std::string line = text.substr(start, end - start + 1);
        int s = 0;
        if (std::sscanf(line.c_str(), "s:%d", &s) == 1 && s <= step) kept += line;
    }
    AtomicFile f(path);
    f.write(kept.data(), kept.size());
    f.commit();
}

// Appends one line with a single write, so a crash never leaves half a line behind.
static void log_line(FILE* log, const char* fmt, ...) {
    if (!log) return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (std::fputs(line, log) < 0 || std::fflush(log) != 0) throw Error("main.log: write failed (disk full?)");
}

// ----------------------------------------------------------------------------
// the training run

static int train_main(const Options& opt, const std::vector<std::string>& args, const TrainState* resumed) {
    // threads: set once, here; our loops and the GEMMs they split share one OpenMP pool
#ifdef _OPENMP
    if (opt.threads > 0) omp_set_num_threads(opt.threads);
    int threads = omp_get_max_threads();
#else
    int threads = 1;
#endif
    std::printf("threads: %d\n", threads);

    std::string tokenizer = tokenizer_for(opt.tokenizer, opt.model);
    Tokenizer tok;
    tokenizer_load(tok, tokenizer);

    // the model: from a checkpoint file, or fresh from a descriptor
    GPT2 model;
    if (file_exists(opt.model)) {
        gpt2_build_from_checkpoint(model, opt.model);
        const GPT2Config& c = model.config;
        if ((opt.block_size > 0 && opt.block_size != c.max_seq_len) || (opt.vocab > 0 && opt.vocab != c.vocab_size))
            throw UsageError(opt.model + " has block size " + std::to_string(c.max_seq_len) + " and vocab " +
                             std::to_string(c.vocab_size) + ", not what --block-size/--vocab ask for");
    } else {
        if (opt.model.find('/') != std::string::npos || opt.model.find('.') != std::string::npos)
            throw Error(opt.model + ": cannot open (no such file)");  // meant a file, not a descriptor
        int maxT = opt.block_size > 0 ? opt.block_size : opt.seq_len;
        int V = opt.vocab > 0 ? opt.vocab : tokenizer_vocab_size(tok);
        gpt2_build_from_descriptor(model, opt.model, maxT, V, (uint64_t)opt.seed);
    }
    const GPT2Config& c = model.config;
    if (opt.seq_len > c.max_seq_len)
        throw UsageError("-t " + std::to_string(opt.seq_len) + " exceeds the model's block size " +
                         std::to_string(c.max_seq_len));
    if (tokenizer_vocab_size(tok) > c.vocab_size)
        throw UsageError("--tokenizer " + tokenizer + " has " + std::to_string(tokenizer_vocab_size(tok)) +
                         " tokens, more than the model's vocabulary of " + std::to_string(c.vocab_size));
    model.dropout = opt.dropout;
    const int B = opt.batch_size, T = opt.seq_len;
    const long tokens_per_micro = (long)B * T;
    const long total_batch = opt.total_batch_size > 0 ? opt.total_batch_size : tokens_per_micro;
    if (total_batch % tokens_per_micro != 0)
        throw UsageError("-d " + std::to_string(total_batch) + " is not a multiple of B*T = " +
                         std::to_string(tokens_per_micro));
    const int accum_steps = (int)(total_batch / tokens_per_micro);
    print_model_card(model, B, T);
    std::printf("batch: B=%d T=%d, %d micro-batch(es) = %ld tokens per step\n", B, T, accum_steps, total_batch);

    DataLoader train_loader, val_loader;
    bool has_val = false;
    // subtle: ids are checked against the tokenizer's vocabulary, not the model's (which may be larger,
    // --vocab): validation looks up each target's bytes in the tokenizer for bits per byte
    open_data(train_loader, val_loader, has_val, opt, tok, tokenizer_vocab_size(tok));
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

    // the run's state; a resumed run takes it from the checkpoint
    TrainState state;
    state.argv = args;
    int start_step = 0;
    if (resumed) {
        state = *resumed;
        state.argv = args;
        start_step = resumed->step;
        model.m_memory = resumed->m;
        model.v_memory = resumed->v;
        dataloader_restore(train_loader, resumed->loader);
        std::printf("resumed from %s at step %d\n", state_path(opt.output_dir, start_step).c_str(), start_step);
    }
    FILE* log = nullptr;
    if (!opt.output_dir.empty()) {
        make_dir(opt.output_dir);
        if (resumed) truncate_log(opt.output_dir + "/main.log", start_step);
        log = open_or_fail(opt.output_dir + "/main.log", resumed ? "a" : "w");
    }
    std::signal(SIGINT, on_signal);
    std::signal(SIGTERM, on_signal);

    std::vector<int> batch_inputs((size_t)B * T), batch_targets((size_t)B * T);  // (B,T) each, for -a 1
    bool have_batch = false;
    const double flops_per_token = gpt2_flops_per_token(c, T);
    double ms_total = 0.0;
    int steps_timed = 0;
    for (int step = start_step; step <= max_steps; step++) {
        bool last_step = step == max_steps;
        // a resumed run already validated, sampled and saved at its first step
        if (!(resumed && step == start_step)) {
            // once in a while: validation loss, in nats per token and bits per byte
            if (has_val && opt.val_every > 0 && (step % opt.val_every == 0 || last_step)) {
                int batches = std::min<int>(opt.val_batches, (int)dataloader_num_batches(val_loader));
                EvalResult r = evaluate(model, val_loader, tok, batches, B, T);
                bool best = r.loss < state.best_val_loss;
                std::printf("val loss %.6f | %.4f bits/byte%s\n", r.loss, r.bits_per_byte, best ? " | new best" : "");
                log_line(log, "s:%d tel:%.6f bpb:%.6f\n", step, r.loss, r.bits_per_byte);
                if (best) {
                    state.best_val_loss = r.loss;
                    state.evals_since_best = 0;
                    if (!opt.output_dir.empty()) gpt2_save_checkpoint(model, opt.output_dir + "/model_best.bin");
                } else {
                    state.evals_since_best++;
                }
            }
            // once in a while: what the model writes now
            if (opt.sample_every > 0 && opt.gen_tokens > 0 &&
                ((step > 0 && step % opt.sample_every == 0) || last_step)) {
                std::printf("---\n");
                std::vector<int> prompt = {tok.eot >= 0 ? tok.eot : '\n'};
                generate(model, tok, prompt, opt.gen_tokens, opt.temperature, opt.top_k, (uint64_t)opt.seed + step);
                std::printf("---\n");
            }
            // checkpoints every -n steps, at the end, and when asked to stop
            bool checkpoint = (opt.checkpoint_every > 0 && step > 0 && step % opt.checkpoint_every == 0) ||
                              last_step || stop_requested;
            if (!opt.output_dir.empty() && checkpoint) {
                state.loader = dataloader_state(train_loader);
                save_checkpoint(opt.output_dir, step, model, state, opt.keep_checkpoints);
                std::printf("wrote %s\n", model_path(opt.output_dir, step).c_str());
            }
        }
        if (last_step) break;
        if (stop_requested) {
            std::printf("stopped by a signal after step %d%s\n", step,
                        opt.output_dir.empty() ? " (no -o: nothing saved)" : "; resume with -y 1 -o DIR");
            break;
        }
        if (opt.early_stop > 0 && state.evals_since_best >= opt.early_stop) {
            std::printf("early stop: %d validations without a new best\n", state.evals_since_best);
            break;
        }

        // one optimizer step (model/train_step.cpp): accumulate over micro-batches, clip, update
        auto t0 = std::chrono::steady_clock::now();
        StepResult r = gpt2_train_step(model, step_cfg, step, B, T, [&](int* inputs, int* targets) {
            if (!opt.overfit) {
                dataloader_next_batch(train_loader, inputs, targets);
                return;
            }
            // -a 1 (overfit): read one batch, then give it again and again
            if (!have_batch) dataloader_next_batch(train_loader, batch_inputs.data(), batch_targets.data());
            have_batch = true;
            std::copy(batch_inputs.begin(), batch_inputs.end(), inputs);
            std::copy(batch_targets.begin(), batch_targets.end(), targets);
        });
        if (!r.updated && !opt.skip_nonfinite)
            throw Error("step " + std::to_string(step + 1) + ": loss " + std::to_string(r.loss) + ", gradient norm " +
                        std::to_string(r.norm) + " is not finite; stopped, the last checkpoint is untouched");
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        ms_total += ms;
        steps_timed++;
        double tok_per_s = total_batch / (ms / 1000.0);
        double eta_s = ms_total / steps_timed * (max_steps - step - 1) / 1000.0;
        std::printf("step %5d/%d | loss %.6f | lr %.2e | norm %.4f | %.1f ms | %.0f tok/s | %.1f GFLOP/s | eta %dm%02ds%s\n",
                    step + 1, max_steps, r.loss, r.lr, r.norm, ms, tok_per_s, flops_per_token * tok_per_s / 1e9,
                    (int)eta_s / 60, (int)eta_s % 60, r.updated ? "" : " | skipped (not finite)");
        log_line(log, "s:%d trl:%.6f lr:%.6e norm:%.6f\n", step + 1, r.loss, r.lr, r.norm);
    }
    if (log) std::fclose(log);
    return 0;
}

// ----------------------------------------------------------------------------
// ./train sample: a checkpoint and a prompt in, text out

static int sample_main(int argc, char** argv) {
    std::string model_file, tokenizer, prompt;
    int n = 256, top_k = 0;
    float temperature = 1.0f;
    long seed = 1337;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (a == "-h" || a == "--help") {
            std::printf("usage: ./train sample -e CHECKPOINT [--tokenizer byte|gpt2|FILE] [--prompt TEXT] [-g TOKENS]\n"
                        "                      [--temperature 1.0] [--top-k 0] [--seed 1337]\n");
            return 0;
        }
        if (i + 1 >= argc) throw UsageError(a + " needs a value");
        std::string v = argv[++i];
        std::vector<std::string> one = {a == "-e" || a == "--model" ? "-e" : a, v};
        if (a == "-e" || a == "--model") model_file = v;
        else if (a == "--tokenizer") tokenizer = v;
        else if (a == "--prompt") prompt = v;
        else {  // numbers go through the trainer's checked parser
            Options o = parse_flags(one);
            if (a == "-g" || a == "--gen-tokens") n = o.gen_tokens;
            else if (a == "--temperature") temperature = o.temperature;
            else if (a == "--top-k") top_k = o.top_k;
            else if (a == "--seed") seed = o.seed;
            else throw UsageError("sample: unknown flag " + a + " (see ./train sample --help)");
        }
    }
    if (model_file.empty()) throw UsageError("sample: -e CHECKPOINT is required");
    GPT2 model;
    gpt2_build_from_checkpoint(model, model_file);
    tokenizer = tokenizer_for(tokenizer, model_file);
    Tokenizer tok;
    tokenizer_load(tok, tokenizer);
    if (tokenizer_vocab_size(tok) > model.config.vocab_size)
        throw UsageError("--tokenizer " + tokenizer + " does not fit the model's vocabulary of " +
                         std::to_string(model.config.vocab_size));
    std::vector<int> context = tokenizer_encode(tok, prompt);
    if (context.empty()) context.push_back(tok.eot >= 0 ? tok.eot : '\n');
    gpt2_allocate_activations(model, 1, model.config.max_seq_len);
    std::fputs(prompt.c_str(), stdout);
    generate(model, tok, context, n, temperature, top_k, (uint64_t)seed);
    return 0;
}

// ----------------------------------------------------------------------------

int main(int argc, char** argv) {
    try {
        if (argc >= 2 && std::strcmp(argv[1], "tokenizer") == 0) return tokenizer_main(argc - 1, argv + 1);
        if (argc >= 2 && std::strcmp(argv[1], "prepare") == 0) return prepare_main(argc - 1, argv + 1);
        if (argc >= 2 && std::strcmp(argv[1], "sample") == 0) return sample_main(argc - 1, argv + 1);
        if (argc >= 2 && std::strcmp(argv[1], "bench") == 0) return bench_main(argc - 1, argv + 1);
        std::vector<std::string> args(argv + 1, argv + argc);
        for (const std::string& a : args)
            if (a == "-h" || a == "--help") {
                usage();
                return 0;
            }
        Options opt = parse_flags(args);
        if (!opt.resume) return train_main(opt, args, nullptr);
        // resume (-y 1 -o DIR): the saved command line, then this one's flags on top
        if (opt.output_dir.empty()) throw UsageError("-y 1 needs -o DIR, the directory of the run to resume");
        std::vector<int> steps = saved_steps(opt.output_dir);
        if (steps.empty()) throw Error(opt.output_dir + ": no checkpoint to resume from (no state_*.bin)");
        TrainState state;
        GPT2Config c = checkpoint_read_config(model_path(opt.output_dir, steps.back()));
        train_state_load(state_path(opt.output_dir, steps.back()), table_size(parameter_table(c)), state);
        std::vector<std::string> merged = state.argv;
        for (size_t i = 0; i < args.size(); i++) {
            if (args[i] == "-y" || args[i] == "--resume") { i++; continue; }  // not saved: a resume is not a new run
            merged.push_back(args[i]);
        }
        merged.push_back("-e");
        merged.push_back(model_path(opt.output_dir, steps.back()));
        Options resumed_opt = parse_flags(merged);
        merged.resize(merged.size() - 2);
        return train_main(resumed_opt, merged, &state);
    } catch (const UsageError& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 2;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
}
