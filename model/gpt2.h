// gpt2.h: the whole GPT-2: build, forward, zero_grad, backward (the update: model/train/adamw.h).
// gpt2.cpp only calls the layers in order; there is no math in it. Read it after
// train.cpp and before the layer files. Names follow llm.c's train_gpt2.c.
//   forward:  tokens -> encoder -> L x [ln1 -> qkv -> attention -> proj -> +residual,
//                                       ln2 -> fc -> gelu -> proj -> +residual] -> lnf -> logits -> loss
//   (with --dropout: dropout on the embeddings and on each branch before its +residual)
//   backward: the same calls in reverse, each layer's _backward. The classifier (lnf -> logits -> loss)
//   runs in chunks of positions and, in a training forward, its backward with it (classifier.h).
//   -r (recompute, llm.c's flag) trades compute for memory: 0 keeps every activation for backward;
//   1 recomputes GELU's output there; 2 keeps only each block's input and reruns the block's forward
//   before its backward. The same arithmetic again: the same bits at every -r. (llm.c's -r 2
//   recomputes GELU and the LayerNorms only, and its default is 1; here 0, the exact old path.)
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "model/bf16.h"     // bf16, Precision
#include "model/config.h"   // GPT2Config
#include "model/tensors.h"  // ParameterTensors, ActivationTensors, the tables

struct GPT2 {
    GPT2Config config;
    // parameters and the three buffers of the same layout (tensors.h)
    std::vector<ParameterInfo> param_table;
    size_t num_parameters = 0;
    std::vector<float> params_memory;  // (num_parameters)
    std::vector<float> grads_memory;   // (num_parameters)
    std::vector<float> m_memory;       // (num_parameters) AdamW first moment, allocated by the first update
    std::vector<float> v_memory;       // (num_parameters) AdamW second moment
    // --precision bf16: the matrix products read the weights from a bf16 copy of the parameters
    // (same layout), rounded once per step by gpt2_update (and by the first forward), not per product
    Precision precision = Precision::fp32;
    std::vector<bf16> params_bf16;     // (num_parameters) in bf16; empty in fp32
    ParameterTensors params, grads;
    // activations, allocated by the first forward for (B,T), and their gradients, allocated by
    // the first backward with ONE layer's slot that every layer reuses (gpt2_backward)
    size_t num_activations = 0;
    std::vector<float> acts_memory, grads_acts_memory;  // (num_activations) each; grads_acts by the first backward
    ActivationTensors acts, grads_acts;
    int batch_size = 0;  // B the activations were allocated for
    int seq_len = 0;     // T the activations were allocated for
    int recompute = 0;   // -r 0|1|2 (above); set before the first forward, which allocates for it
    int acts_recompute = 0;  // the -r the activations were allocated for
    // the last forward's batch, which backward reads
    int B = 0, T = 0;
    std::vector<int> inputs, targets;  // (B,T) each
    std::vector<int> next_inputs, next_targets;  // (B,T) each: gpt2_train_step reads micro-batches here
    bool has_targets = false;
    float mean_loss = -1.0f;           // of the last forward with targets
    // the classifier's gradient of the last forward is already in grads.wte and grads_acts.lnf (a
    // training forward adds it); gpt2_zero_grad clears the flag, and backward then computes it again
    bool classifier_grads_added = false;
    // dropout: probability, and whether the next forward is a training one
    float dropout = 0.0f;
    bool training = false;
    uint64_t dropout_seed = 0;         // this micro-batch's key (gpt2_dropout_key), set by the trainer; backward reuses it
};

// Allocates zeroed parameters and gradients for configuration c (the builders call it:
// gpt2_build_from_descriptor below, gpt2_build_from_checkpoint in model/train/checkpoint.h).
void gpt2_build(GPT2& model, const GPT2Config& c);
// A fresh model from a descriptor: "dN" (N layers, N heads, 64N channels) or "lNhNcN"
// (e.g. l4h4c128), with GPT-2's initialisation drawn from a PyTorch-compatible generator.
void gpt2_build_from_descriptor(GPT2& model, const std::string& desc, int max_seq_len, int vocab_size,
                                uint64_t seed);
// The configuration a descriptor names (throws UsageError on a malformed one).
GPT2Config gpt2_config_from_descriptor(const std::string& desc, int max_seq_len, int vocab_size);

// Allocates the activations for batches of up to (B,T) at model.recompute; forward calls it on first use.
void gpt2_allocate_activations(GPT2& model, int B, int T);
// Chooses what the matrix products take (bf16.h): for bf16, rounds the weights into params_bf16
// (call it again after changing params_memory other than by gpt2_update); for fp32, frees the copy.
void gpt2_set_precision(GPT2& model, Precision precision);
// inputs, targets (B,T). With targets: the losses (acts.losses, mean_loss); acts.logits and acts.probs
// hold the last chunk of positions' (classifier.h; all (B,T,Vp) when B*T fits one chunk). A training
// forward (model.training) also adds the classifier's gradient into grads.wte, so gpt2_zero_grad comes
// before it (gpt2_train_step: zero_grad, then forward and backward per micro-batch). Without targets
// (sampling): acts.logits and acts.probs (B,Vp) hold each sequence's last position only.
void gpt2_forward(GPT2& model, const int* inputs, const int* targets, int B, int T);
// Dropout's masks, derived here and nowhere else, so that every bit of each number counts
// (mix: splitmix64's finaliser, a bijection of 64-bit numbers, data/common/splitmix.h):
//   a micro-batch's key   = mix(mix(seed) + micro_batch)    micro_batch = step * accum_steps + micro
//   a site's mask seed    = mix(key + site)                 site 0: the embeddings, 1 + 2l: layer l's
//                                                           attention branch, 2 + 2l: its MLP branch
// Two seeds never give one key for the same micro-batch. gpt2_train_step stores the key in
// model.dropout_seed; gpt2_forward and gpt2_backward derive each site's seed from it.
uint64_t gpt2_dropout_key(uint64_t seed, uint64_t micro_batch);
// Zeroes the parameter gradients: the only place that writes zeros into a gradient. (Between a
// forward and its backward it is allowed: backward then computes the classifier's share again.)
void gpt2_zero_grad(GPT2& model);
// Adds d(mean loss)/d(params) of the last forward into model.grads.
void gpt2_backward(GPT2& model);

// FLOPs of forward + backward per token: 6 N + 12 L C T (N without the position table).
double gpt2_flops_per_token(const GPT2Config& c, int T);
// The model card's memory, in floats: everything the model allocates for batches of (B,T) at -r recompute.
struct GPT2Memory {
    size_t params;       // and as many again for gradients, AdamW m, AdamW v
    size_t params_bf16;  // --precision bf16: the weights' bf16 copy (2 bytes each); 0 in fp32
    size_t acts;         // the activations kept for backward (fewer layers' with -r 1 and 2)
    size_t grad_acts;    // activation gradients: one layer's slot, reused by every layer
    size_t total() const { return 4 * params + params_bf16 + acts + grad_acts; }
};
GPT2Memory gpt2_memory(const GPT2Config& c, int B, int T, int recompute, Precision precision);
