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

// uniform float in [0,1)
float sampler_random(SamplerRng& rng);
// logits (Vp) of one position: only the first V count.
int sample_token(const float* logits, int V, float temperature, int top_k, SamplerRng& rng);
