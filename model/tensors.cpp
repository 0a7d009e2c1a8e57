// tensors.cpp: the parameter and activation tables. See tensors.h.
#include "model/tensors.h"

std::vector<ParameterInfo> parameter_table(const GPT2Config& c) {
    const size_t Vp = c.padded_vocab_size, C = c.channels, L = c.num_layers, maxT = c.max_seq_len;
    // llm.c's order: the order of a checkpoint file
    return {
        {"wte", &ParameterTensors::wte, Vp * C, true},
        {"wpe", &ParameterTensors::wpe, maxT * C, true},
        {"ln1w", &ParameterTensors::ln1w, L * C, false},
        {"ln1b", &ParameterTensors::ln1b, L * C, false},
        {"qkvw", &ParameterTensors::qkvw, L * 3 * C * C, true},
        {"qkvb", &ParameterTensors::qkvb, L * 3 * C, false},
        {"attprojw", &ParameterTensors::attprojw, L * C * C, true},
        {"attprojb", &ParameterTensors::attprojb, L * C, false},
        {"ln2w", &ParameterTensors::ln2w, L * C, false},
        {"ln2b", &ParameterTensors::ln2b, L * C, false},
        {"fcw", &ParameterTensors::fcw, L * 4 * C * C, true},
        {"fcb", &ParameterTensors::fcb, L * 4 * C, false},
        {"fcprojw", &ParameterTensors::fcprojw, L * C * 4 * C, true},
        {"fcprojb", &ParameterTensors::fcprojb, L * C, false},
        {"lnfw", &ParameterTensors::lnfw, C, false},
        {"lnfb", &ParameterTensors::lnfb, C, false},
    };
}

std::vector<ActivationInfo> activation_table(const GPT2Config& c, int B_, int T_) {
    const size_t B = B_, T = T_, C = c.channels, L = c.num_layers, NH = c.num_heads, Vp = c.padded_vocab_size;
    return {
        {"encoded", &ActivationTensors::encoded, B * T * C, false},
        {"ln1", &ActivationTensors::ln1, L * B * T * C, false},
        {"ln1_mean", &ActivationTensors::ln1_mean, L * B * T, false},
        {"ln1_rstd", &ActivationTensors::ln1_rstd, L * B * T, false},
        {"qkv", &ActivationTensors::qkv, L * B * T * 3 * C, false},
        {"atty", &ActivationTensors::atty, L * B * T * C, false},
        {"att", &ActivationTensors::att, L * B * NH * T * T, false},
        {"attproj", &ActivationTensors::attproj, L * B * T * C, false},
        {"residual2", &ActivationTensors::residual2, L * B * T * C, false},
        {"ln2", &ActivationTensors::ln2, L * B * T * C, false},
        {"ln2_mean", &ActivationTensors::ln2_mean, L * B * T, false},
        {"ln2_rstd", &ActivationTensors::ln2_rstd, L * B * T, false},
        {"fch", &ActivationTensors::fch, L * B * T * 4 * C, false},
        {"fch_gelu", &ActivationTensors::fch_gelu, L * B * T * 4 * C, false},
        {"fcproj", &ActivationTensors::fcproj, L * B * T * C, false},
        {"residual3", &ActivationTensors::residual3, L * B * T * C, false},
        {"lnf", &ActivationTensors::lnf, B * T * C, false},
        {"lnf_mean", &ActivationTensors::lnf_mean, B * T, false},
        {"lnf_rstd", &ActivationTensors::lnf_rstd, B * T, false},
        {"logits", &ActivationTensors::logits, B * T * Vp, false},
        {"probs", &ActivationTensors::probs, B * T * Vp, false},
        {"losses", &ActivationTensors::losses, B * T, false},
    };
}
