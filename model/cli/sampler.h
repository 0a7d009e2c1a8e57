// sampler.h: picking the next token from the model's logits.
//   probs = softmax(logits[:V] / temperature), keeping only the top_k largest (top_k = 0: all);
//   then the token whose cumulative probability first exceeds a uniform coin in [0,1).
// The coin comes from a small seeded generator (xorshift*, as llm.c's sampler), so a
// sample is reproducible from its seed. temperature 0 means greedy (argmax).
#pragma once
#include <cstdint>

struct SamplerRng {
    uint64_t state;  // any nonzero seed
};

// A generator whose stream depends on every bit of seed: multiplying by an odd constant is a
// bijection of 64-bit integers. subtle: xorshift's state must never be 0 (it would stay 0); the
// +1 avoids that for seed 0, and the one seed whose product is 2^64 - 1 takes state 1 instead.
inline SamplerRng sampler_init(uint64_t seed) {
    const uint64_t state = seed * 0x9E3779B97F4A7C15ULL + 1;
    return SamplerRng{state != 0 ? state : 1};
}
// uniform float in [0,1)
float sampler_random(SamplerRng& rng);
// logits (Vp) of one position: only the first V count.
int sample_token(const float* logits, int V, float temperature, int top_k, SamplerRng& rng);
