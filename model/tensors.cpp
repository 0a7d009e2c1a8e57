// tensors.cpp: the parameter and activation tables. See tensors.h.
#include "model/tensors.h"
#include "model/classifier.h"  // classifier_rows: the positions the logits' chunk buffers hold

std::vector<ParameterInfo> parameter_table(const GPT2Config& c) {
    const size_t Vp = c.padded_vocab_size, C = c.channels, L = c.num_layers, maxT = c.max_seq_len;
    // llm.c's order: the order of a checkpoint file.  {name, field, count, per_layer, decay}
    return {
        {"wte", &ParameterTensors::wte, Vp * C, false, true},
        {"wpe", &ParameterTensors::wpe, maxT * C, false, true},
        {"ln1w", &ParameterTensors::ln1w, L * C, true, false},
        {"ln1b", &ParameterTensors::ln1b, L * C, true, false},
        {"qkvw", &ParameterTensors::qkvw, L * 3 * C * C, true, true},
        {"qkvb", &ParameterTensors::qkvb, L * 3 * C, true, false},
        {"attprojw", &ParameterTensors::attprojw, L * C * C, true, true},
        {"attprojb", &ParameterTensors::attprojb, L * C, true, false},
        {"ln2w", &ParameterTensors::ln2w, L * C, true, false},
        {"ln2b", &ParameterTensors::ln2b, L * C, true, false},
        {"fcw", &ParameterTensors::fcw, L * 4 * C * C, true, true},
        {"fcb", &ParameterTensors::fcb, L * 4 * C, true, false},
        {"fcprojw", &ParameterTensors::fcprojw, L * C * 4 * C, true, true},
        {"fcprojb", &ParameterTensors::fcprojb, L * C, true, false},
        {"lnfw", &ParameterTensors::lnfw, C, false, false},
        {"lnfb", &ParameterTensors::lnfb, C, false, false},
    };
}

std::vector<ActivationInfo> activation_table(const GPT2Config& c, int B_, int T_, int recompute) {
    const size_t B = B_, T = T_, C = c.channels, L = c.num_layers, NH = c.num_heads, Vp = c.padded_vocab_size;
    const size_t rows = classifier_rows(c.padded_vocab_size, B_, T_);  // a chunk of positions (classifier.h)
    // forward's order of use.  {name, field, count, per_layer}
    std::vector<ActivationInfo> table = {
        {"encoded", &ActivationTensors::encoded, B * T * C, false},
        {"ln1", &ActivationTensors::ln1, L * B * T * C, true},
        {"ln1_mean", &ActivationTensors::ln1_mean, L * B * T, true},
        {"ln1_rstd", &ActivationTensors::ln1_rstd, L * B * T, true},
        {"qkv", &ActivationTensors::qkv, L * B * T * 3 * C, true},
        {"atty", &ActivationTensors::atty, L * B * T * C, true},
        {"att_lse", &ActivationTensors::att_lse, L * B * NH * T, true},
        {"attproj", &ActivationTensors::attproj, L * B * T * C, true},
        {"residual2", &ActivationTensors::residual2, L * B * T * C, true},
        {"ln2", &ActivationTensors::ln2, L * B * T * C, true},
        {"ln2_mean", &ActivationTensors::ln2_mean, L * B * T, true},
        {"ln2_rstd", &ActivationTensors::ln2_rstd, L * B * T, true},
        {"fch", &ActivationTensors::fch, L * B * T * 4 * C, true},
        {"fch_gelu", &ActivationTensors::fch_gelu, L * B * T * 4 * C, true},
        {"fcproj", &ActivationTensors::fcproj, L * B * T * C, true},
        {"residual3", &ActivationTensors::residual3, L * B * T * C, true},
        {"lnf", &ActivationTensors::lnf, B * T * C, false},
        {"lnf_mean", &ActivationTensors::lnf_mean, B * T, false},
        {"lnf_rstd", &ActivationTensors::lnf_rstd, B * T, false},
        {"logits", &ActivationTensors::logits, rows * Vp, false},
        {"probs", &ActivationTensors::probs, rows * Vp, false},
        {"losses", &ActivationTensors::losses, B * T, false},
    };
    // -r: what recompute keeps for ONE layer (the slot every layer's forward writes and its backward
    // recomputes): -r 1 GELU's output; -r 2 everything per layer but the block's output, residual3
    for (ActivationInfo& e : table) {
        const bool one_layer = recompute >= 2 ? e.field != &ActivationTensors::residual3
                                              : recompute == 1 && e.field == &ActivationTensors::fch_gelu;
        if (e.per_layer && one_layer) e.count /= L;
    }
    return table;
}
