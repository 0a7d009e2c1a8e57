// train.cpp: the driver of ./train. Read this file first, top to bottom.
// It reads like llm.c's train_gpt2.c main(): the defaults and their flags, the checks made before
// anything is built, then train_main: tokenizer -> model -> data -> the training loop (validate
// every -v steps, sample every -s steps, a line per step (piped; on a terminal one progress line),
// checkpoints every -n steps), and resume_main (-y 1). At the bottom, main() picks the
// subcommand (`./train tokenizer|prepare|sample|bench ...`, each in its own folder), parses its
// flags (data/common/flags.h), sets the thread count and runs it. Under mpirun (make MPI=1) every
// rank runs this same file on its share of each step (model/train/distributed.h); rank 0 alone
// prints and writes files.
// Flags keep llm.c's letters (train_gpt2.cu) so commands carry over between the two.
#include <algorithm>  // max: the grace period after a signal
#include <chrono>   // steady_clock: ms per step
#include <climits>  // INT_MAX: a --time-budget run's steps, with no -x
#include <cstdint>  // int64_t, uint64_t, INT64_MAX
#include <cstdio>
#include <cstdlib>  // getenv, setenv, unsetenv: the wait policy
#include <memory>   // make_shared: the options a Command owns
#include <new>      // bad_alloc: main says "not enough memory" in one line
#include <stdexcept>  // length_error: the same
#include <string>
#include <utility>  // pair: a rank's part of AdamW's moments
#include <vector>
#include <glob.h>    // glob: the first shard of -i, for its vocabulary
#include <unistd.h>  // isatty: a progress line on a terminal, lines when piped; execv: the wait policy
#ifdef _OPENMP
#include <omp.h>     // omp_set_num_threads: the one owner of threads
#elif !defined(NO_OMP)
// subtle: without -fopenmp the pragmas are silently ignored and ./train would run on one thread
#error "scratchgpt needs OpenMP: compile with -fopenmp (make does; clang++ also needs libomp: Debian libomp-dev, macOS brew install libomp + -Xpreprocessor -fopenmp -lomp), or build serially with make NO_OMP=1"
#endif

#include "data/common/files.h"        // Error, UsageError, file_exists
#include "data/common/flags.h"        // Command, flag, flags_parse: the one flag mechanism
#include "data/common/stop.h"         // stop_requested: Ctrl-C stops the run cleanly
#include "data/open_data.h"           // -i / -j: shards, or a text file split 90/10
#include "data/prepare.h"             // ./train prepare: text -> token shards
#include "data/shard.h"               // read_shard_header: the vocabulary shards were made with
#include "model/cli/bench.h"          // ./train bench
#include "model/cli/model_card.h"     // what the model costs, printed at start
#include "model/cli/sample.h"         // generate; ./train sample
#include "model/cli/export.h"         // ./train export, --export-hf
#include "model/gpt2.h"               // the model: build, forward, backward
#include "model/precision.h"          // --precision fp32 | bf16 | auto
#include "model/train/checkpoint.h"   // llm.c's model file format
#include "model/train/distributed.h"  // mpirun: ranks, sums across them, ZeRO-1, the agreement check
#include "model/train/evaluate.h"     // validation loss and bits per byte
#include "model/train/run_dir.h"      // main.log, checkpoint pairs and the tokenizer in -o DIR
#include "model/train/time_budget.h"  // --time-budget: the clock, its plan and its last line
#include "model/train/train_state.h"  // what a resume needs besides the weights
#include "model/train/train_step.h"   // one optimizer step
#include "tokenizer/tokenizer.h"      // text <-> ids; ./train tokenizer

// ----------------------------------------------------------------------------
// defaults and flags

struct Options {
    std::string train_data = "";       // -i  shard glob, or a plain text file (split 90/10 with -j unset)
    std::string val_data = "";         // -j  shard glob (default: the 10% of -i when -i is text)
    std::string model = "d4";          // -e  checkpoint file, or descriptor dN / lNhNcN for a fresh model
    std::string output_dir = "";       // -o  main.log and checkpoints go here
    std::string export_hf = "";        // --export-hf  at the end, the weights in Hugging Face's format here
    int batch_size = 4;                // -b  B
    int seq_len = 64;                  // -t  T
    int64_t total_batch_size = -1;     // -d  tokens per optimizer step; -1 = B*T (no accumulation)
    int max_steps = -1;                // -x  -1 = one epoch of the training data
    std::string schedule = "cosine";   // -k  cosine | linear | constant
    float learning_rate = 3e-4f;       // -l
    int warmup = 0;                    // -u  warmup steps
    float final_lr_frac = 0.0f;        // -q  final lr as a fraction of -l (llm.c's 1.0 makes cosine constant)
    float weight_decay = 0.0f;         // -c
    int val_every = 20;                // -v  validate every N steps (0 = never)
    int val_batches = 20;              // -m  batches per validation
    int sample_every = 20;             // -s  sample every N steps (0 = never)
    int gen_tokens = 64;               // -g  tokens per sample
    int checkpoint_every = 0;          // -n  checkpoint every N steps (0 = only at the end, with -o)
    int overfit = 0;                   // -a  1 = train on the first batch over and over
    int resume = 0;                    // -y  1 = resume from the latest checkpoint in -o
    int keep_checkpoints = 0;          // -nk keep only the newest K checkpoints (0 = all)
    int early_stop = 0;                // --early-stop stop after N validations without a new best (0 = never)
    int skip_nonfinite = 0;            // --skip-nonfinite 1 = skip a step whose loss/norm is NaN/inf instead of stopping
    int shuffle = 0;                   // --shuffle   1 = seeded shuffle of shards and windows
    uint64_t seed = 1337;              // --seed      initialisation, dropout, shuffling and sampling: all 64 bits count
    float dropout = 0.0f;              // --dropout
    float grad_clip = 1.0f;            // --grad-clip global-norm clip (0 = none)
    float beta2 = 0.95f;               // --beta2     AdamW (llm.c's train_gpt2.c uses 0.999)
    float temperature = 1.0f;          // --temperature for samples (0 = greedy)
    int top_k = 0;                     // --top-k     0 = sample from the whole vocabulary
    std::string prompt = "";           // --prompt    the text samples continue ("" = start of a document)
    std::string tokenizer = "";        // --tokenizer byte | gpt2 | FILE (none: tokenizer_spec_for's rule, -o records it)
    int block_size = 0;                // --block-size maxT of a fresh model (0 = -t)
    int vocab = 0;                     // --vocab      V of a fresh model (0 = the tokenizer's)
    int print_every = 0;               // --print-every a full step line every N steps (0: terminal: a progress line; piped: every step)
    bool overwrite = false;            // --overwrite  a new run first deletes the run files in -o
    int more_steps = 0;                // --more-steps with -y 1: N steps past the checkpoint (becomes -x)
    int schedule_steps = 0;            // --schedule-steps steps the lr schedule spans (0: -x, -1: one epoch)
    std::string precision = "fp32";    // --precision fp32 | bf16 | auto (model/precision.h)
    std::string time_budget = "";      // --time-budget train for this long (5m, 1h30m; none: -x counts steps)
    std::string schedule_time = "";    // --schedule-time the time the lr schedule spans (none: --time-budget)
    int recompute = 0;                 // -r  0 keep every activation, 1 recompute GELU, 2 recompute each block (gpt2.h)
    int zero_stage = 0;                // -z  1 = ZeRO-1 under mpirun: AdamW's m and v sharded across the ranks
};

static std::vector<Flag> train_flags(Options& o) {
    const int64_t BIG = INT64_MAX;
    return {
        // data and output
        flag("-i", "--train-data", &o.train_data, "training data: shard glob or text file"),
        flag("-j", "--val-data", &o.val_data, "validation data: shard glob (none: 10% of a text -i)"),
        flag("-o", "--output-dir", &o.output_dir, "directory for main.log and checkpoints (none: nothing saved)"),
        flag(nullptr, "--export-hf", &o.export_hf, "at the end, also write the model as Hugging Face's model.safetensors + config.json into DIR"),
        flag(nullptr, "--overwrite", &o.overwrite, "a new run into an -o holding another run deletes that run's files"),
        flag("-b", "--batch-size", &o.batch_size, 1, 1 << 20, "B, sequences per micro-batch"),
        flag("-t", "--seq-len", &o.seq_len, 1, 1 << 20, "T, tokens per sequence"),
        flag("-d", "--total-batch-size", &o.total_batch_size, -1, BIG, "tokens per step, all ranks together (-1: B*T x ranks)"),
        // the model
        flag("-e", "--model", &o.model, "checkpoint to start from (llm.c .bin, or a Hugging Face folder / .safetensors), or descriptor dN / lNhNcN"),
        flag(nullptr, "--block-size", &o.block_size, 0, 1 << 20, "maxT of a fresh model (0: -t)"),
        flag(nullptr, "--vocab", &o.vocab, 0, 65536, "V of a fresh model (0: the tokenizer's)"),
        flag(nullptr, "--tokenizer", &o.tokenizer, "byte, gpt2, or a vocabulary file (none: the run's, beside -e's checkpoint; else gpt2 for V=50257, else byte)"),
        flag(nullptr, "--dropout", &o.dropout, 0, 0.99, "dropout probability"),
        flag(nullptr, "--precision", &o.precision, PRECISION_HELP),
        flag("-r", "--recompute", &o.recompute, 0, 2, "activation recompute in backward: 0 none, 1 GELU, 2 whole blocks (least memory)"),
        // the schedule
        flag("-x", "--max-steps", &o.max_steps, -1, 1000000000, "total optimizer steps, counted from 0 (-1: one epoch)"),
        flag(nullptr, "--more-steps", &o.more_steps, 0, 1000000000, "with -y 1: train N steps past the checkpoint (sets -x)"),
        flag("-k", "--schedule", &o.schedule, "lr schedule: cosine or linear from -l down to -l x -q, or constant"),
        flag("-l", "--learning-rate", &o.learning_rate, 0, 10, "peak learning rate"),
        flag("-u", "--warmup", &o.warmup, 0, 1000000000, "warmup steps"),
        flag("-q", "--final-lr-frac", &o.final_lr_frac, 0, 1, "final lr as a fraction of -l; steps past the schedule run at it"),
        flag(nullptr, "--schedule-steps", &o.schedule_steps, -1, 1000000000, "steps the lr schedule spans (0: -x, -1: one epoch)"),
        flag(nullptr, "--time-budget", &o.time_budget, "train this long (300, 5m, 1h30m) from the first step, evals included; "
             "the lr decays over time, -x caps the steps; not repeatable step for step"),
        flag(nullptr, "--schedule-time", &o.schedule_time, "with --time-budget: the time the lr schedule spans (none: the budget)"),
        // the optimizer
        flag("-c", "--weight-decay", &o.weight_decay, 0, 10, "AdamW weight decay (2-D weights)"),
        flag(nullptr, "--beta2", &o.beta2, 0, 0.999999, "AdamW beta2"),
        flag(nullptr, "--grad-clip", &o.grad_clip, 0, 1e18, "clip gradients to this global norm (0: off)"),
        flag(nullptr, "--seed", &o.seed, "seed for init, dropout, shuffling, sampling (any 64-bit value)"),
        flag(nullptr, "--shuffle", &o.shuffle, 0, 1, "1: shuffle shard order and windows (seeded)"),
        flag("-a", "--overfit", &o.overfit, 0, 1, "1: train on one batch over and over"),
        // validation and samples
        flag("-v", "--val-every", &o.val_every, 0, 1000000000, "validate every N steps (0: never)"),
        flag("-m", "--val-batches", &o.val_batches, 1, 1000000000, "batches per validation"),
        flag(nullptr, "--early-stop", &o.early_stop, 0, 1000000000, "stop after N validations without a new best"),
        flag("-s", "--sample-every", &o.sample_every, 0, 1000000000, "sample every N steps (0: never)"),
        flag("-g", "--gen-tokens", &o.gen_tokens, 0, 1000000000, "tokens per sample"),
        flag(nullptr, "--print-every", &o.print_every, 0, 1000000000, "a step line every N steps (0: a progress line on a terminal, every step piped)"),
        flag(nullptr, "--temperature", &o.temperature, 0, 100, "sampling temperature (0: greedy)"),
        flag(nullptr, "--top-k", &o.top_k, 0, 1 << 30, "sample among the k likeliest (0: all)"),
        flag(nullptr, "--prompt", &o.prompt, "the text samples continue (none: the start of a document)"),
        // checkpoints and resuming
        flag("-n", "--checkpoint-every", &o.checkpoint_every, 0, 1000000000, "checkpoint every N steps"),
        flag("-nk", "--keep-checkpoints", &o.keep_checkpoints, 0, 1000000000, "keep the newest K checkpoints (0: all)"),
        flag("-y", "--resume", &o.resume, 0, 1, "1: resume from the latest checkpoint in -o"),
        flag(nullptr, "--skip-nonfinite", &o.skip_nonfinite, 0, 1, "1: skip NaN/inf steps instead of stopping"),
        // several processes (mpirun)
        flag("-z", "--zero-stage", &o.zero_stage, 0, 1, "1: ZeRO-1, each mpirun rank keeps AdamW's m and v for 1/N of the parameters"),
    };
}

// ----------------------------------------------------------------------------
// checks before anything is built: a mistake costs one line, not a model card

// A path with none of glob's * ? [ names one file, which must exist.
static void check_exists(const char* flag, const std::string& path) {
    if (path.find_first_of("*?[") == std::string::npos && !file_exists(path))
        throw Error(std::string(flag) + " " + path + ": no such file (a text file, or a glob of shards from ./train prepare)");
}

// A duration flag in seconds (time_budget.h), 0 when not given.
static double seconds_of(const char* flag, const std::string& text) {
    return text.empty() ? 0 : parse_duration(flag, text);
}

// The command line and the files it names: -i, -j, -e, --more-steps.
static void check_command_line(const Options& opt, bool resumed) {
    if (opt.train_data.empty()) throw UsageError("-i is required: a text file or a glob of token shards");
    check_exists("-i", opt.train_data);
    if (!opt.val_data.empty()) check_exists("-j", opt.val_data);
    bool looks_like_file = opt.model.find('/') != std::string::npos || opt.model.find('.') != std::string::npos;
    if (looks_like_file && !file_exists(opt.model)) throw Error(opt.model + ": cannot open (no such file)");
    if (opt.more_steps > 0 && !resumed) throw UsageError("--more-steps needs -y 1 -o DIR (a new run takes -x)");
    parse_schedule(opt.schedule);  // -k: a known name
    if (opt.precision != "fp32" && opt.precision != "bf16" && opt.precision != "auto")
        parse_precision(opt.precision);  // its one-line error, before anything is built
    if (!opt.time_budget.empty() && opt.schedule_steps != 0)
        throw UsageError("--schedule-steps counts steps: with --time-budget the schedule spans the budget (or --schedule-time)");
    if (opt.time_budget.empty() && !opt.schedule_time.empty()) throw UsageError("--schedule-time needs --time-budget");
    seconds_of("--time-budget", opt.time_budget);  // durations
    seconds_of("--schedule-time", opt.schedule_time);
}

// A resume whose -x (the total step count, as in llm.c) is not past its checkpoint: the fix, in one line.
static void check_steps_left(const std::string& dir, int step, int max_steps) {
    if (max_steps < 0 || max_steps > step) return;
    throw UsageError(dir + " is at step " + std::to_string(step) + " and -x " + std::to_string(max_steps) +
                     " is the total step count: nothing to train; to go on: ./train -y 1 -o " + dir + " -x " +
                     std::to_string(step + 800) + " (or --more-steps 800)");
}

// The first shard of a glob ("" if none matches, or the pattern is a text file).
static std::string first_shard(const std::string& pattern) {
    glob_t g;
    std::string first;
    if (glob(pattern.c_str(), 0, nullptr, &g) == 0 && g.gl_pathc > 0) first = g.gl_pathv[0];
    globfree(&g);
    return is_shard_file(first) ? first : "";
}

// Shards record the vocabulary they were prepared with (header slot 3), and `./train prepare`
// writes NAME.prepare beside NAME_train_*.bin naming its --tokenizer: a run whose tokenizer is
// smaller is told which one to pass, before a model is built.
static void check_shard_vocab(const std::string& pattern, const Tokenizer& tok, const std::string& spec) {
    std::string shard = first_shard(pattern);
    if (shard.empty()) return;
    int V = read_shard_header(shard).vocab_size;
    if (V <= tokenizer_vocab_size(tok)) return;
    const std::string used = prepare_tokenizer_of(shard);  // what ./train prepare recorded, if it made them
    const std::string fix = used.empty() ? "--tokenizer with the " + std::to_string(V) + "-token vocabulary they were prepared with"
                                         : "--tokenizer " + used;
    throw UsageError(shard + ": shards were prepared with a " + std::to_string(V) + "-token vocabulary, this run's tokenizer (" +
                     spec + ") has " + std::to_string(tokenizer_vocab_size(tok)) + "; pass " + fix);
}

// ----------------------------------------------------------------------------
// set-up: the model, the batch, the step

// The configuration -e names: a checkpoint's (its header only), or a descriptor's with maxT from
// --block-size (else -t) and V from --vocab (else the tokenizer's).
static GPT2Config planned_config(const Options& opt, const Tokenizer& tok) {
    if (file_exists(opt.model)) return checkpoint_read_config(opt.model);
    int maxT = opt.block_size > 0 ? opt.block_size : opt.seq_len;
    int V = opt.vocab > 0 ? opt.vocab : tokenizer_vocab_size(tok);
    return gpt2_config_from_descriptor(opt.model, maxT, V);
}

// The memory guard (model_card.h): a run that cannot fit in MemAvailable stops with one line saying
// what would fit, before anything large is allocated, instead of being killed halfway through.
static void check_memory_available(const Options& opt, const Tokenizer& tok) {
    const GPT2Config c = planned_config(opt, tok);
    if (opt.seq_len > c.max_seq_len) return;  // build_model says so, in its own words
    // --precision auto is counted as bf16: at most the bf16 weights' 2 bytes each too many
    const Precision p = opt.precision == "fp32" ? Precision::fp32 : Precision::bf16;
    check_memory(c, opt.batch_size, opt.seq_len, opt.recompute, p, mem_available_bytes("/proc/meminfo"),
                 "MemAvailable in /proc/meminfo");
}

// From a checkpoint file, or fresh from a descriptor; checked against -t and the tokenizer.
static void build_model(GPT2& model, const Options& opt, const Tokenizer& tok) {
    if (file_exists(opt.model)) {
        gpt2_build_from_checkpoint(model, opt.model);
        const GPT2Config& c = model.config;
        int step = saved_step_of(opt.model, "model");  // from the name model_NNNNNNNN.bin, where a run wrote it
        std::string at = step >= 0 ? "step " + std::to_string(step) + ", " : "";
        std::printf("loaded %s (%sL=%d NH=%d C=%d V=%d maxT=%d)\n", opt.model.c_str(), at.c_str(), c.num_layers,
                    c.num_heads, c.channels, c.vocab_size, c.max_seq_len);
        if ((opt.block_size > 0 && opt.block_size != c.max_seq_len) || (opt.vocab > 0 && opt.vocab != c.vocab_size))
            throw UsageError(opt.model + " has block size " + std::to_string(c.max_seq_len) + " and vocab " +
                             std::to_string(c.vocab_size) + ", not what --block-size/--vocab ask for");
    } else {
        const GPT2Config planned = planned_config(opt, tok);
        gpt2_build_from_descriptor(model, opt.model, planned.max_seq_len, planned.vocab_size, opt.seed);
    }
    const GPT2Config& c = model.config;
    if (opt.seq_len > c.max_seq_len)
        throw UsageError("-t " + std::to_string(opt.seq_len) + " exceeds the model's block size " +
                         std::to_string(c.max_seq_len));
    if (tokenizer_vocab_size(tok) > c.vocab_size)
        throw UsageError("--tokenizer " + tok.name + " has " + std::to_string(tokenizer_vocab_size(tok)) +
                         " tokens, more than the model's vocabulary of " + std::to_string(c.vocab_size));
    model.dropout = opt.dropout;
    model.recompute = opt.recompute;
    gpt2_set_precision(model, parse_precision(opt.precision));
}

// -d: micro-batches of B*T tokens per optimizer step (gradient accumulation), all ranks together:
// under mpirun -np N each rank runs 1/N of them, and -d defaults to one micro-batch per rank
static int micro_batches_per_step(const Options& opt) {
    const int64_t tokens_per_micro = (int64_t)opt.batch_size * opt.seq_len, N = distributed_size();
    const int64_t total_batch = opt.total_batch_size > 0 ? opt.total_batch_size : tokens_per_micro * N;
    if (total_batch % tokens_per_micro != 0)
        throw UsageError("-d " + std::to_string(total_batch) + " is not a multiple of B*T = " +
                         std::to_string(tokens_per_micro));
    if (total_batch / tokens_per_micro > INT_MAX)  // subtle: the cast below wrapped (-d 2^62 made 0 micro-batches)
        throw UsageError("-d " + std::to_string(total_batch) + " is " + std::to_string(total_batch / tokens_per_micro) +
                         " micro-batches of B*T per step, more than " + std::to_string(INT_MAX));
    if (total_batch % (tokens_per_micro * N) != 0)
        throw UsageError("-d " + std::to_string(total_batch) + " is not a multiple of ranks x B*T = " +
                         std::to_string(N) + " x " + std::to_string(tokens_per_micro));
    return (int)(total_batch / tokens_per_micro);
}

// The schedule spans --schedule-steps (set when a finished run is extended: its cosine stays as it
// was planned, and the extra steps run at its final lr, -l x -q), else -x.
static TrainStepConfig train_step_config(const Options& opt, int accum_steps, int max_steps, int epoch_steps) {
    TrainStepConfig cfg;
    cfg.accum_steps = accum_steps;
    cfg.zero_stage = opt.zero_stage;
    cfg.grad_clip = opt.grad_clip;
    cfg.seed = opt.seed;
    cfg.schedule.lr = opt.learning_rate;
    cfg.schedule.warmup = opt.warmup;
    cfg.schedule.total = opt.schedule_steps > 0 ? opt.schedule_steps : opt.schedule_steps < 0 ? epoch_steps : max_steps;
    cfg.schedule.final_frac = opt.final_lr_frac;
    cfg.schedule.kind = parse_schedule(opt.schedule);
    cfg.adamw.beta2 = opt.beta2;
    cfg.adamw.weight_decay = opt.weight_decay;
    return cfg;
}

// Steps past the schedule's span (an extended run) run at its final lr; say so, and refuse a final lr of 0.
static void report_extension(const ScheduleConfig& s, int max_steps, int start_step) {
    float lr = learning_rate(s, s.total);
    if (lr == 0.0f && start_step < max_steps)
        throw UsageError("the lr schedule ends at 0 after step " + std::to_string(s.total) + " (-q 0), so steps " +
                         std::to_string(s.total + 1) + ".." + std::to_string(max_steps) +
                         " would not learn: give their lr as a fraction of -l, e.g. -q 0.1");
    std::printf("lr schedule: %s over %d steps; steps %d..%d run at its final lr %.2e\n",
                s.kind == Schedule::Constant ? "constant" : s.kind == Schedule::Linear ? "linear" : "cosine", s.total,
                s.total + 1, max_steps, lr);
}

// The part [first, second) of AdamW's m and v this rank keeps: all, or with -z 1 its shard (adamw.h).
static std::pair<size_t, size_t> moments_part(const GPT2& model, const Options& opt) {
    if (opt.zero_stage != 1) return {0, model.num_parameters};
    const std::vector<size_t> cuts = gpt2_update_cuts(model, distributed_size());
    return {cuts[distributed_rank()], cuts[distributed_rank() + 1]};
}

// Under mpirun: the ranks, their share of each step, and AdamW's memory per rank with and without -z 1.
static void print_ranks(const GPT2& model, const Options& opt, int accum_steps) {
    const int N = distributed_size();
    const double moments_mb = 2.0 * model.num_parameters * sizeof(float) / 1048576.0;  // m and v
    std::printf("ranks: %d (mpirun), %d micro-batch(es) each per step | AdamW m+v per rank: %.1f MB%s (-z 0: %.1f MB, -z 1: %.1f MB)\n",
                N, accum_steps / N, opt.zero_stage == 1 ? moments_mb / N : moments_mb, opt.zero_stage == 1 ? " with ZeRO-1" : "",
                moments_mb, moments_mb / N);
}

// A resumed run goes on with the AdamW moments and the loader position of its checkpoint.
static void restore(GPT2& model, DataLoader& train_loader, const TrainState& resumed, const Options& opt) {
    const std::pair<size_t, size_t> part = moments_part(model, opt);
    model.m_memory.assign(resumed.m.begin() + part.first, resumed.m.begin() + part.second);
    model.v_memory.assign(resumed.v.begin() + part.first, resumed.v.begin() + part.second);
    dataloader_restore(train_loader, resumed.loader);
    std::printf("resumed from %s at step %d\n", state_path(opt.output_dir, resumed.step).c_str(), resumed.step);
}

// The micro-batches of a step: the next of the loader, or with -a 1 (overfit) its first, again and again.
struct Batches {
    DataLoader& loader;
    bool overfit;
    std::vector<int> inputs, targets;  // (B,T) each: the one batch of -a 1, once read
    void next(int* in, int* tg) {
        if (!overfit) {
            dataloader_next_batch(loader, in, tg);
            return;
        }
        if (inputs.empty()) {  // the first call: read the one batch
            inputs.resize((size_t)loader.B * loader.T), targets.resize(inputs.size());
            dataloader_next_batch(loader, inputs.data(), targets.data());
        }
        std::copy(inputs.begin(), inputs.end(), in);
        std::copy(targets.begin(), targets.end(), tg);
    }
};

// ----------------------------------------------------------------------------
// in the loop: validation, samples, checkpoints, stopping, the step's line

// The step's line: loss, lr, norm, time, throughput, time left. Piped, or with --print-every N,
// a full line every N steps (1 when piped); on a terminal by default one line rewritten in place
// (\r), which any other output (validation, sample, checkpoint, stop) first ends with a newline.
struct StepPrinter {
    double ms_total = 0.0;  // over the steps timed so far
    int steps = 0;
    int every = 1;          // a full line every N steps; 0: the progress line
    bool pending = false;   // a progress line is on screen without its newline
};
static StepPrinter step_printer(const Options& opt) {
    StepPrinter p;
    // subtle: under mpirun stdout is a terminal OpenMPI made, even when mpirun's own output goes to a
    // file (a cluster job's log): several ranks print a line per step
    p.every = opt.print_every > 0 ? opt.print_every : isatty(fileno(stdout)) && distributed_size() == 1 ? 0 : 1;
    return p;
}
// Ends a progress line on screen, so the next output starts a line of its own.
static void end_progress(StepPrinter& p) {
    if (p.pending) std::printf("\n");
    p.pending = false;
}
// A --time-budget run (left_s >= 0: seconds left of it) shows the time left instead of an eta, and
// no step total unless -x caps it.
static void print_step(StepPrinter& p, double ms, const StepResult& r, int step, int max_steps, int64_t tokens,
                       double flops_per_token, double left_s) {
    p.ms_total += ms;
    p.steps++;
    bool progress = p.every == 0;
    if (!progress && (step + 1) % p.every != 0 && step + 1 != max_steps) return;
    double tok_per_s = tokens / (ms / 1000.0);
    double eta_s = left_s >= 0 ? left_s : p.ms_total / p.steps * (max_steps - step - 1) / 1000.0;
    std::string total = max_steps < INT_MAX ? "/" + std::to_string(max_steps) : "";
    std::printf("%sstep %5d%s | loss %.6f | lr %.2e | norm %.4f | %.1f ms | %.0f tok/s | %.1f GFLOP/s | %s %dm%02ds%s%s",
                progress ? "\r" : "", step + 1, total.c_str(), r.loss, r.lr, r.norm, ms, tok_per_s,
                flops_per_token * tok_per_s / 1e9, left_s >= 0 ? "left" : "eta", (int)eta_s / 60, (int)eta_s % 60,
                r.updated ? "" : " | skipped (not finite)", progress ? "\033[K" : "\n");  // \033[K: clear the rest
    if (progress) std::fflush(stdout);
    p.pending = progress;
}

// Validation loss, in nats per token and bits per byte; a new best is kept as model_best.bin.
static void validate(GPT2& model, DataLoader& val, const Tokenizer& tok, const Options& opt, int step,
                     TrainState& state, File* log) {
    int batches = std::min<int>(opt.val_batches, (int)dataloader_num_batches(val));
    EvalResult r = evaluate(model, val, tok, batches, opt.batch_size, opt.seq_len);
    bool best = r.loss < state.best_val_loss;
    std::printf("val loss %.6f | %.4f bits/byte%s\n", r.loss, r.bits_per_byte, best ? " | new best" : "");
    log_line(log, "s:%d tel:%.6f bpb:%.6f\n", step, r.loss, r.bits_per_byte);
    if (!best) {
        state.evals_since_best++;
        return;
    }
    state.best_val_loss = r.loss;
    state.evals_since_best = 0;
    if (!opt.output_dir.empty() && distributed_rank() == 0) gpt2_save_checkpoint(model, opt.output_dir + "/model_best.bin");
}

// What the model writes now, after --prompt (or from the start of a document).
static void print_sample(GPT2& model, const Tokenizer& tok, const Options& opt, int step) {
    std::printf("--- sample at step %d ---\n", step);
    generate(model, tok, opt.prompt, opt.gen_tokens, opt.temperature, opt.top_k, opt.seed + (uint64_t)step);
    std::printf("---\n");
}

// AdamW's m and v into state, for its file: the model's, or with -z 1 every rank's shard gathered on
// rank 0 (all ranks call it), so that a state file never depends on the number of ranks.
static void collect_moments(const GPT2& model, const Options& opt, TrainState& state) {
    const size_t n = model.num_parameters;
    if (model.m_memory.empty()) {  // no step taken yet
        state.m.assign(n, 0.0f), state.v = state.m;
        return;
    }
    if (opt.zero_stage != 1) {
        state.m = model.m_memory, state.v = model.v_memory;
        return;
    }
    state.m.resize(distributed_rank() == 0 ? n : 0), state.v.resize(state.m.size());
    const std::vector<size_t> cuts = gpt2_update_cuts(model, distributed_size());
    distributed_gather(model.m_memory.data(), state.m.data(), cuts);
    distributed_gather(model.v_memory.data(), state.v.data(), cuts);
}

// Whether x holds on any rank. Under mpirun every rank must take the same decision at every step, or
// the others would wait for it forever in the next sum: the last step by any rank's --time-budget
// clock, or a signal to any rank, ends the run on every rank. (One process: x.)
static bool any_rank(bool x) {
    double v = x;
    distributed_max(&v, 1);
    return v > 0;
}

// The agreement check: a hash of the command line, the model's shape and weights and the data's
// files, the same on every rank or a one-line error (distributed.h). Nothing to check in one process.
static void check_ranks_agree(const std::vector<std::string>& args, const GPT2& model, const DataLoader& train,
                              const DataLoader& val) {
    if (distributed_size() == 1) return;
    uint64_t h = HASH_START;
    for (const std::string& a : args) h = hash_bytes(h, a.c_str(), a.size() + 1);  // with its NUL: "ab","c" != "a","bc"
    const GPT2Config& c = model.config;
    const int shape[6] = {c.max_seq_len, c.vocab_size, c.padded_vocab_size, c.num_layers, c.num_heads, c.channels};
    h = hash_bytes(h, shape, sizeof shape);
    h = hash_bytes(h, model.params_memory.data(), model.num_parameters * sizeof(float));
    for (const DataLoader* d : {&train, &val})
        for (size_t f = 0; f < d->files.size(); f++) {
            h = hash_bytes(h, d->files[f].c_str(), d->files[f].size() + 1);
            h = hash_bytes(h, &d->headers[f].num_tokens, sizeof d->headers[f].num_tokens);
        }
    distributed_check_agreement(h, "command line, model or data");
}

// Whether to end the run before step `step` (a signal, or --early-stop), saying why.
static bool stop_here(const Options& opt, const TrainState& state, int step, bool stop, StepPrinter& printer) {
    if (stop || (opt.early_stop > 0 && state.evals_since_best >= opt.early_stop)) end_progress(printer);
    if (stop) {
        std::printf("stopped by a signal after step %d%s%s\n", step,
                    opt.output_dir.empty() ? " (no -o: nothing saved)" : "; resume with ./train -y 1 -o ",
                    opt.output_dir.c_str());
        return true;
    }
    if (opt.early_stop > 0 && state.evals_since_best >= opt.early_stop) {
        std::printf("early stop: %d validations without a new best\n", state.evals_since_best);
        return true;
    }
    return false;
}

// ----------------------------------------------------------------------------
// the training run

static int train_main(const Options& opt, const std::vector<std::string>& args, const TrainState* resumed) {
    // subtle: before anything is printed (setvbuf must come first); piped, each line as it is printed
    if (!isatty(fileno(stdout))) std::setvbuf(stdout, nullptr, _IOLBF, 0);
    check_command_line(opt, resumed != nullptr);
    const int accum_steps = micro_batches_per_step(opt);  // -d: a multiple of B*T
    // the tokenizer (none given: by the one rule, the one recorded beside the checkpoint, else by
    // its vocabulary), checked against the checkpoint's and against the vocabulary the shards
    // were prepared with
    const std::string checkpoint = file_exists(opt.model) ? opt.model : "";
    Tokenizer tok;
    tokenizer_load_for_model(tok, opt.tokenizer, checkpoint.empty() ? 0 : checkpoint_read_config(checkpoint).vocab_size,
                             checkpoint, /*larger_on_purpose=*/opt.vocab > 0);
    check_shard_vocab(opt.train_data, tok, tok.name);
    const bool writer = distributed_rank() == 0;  // under mpirun rank 0 alone writes files
    if (!resumed && writer) run_dir_check_new(opt.output_dir, opt.overwrite);  // last: --overwrite deletes
    std::printf("threads: %s\n", threads_summary().c_str());  // main() set them from --threads
    if (opt.output_dir.empty()) std::printf("no -o: nothing will be saved (no checkpoints, no main.log)\n");
    // the model: from the checkpoint, or fresh from a descriptor, if it fits in memory
    check_memory_available(opt, tok);
    GPT2 model;
    build_model(model, opt, tok);
    const int B = opt.batch_size, T = opt.seq_len;
    const int64_t total_batch = (int64_t)accum_steps * B * T;  // tokens per optimizer step
    print_model_card(model, B, T);
    std::printf("batch: B=%d T=%d, %d micro-batch(es) = %ld tokens per step\n", B, T, accum_steps, (long)total_batch);
    if (distributed_size() > 1) print_ranks(model, opt, accum_steps);

    // the data; subtle: ids are checked against the tokenizer's vocabulary, not the model's (which
    // may be larger, --vocab): validation looks up each target's bytes in the tokenizer
    DataLoaderOptions lo;
    lo.vocab_size = tokenizer_vocab_size(tok);
    lo.seed = opt.seed;
    lo.shuffle = opt.shuffle;
    lo.process_rank = distributed_rank();  // under mpirun each rank reads its own windows of each step
    lo.num_processes = distributed_size();
    DataLoader train_loader, val_loader;
    bool has_val = open_data(train_loader, val_loader, opt.train_data, opt.val_data, B, T, lo, tok);
    check_ranks_agree(args, model, train_loader, val_loader);  // under mpirun: the same run on every rank
    const int epoch_steps = (int)(dataloader_num_batches(train_loader) / (size_t)accum_steps);
    // --time-budget: the clock stops the run (-x, if given, caps its steps), else -x (default one epoch)
    BudgetClock clock = budget_clock_for(seconds_of("--time-budget", opt.time_budget),
                                         seconds_of("--schedule-time", opt.schedule_time), opt.warmup, resumed);
    int max_steps = opt.max_steps >= 0 ? opt.max_steps : clock.budget > 0 ? INT_MAX : epoch_steps;
    if (resumed) check_steps_left(opt.output_dir, resumed->step, max_steps);
    budget_check_left(opt.output_dir, clock);  // a resumed budget run with no time left
    TrainStepConfig step_cfg = train_step_config(opt, accum_steps, max_steps, epoch_steps);
    if (clock.budget > 0) budget_print_plan(clock, step_cfg.schedule, opt.max_steps, dataloader_num_batches(train_loader));
    else std::printf("steps: %d (%zu batches per epoch)\n", max_steps, dataloader_num_batches(train_loader));
    if (max_steps > step_cfg.schedule.total) report_extension(step_cfg.schedule, max_steps, resumed ? resumed->step : 0);

    // the run's state (best loss, loader position, command line); a resumed run takes it from its checkpoint
    TrainState state = resumed ? *resumed : TrainState();
    state.argv = args;
    const int start_step = resumed ? resumed->step : 0;
    if (resumed) restore(model, train_loader, *resumed, opt);
    std::unique_ptr<File> log = run_dir_open_log(writer ? opt.output_dir : "", resumed ? start_step : -1);  // none without -o
    if (writer) run_dir_save_tokenizer(opt.output_dir, tok);  // so that sample, -y 1 and -e find it
    stop_on_signals();  // Ctrl-C: the loop saves and stops (data/common/stop.h)

    Batches batches{train_loader, opt.overfit != 0, {}, {}};
    const double flops_per_token = gpt2_flops_per_token(model.config, T);
    StepPrinter printer = step_printer(opt);
    budget_clock_start(clock);  // --time-budget: the clock counts from here
    int step = start_step;
    for (; step <= max_steps; step++) {
        bool last_step = any_rank(step == max_steps || budget_clock_spent(clock, step, opt.warmup));
        bool stop = false;  // a signal on any rank, asked after the validation and sample it may cut short
        if (resumed && step == start_step) stop = any_rank(stop_requested);
        else {  // a resumed run already validated, sampled and saved here
            if (has_val && opt.val_every > 0 && (step % opt.val_every == 0 || last_step))
            {
                end_progress(printer);
                validate(model, val_loader, tok, opt, step, state, log.get());
            }
            if (writer && opt.sample_every > 0 && opt.gen_tokens > 0 && ((step > 0 && step % opt.sample_every == 0) || last_step))
            {
                end_progress(printer);
                print_sample(model, tok, opt, step);
            }
            // checkpoints every -n steps, at the end, and when asked to stop
            stop = any_rank(stop_requested);  // a signal from now on counts at the next step
            bool every_n = opt.checkpoint_every > 0 && step > 0 && step % opt.checkpoint_every == 0;
            if (!opt.output_dir.empty() && (every_n || last_step || stop)) {
                state.loader = dataloader_state(train_loader);  // every rank's is one process's (dataloader.h)
                budget_clock_save(clock, state);
                collect_moments(model, opt, state);
                if (writer) run_dir_save_checkpoint(opt.output_dir, step, model, state, opt.keep_checkpoints);
                end_progress(printer);
                std::printf("wrote %s\n", model_path(opt.output_dir, step).c_str());
            }
        }
        if (last_step || stop_here(opt, state, step, stop, printer)) break;

        // one optimizer step (model/train/train_step.cpp): accumulate over micro-batches, clip, update
        auto t0 = std::chrono::steady_clock::now();
        double progress = budget_clock_progress(clock);  // --time-budget: the lr follows the clock,
        distributed_max(&progress, 1);                    // the one furthest along on every rank
        step_cfg.schedule.clock_progress = progress;
        StepResult r = gpt2_train_step(model, step_cfg, step, B, T, [&](int* in, int* tg) { batches.next(in, tg); });
        if (!r.updated && !opt.skip_nonfinite) {
            end_progress(printer);
            throw Error("step " + std::to_string(step + 1) + ": loss " + std::to_string(r.loss) + ", gradient norm " +
                        std::to_string(r.norm) + " is not finite; stopped, the last checkpoint is untouched");
        }
        double ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
        // a signal leaves the run a minute plus three of its slowest steps to save and stop (stop.h)
        if (!stop_requested) stop_grace_seconds = std::max((int)stop_grace_seconds, 60 + (int)(3 * ms / 1000));
        print_step(printer, ms, r, step, max_steps, total_batch, flops_per_token, budget_clock_left(clock));
        log_line(log.get(), "s:%d trl:%.6f lr:%.6e norm:%.6f\n", step + 1, r.loss, r.lr, r.norm);
    }
    end_progress(printer);
    budget_print_end(clock, start_step, step, opt.warmup);  // --time-budget: steps trained, time used
    if (!opt.export_hf.empty()) export_hf(model, &tok, opt.export_hf);  // the final weights, for transformers
    return stop_exit_status();  // 130 or 143 after a signal, its checkpoint saved
}

// Whether args name a flag (by letter or long name, "--name=V" too).
static bool has_flag(const std::vector<std::string>& args, const char* letter, const std::string& name) {
    for (const std::string& a : args)
        if (a == letter || a == name || a.rfind(name + "=", 0) == 0) return true;
    return false;
}

// The trainer's table (plus --threads, accepted but not applied: threads are this run's) parsed from args.
static void parse_train_args(Options& opt, const std::vector<std::string>& args) {
    Command cmd;
    int threads_saved = 0;
    cmd.flags = train_flags(opt);
    cmd.flags.push_back(threads_flag(&threads_saved));
    flags_parse(cmd, args);
}

// A resumed --time-budget run stays one (and a run counted in steps stays one); a new budget keeps
// the lr schedule the clock was planned with (--schedule-time), as a new -x keeps --schedule-steps.
static void pin_time_schedule(const std::string& run, const Options& saved, const Options& now,
                              const std::vector<std::string>& mine, std::vector<std::string>& merged) {
    if (!has_flag(mine, "--time-budget", "--time-budget")) return;
    const std::string planned = saved.time_budget.empty() ? "in steps (-x)" : "for --time-budget " + saved.time_budget;
    if (saved.time_budget.empty() != now.time_budget.empty())
        throw UsageError(run + " was planned " + planned + " and a resume keeps that; for the other kind, start a new run from its weights with -e");
    bool new_budget = seconds_of("--time-budget", now.time_budget) != seconds_of("--time-budget", saved.time_budget);
    if (new_budget && saved.schedule_time.empty()) merged.insert(merged.end(), {"--schedule-time", saved.time_budget});
}

// -y 1 -o DIR: the command line saved in the latest checkpoint, then this one's flags on top.
// Changing -x pins the lr schedule to the steps it was planned for (--schedule-steps), so an
// extension never bends the cosine already run: its extra steps run at the final lr.
static int resume_main(const std::vector<std::string>& args, const std::string& dir, int more_steps) {
    if (dir.empty()) throw UsageError("-y 1 needs -o DIR, the directory of the run to resume");
    std::vector<int> steps = saved_steps(dir);
    if (steps.empty()) throw Error(dir + ": no checkpoint to resume from (no state_*.bin)");
    TrainState state;
    GPT2Config c = checkpoint_read_config(model_path(dir, steps.back()));
    run_dir_load_state(dir, steps.back(), table_size(parameter_table(c)), state);
    Options saved;
    parse_train_args(saved, state.argv);
    std::vector<std::string> merged = state.argv, mine;  // mine: this command's flags, not -y nor --more-steps
    if (!has_flag(merged, "-q", "--final-lr-frac")) merged.insert(merged.begin(), {"-q", "1"});  // the default before issue 12
    for (size_t i = 0; i < args.size(); i++) {
        if (args[i].rfind("--resume=", 0) == 0 || args[i].rfind("--more-steps=", 0) == 0) continue;
        if (args[i] == "-y" || args[i] == "--resume" || args[i] == "--more-steps") { i++; continue; }
        mine.push_back(args[i]);
    }
    if (more_steps > 0) mine.insert(mine.end(), {"-x", std::to_string(state.step + more_steps)});
    Options opt;
    parse_train_args(opt, mine);
    bool new_total = has_flag(mine, "-x", "--max-steps") && opt.max_steps != saved.max_steps;
    if (new_total && saved.schedule_steps == 0 && saved.time_budget.empty())
        merged.insert(merged.end(), {"--schedule-steps", std::to_string(saved.max_steps)});
    pin_time_schedule(dir + " (" + model_path(dir, steps.back()) + ")", saved, opt, mine, merged);
    merged.insert(merged.end(), mine.begin(), mine.end());
    opt = Options();
    std::vector<std::string> with_model = merged;
    with_model.insert(with_model.end(), {"-e", model_path(dir, steps.back())});
    parse_train_args(opt, with_model);
    check_steps_left(dir, state.step, opt.max_steps);  // -1 (one epoch): train_main checks, once it knows the data
    return train_main(opt, merged, &state);
}

// ----------------------------------------------------------------------------
// main: the subcommand, its flags, the threads, the run

static Command train_command(const std::vector<std::string>& args) {
    auto opt = std::make_shared<Options>();  // lives as long as the command: flags point into it
    Command cmd{"", "usage: ./train [flags]                       train a GPT-2\n"
                "       ./train tokenizer COMMAND [flags]     encode, decode, train, convert (./train tokenizer --help)\n"
                "       ./train prepare [flags]               text -> token shards (./train prepare --help)\n"
                "       ./train sample -e CHECKPOINT [flags]  text from a model (./train sample --help)\n"
                "       ./train bench [configs] [flags]       time the training step (./train bench --help)\n"
                "       ./train export --hf DIR -e CHECKPOINT Hugging Face's format (./train export --help)\n"};
    cmd.flags = train_flags(*opt);
    cmd.run = [opt, args] {
        if (opt->resume) return resume_main(args, opt->output_dir, opt->more_steps);
        std::vector<std::string> saved = args;  // subtle: -q pinned, so a resume never takes a later default
        if (!has_flag(args, "-q", "--final-lr-frac")) saved.insert(saved.end(), {"-q", "0"});
        return train_main(*opt, saved, nullptr);
    };
    return cmd;
}

// The one owner of threads: OpenMP's pool for our loops and the GEMMs they split (0: its default,
// $OMP_NUM_THREADS or all cores). Called once, before any subcommand runs. How the threads wait
// between loops is set even before, by wait_briefly (below).
static void set_threads(int threads) {
#ifdef _OPENMP
    if (threads > 0) omp_set_num_threads(threads);
#else
    (void)threads;
#endif
}

// Threads that wait spin a little, then sleep, unless the user chose how they wait.
// Why: by default libgomp's waiting threads spin ~300,000 times (~3 ms) before they sleep. When
// another program keeps one core busy, a spinning thread and the thread it waits for take turns on
// the cores, each parallel loop waits out a time slice, and a small model trained 200x slower on 2
// threads than on 1 (issue 12). Sleeping at once (OMP_WAIT_POLICY=passive) removes that, but then
// every parallel loop pays a wake-up, and a small model's step on an idle machine took 30% longer.
// So: GOMP_SPINCOUNT=1000, about 10 microseconds of spinning, which covers the short gaps between
// the loops of a step on an idle machine (as fast as spinning) and bounds what a waiting thread can
// take from a busy core (dev/bench_busy.py measures both; the README quotes it). libgomp's spin
// count overrides its policy; OMP_WAIT_POLICY=passive is for OpenMP runtimes without one (LLVM's
// libomp, which clang++ links): there threads sleep at once.
// subtle: libgomp reads both once, in its constructor, before main() runs, so setting them now is
// too late for this process: ./train sets them and restarts itself (same pid, arguments, open
// files). The variables it set stop a second restart. If no restart is possible, ./train runs on
// libgomp's default spinning, and the threads line says so. Set OMP_WAIT_POLICY or GOMP_SPINCOUNT
// yourself to choose otherwise, or to skip the restart (under a debugger, say).
static const char* const SPIN_COUNT = "1000";
static void wait_briefly(char** argv) {
#ifdef _OPENMP
    // the user's choice (or no program name to restart)
    if (!argv[0] || std::getenv("OMP_WAIT_POLICY") || std::getenv("GOMP_SPINCOUNT")) return;
    // not set: a restart would loop
    if (setenv("OMP_WAIT_POLICY", "passive", 1) != 0 || setenv("GOMP_SPINCOUNT", SPIN_COUNT, 1) != 0) {
        unsetenv("OMP_WAIT_POLICY");
        return;
    }
    execv("/proc/self/exe", argv);  // Linux: this very binary
    execvp(argv[0], argv);          // elsewhere: the program as the shell found it
    unsetenv("OMP_WAIT_POLICY");    // both failed: this process spins, and must not claim otherwise
    unsetenv("GOMP_SPINCOUNT");
#else
    (void)argv;
#endif
}

// The one line of an error. Under mpirun rank 0's starts with "error: " as always; another rank's
// (each rank prints its own: a file may be missing on one machine only) names the rank first.
static void print_error(const char* what) {
    if (distributed_rank() == 0) std::fprintf(stderr, "error: %s\n", what);
    else std::fprintf(stderr, "rank %d: error: %s\n", distributed_rank(), what);
}

int main(int argc, char** argv) {
    wait_briefly(argv);  // first: it may restart ./train
    try {
        distributed_init(&argc, &argv);  // under mpirun: MPI starts, ranks > 0 stop printing
        std::string name = argc >= 2 ? argv[1] : "";
        bool sub = name == "tokenizer" || name == "prepare" || name == "sample" || name == "bench" || name == "export";
        std::vector<std::string> args(argv + (sub ? 2 : 1), argv + argc);
        Command cmd = name == "tokenizer" ? tokenizer_command()
                      : name == "prepare" ? prepare_command()
                      : name == "sample"  ? sample_command()
                      : name == "bench"   ? bench_command()
                      : name == "export"  ? export_command()
                                          : train_command(args);
        int threads = 0;
        cmd.flags.push_back(threads_flag(&threads));  // the flag every subcommand shares
        if (!flags_parse(cmd, args)) {                // --help: printed
            distributed_finalize();
            return 0;
        }
        set_threads(threads > 0 ? threads : distributed_default_threads());  // mpirun: the cores shared among ranks
        int status = cmd.run();
        distributed_finalize();
        return status;
    } catch (const UsageError& e) {
        print_error(e.what());
        return distributed_exit(2);  // mpirun: ends every rank
    } catch (const std::bad_alloc&) {  // and length_error: never the library's text (issue 16)
        print_error("not enough memory for this run (an allocation failed); HINT: a smaller -b, -t or model, or -r 1");
        return distributed_exit(1);
    } catch (const std::length_error&) {
        print_error("not enough memory for this run (a size beyond any allocation); HINT: a smaller -b, -t or model");
        return distributed_exit(1);
    } catch (const std::exception& e) {
        print_error(e.what());
        return distributed_exit(1);
    }
}
