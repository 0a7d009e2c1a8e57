// test_tensors.cpp: model/tensors (the parameter and activation tables). The per_layer mark
// is what gpt2_backward walks to clear its one-layer gradient slot, so a tensor added to a
// table with the wrong mark must fail here rather than leave a stale gradient behind.
#include <doctest.h>

#include <climits>  // INT32_MAX
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

// issue 16: sizes from a header or from flags whose products do not fit 64 bits (or the 2^58-float
// limit that keeps byte counts inside them) are an Error naming the sizes, never a wrapped count
TEST_CASE("tensors/sizes that overflow are an error, not a wrapped count") {
    GPT2Config c = config_with_layers(3);
    c.max_seq_len = INT32_MAX - 13;
    c.channels = 1 << 30;
    c.padded_vocab_size = INT32_MAX;
    // wte alone: (2^31-1) * 2^30 floats; the old sum of the table wrapped to 0 here
    CHECK_THROWS_WITH_AS(parameter_table(c), doctest::Contains("tensor wte would have more than 2^58 floats"), Error);
    CHECK_THROWS_WITH_AS(parameter_table(c), doctest::Contains("C=1073741824"), Error);
    // activations: -b and -t at their flags' limits (2^20 each) with a wide model
    GPT2Config wide = config_with_layers(48);
    wide.channels = 1 << 24;
    CHECK_THROWS_WITH_AS(activation_table(wide, 1 << 20, 1 << 20), doctest::Contains("-b 1048576 -t 1048576"), Error);
    // the limit itself: one tensor at most 2^58 floats, a table at most 2^58 in all
    GPT2Config edge = config_with_layers(1);
    edge.channels = 1 << 28;
    edge.padded_vocab_size = 1 << 30;  // wte, fcw, fcprojw: exactly 2^58 floats each, allowed; their sum is not
    std::vector<ParameterInfo> table = parameter_table(edge);
    CHECK(table[0].count == (size_t)1 << 58);
    CHECK_THROWS_WITH_AS(table_size(table), doctest::Contains("floats in all, more than 2^58"), Error);
    // a real model is untouched: 124M's table
    GPT2Config gpt2{1024, 50257, 50304, 12, 12, 768};
    CHECK(table_size(parameter_table(gpt2)) == 124475904);
}
