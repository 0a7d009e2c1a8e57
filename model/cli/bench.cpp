// bench.cpp: `./train bench`. See bench.h; `./train bench --help` lists the flags.
// The thread count is train.cpp's main's (--threads, shared by every subcommand).
// Tokens are synthetic and fixed, token i = (i * 2654435761 mod 2^32) mod V, so that a
// peer program (dev/bench_pytorch.py) can feed the very same batch.
// Under mpirun (make MPI=1) every rank runs the step on its own batch of B, and the line adds
// ranks=, comm_ms_per_step= (time inside MPI calls: the gradient sum, ZeRO-1's gather) and counts
// tok_per_s over all ranks (dev/bench_mpi.sh compares it with one process).
#include "model/cli/bench.h"

#include <algorithm>  // sort
#include <chrono>     // steady_clock
#include <cstdio>
#include <memory>     // make_shared: the options a Command owns
#include <fstream>    // /proc/self/status
#include <string>
#include <vector>
#ifdef __GLIBC__
#include <malloc.h>   // malloc_trim
#endif

#include "model/gpt2.h"
#include "model/train/checkpoint.h"  // gpt2_build_from_checkpoint, gpt2_save_checkpoint
#include "model/train/train_step.h"  // gpt2_train_step: the trainer's step, timed
#include "model/train/distributed.h"  // mpirun: ranks, the time spent communicating
#include "model/matmul.h"    // matmul_forward: the ceiling is measured with the model's own GEMM
#include "model/gemm_bf16.h"  // bf16_kernel: which kernel runs, printed as gemm=
#include "model/precision.h"  // --precision
#include "data/common/profile.h"   // --profile
#include "data/common/files.h"      // UsageError, file_exists
#include "data/common/flags.h"      // Command, flag, threads_in_use

// what `./train bench --help` prints above its flags
static const char* USAGE =
    "usage: ./train bench [tiny] [small] [124m] [flags]   (no config: all three)\n"
    "       ./train bench -e MODEL -b B -t T [flags]         (one config of your own)\n"
    "prints one line per config: bench: config=... ms_per_step= tok_per_s= gflops= peak_frac= ...\n";

// ----------------------------------------------------------------------------
// configs and flags

struct BenchConfig {
    std::string name;   // printed as config=
    std::string model;  // checkpoint file, or descriptor lNhNcN / dN
    int vocab;          // V of a descriptor model
    int block_size;     // maxT of a descriptor model
    int B, T;
};

// The three configs of issue 6 (FLOP per step: 4.1 G, 146.5 G, 191.7 G).
static const BenchConfig PRESETS[] = {
    {"tiny", "l4h4c128", 256, 64, 12, 64},
    {"small", "l6h6c384", 256, 256, 8, 256},
    {"124m", "d12", 50257, 1024, 4, 64},
};

struct BenchOptions {
    std::vector<std::string> words;  // preset names: tiny, small, 124m
    BenchConfig custom{"custom", "", 256, 0, 4, 64};  // -e MODEL -b B -t T: one config of your own
    int steps = 10;           // timed steps; the median is reported
    int warmup = 2;           // untimed steps first (allocation, caches, page faults)
    bool profile = false;     // per-layer table after each config
    int ceiling_n = 2048;     // size of the square sgemm that measures the ceiling (0: skip)
    std::string save;         // write the model as a checkpoint here (for the peer program)
    std::string precision = "fp32";  // --precision fp32 | bf16 | auto
    int recompute = 0;        // -r 0|1|2, as the trainer's (gpt2.h)
};

// The configs to run: the presets named, then -e's; none named: all three presets.
static std::vector<BenchConfig> bench_configs(const BenchOptions& o) {
    std::vector<BenchConfig> configs;
    for (const std::string& w : o.words) {
        size_t before = configs.size();
        for (const BenchConfig& p : PRESETS)
            if (w == p.name) configs.push_back(p);
        if (configs.size() == before) throw UsageError("bench: unknown config " + w + " (tiny, small, 124m or -e)");
    }
    if (!o.custom.model.empty()) {
        BenchConfig c = o.custom;
        if (c.block_size == 0) c.block_size = c.T;
        configs.push_back(c);
    }
    if (configs.empty()) configs.assign(std::begin(PRESETS), std::end(PRESETS));
    if (!o.save.empty() && configs.size() != 1) throw UsageError("bench: --save needs exactly one config");
    return configs;
}

// ----------------------------------------------------------------------------
// measurements

static double seconds_since(std::chrono::steady_clock::time_point t0) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
}

static double median(std::vector<double> x) {
    std::sort(x.begin(), x.end());
    size_t n = x.size();
    return n == 0 ? 0.0 : n % 2 ? x[n / 2] : 0.5 * (x[n / 2 - 1] + x[n / 2]);
}

// The best GFLOP/s of a square n x n x n product through matmul_forward itself: the very
// GEMM the model runs (Eigen, or OpenBLAS with BLAS=openblas; in bf16 our own kernel, gemm_bf16.h;
// split across the threads the same way), on matrices far larger than any of the model's. The
// model's FLOP rate over this is peak_frac.
static double gemm_ceiling_gflops(int n, Precision precision) {
    std::vector<float> a((size_t)n * n), w((size_t)n * n), out((size_t)n * n);
    for (size_t i = 0; i < a.size(); i++) a[i] = (float)(i % 7) * 0.1f, w[i] = (float)(i % 5) * 0.1f;
    std::vector<bf16> w16;  // the weight's bf16 copy, as the model keeps one
    if (precision == Precision::bf16) {
        w16.resize(w.size());
        bf16_round_array(w16.data(), w.data(), w.size());
    }
    double best = 1e30;
    for (int rep = 0; rep < 4; rep++) {  // the first one warms up; the best of all counts
        auto t0 = std::chrono::steady_clock::now();
        matmul_forward(out.data(), a.data(), w.data(), nullptr, 1, n, n, n, w16.empty() ? nullptr : w16.data());  // (n,n) = (n,n)(n,n)^T
        best = std::min(best, seconds_since(t0));
    }
    return 2.0 * n * (double)n * n / best / 1e9;
}

// A line of /proc/self/status in MB: "VmHWM:" the peak resident set, "VmRSS:" the current one;
// -1 where Linux's /proc is unavailable.
static double status_mb(const char* field) {
    std::ifstream f("/proc/self/status");
    std::string key;
    double kb;
    while (f >> key) {
        if (key == field && f >> kb) return kb / 1024.0;
        f.ignore(1 << 10, '\n');
    }
    return -1.0;
}
// Starts a new peak: Linux resets VmHWM to the current RSS when "5" is written here.
static void reset_peak_rss() {
    std::ofstream f("/proc/self/clear_refs");
    f << "5";
}

// ----------------------------------------------------------------------------
// one config

// ceiling: the sgemm ceiling in GFLOP/s, or < 0 if not measured yet: then it is measured
// after this config's steps, so that its 2048^2 matrices never count in the peak memory.
static void bench_config(const BenchConfig& bc, const BenchOptions& o, Precision precision, int threads,
                         double& ceiling) {
    reset_peak_rss();
    const double base_rss = status_mb("VmRSS:");  // the program, its libraries and thread stacks
    GPT2 model;
    if (file_exists(bc.model)) gpt2_build_from_checkpoint(model, bc.model);
    else gpt2_build_from_descriptor(model, bc.model, bc.block_size, bc.vocab, 1337);
    if (!o.save.empty()) gpt2_save_checkpoint(model, o.save);
    gpt2_set_precision(model, precision);
    model.recompute = o.recompute;
    if (o.steps == 0) return;  // --steps 0: only build (and save)
    const GPT2Config& c = model.config;
    const int B = bc.B, T = bc.T;
    // the fixed synthetic batch: (B,T+1) tokens read as inputs and targets shifted by one
    std::vector<int> tokens((size_t)B * T + 1);
    for (size_t i = 0; i < tokens.size(); i++) tokens[i] = (int)((i * 2654435761ULL) % 4294967296ULL % c.vocab_size);
    const int* inputs = tokens.data();
    const int* targets = tokens.data() + 1;
    // exactly the trainer's step (train_step.h): zero_grad, forward, backward, gradient norm,
    // clipping at the trainer's default 1.0, AdamW with weight decay on, as in real training
    TrainStepConfig cfg;
    cfg.schedule.lr = 1e-4f;
    cfg.schedule.kind = Schedule::Constant;
    cfg.adamw.weight_decay = 0.1f;
    auto next_batch = [&](int* in, int* out) {
        std::copy(inputs, inputs + (size_t)B * T, in);
        std::copy(targets, targets + (size_t)B * T, out);
    };

    const int ranks = distributed_size();
    cfg.accum_steps = ranks;  // one micro-batch per rank
    std::vector<double> ms, comm_ms;
    double first_loss = 0, last_loss = 0;
    for (int step = 0; step < o.warmup + o.steps; step++) {
        if (step == o.warmup && o.profile) profile_enable(true);  // count only timed steps
        auto t0 = std::chrono::steady_clock::now();
        const double comm0 = distributed_comm_seconds();
        StepResult r = gpt2_train_step(model, cfg, step, B, T, next_batch);
        if (step >= o.warmup) ms.push_back(1000.0 * seconds_since(t0));
        if (step >= o.warmup) comm_ms.push_back(1000.0 * (distributed_comm_seconds() - comm0));
        if (step == 0) first_loss = r.loss;
        last_loss = r.loss;
    }
    const double step_ms = median(ms);
    const double tok_per_s = (double)ranks * B * T / (step_ms / 1000.0);  // every rank's tokens
    const double gflops = gpt2_flops_per_token(c, T) * tok_per_s / 1e9;
    // the model card's memory: parameters, gradients, AdamW m and v, activations and one
    // layer's activation gradients (what ./train prints at start)
    const double card_mb = gpt2_memory(c, B, T, o.recompute, precision).total() * sizeof(float) / 1048576.0;
    const double rss = status_mb("VmHWM:");
    if (ceiling < 0) {
        ceiling = gemm_ceiling_gflops(o.ceiling_n, precision);
#ifdef __GLIBC__
        malloc_trim(0);  // hand its freed matrices back, so they do not count in the next config's memory
#endif
        std::printf("bench: %s gemm %dx%dx%d ceiling %.1f GFLOP/s with %d thread(s)\n",
                    precision_summary(precision).c_str(), o.ceiling_n, o.ceiling_n, o.ceiling_n, ceiling, threads);
    }
    std::printf("bench: config=%s L=%d NH=%d C=%d V=%d B=%d T=%d threads=%d gemm=%s precision=%s ms_per_step=%.2f tok_per_s=%.0f "
                "gflops=%.1f ceiling_gflops=%.1f peak_frac=%.3f peak_rss_mb=%.0f base_rss_mb=%.0f card_mb=%.0f mem_ratio=%.2f "
                "model_mem_ratio=%.2f "
                "loss_first=%.6f loss_last=%.6f\n",
                bc.name.c_str(), c.num_layers, c.num_heads, c.channels, c.vocab_size, B, T, threads,
                precision == Precision::bf16 ? bf16_kernel_name(bf16_kernel()) :
#ifdef EIGEN_USE_BLAS
                "openblas",
#else
                "eigen",
#endif
                precision == Precision::bf16 ? "bf16" : "fp32",
                step_ms, tok_per_s, gflops, ceiling, ceiling > 0 ? gflops / ceiling : 0.0, rss, base_rss, card_mb,
                rss > 0 ? rss / card_mb : 0.0, rss > 0 ? (rss - base_rss) / card_mb : 0.0, first_loss, last_loss);
    if (ranks > 1) std::printf("bench: config=%s ranks=%d comm_ms_per_step=%.2f compute_ms_per_step=%.2f\n", bc.name.c_str(), ranks,
                               median(comm_ms), step_ms - median(comm_ms));
    if (o.profile) {
        double mean_ms = 0;  // the table sums every timed step, so it is compared with the mean
        for (double x : ms) mean_ms += x / ms.size();
        profile_print(stdout, o.steps, mean_ms);
        profile_enable(false);
    }
    std::fflush(stdout);
}

static int bench_main(const BenchOptions& o) {
    std::vector<BenchConfig> configs = bench_configs(o);
    const int threads = threads_in_use();  // train.cpp's main set it from --threads
    double ceiling = o.ceiling_n > 0 ? -1.0 : 0.0;  // measured after the first config's steps
    const Precision precision = parse_precision(o.precision);
    for (const BenchConfig& bc : configs) bench_config(bc, o, precision, threads, ceiling);
    return 0;
}

Command bench_command() {
    auto o = std::make_shared<BenchOptions>();  // lives as long as the command: flags point into it
    Command cmd{"bench", USAGE};
    cmd.words = &o->words;
    BenchConfig& c = o->custom;
    cmd.flags = {
        flag("-e", "--model", &c.model, "checkpoint file, or descriptor lNhNcN / dN (fresh init, seed 1337)"),
        flag("-b", "--batch-size", &c.B, 1, 1 << 24, "B with -e"),
        flag("-t", "--seq-len", &c.T, 1, 1 << 24, "T with -e"),
        flag(nullptr, "--vocab", &c.vocab, 1, 1 << 24, "V of a descriptor model"),
        flag(nullptr, "--block-size", &c.block_size, 0, 1 << 24, "maxT of a descriptor model (0: T)"),
        flag(nullptr, "--name", &c.name, "label printed as config="),
        flag(nullptr, "--steps", &o->steps, 0, 1 << 24, "timed steps, the median reported (0: only build)"),
        flag(nullptr, "--warmup", &o->warmup, 0, 1 << 24, "untimed steps before them"),
        flag(nullptr, "--profile", &o->profile, "print time per layer kind, forward/backward/update"),
        flag(nullptr, "--ceiling", &o->ceiling_n, 0, 1 << 24, "size of the square sgemm measuring the ceiling (0: skip)"),
        flag(nullptr, "--save", &o->save, "write the benchmarked model as a checkpoint (for dev/bench_pytorch.py)"),
        flag(nullptr, "--precision", &o->precision, PRECISION_HELP),
        flag("-r", "--recompute", &o->recompute, 0, 2, "activation recompute, as the trainer's -r"),
    };
    cmd.run = [o] { return bench_main(*o); };
    return cmd;
}
