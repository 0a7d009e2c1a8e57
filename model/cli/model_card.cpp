// model_card.cpp: the model card ./train prints at start. See model_card.h.
#include "model/cli/model_card.h"

#include <cstdio>  // printf

#include "model/precision.h"  // precision_summary

void print_model_card(const GPT2& model, int B, int T) {
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
    std::printf("precision: %s\n", precision_summary(model.precision).c_str());
    std::printf("compute: %.1f MFLOP per token (forward + backward), %.2f GFLOP per step of B*T = %d tokens\n",
                gpt2_flops_per_token(c, T) / 1e6, gpt2_flops_per_token(c, T) * B * T / 1e9, B * T);
}
