// bench.cpp: `./train bench`. See bench.h; `./train bench --help` lists the flags.
// A driver like train.cpp, so it is the one other place that sets the thread count.
// Tokens are synthetic and fixed, token i = (i * 2654435761 mod 2^32) mod V, so that a
// peer program (dev/bench_pytorch.py) can feed the very same batch.
#include "model/cli/bench.h"

#include <algorithm>  // sort
#include <chrono>     // steady_clock
#include <cstdio>
#include <cstdlib>    // strtol
#include <cstring>    // strcmp
#include <fstream>    // /proc/self/status
#include <string>
#include <vector>
#ifdef _OPENMP
#include <omp.h>      // omp_set_num_threads
#endif
#ifdef __GLIBC__
#include <malloc.h>   // malloc_trim
#endif

#include "model/gpt2.h"
#include "model/train/checkpoint.h"  // gpt2_build_from_checkpoint, gpt2_save_checkpoint
#include "model/train/adamw.h"  // gpt2_update
#include "model/matmul.h"    // matmul_forward: the ceiling is measured with the model's own GEMM
#include "data/common/profile.h"   // --profile
#include "data/common/files.h"      // UsageError, file_exists

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
    std::vector<BenchConfig> configs;
    int steps = 10;           // timed steps; the median is reported
    int warmup = 2;           // untimed steps first (allocation, caches, page faults)
    int threads = 0;          // 0: OpenMP's default
    bool profile = false;     // per-layer table after each config
    int ceiling_n = 2048;     // size of the square sgemm that measures the ceiling (0: skip)
    std::string save;         // write the model as a checkpoint here (for the peer program)
};

static void bench_usage() {
    std::printf(
        "usage: ./train bench [tiny] [small] [124m] [flags]   (no config: all three)\n"
        "       ./train bench -e MODEL -b B -t T [flags]         (one config of your own)\n\n"
        "  -e MODEL        checkpoint file, or descriptor lNhNcN / dN (fresh GPT-2 init, seed 1337)\n"
        "  -b B  -t T      batch size and sequence length with -e (default 4, 64)\n"
        "  --vocab V       V of a descriptor model (default 256); --block-size maxT (default T)\n"
        "  --name NAME     label printed as config= (default custom)\n"
        "  --steps N       timed steps, median reported (default 10)\n"
        "  --warmup N      untimed steps before them (default 2)\n"
        "  --threads N     OpenMP threads (default: $OMP_NUM_THREADS or all cores)\n"
        "  --profile       print time per layer kind, forward/backward/update\n"
        "  --ceiling N     size of the square sgemm measuring the ceiling (default 2048; 0 = skip)\n"
        "  --save FILE     write the benchmarked model as a checkpoint (for dev/bench_pytorch.py)\n"
        "prints one line per config: bench: config=... ms_per_step= tok_per_s= gflops= peak_frac= ...\n");
}

static int int_flag(const std::string& flag, const char* value, int min) {
    char* end = nullptr;
    long x = std::strtol(value, &end, 10);
    if (*value == '\0' || *end != '\0' || x < min || x > (1 << 24))
        throw UsageError(flag + " " + value + ": not an integer >= " + std::to_string(min));
    return (int)x;
}

static BenchOptions parse_bench_flags(int argc, char** argv) {
    BenchOptions o;
    BenchConfig custom{"custom", "", 256, 0, 4, 64};
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        bool preset = false;
        for (const BenchConfig& p : PRESETS)
            if (a == p.name) o.configs.push_back(p), preset = true;
        if (preset) continue;
        if (a == "--profile") { o.profile = true; continue; }
        if (a.rfind("-", 0) != 0) throw UsageError("bench: unknown config " + a + " (tiny, small, 124m or -e)");
        if (i + 1 >= argc) throw UsageError("bench: " + a + " needs a value");
        const char* v = argv[++i];
        if (a == "-e") custom.model = v;
        else if (a == "-b") custom.B = int_flag(a, v, 1);
        else if (a == "-t") custom.T = int_flag(a, v, 1);
        else if (a == "--vocab") custom.vocab = int_flag(a, v, 1);
        else if (a == "--block-size") custom.block_size = int_flag(a, v, 1);
        else if (a == "--name") custom.name = v;
        else if (a == "--steps") o.steps = int_flag(a, v, 0);
        else if (a == "--warmup") o.warmup = int_flag(a, v, 0);
        else if (a == "--threads") o.threads = int_flag(a, v, 0);
        else if (a == "--ceiling") o.ceiling_n = int_flag(a, v, 0);
        else if (a == "--save") o.save = v;
        else throw UsageError("bench: unknown flag " + a + " (see ./train bench --help)");
    }
    if (!custom.model.empty()) {
        if (custom.block_size == 0) custom.block_size = custom.T;
        o.configs.push_back(custom);
    }
    if (o.configs.empty()) o.configs.assign(std::begin(PRESETS), std::end(PRESETS));
    if (!o.save.empty() && o.configs.size() != 1) throw UsageError("bench: --save needs exactly one config");
    return o;
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
// GEMM the model runs (Eigen, or OpenBLAS with BLAS=openblas, split across the threads the
// same way), on matrices far larger than any of the model's. The model's FLOP rate over this
// is peak_frac.
static double sgemm_ceiling_gflops(int n) {
    std::vector<float> a((size_t)n * n), w((size_t)n * n), out((size_t)n * n);
    for (size_t i = 0; i < a.size(); i++) a[i] = (float)(i % 7) * 0.1f, w[i] = (float)(i % 5) * 0.1f;
    double best = 1e30;
    for (int rep = 0; rep < 4; rep++) {  // the first one warms up; the best of all counts
        auto t0 = std::chrono::steady_clock::now();
        matmul_forward(out.data(), a.data(), w.data(), nullptr, 1, n, n, n);  // (n,n) = (n,n)(n,n)^T
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
static void bench_config(const BenchConfig& bc, const BenchOptions& o, int threads, double& ceiling) {
    reset_peak_rss();
    const double base_rss = status_mb("VmRSS:");  // the program, its libraries and thread stacks
    GPT2 model;
    if (file_exists(bc.model)) gpt2_build_from_checkpoint(model, bc.model);
    else gpt2_build_from_descriptor(model, bc.model, bc.block_size, bc.vocab, 1337);
    if (!o.save.empty()) gpt2_save_checkpoint(model, o.save);
    if (o.steps == 0) return;  // --steps 0: only build (and save)
    const GPT2Config& c = model.config;
    const int B = bc.B, T = bc.T;
    // the fixed synthetic batch: (B,T+1) tokens read as inputs and targets shifted by one
    std::vector<int> tokens((size_t)B * T + 1);
    for (size_t i = 0; i < tokens.size(); i++) tokens[i] = (int)((i * 2654435761ULL) % 4294967296ULL % c.vocab_size);
    const int* inputs = tokens.data();
    const int* targets = tokens.data() + 1;
    AdamWConfig adamw;
    adamw.weight_decay = 0.1f;  // decay on, as in real training

    std::vector<double> ms;
    double first_loss = 0, last_loss = 0;
    for (int step = 0; step < o.warmup + o.steps; step++) {
        if (step == o.warmup && o.profile) profile_enable(true);  // count only timed steps
        auto t0 = std::chrono::steady_clock::now();
        gpt2_forward(model, inputs, targets, B, T);
        gpt2_zero_grad(model);
        gpt2_backward(model);
        gpt2_update(model, 1e-4f, adamw, step + 1);
        if (step >= o.warmup) ms.push_back(1000.0 * seconds_since(t0));
        if (step == 0) first_loss = model.mean_loss;
        last_loss = model.mean_loss;
    }
    const double step_ms = median(ms);
    const double tok_per_s = (double)B * T / (step_ms / 1000.0);
    const double gflops = gpt2_flops_per_token(c, T) * tok_per_s / 1e9;
    // the model card's memory: parameters, gradients, AdamW m and v, activations and one
    // layer's activation gradients (what ./train prints at start)
    const double card_mb = gpt2_memory(c, B, T).total() * sizeof(float) / 1048576.0;
    const double rss = status_mb("VmHWM:");
    if (ceiling < 0) {
        ceiling = sgemm_ceiling_gflops(o.ceiling_n);
#ifdef __GLIBC__
        malloc_trim(0);  // hand its freed matrices back, so they do not count in the next config's memory
#endif
        std::printf("bench: sgemm %dx%dx%d ceiling %.1f GFLOP/s with %d thread(s)\n", o.ceiling_n, o.ceiling_n,
                    o.ceiling_n, ceiling, threads);
    }
    std::printf("bench: config=%s L=%d NH=%d C=%d V=%d B=%d T=%d threads=%d gemm=%s ms_per_step=%.2f tok_per_s=%.0f "
                "gflops=%.1f ceiling_gflops=%.1f peak_frac=%.3f peak_rss_mb=%.0f base_rss_mb=%.0f card_mb=%.0f mem_ratio=%.2f "
                "model_mem_ratio=%.2f "
                "loss_first=%.6f loss_last=%.6f\n",
                bc.name.c_str(), c.num_layers, c.num_heads, c.channels, c.vocab_size, B, T, threads,
#ifdef EIGEN_USE_BLAS
                "openblas",
#else
                "eigen",
#endif
                step_ms, tok_per_s, gflops, ceiling, ceiling > 0 ? gflops / ceiling : 0.0, rss, base_rss, card_mb,
                rss > 0 ? rss / card_mb : 0.0, rss > 0 ? (rss - base_rss) / card_mb : 0.0, first_loss, last_loss);
    if (o.profile) {
        double mean_ms = 0;  // the table sums every timed step, so it is compared with the mean
        for (double x : ms) mean_ms += x / ms.size();
        profile_print(stdout, o.steps, mean_ms);
        profile_enable(false);
    }
    std::fflush(stdout);
}

int bench_main(int argc, char** argv) {
    for (int i = 1; i < argc; i++)
        if (std::strcmp(argv[i], "-h") == 0 || std::strcmp(argv[i], "--help") == 0) {
            bench_usage();
            return 0;
        }
    BenchOptions o = parse_bench_flags(argc, argv);
#ifdef _OPENMP
    if (o.threads > 0) omp_set_num_threads(o.threads);
    const int threads = omp_get_max_threads();
#else
    const int threads = 1;
#endif
    double ceiling = o.ceiling_n > 0 ? -1.0 : 0.0;  // measured after the first config's steps
    for (const BenchConfig& bc : o.configs) bench_config(bc, o, threads, ceiling);
    return 0;
}
