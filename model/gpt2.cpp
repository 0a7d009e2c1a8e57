// gpt2.cpp: GPT-2 assembled from the layer files. See gpt2.h.
// Memory: params/grads/m/v are four buffers of one layout; acts/grads_acts two of another
// (-r decides how many layers of each activation acts keeps: tensors.h).
#include "model/gpt2.h"

#include <cctype>   // tolower
#include <cmath>    // sqrt
#include <cstring>  // strcmp
#include <utility>  // swap

#include "model/attention.h"
#include "model/classifier.h"  // the logits, loss and their backward, in chunks of positions
#include "model/dropout.h"
#include "model/encoder.h"
#include "model/gelu.h"
#include "model/layernorm.h"
#include "model/matmul.h"
#include "model/parallel.h"  // worth_threads: small models clear on one thread
#include "data/common/profile.h"  // ProfileScope: the per-layer timers of --profile
#include "model/residual.h"
#include "model/rng.h"   // PyTorch-compatible normal_ for the initialisation
#include "data/common/errors.h"  // Error, UsageError
#include "data/common/splitmix.h"  // splitmix64_mix: dropout's seeds

// ----------------------------------------------------------------------------
// per-layer views: layer l's slice of every per-layer tensor, for params and grads
// alike (same layout), and for acts and grads_acts alike.

struct LayerParams {
    float *ln1w, *ln1b, *qkvw, *qkvb, *attprojw, *attprojb, *ln2w, *ln2b, *fcw, *fcb, *fcprojw, *fcprojb;
};

static LayerParams layer_params(const ParameterTensors& p, int C, int l) {
    const size_t C_ = C;
    return {layer_view(p.ln1w, l, C_),          layer_view(p.ln1b, l, C_),              // (C)
            layer_view(p.qkvw, l, 3 * C_ * C_), layer_view(p.qkvb, l, 3 * C_),          // (3C,C) (3C)
            layer_view(p.attprojw, l, C_ * C_), layer_view(p.attprojb, l, C_),          // (C,C) (C)
            layer_view(p.ln2w, l, C_),          layer_view(p.ln2b, l, C_),              // (C)
            layer_view(p.fcw, l, 4 * C_ * C_),  layer_view(p.fcb, l, 4 * C_),           // (4C,C) (4C)
            layer_view(p.fcprojw, l, C_ * 4 * C_), layer_view(p.fcprojb, l, C_)};       // (C,4C) (C)
}

struct LayerActs {
    float *ln1, *ln1_mean, *ln1_rstd, *qkv, *atty, *att_lse, *attproj, *residual2, *ln2, *ln2_mean, *ln2_rstd, *fch,
        *fch_gelu, *fcproj, *residual3;
};

// subtle: the per-layer stride uses the CURRENT (B,T), which may be smaller than the
// allocated one; forward and backward use the same, so the slices agree.
static LayerActs layer_acts(const ActivationTensors& a, const GPT2Config& c, int B, int T, int l) {
    const size_t BT = (size_t)B * T, C = c.channels, NH = c.num_heads;
    return {layer_view(a.ln1, l, BT * C),       layer_view(a.ln1_mean, l, BT),  layer_view(a.ln1_rstd, l, BT),
            layer_view(a.qkv, l, BT * 3 * C),   layer_view(a.atty, l, BT * C),  layer_view(a.att_lse, l, BT * NH),
            layer_view(a.attproj, l, BT * C),   layer_view(a.residual2, l, BT * C),
            layer_view(a.ln2, l, BT * C),       layer_view(a.ln2_mean, l, BT),  layer_view(a.ln2_rstd, l, BT),
            layer_view(a.fch, l, BT * 4 * C),   layer_view(a.fch_gelu, l, BT * 4 * C),
            layer_view(a.fcproj, l, BT * C),    layer_view(a.residual3, l, BT * C)};
}

// Layer l's activations as -r keeps them: what recompute keeps for one layer only (tensors.h) is
// layer 0's slice, whichever l, so every layer's forward writes it and its backward recomputes it.
static LayerActs layer_acts_r(const GPT2& model, int B, int T, int l) {
    LayerActs la = layer_acts(model.acts, model.config, B, T, l);
    const LayerActs slot = layer_acts(model.acts, model.config, B, T, 0);
    if (model.recompute >= 2) {  // all but the block's output, which the next block reads as its input
        LayerActs kept = slot;
        kept.residual3 = la.residual3;
        return kept;
    }
    if (model.recompute == 1) la.fch_gelu = slot.fch_gelu;
    return la;
}

// ----------------------------------------------------------------------------
// dropout's seeds (the derivation is documented at gpt2_dropout_key in gpt2.h)

uint64_t gpt2_dropout_key(uint64_t seed, uint64_t micro_batch) {
    // mix(seed) spreads every bit of the seed over all 64 before the count is added, and the
    // outer mix hides that the keys of consecutive micro-batches differ by one
    return splitmix64_mix(splitmix64_mix(seed) + micro_batch);
}

// Dropout site of the micro-batch keyed by model.dropout_seed: 0 = embeddings, 1 + 2l = layer l's
// attention branch, 2 + 2l = its MLP branch.
static uint64_t dropout_site_seed(const GPT2& model, int site) {
    return splitmix64_mix(model.dropout_seed + (uint64_t)site);
}

// The configuration of the activation-gradient slot: the activations' layout with ONE layer
// (gpt2_backward reuses it for every layer; gpt2_memory counts it in the model card).
static GPT2Config one_layer_config(const GPT2Config& c) {
    GPT2Config one_layer = c;
    one_layer.num_layers = 1;
    return one_layer;
}

// ----------------------------------------------------------------------------
// building

void gpt2_build(GPT2& model, const GPT2Config& c) {
    model.config = c;
    model.param_table = parameter_table(c);
    model.num_parameters = table_size(model.param_table);
    model.params_memory.assign(model.num_parameters, 0.0f);
    model.grads_memory.assign(model.num_parameters, 0.0f);
    point_tensors(model.params, model.params_memory.data(), model.param_table);
    point_tensors(model.grads, model.grads_memory.data(), model.param_table);
}

GPT2Config gpt2_config_from_descriptor(const std::string& desc, int max_seq_len, int vocab_size) {
    GPT2Config c{};
    std::string d;
    for (char ch : desc) d += (char)std::tolower((unsigned char)ch);
    int n = 0, consumed = 0;
    if (std::sscanf(d.c_str(), "d%d%n", &n, &consumed) == 1 && consumed == (int)d.size() && n > 0) {
        c.num_layers = n;                     // dN: N layers, N heads of 64 channels
        c.num_heads = n;
        c.channels = 64 * n;
    } else if (std::sscanf(d.c_str(), "l%dh%dc%d%n", &c.num_layers, &c.num_heads, &c.channels, &consumed) == 3 &&
               consumed == (int)d.size()) {
        // lNhNcN: explicit layers, heads, channels
    } else {
        throw UsageError("-e " + desc + ": not a checkpoint file nor a descriptor like d4 or l4h4c128");
    }
    if (c.num_layers <= 0 || c.num_heads <= 0 || c.channels <= 0 || c.channels % c.num_heads != 0)
        throw UsageError("-e " + desc + ": channels must be a positive multiple of heads");
    c.max_seq_len = max_seq_len;
    c.vocab_size = vocab_size;
    c.padded_vocab_size = padded_vocab(vocab_size);
    return c;
}

void gpt2_build_from_descriptor(GPT2& model, const std::string& desc, int max_seq_len, int vocab_size,
                                uint64_t seed) {
    gpt2_build(model, gpt2_config_from_descriptor(desc, max_seq_len, vocab_size));
    const GPT2Config& c = model.config;
    ParameterTensors& p = model.params;
    // GPT-2's initialisation (nanoGPT's _init_weights): weights N(0, 0.02), the two projections
    // into the residual stream N(0, 0.02/sqrt(2L)), biases 0, LayerNorm weights 1. One normal_
    // call per tensor in table order, so PyTorch with the same seed draws the same numbers.
    TorchGenerator gen;
    torch_manual_seed(gen, seed);
    // subtle: in double, as PyTorch computes 0.02/math.sqrt(2*L); float rounds differently (L=7, 10)
    const double std_residual = 0.02 / std::sqrt(2.0 * c.num_layers);
    const size_t C = c.channels, L = c.num_layers;
    torch_normal_(gen, p.wte, (size_t)c.vocab_size * C, 0.0f, 0.02f);  // real rows only; padding stays 0
    torch_normal_(gen, p.wpe, (size_t)c.max_seq_len * C, 0.0f, 0.02f);
    torch_normal_(gen, p.qkvw, L * 3 * C * C, 0.0f, 0.02f);
    torch_normal_(gen, p.attprojw, L * C * C, 0.0f, std_residual);
    torch_normal_(gen, p.fcw, L * 4 * C * C, 0.0f, 0.02f);
    torch_normal_(gen, p.fcprojw, L * C * 4 * C, 0.0f, std_residual);
    for (float* w : {p.ln1w, p.ln2w})
        for (size_t i = 0; i < L * C; i++) w[i] = 1.0f;
    for (size_t i = 0; i < C; i++) p.lnfw[i] = 1.0f;
}

// ----------------------------------------------------------------------------
// precision

void gpt2_set_precision(GPT2& model, Precision precision) {
    model.precision = precision;
    if (precision == Precision::bf16) {
        model.params_bf16.resize(model.num_parameters);
        bf16_round_array(model.params_bf16.data(), model.params_memory.data(), model.num_parameters);
    } else {
        model.params_bf16 = std::vector<bf16>();  // frees it
    }
}

// The bf16 copy of the weight at w (a pointer into params_memory) in bf16, else nullptr: what
// matmul_forward/_backward take as weight_bf16 (matmul.h)
static const bf16* weight_bf16(const GPT2& model, const float* w) {
    if (model.precision != Precision::bf16) return nullptr;
    return model.params_bf16.data() + (w - model.params_memory.data());
}

// ----------------------------------------------------------------------------
// allocation

void gpt2_allocate_activations(GPT2& model, int B, int T) {
    auto table = activation_table(model.config, B, T, model.recompute);
    model.num_activations = table_size(table);
    model.acts_memory.assign(model.num_activations, 0.0f);
    point_tensors(model.acts, model.acts_memory.data(), table);
    model.grads_acts_memory.clear();  // re-made for the new size by the next backward
    model.batch_size = B;
    model.seq_len = T;
    model.acts_recompute = model.recompute;
}

// ----------------------------------------------------------------------------
// activation gradients: allocated by the first training forward or backward, cleared before use

// A run of n floats of activation gradient to clear.
struct GradSpan {
    float* p;  // (n)
    size_t n;
};

// Clears activation-gradient spans before a backward adds into them. Zeroing is bound by memory
// bandwidth, which one core alone does not saturate, so every thread clears a share of each span;
// one parallel region for all of them (not one per span), so a small model does not pay a fork
// and a join per tensor; none at all when the spans are too small to repay it (parallel.h).
static void zero_backward(const std::vector<GradSpan>& spans) {
    ProfileScope timer("zero_backward");  // --profile: the time of this call, in its layer's row
    [[maybe_unused]] size_t total = 0;  // floats to clear (unused in NO_OMP builds: the pragma is all that reads it)
    for (const GradSpan& s : spans) total += s.n;
    #pragma omp parallel if(worth_threads(total))
    for (const GradSpan& s : spans) {
        #pragma omp for nowait  // each thread its share of this span, then straight on to the next
        for (size_t i = 0; i < s.n; i++) s.p[i] = 0.0f;
    }
}

// activation gradients: scratch for one backward pass, in the activations' layout but with
// ONE layer's slot: layer l's gradients are only needed while layer l's backward runs, so
// every layer reuses the slot (1/L of the memory, and 1/L of the zeroing to keep hot).
static void allocate_grads_acts(GPT2& model) {
    if (!model.grads_acts_memory.empty()) return;
    auto table = activation_table(one_layer_config(model.config), model.batch_size, model.seq_len);
    model.grads_acts_memory.assign(table_size(table), 0.0f);
    point_tensors(model.grads_acts, model.grads_acts_memory.data(), table);
}

// The classifier on the last forward's batch (classifier.h): the losses into acts.losses; with_grads,
// its backward too, chunk by chunk: d loss / d lnf into grads_acts.lnf (cleared first) and d loss /
// d wte added into grads.wte, for the mean loss.
static void classifier_pass(GPT2& model, bool with_grads) {
    const GPT2Config& c = model.config;
    const int B = model.B, T = model.T, C = c.channels, V = c.vocab_size, Vp = c.padded_vocab_size;
    const int chunk = classifier_chunk_rows(Vp);
    ActivationTensors& acts = model.acts;
    const bf16* wte_bf16 = weight_bf16(model, model.params.wte);
    // logits = self.lm_head(x), lm_head tied to wte; loss = F.cross_entropy(logits, targets)
    if (!with_grads) {
        classifier_forward(acts.losses, acts.logits, acts.probs, acts.lnf, model.params.wte, model.targets.data(), B,
                           T, C, V, Vp, chunk, wte_bf16);
        return;
    }
    allocate_grads_acts(model);
    ActivationTensors& gacts = model.grads_acts;
    zero_backward({{gacts.lnf, (size_t)B * T * C}});  // the classifier adds (+=) into it
    // the loss is the mean over (b,t), so each position's loss gets 1/(B*T)
    const float dloss_mean = 1.0f / ((float)B * T);
    for (size_t i = 0; i < (size_t)B * T; i++) gacts.losses[i] = dloss_mean;
    classifier_forward_backward(acts.losses, gacts.lnf, model.grads.wte, acts.logits, acts.probs, gacts.logits,
                                gacts.losses, acts.lnf, model.params.wte, model.targets.data(), B, T, C, V, Vp, chunk,
                                wte_bf16);
    model.classifier_grads_added = true;
}

// ----------------------------------------------------------------------------
// forward

// gpt2_forward's transformer blocks [first, last): all of them; gpt2_backward with -r 2 runs one
// again before its backward, only as far as its backward reads (for_backward: up to GELU's output).
// Defined below gpt2_forward, in the order a reader follows.
static void blocks_forward(GPT2& model, int B, int T, int first, int last, bool for_backward);

void gpt2_forward(GPT2& model, const int* inputs, const int* targets, int B, int T) {
    const GPT2Config& c = model.config;
    const int V = c.vocab_size, Vp = c.padded_vocab_size, L = c.num_layers, C = c.channels;
    if (T > c.max_seq_len)
        throw UsageError("sequence length " + std::to_string(T) + " exceeds the model's block size " +
                         std::to_string(c.max_seq_len));
    // activations: allocated once, for the first (B,T); later calls may be smaller, not larger
    if (model.acts_memory.empty()) {
        gpt2_allocate_activations(model, B, T);
    } else if (model.recompute != model.acts_recompute) {
        throw Error("model activations were allocated for -r " + std::to_string(model.acts_recompute) + ", got -r " +
                    std::to_string(model.recompute));
    } else if (B > model.batch_size || T > model.seq_len) {
        throw Error("model activations were allocated for B=" + std::to_string(model.batch_size) +
                    " T=" + std::to_string(model.seq_len) + ", got B=" + std::to_string(B) + " T=" + std::to_string(T));
    }
    // every token id must index a real row of wte: an out-of-range id is a bad input, not a crash
    for (size_t i = 0; i < (size_t)B * T; i++) {
        if (inputs[i] < 0 || inputs[i] >= V || (targets && (targets[i] < 0 || targets[i] >= V)))
            throw Error("token id " + std::to_string(targets && (targets[i] < 0 || targets[i] >= V) ? targets[i] : inputs[i]) +
                        " is outside the model's vocabulary of " + std::to_string(V));
    }
    if (model.precision == Precision::bf16 && model.params_bf16.size() != model.num_parameters)
        gpt2_set_precision(model, Precision::bf16);  // the first forward in bf16: round the weights
    model.B = B;
    model.T = T;
    model.inputs.assign(inputs, inputs + (size_t)B * T);
    model.has_targets = targets != nullptr;
    if (targets) model.targets.assign(targets, targets + (size_t)B * T);
    const float p_drop = model.training ? model.dropout : 0.0f;
    const size_t BTC = (size_t)B * T * C;
    ParameterTensors& params = model.params;
    ActivationTensors& acts = model.acts;

    // x = self.transformer.drop(tok_emb + pos_emb)
    encoder_forward(acts.encoded, inputs, params.wte, params.wpe, B, T, C);  // (B,T,C)
    dropout_forward(acts.encoded, p_drop, dropout_site_seed(model, 0), BTC);
    blocks_forward(model, B, T, 0, L, /*for_backward=*/false);
    // x = self.transformer.ln_f(x)
    float* residual = layer_acts(acts, c, B, T, L - 1).residual3;  // (B,T,C)
    layernorm_forward(acts.lnf, acts.lnf_mean, acts.lnf_rstd, residual, params.lnfw, params.lnfb, B, T, C);
    model.classifier_grads_added = false;
    if (!targets) {  // sampling: logits = self.lm_head(x[:, [-1], :]), each sequence's last position only
        classifier_last_logits(acts.logits, acts.probs, acts.lnf, params.wte, B, T, C, V, Vp,
                               weight_bf16(model, params.wte));  // (B,Vp)
        model.mean_loss = -1.0f;
        return;
    }
    // logits = self.lm_head(x); loss = F.cross_entropy(logits, targets): in chunks of positions. A
    // training forward runs the classifier's backward as well, each chunk while its probabilities
    // are at hand (llm.c's fused classifier), so they are never kept: gpt2_backward starts from dlnf
    classifier_pass(model, /*with_grads=*/model.training);
    double sum = 0.0;  // mean over (b,t), in double, in order
    for (size_t i = 0; i < (size_t)B * T; i++) sum += acts.losses[i];
    model.mean_loss = (float)(sum / ((double)B * T));
}

static void blocks_forward(GPT2& model, int B, int T, int first, int last, bool for_backward) {
    const GPT2Config& c = model.config;
    const int NH = c.num_heads, C = c.channels;
    const float p_drop = model.training ? model.dropout : 0.0f;
    const size_t BTC = (size_t)B * T * C;
    ParameterTensors& params = model.params;
    ActivationTensors& acts = model.acts;
    for (int l = first; l < last; l++) {
        float* residual = l == 0 ? acts.encoded : layer_acts(acts, c, B, T, l - 1).residual3;  // (B,T,C)
        LayerParams lp = layer_params(params, C, l);
        LayerActs la = layer_acts_r(model, B, T, l);
        // x = x + self.attn(self.ln_1(x))
        layernorm_forward(la.ln1, la.ln1_mean, la.ln1_rstd, residual, lp.ln1w, lp.ln1b, B, T, C);
        matmul_forward(la.qkv, la.ln1, lp.qkvw, lp.qkvb, B, T, C, 3 * C, weight_bf16(model, lp.qkvw));            // (B,T,3C)
        attention_forward(la.atty, la.att_lse, la.qkv, B, T, C, NH, model.precision);                  // (B,T,C)
        matmul_forward(la.attproj, la.atty, lp.attprojw, lp.attprojb, B, T, C, C, weight_bf16(model, lp.attprojw));    // (B,T,C)
        dropout_forward(la.attproj, p_drop, dropout_site_seed(model, 1 + 2 * l), BTC);
        residual_forward(la.residual2, residual, la.attproj, BTC);
        // x = x + self.mlp(self.ln_2(x))
        layernorm_forward(la.ln2, la.ln2_mean, la.ln2_rstd, la.residual2, lp.ln2w, lp.ln2b, B, T, C);
        matmul_forward(la.fch, la.ln2, lp.fcw, lp.fcb, B, T, C, 4 * C, weight_bf16(model, lp.fcw));               // (B,T,4C)
        gelu_forward(la.fch_gelu, la.fch, BTC * 4);
        // -r 2's rerun stops here: backward reads neither fcproj nor the block's output (kept anyway)
        if (for_backward) continue;
        matmul_forward(la.fcproj, la.fch_gelu, lp.fcprojw, lp.fcprojb, B, T, 4 * C, C,
                       weight_bf16(model, lp.fcprojw));  // (B,T,C)
        dropout_forward(la.fcproj, p_drop, dropout_site_seed(model, 2 + 2 * l), BTC);
        residual_forward(la.residual3, la.residual2, la.fcproj, BTC);
    }
}

// ----------------------------------------------------------------------------
// backward

// The per-layer gradients of the one-layer slot, as used for (B,T): every per-layer tensor of the
// activation table except residual3, whose slot holds the residual stream's gradient (gpt2_backward)
// and must survive the clearing. Walks the table, so adding or reordering a tensor cannot break it.
static std::vector<GradSpan> block_grad_spans(const GPT2& model, int B, int T) {
    std::vector<GradSpan> spans;
    for (const ActivationInfo& e : activation_table(one_layer_config(model.config), B, T))
        if (e.per_layer && e.field != &ActivationTensors::residual3)
            spans.push_back({model.grads_acts.*(e.field), e.count});  // the slot's (B,T,...) of this tensor
    return spans;
}

void gpt2_zero_grad(GPT2& model) {
    ProfileScope timer("gpt2_zero_grad");  // --profile: the time of this call, in its layer's row
    float* g = model.grads_memory.data();
    #pragma omp parallel for if(worth_threads(model.num_parameters))
    for (size_t i = 0; i < model.num_parameters; i++) g[i] = 0.0f;  // memset, on every core
    model.classifier_grads_added = false;  // a training forward's share is gone with the rest
}

void gpt2_backward(GPT2& model) {
    if (!model.has_targets) throw Error("gpt2_backward: the last forward had no targets");
    const GPT2Config& c = model.config;
    const int B = model.B, T = model.T;
    const int L = c.num_layers, NH = c.num_heads, C = c.channels;
    const size_t BTC = (size_t)B * T * C;
    const float p_drop = model.training ? model.dropout : 0.0f;
    const GPT2Config one_layer = one_layer_config(c);
    // logits = self.lm_head(x) and the loss, in reverse: a training forward has done it, chunk by
    // chunk (classifier.h); after any other forward (or a zero_grad since), the chunks run again
    if (!model.classifier_grads_added) classifier_pass(model, /*with_grads=*/true);
    model.classifier_grads_added = false;  // used: a second backward would add it again
    ParameterTensors& params = model.params;
    ParameterTensors& grads = model.grads;
    ActivationTensors& acts = model.acts;
    ActivationTensors& gacts = model.grads_acts;
    const int* inputs = model.inputs.data();
    LayerActs ga = layer_acts(gacts, one_layer, B, T, 0);  // the one slot, (B,T,*) each
    // The gradient flowing down the residual stream: dout_block is d loss / d (this block's
    // output), dinp_block d loss / d (its input), which the block's backward adds into. Block l's
    // input is block l-1's output, so once block l is done the two swap roles: two (B,T,C)
    // buffers suffice for any L. They are gacts.encoded and the slot's residual3, started so that
    // after the L swaps block 0 has added into gacts.encoded, where the embeddings' backward reads it.
    float* dout_block = L % 2 == 0 ? gacts.encoded : ga.residual3;  // (B,T,C)
    float* dinp_block = L % 2 == 0 ? ga.residual3 : gacts.encoded;  // (B,T,C)
    // gradients are added (+=) into, so they start at zero; cleared here, not in zero_grad,
    // because gradient accumulation runs several backward passes into the same parameter grads
    zero_backward({{dout_block, BTC}});
    // what each layer clears first: the slot's per-layer tensors, and the input gradient it adds
    // into (the last span, re-pointed as dinp_block swaps)
    std::vector<GradSpan> clear = block_grad_spans(model, B, T);
    clear.push_back({dinp_block, BTC});

    // x = self.transformer.ln_f(x)
    float* residual = layer_acts(acts, c, B, T, L - 1).residual3;  // (B,T,C)
    layernorm_backward(dout_block, grads.lnfw, grads.lnfb, gacts.lnf, residual, params.lnfw, acts.lnf_mean,
                       acts.lnf_rstd, B, T, C);
    for (int l = L - 1; l >= 0; l--) {
        residual = l == 0 ? acts.encoded : layer_acts(acts, c, B, T, l - 1).residual3;  // (B,T,C) block input
        LayerParams lp = layer_params(params, C, l);
        LayerParams gp = layer_params(grads, C, l);
        LayerActs la = layer_acts_r(model, B, T, l);
        // the slot still holds layer l+1's gradients, and dinp_block stale ones: clear both at once
        clear.back().p = dinp_block;
        zero_backward(clear);
        // -r 2: of this block only its input was kept: its forward again, from that input (the last
        // block's activations are still in the slot, from the forward)
        if (model.recompute >= 2 && l < L - 1) blocks_forward(model, B, T, l, l + 1, /*for_backward=*/true);
        // x = x + self.mlp(self.ln_2(x)), in reverse
        residual_backward(ga.residual2, ga.fcproj, dout_block, BTC);
        dropout_backward(ga.fcproj, p_drop, dropout_site_seed(model, 2 + 2 * l), BTC);
        // -r 1: GELU's output was not kept (its slot holds the last block's): again, from fch
        if (model.recompute == 1 && l < L - 1) gelu_forward(la.fch_gelu, la.fch, BTC * 4);
        matmul_backward(ga.fch_gelu, gp.fcprojw, gp.fcprojb, ga.fcproj, la.fch_gelu, lp.fcprojw, B, T, 4 * C, C,
                        weight_bf16(model, lp.fcprojw));
        gelu_backward(ga.fch, la.fch, ga.fch_gelu, BTC * 4);
        matmul_backward(ga.ln2, gp.fcw, gp.fcb, ga.fch, la.ln2, lp.fcw, B, T, C, 4 * C, weight_bf16(model, lp.fcw));
        layernorm_backward(ga.residual2, gp.ln2w, gp.ln2b, ga.ln2, la.residual2, lp.ln2w, la.ln2_mean, la.ln2_rstd,
                           B, T, C);
        // x = x + self.attn(self.ln_1(x)), in reverse
        residual_backward(dinp_block, ga.attproj, ga.residual2, BTC);
        dropout_backward(ga.attproj, p_drop, dropout_site_seed(model, 1 + 2 * l), BTC);
        matmul_backward(ga.atty, gp.attprojw, gp.attprojb, ga.attproj, la.atty, lp.attprojw, B, T, C, C,
                        weight_bf16(model, lp.attprojw));
        attention_backward(ga.qkv, ga.atty, la.qkv, la.atty, la.att_lse, B, T, C, NH, model.precision);
        matmul_backward(ga.ln1, gp.qkvw, gp.qkvb, ga.qkv, la.ln1, lp.qkvw, B, T, C, 3 * C, weight_bf16(model, lp.qkvw));
        layernorm_backward(dinp_block, gp.ln1w, gp.ln1b, ga.ln1, residual, lp.ln1w, la.ln1_mean, la.ln1_rstd, B, T, C);
        std::swap(dout_block, dinp_block);  // this block's input is the next one down's output
    }
    // x = self.transformer.drop(tok_emb + pos_emb): dout_block is now gacts.encoded
    dropout_backward(gacts.encoded, p_drop, dropout_site_seed(model, 0), BTC);
    encoder_backward(grads.wte, grads.wpe, gacts.encoded, inputs, B, T, C);
}

// ----------------------------------------------------------------------------
// what a model costs

double gpt2_flops_per_token(const GPT2Config& c, int T) {
    // 6 FLOPs per parameter per token (2 forward, 4 backward), plus attention's
    // scores and weighted sum, which have no parameters: 12 L C T.
    size_t n = table_size(parameter_table(c)) - (size_t)c.max_seq_len * c.channels;  // without wpe
    return 6.0 * (double)n + 12.0 * c.num_layers * c.channels * (double)T;
}

GPT2Memory gpt2_memory(const GPT2Config& c, int B, int T, int recompute, Precision precision) {
    const size_t params = table_size(parameter_table(c));
    return {params, precision == Precision::bf16 ? (params + 1) / 2 : 0,  // 2 bytes a weight: half a float
            table_size(activation_table(c, B, T, recompute)),
            table_size(activation_table(one_layer_config(c), B, T))};  // gpt2_backward's slot
}
