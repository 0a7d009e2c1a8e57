// sampler.cpp: temperature + top-k sampling. See sampler.h.
#include "model/cli/sampler.h"

#include <algorithm>  // nth_element
#include <cmath>      // exp
#include <vector>

float sampler_random(SamplerRng& rng) {
    // xorshift* (Vigna), then the top 24 bits as a float in [0,1)
    rng.state ^= rng.state >> 12;
    rng.state ^= rng.state << 25;
    rng.state ^= rng.state >> 27;
    return (float)((rng.state * 0x2545F4914F6CDD1DULL) >> 40) / 16777216.0f;
}

int sample_token(const float* logits, int V, float temperature, int top_k, SamplerRng& rng) {
    // the candidate token ids; with top_k, the k most likely come first (in no particular order)
    std::vector<int> ids(V);
    for (int v = 0; v < V; v++) ids[v] = v;
    int n = V;
    if (top_k > 0 && top_k < V) {
        std::nth_element(ids.begin(), ids.begin() + top_k, ids.end(),
                         [&](int a, int b) { return logits[a] > logits[b]; });
        n = top_k;
    }
    int best = ids[0];
    for (int i = 1; i < n; i++)
        if (logits[ids[i]] > logits[best]) best = ids[i];
    float coin = sampler_random(rng);  // drawn even when greedy, so seeds stay in step
    if (temperature <= 0.0f) return best;
    // probs = F.softmax(logits / temperature, dim=-1) over the candidates
    std::vector<double> p(n);
    double sum = 0.0;
    for (int i = 0; i < n; i++) {
        p[i] = std::exp((double)(logits[ids[i]] - logits[best]) / temperature);
        sum += p[i];
    }
    // idx_next = torch.multinomial(probs, num_samples=1)
    double cdf = 0.0, target = coin * sum;
    for (int i = 0; i < n; i++) {
        cdf += p[i];
        if (target < cdf) return ids[i];
    }
    return ids[n - 1];  // rounding left the coin past the end
}
