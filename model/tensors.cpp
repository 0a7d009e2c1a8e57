// tensors.cpp: the parameter and activation tables. See tensors.h.
#include "model/tensors.h"
#include "model/classifier.h"  // classifier_rows: the positions the logits' chunk buffers hold

#include <initializer_list>
#include <string>

// The product of a tensor's dimensions, checked: a header or flags of huge sizes (maxT 2^31-14,
// C 2^30, Vp 2^31-1) wrapped size_t to a small count that passed the file-size check (issue 16).
// subtle: the limit, 2^58 floats, keeps every byte count made from a count (4 bytes a float, a
// few tables of them) inside 64 bits too.
static size_t count_of(std::initializer_list<size_t> dims, const char* name, const std::string& sizes) {
    size_t n = 1;
    for (size_t d : dims)
        if (__builtin_mul_overflow(n, d, &n) || n > MAX_TENSOR_FLOATS)
            throw Error(sizes + ": tensor " + name + " would have more than 2^58 floats");
    return n;
}

std::vector<ParameterInfo> parameter_table(const GPT2Config& c) {
    const size_t Vp = c.padded_vocab_size, C = c.channels, L = c.num_layers, maxT = c.max_seq_len;
    const std::string sizes = "a model of L=" + std::to_string(L) + " C=" + std::to_string(C) + " maxT=" +
                              std::to_string(maxT) + " Vp=" + std::to_string(Vp);
    // llm.c's order: the order of a checkpoint file.  {name, field, count, per_layer, decay}
    return {
        {"wte", &ParameterTensors::wte, count_of({Vp, C}, "wte", sizes), false, true},
        {"wpe", &ParameterTensors::wpe, count_of({maxT, C}, "wpe", sizes), false, true},
        {"ln1w", &ParameterTensors::ln1w, count_of({L, C}, "ln1w", sizes), true, false},
        {"ln1b", &ParameterTensors::ln1b, count_of({L, C}, "ln1b", sizes), true, false},
        {"qkvw", &ParameterTensors::qkvw, count_of({L, 3, C, C}, "qkvw", sizes), true, true},
        {"qkvb", &ParameterTensors::qkvb, count_of({L, 3, C}, "qkvb", sizes), true, false},
        {"attprojw", &ParameterTensors::attprojw, count_of({L, C, C}, "attprojw", sizes), true, true},
        {"attprojb", &ParameterTensors::attprojb, count_of({L, C}, "attprojb", sizes), true, false},
        {"ln2w", &ParameterTensors::ln2w, count_of({L, C}, "ln2w", sizes), true, false},
        {"ln2b", &ParameterTensors::ln2b, count_of({L, C}, "ln2b", sizes), true, false},
        {"fcw", &ParameterTensors::fcw, count_of({L, 4, C, C}, "fcw", sizes), true, true},
        {"fcb", &ParameterTensors::fcb, count_of({L, 4, C}, "fcb", sizes), true, false},
        {"fcprojw", &ParameterTensors::fcprojw, count_of({L, C, 4, C}, "fcprojw", sizes), true, true},
        {"fcprojb", &ParameterTensors::fcprojb, count_of({L, C}, "fcprojb", sizes), true, false},
        {"lnfw", &ParameterTensors::lnfw, count_of({C}, "lnfw", sizes), false, false},
        {"lnfb", &ParameterTensors::lnfb, count_of({C}, "lnfb", sizes), false, false},
    };
}

std::vector<ActivationInfo> activation_table(const GPT2Config& c, int B_, int T_, int recompute) {
    const size_t B = B_, T = T_, C = c.channels, L = c.num_layers, NH = c.num_heads, Vp = c.padded_vocab_size;
    const size_t rows = classifier_rows(c.padded_vocab_size, B_, T_);  // a chunk of positions (classifier.h)
    const std::string sizes = "-b " + std::to_string(B) + " -t " + std::to_string(T) + " with a model of L=" +
                              std::to_string(L) + " C=" + std::to_string(C) + " NH=" + std::to_string(NH) +
                              " Vp=" + std::to_string(Vp);
    // forward's order of use.  {name, field, count, per_layer}
    std::vector<ActivationInfo> table = {
        {"encoded", &ActivationTensors::encoded, count_of({B, T, C}, "encoded", sizes), false},
        {"ln1", &ActivationTensors::ln1, count_of({L, B, T, C}, "ln1", sizes), true},
        {"ln1_mean", &ActivationTensors::ln1_mean, count_of({L, B, T}, "ln1_mean", sizes), true},
        {"ln1_rstd", &ActivationTensors::ln1_rstd, count_of({L, B, T}, "ln1_rstd", sizes), true},
        {"qkv", &ActivationTensors::qkv, count_of({L, B, T, 3, C}, "qkv", sizes), true},
        {"atty", &ActivationTensors::atty, count_of({L, B, T, C}, "atty", sizes), true},
        {"att_lse", &ActivationTensors::att_lse, count_of({L, B, NH, T}, "att_lse", sizes), true},
        {"attproj", &ActivationTensors::attproj, count_of({L, B, T, C}, "attproj", sizes), true},
        {"residual2", &ActivationTensors::residual2, count_of({L, B, T, C}, "residual2", sizes), true},
        {"ln2", &ActivationTensors::ln2, count_of({L, B, T, C}, "ln2", sizes), true},
        {"ln2_mean", &ActivationTensors::ln2_mean, count_of({L, B, T}, "ln2_mean", sizes), true},
        {"ln2_rstd", &ActivationTensors::ln2_rstd, count_of({L, B, T}, "ln2_rstd", sizes), true},
        {"fch", &ActivationTensors::fch, count_of({L, B, T, 4, C}, "fch", sizes), true},
        {"fch_gelu", &ActivationTensors::fch_gelu, count_of({L, B, T, 4, C}, "fch_gelu", sizes), true},
        {"fcproj", &ActivationTensors::fcproj, count_of({L, B, T, C}, "fcproj", sizes), true},
        {"residual3", &ActivationTensors::residual3, count_of({L, B, T, C}, "residual3", sizes), true},
        {"lnf", &ActivationTensors::lnf, count_of({B, T, C}, "lnf", sizes), false},
        {"lnf_mean", &ActivationTensors::lnf_mean, count_of({B, T}, "lnf_mean", sizes), false},
        {"lnf_rstd", &ActivationTensors::lnf_rstd, count_of({B, T}, "lnf_rstd", sizes), false},
        {"logits", &ActivationTensors::logits, count_of({rows, Vp}, "logits", sizes), false},
        {"probs", &ActivationTensors::probs, count_of({rows, Vp}, "probs", sizes), false},
        {"losses", &ActivationTensors::losses, count_of({B, T}, "losses", sizes), false},
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
