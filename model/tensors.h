// tensors.h: every tensor of GPT-2, named as in llm.c, and the ONE table of them.
// Parameters live in one contiguous float buffer in llm.c's checkpoint order, so a
// checkpoint loads with one read; gradients and AdamW's m and v are buffers of the
// same layout. Activations live in a second buffer sized from (B,T). Allocation,
// loading, weight decay, gradient printing and the tests all loop over the tables
// below, so adding a tensor is one line in tensors.cpp; each row says whether the tensor
// has one slice per layer, so code that walks the per-layer tensors never assumes an order.
#pragma once
#include <cstddef>  // size_t
#include <string>   // std::to_string: table_size's error
#include <vector>

#include "data/common/errors.h"  // Error: a table too large

#include "model/config.h"

struct ParameterTensors {
    float* wte;       // (Vp,C)    token embedding, also the output projection (tied)
    float* wpe;       // (maxT,C)  position embedding
    float* ln1w;      // (L,C)     LayerNorm 1 weight
    float* ln1b;      // (L,C)     LayerNorm 1 bias
    float* qkvw;      // (L,3C,C)  attention input projection
    float* qkvb;      // (L,3C)
    float* attprojw;  // (L,C,C)   attention output projection
    float* attprojb;  // (L,C)
    float* ln2w;      // (L,C)     LayerNorm 2 weight
    float* ln2b;      // (L,C)
    float* fcw;       // (L,4C,C)  MLP up
    float* fcb;       // (L,4C)
    float* fcprojw;   // (L,C,4C)  MLP down
    float* fcprojb;   // (L,C)
    float* lnfw;      // (C)       final LayerNorm
    float* lnfb;      // (C)
};

struct ActivationTensors {
    float* encoded;    // (B,T,C)     wte + wpe (then dropout, in place, when training with it)
    float* ln1;        // (L,B,T,C)
    float* ln1_mean;   // (L,B,T)
    float* ln1_rstd;   // (L,B,T)
    float* qkv;        // (L,B,T,3C)
    float* atty;       // (L,B,T,C)   attention output, before its projection
    float* att_lse;    // (L,B,NH,T)  log-sum-exp of each query's attention scores (attention.h)
    float* attproj;    // (L,B,T,C)
    float* residual2;  // (L,B,T,C)
    float* ln2;        // (L,B,T,C)
    float* ln2_mean;   // (L,B,T)
    float* ln2_rstd;   // (L,B,T)
    float* fch;        // (L,B,T,4C)  MLP hidden, before GELU
    float* fch_gelu;   // (L,B,T,4C)
    float* fcproj;     // (L,B,T,C)
    float* residual3;  // (L,B,T,C)   the block's output
    float* lnf;        // (B,T,C)
    float* lnf_mean;   // (B,T)
    float* lnf_rstd;   // (B,T)
    float* logits;     // (rows,Vp)   a chunk of positions' logits (classifier.h): all (B,T,Vp) if B*T <= a chunk
    float* probs;      // (rows,Vp)   their probabilities
    float* losses;     // (B,T)
};

// One row of a table: a tensor's name, where its pointer lives, and how many floats it has.
template <typename Tensors>
struct TensorInfo {
    const char* name;
    float* Tensors::*field;  // e.g. &ParameterTensors::wte
    size_t count;            // elements (of all L layers, for a per-layer tensor)
    bool per_layer;          // (L,...): one slice per layer (layer_view); else one tensor for the model
    bool decay = false;      // parameters only: AdamW weight decay applies (2-D weights, embeddings)
};
using ParameterInfo = TensorInfo<ParameterTensors>;
using ActivationInfo = TensorInfo<ActivationTensors>;

std::vector<ParameterInfo> parameter_table(const GPT2Config& c);
// recompute: -r 0 every per-layer tensor for all L layers; -r 1 fch_gelu for one layer only; -r 2
// only residual3 (each block's output: the next one's input) for all L, the rest for one (gpt2.h)
std::vector<ActivationInfo> activation_table(const GPT2Config& c, int B, int T, int recompute = 0);

// The most floats a tensor, or a whole table, may have: sizes beyond it are an Error naming them
// (they come from files and flags), so that no count, and no byte count made from a few of them,
// wraps size_t.
constexpr size_t MAX_TENSOR_FLOATS = (size_t)1 << 58;
// Total floats in a table (each entry is at most MAX_TENSOR_FLOATS: the sum of a table cannot wrap).
template <typename Tensors>
size_t table_size(const std::vector<TensorInfo<Tensors>>& table) {
    size_t n = 0;
    for (const auto& e : table) n += e.count;
    if (n > MAX_TENSOR_FLOATS) throw Error("the tensors would have " + std::to_string(n) + " floats in all, more than 2^58");
    return n;
}

// Points every field of `t` into `memory`, one after another in table order.
template <typename Tensors>
void point_tensors(Tensors& t, float* memory, const std::vector<TensorInfo<Tensors>>& table) {
    for (const auto& e : table) {
        t.*(e.field) = memory;
        memory += e.count;
    }
}

// Layer l's slice of a per-layer tensor: the l-th block of `per_layer` floats.
inline float* layer_view(float* tensor, int l, size_t per_layer) { return tensor + (size_t)l * per_layer; }
