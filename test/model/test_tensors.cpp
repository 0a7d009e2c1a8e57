// test_tensors.cpp: model/tensors (the parameter and activation tables). The per_layer mark
// is what gpt2_backward walks to clear its one-layer gradient slot, so a tensor added to a
// table with the wrong mark must fail here rather than leave a stale gradient behind.
#include <doctest.h>

#include <string>
#include <vector>

#include "model/tensors.h"

// A config with L layers and non-square sizes, so no two dimensions can be confused.
static GPT2Config config_with_layers(int L) {
    GPT2Config c{};
    c.max_seq_len = 7;
    c.vocab_size = 50;
    c.padded_vocab_size = padded_vocab(50);  // 128
    c.num_layers = L;
    c.num_heads = 2;
    c.channels = 12;
    return c;
}

// Every row marked per_layer has L times its one-layer size; every other row the same size at any L.
template <typename Tensors>
static void check_per_layer_marks(const std::vector<TensorInfo<Tensors>>& one,
                                  const std::vector<TensorInfo<Tensors>>& three) {
    REQUIRE(one.size() == three.size());
    for (size_t i = 0; i < one.size(); i++) {
        INFO(one[i].name << ": " << one[i].count << " floats at L=1, " << three[i].count << " at L=3");
        CHECK(std::string(one[i].name) == three[i].name);
        CHECK(three[i].count == (one[i].per_layer ? 3 : 1) * one[i].count);
    }
}

TEST_CASE("tensors/per_layer marks exactly the tensors with one slice per layer") {
    const int B = 2, T = 3;
    check_per_layer_marks(parameter_table(config_with_layers(1)), parameter_table(config_with_layers(3)));
    check_per_layer_marks(activation_table(config_with_layers(1), B, T), activation_table(config_with_layers(3), B, T));
}
