// model_card.cpp: the model card ./train prints at start, and the memory guard. See model_card.h.
#include "model/cli/model_card.h"

#include <cstdio>   // printf, snprintf
#include <fstream>  // the meminfo file
#include <sstream>  // istringstream: a meminfo line

#include "data/common/errors.h"  // Error
#include "model/precision.h"     // precision_summary

static const double MB = 1024.0 * 1024.0;  // bytes

void print_model_card(const GPT2& model, int B, int T) {
    const GPT2Config& c = model.config;
    std::printf("model: L=%d NH=%d C=%d V=%d (padded %d) maxT=%d\n", c.num_layers, c.num_heads, c.channels,
                c.vocab_size, c.padded_vocab_size, c.max_seq_len);
    std::printf("  %-9s %12s\n", "tensor", "parameters");
    for (const ParameterInfo& e : model.param_table) std::printf("  %-9s %12zu\n", e.name, e.count);
    std::printf("  %-9s %12zu\n", "total", model.num_parameters);
    const double f = sizeof(float) / MB;  // MB per float
    const GPT2Memory mem = gpt2_memory(c, B, T, model.recompute, model.precision);
    char bf16_copy[48] = "";  // --precision bf16: the weights' bf16 copy
    if (mem.params_bf16) std::snprintf(bf16_copy, sizeof bf16_copy, " bf16 weights %.1f MB,", mem.params_bf16 * f);
    std::printf("memory: parameters %.1f MB, gradients %.1f MB, AdamW m+v %.1f MB,%s activations %.1f MB at -r %d "
                "(+ %.1f MB for one layer's activation gradients) = %.1f MB\n",
                mem.params * f, mem.params * f, 2 * mem.params * f, bf16_copy, mem.acts * f, model.recompute,
                mem.grad_acts * f, mem.total() * f);
    // what -r would change: only the activations differ
    std::printf("  total by -r (recompute):");
    for (int r = 0; r <= 2; r++)
        std::printf(" -r %d %.1f MB%s%s", r, gpt2_memory(c, B, T, r, model.precision).total() * f,
                    r == model.recompute ? " (this run)" : "", r < 2 ? "," : "\n");
    std::printf("precision: %s\n", precision_summary(model.precision).c_str());
    std::printf("compute: %.1f MFLOP per token (forward + backward), %.2f GFLOP per step of B*T = %d tokens\n",
                gpt2_flops_per_token(c, T) / 1e6, gpt2_flops_per_token(c, T) * B * T / 1e9, B * T);
}

// ----------------------------------------------------------------------------
// the memory guard

double mem_available_bytes(const std::string& meminfo_path) {
    std::ifstream f(meminfo_path);
    std::string line;
    while (std::getline(f, line)) {  // "MemAvailable:   12345678 kB"
        std::istringstream in(line);
        std::string key, unit;
        double kb = 0;
        if (in >> key >> kb >> unit && key == "MemAvailable:" && unit == "kB") return kb * 1024.0;
    }
    return -1.0;
}

static double bytes_needed(const GPT2Config& c, int B, int T, int recompute, Precision precision) {
    return (double)gpt2_memory(c, B, T, recompute, precision).total() * sizeof(float);
}

// The largest n in [1, hi) with fits(n), or 0 if none; fits is monotone (true up to some n).
template <typename Fits>
static int largest_fitting(int hi, const Fits& fits) {
    int lo = 0;  // fits(lo) is true, or lo = 0
    while (hi - lo > 1) {
        const int mid = lo + (hi - lo) / 2;
        if (fits(mid)) lo = mid;
        else hi = mid;
    }
    return lo;
}

static std::string gb(double bytes) {
    char s[32];
    std::snprintf(s, sizeof s, "%.2f GB", bytes / (1024.0 * MB));
    return s;
}

void check_memory(const GPT2Config& c, int B, int T, int recompute, Precision precision, double available,
                  const std::string& source) {
    const double need = bytes_needed(c, B, T, recompute, precision);
    if (available < 0 || need <= available) return;
    // each of -r, -b, -t alone: the least recompute, the largest B, the largest T that fit
    std::string fixes;
    auto add = [&](const std::string& fix) { fixes += (fixes.empty() ? "" : ", or ") + fix; };
    for (int r = recompute + 1; r <= 2; r++)
        if (bytes_needed(c, B, T, r, precision) <= available) {
            add("-r " + std::to_string(r));
            break;
        }
    const int b = largest_fitting(B, [&](int n) { return bytes_needed(c, n, T, recompute, precision) <= available; });
    if (b > 0) add("-b " + std::to_string(b));
    const int t = largest_fitting(T, [&](int n) { return bytes_needed(c, B, n, recompute, precision) <= available; });
    if (t > 0) add("-t " + std::to_string(t));
    if (fixes.empty())
        fixes = "none of -b, -t, -r alone fits (at -b 1 -t 1 -r 2: " + gb(bytes_needed(c, 1, 1, 2, precision)) + ")";
    else
        fixes = "it fits with " + fixes;
    throw Error("memory: this run needs " + gb(need) + " (the model card's total at -b " + std::to_string(B) +
                " -t " + std::to_string(T) + " -r " + std::to_string(recompute) + ") but " + gb(available) +
                " is available (" + source + "): " + fixes);
}
