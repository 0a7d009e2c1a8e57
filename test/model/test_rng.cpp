// test_rng.cpp: model/rng.cpp against PyTorch's own draws (dev/reference/rng.py).
// Bit-exact: the point of the generator is that a model built here from a seed starts
// from exactly PyTorch's weights, so any difference at all is a failure.
#include "model/rng.h"
#include "test/check.h"
#include "test/fixture.h"

#include <cmath>    // std::sqrt
#include <cstring>  // std::memcmp
#include <vector>

TEST_CASE("rng/mt19937") {
    // the 10000th output of a default-seeded std::mt19937 is 4123659995 (C++11 [rand.predef])
    TorchGenerator gen;
    torch_manual_seed(gen, 5489);
    uint32_t x = 0;
    for (int i = 0; i < 10000; i++) x = torch_random(gen);
    CHECK(x == 4123659995u);
}

TEST_CASE("rng/torch_normal_") {
    Fixture fx = fixture_load("rng");
    int sequences = 0;  // a fixture without any would otherwise pass having compared nothing
    for (int k = 0; fx.tensors.count("seq" + std::to_string(k) + "_seed"); k++, sequences++) {
        std::string seq = "seq" + std::to_string(k);
        const auto& seed2 = fx.i(seq + "_seed");
        uint64_t seed = (uint64_t)(uint32_t)seed2[0] | ((uint64_t)(uint32_t)seed2[1] << 32);
        const auto& meanstd = fx.f(seq + "_meanstd");
        const auto& want = fx.f(seq + "_values");
        // the same consecutive calls as the script, into one buffer
        TorchGenerator gen;
        torch_manual_seed(gen, seed);
        std::vector<float> got(want.size());
        size_t off = 0;
        for (int n : fx.i(seq + "_sizes")) {
            torch_normal_(gen, got.data() + off, (size_t)n, meanstd[0], meanstd[1]);
            off += (size_t)n;
        }
        REQUIRE(off == want.size());
        size_t first_diff = want.size();
        for (size_t i = 0; i < want.size() && first_diff == want.size(); i++)
            if (std::memcmp(&got[i], &want[i], sizeof(float)) != 0) first_diff = i;
        INFO(seq << " (seed " << seed << "): first differing value at " << first_diff << " of " << want.size());
        size_t n_diff = 0;
        for (size_t i = 0; i < want.size(); i++) n_diff += std::memcmp(&got[i], &want[i], sizeof(float)) != 0;
        INFO(n_diff << " values differ; first: got " << (first_diff < got.size() ? got[first_diff] : 0.0f)
                    << " want " << (first_diff < want.size() ? want[first_diff] : 0.0f));
        CHECK(first_diff == want.size());
    }
    CHECK(sequences > 0);
}

TEST_CASE("rng/gpt2 init sequence") {
    // PyTorch's GPT-2 init (gpt2.py init_weights) redone with the generator alone: one
    // normal_ per weight tensor, in llm.c order, no draws for ones and zeros
    Fixture fx = fixture_load("gpt2_init");
    const auto& cfg = fx.i("config");  // maxT V Vp L NH C seed
    size_t maxT = cfg[0], V = cfg[1], L = cfg[3], C = cfg[5];
    double std_proj = 0.02 / std::sqrt(2.0 * (double)L);
    struct Draw { const char* name; size_t n; double std; };
    const Draw draws[] = {{"wte", V * C, 0.02},         {"wpe", maxT * C, 0.02},
                          {"qkvw", L * 3 * C * C, 0.02}, {"attprojw", L * C * C, std_proj},
                          {"fcw", L * 4 * C * C, 0.02},  {"fcprojw", L * 4 * C * C, std_proj}};
    const int table_index[] = {0, 1, 4, 6, 10, 12};  // their places in llm.c's 16-tensor order
    TorchGenerator gen;
    torch_manual_seed(gen, (uint64_t)cfg[6]);
    for (int k = 0; k < 6; k++) {
        std::vector<float> w(draws[k].n);
        torch_normal_(gen, w.data(), w.size(), 0.0, draws[k].std);
        INFO(draws[k].name);
        check_tensor(draws[k].name, w.data(), fx.f(std::string("head_") + draws[k].name).data(), 16, 0.0f);
        CHECK(fixture_fingerprint(w.data(), w.size()) == (uint32_t)fx.i("fingerprint")[table_index[k]]);
    }
}
