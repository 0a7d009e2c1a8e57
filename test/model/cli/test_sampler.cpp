// test_sampler.cpp: picking the next token (model/cli/sampler.h). The coin (sampler_random) is
// uniform on [0,1); greedy is the argmax; top-k and the padded logits past V are never picked;
// and the frequencies of many draws match softmax(logits / temperature), with the expected
// probabilities worked out here with std::exp, never by the code under test.
#include <doctest.h>

#include <algorithm>  // std::sort, std::max_element
#include <cmath>
#include <random>
#include <vector>

#include "model/cli/sampler.h"

// Frequencies of sample_token over n draws from one seeded generator: (V) values.
static std::vector<double> frequencies(const std::vector<float>& logits, int V, float temperature, int top_k, int n,
                                       uint64_t seed) {
    SamplerRng rng = sampler_init(seed);
    std::vector<int> count(V, 0);
    int outside = 0;  // ids outside [0,V)
    for (int k = 0; k < n; k++) {
        int id = sample_token(logits.data(), V, temperature, top_k, rng);
        if (id >= 0 && id < V) count[id]++;
        else outside++;
    }
    CHECK(outside == 0);
    std::vector<double> freq(V);
    for (int v = 0; v < V; v++) freq[v] = (double)count[v] / n;
    return freq;
}

// Each empirical frequency is within 4 binomial standard errors sqrt(p(1-p)/n) of p (a miss has
// probability ~6e-5 per token for a correct sampler; with a fixed seed the outcome is fixed).
static void check_frequencies(const std::vector<double>& freq, const std::vector<double>& p, int n) {
    REQUIRE(freq.size() == p.size());
    for (size_t i = 0; i < p.size(); i++) {
        double sigma = std::sqrt(p[i] * (1 - p[i]) / n);
        INFO("token " << i << ": frequency " << freq[i] << ", expected " << p[i] << " +- " << sigma);
        CHECK(std::fabs(freq[i] - p[i]) <= 4 * sigma);
    }
}

TEST_CASE("sampler/sampler_random is uniform on [0,1)") {
    const int N = 100000, BINS = 10;
    SamplerRng rng = sampler_init(7);
    double sum = 0;
    int outside = 0;  // draws outside [0,1)
    std::vector<int> bins(BINS, 0);
    for (int k = 0; k < N; k++) {
        float x = sampler_random(rng);
        if (!(x >= 0.0f && x < 1.0f)) {
            outside++;
            continue;
        }
        sum += x;
        bins[(int)(x * BINS)]++;
    }
    CHECK(outside == 0);
    // the mean of N uniforms has standard error sqrt(1/12 / N) ~ 9e-4
    CHECK(std::fabs(sum / N - 0.5) <= 4 * std::sqrt(1.0 / 12 / N));
    // each tenth of [0,1) gets 1/10 of the draws, within 4 binomial standard errors
    std::vector<double> freq(BINS), want(BINS, 1.0 / BINS);
    for (int b = 0; b < BINS; b++) freq[b] = (double)bins[b] / N;
    check_frequencies(freq, want, N);
    // another seed, another stream
    SamplerRng a = sampler_init(1), b = sampler_init(2);
    CHECK(sampler_random(a) != sampler_random(b));
}

TEST_CASE("sampler/greedy is the argmax") {
    std::mt19937 gen(5);
    std::normal_distribution<float> normal(0.0f, 2.0f);
    const int V = 37;
    SamplerRng rng = sampler_init(3);
    for (int rep = 0; rep < 50; rep++) {
        std::vector<float> logits(V);
        for (float& x : logits) x = normal(gen);
        int want = 0;  // the argmax, by hand
        for (int v = 1; v < V; v++)
            if (logits[v] > logits[want]) want = v;
        CHECK(sample_token(logits.data(), V, 0.0f, 0, rng) == want);
        CHECK(sample_token(logits.data(), V, 0.0f, 5, rng) == want);  // top-k keeps the argmax
    }
    // ties: without top-k, the first of the tied maxima (the candidates are scanned in id order)
    std::vector<float> tied = {0.5f, -1.0f, 2.0f, 0.0f, 2.0f, 2.0f, 1.0f};
    CHECK(sample_token(tied.data(), 7, 0.0f, 0, rng) == 2);
    // with top-k the candidates are reordered, so any one of the tied maxima
    int id = sample_token(tied.data(), 7, 0.0f, 3, rng);
    CHECK((id == 2 || id == 4 || id == 5));
    // a greedy pick still draws one coin, so a seed's stream stays in step whatever the temperature
    SamplerRng greedy = sampler_init(11), coin = sampler_init(11);
    sample_token(tied.data(), 7, 0.0f, 0, greedy);
    sampler_random(coin);
    CHECK(greedy.state == coin.state);
}

TEST_CASE("sampler/only the first V of Vp logits are picked") {
    // the padded logits (V..Vp-1) are far the largest: picked, they would win almost every draw
    const int V = 10, Vp = 16;
    std::vector<float> logits(Vp, 100.0f);
    for (int v = 0; v < V; v++) logits[v] = 0.1f * v;
    for (int top_k : {0, 3, V, 50})
        for (float temperature : {0.0f, 1.0f, 5.0f}) {
            CAPTURE(top_k);
            CAPTURE(temperature);
            std::vector<double> freq = frequencies(logits, V, temperature, top_k, 2000, 9);  // checks id < V
            if (temperature == 0.0f) CHECK(freq[V - 1] == 1.0);  // greedy: the largest of the first V
        }
}

TEST_CASE("sampler/top-k never picks outside the k largest") {
    std::mt19937 gen(21);
    std::normal_distribution<float> normal(0.0f, 1.0f);
    const int V = 50, K = 5, N = 20000;
    std::vector<float> logits(V);
    for (float& x : logits) x = normal(gen);
    // the k largest, by sorting a copy
    std::vector<int> order(V);
    for (int v = 0; v < V; v++) order[v] = v;
    std::sort(order.begin(), order.end(), [&](int a, int b) { return logits[a] > logits[b]; });
    std::vector<bool> in_top(V, false);
    for (int k = 0; k < K; k++) in_top[order[k]] = true;
    // at a high temperature the others would be picked often, were they candidates
    std::vector<double> freq = frequencies(logits, V, 3.0f, K, N, 4);
    // softmax(logits / 3) over the k largest only, the others 0
    std::vector<double> p(V, 0.0);
    double sum = 0;
    for (int v = 0; v < V; v++)
        if (in_top[v]) sum += p[v] = std::exp(logits[v] / 3.0);
    for (double& x : p) x /= sum;
    for (int v = 0; v < V; v++)
        if (!in_top[v]) CHECK(freq[v] == 0.0);
    check_frequencies(freq, p, N);
    // top_k >= V keeps every token: the same draws as top_k = 0
    for (int top_k : {V, V + 7})
        CHECK(frequencies(logits, V, 1.0f, top_k, 500, 8) == frequencies(logits, V, 1.0f, 0, 500, 8));
}

TEST_CASE("sampler/temperature: frequencies follow softmax(logits / T)") {
    // logits log(1), log(2), ..., log(5): softmax(logits / T) is proportional to (v+1)^(1/T)
    const int V = 5, N = 20000;
    std::vector<float> logits(V);
    for (int v = 0; v < V; v++) logits[v] = (float)std::log(v + 1.0);
    for (float T : {1.0f, 0.5f, 2.0f, 1000.0f}) {
        CAPTURE(T);
        std::vector<double> p(V);
        double sum = 0;
        for (int v = 0; v < V; v++) sum += p[v] = std::exp(std::log(v + 1.0) / T);
        for (double& x : p) x /= sum;
        if (T == 1.0f) CHECK(p[4] == doctest::Approx(5.0 / 15));  // 1:2:3:4:5
        if (T == 0.5f) CHECK(p[4] == doctest::Approx(25.0 / 55));  // squared: 1:4:9:16:25
        if (T == 1000.0f)
            for (double x : p) CHECK(x == doctest::Approx(0.2).epsilon(2e-3));  // nearly uniform
        check_frequencies(frequencies(logits, V, T, 0, N, 100 + (uint64_t)T), p, N);
    }
}
