// bench.cpp: timings of the tokenizer, run by dev/tokenizer/bench.sh (which also times js-tiktoken).
// Prints BPE training time on a corpus at vocab 512, 4096 and 16384 (counting the pieces + merging),
// then GPT-2 encoding throughput in MB/s on 1 thread (tokenizer_encode) and on all threads
// (tokenizer_encode_parallel, OMP_NUM_THREADS), best of 3, fresh piece caches each time.
// Not a test and not built by `make`: bench.sh compiles it against the built objects.
#include <chrono>
#include <cstdio>
#include <string>

#include "data/common/files.h"
#include "tokenizer/bpe_train.h"
#include "tokenizer/tokenizer.h"

static double now() { return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count(); }

int main(int argc, char** argv) {
    std::string path = argc > 1 ? argv[1] : "../shared/data/tinyshakespeare.txt";
    try {
        std::string text = read_file(path);
        double mb = text.size() / 1e6;
        std::printf("corpus %s: %.2f MB\n", path.c_str(), mb);
        for (int V : {512, 4096, 16384}) {
            double t0 = now();
            WordCounts counts;
            bpe_count_file(path, {"<|endoftext|>"}, counts);
            BpeTrainOptions opt;
            opt.vocab_size = V;
            Tokenizer tok;
            bpe_train(tok, counts, opt);
            std::printf("train  vocab %5d: %.3f s  (%d tokens)\n", V, now() - t0, tokenizer_vocab_size(tok));
        }
        Tokenizer gpt2;
        double t0 = now();
        tokenizer_load(gpt2, "gpt2");
        std::printf("load gpt2: %.3f s\n", now() - t0);
        double best1 = 1e9, bestN = 1e9;
        size_t n = 0;
        for (int rep = 0; rep < 3; rep++) {
            t0 = now();
            n = tokenizer_encode(gpt2, text).size();
            best1 = std::min(best1, now() - t0);
            t0 = now();
            tokenizer_encode_parallel(gpt2, text);
            bestN = std::min(bestN, now() - t0);
        }
        std::printf("encode gpt2 1 thread  : %7.1f MB/s  (%zu ids)\n", mb / best1, n);
        std::printf("encode gpt2 all threads: %7.1f MB/s\n", mb / bestN);
    } catch (const Error& e) {
        std::fprintf(stderr, "error: %s\n", e.what());
        return 1;
    }
    return 0;
}
