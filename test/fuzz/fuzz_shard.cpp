// fuzz_shard.cpp: a token shard (data/shard.h) from arbitrary bytes, then the data loader over it
// (data/dataloader.h): every batch of two epochs, shuffled or not, with ids checked against a
// vocabulary, and a resume at a position taken from the input (a state file's loader slots).
#include <cstring>  // memcpy
#include <vector>

#include "test/fuzz/fuzz.h"

#include "data/dataloader.h"  // dataloader_*
#include "data/shard.h"       // read_shard_header

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz_binary_file(data, size, "shard_000000.bin");
    ShardHeader h;
    if (!fuzz_expect_errors([&] { h = read_shard_header(path); })) return 0;
    // B and T from the input's length: small, and different across inputs
    const int B = 1 + (int)(size % 3), T = 1 + (int)(size / 3 % 5);
    DataLoaderOptions opt;
    opt.shuffle = size % 2;
    opt.vocab_size = h.vocab_size;
    fuzz_expect_errors([&] {
        DataLoader loader;
        dataloader_init(loader, path, B, T, opt);
        const size_t nb = dataloader_num_batches(loader);
        FUZZ_CHECK(nb == (h.num_tokens - 1) / ((size_t)B * T));
        std::vector<int> in((size_t)B * T), tg((size_t)B * T);
        for (size_t i = 0; i < 2 * nb && i < 64; i++) {
            dataloader_next_batch(loader, in.data(), tg.data());
            for (size_t k = 0; k < in.size(); k++)
                FUZZ_CHECK(in[k] >= 0 && in[k] < 65536 && (h.vocab_size == 0 || tg[k] < h.vocab_size));
        }
        // a resume at a saved position from the input's first token bytes (any values)
        DataLoaderState s;
        const uint8_t* p = data + 1024;
        size_t left = size - 1024;
        for (uint64_t* f : {&s.epoch, &s.shard, &s.batch, &s.rng})
            if (left >= 8) { std::memcpy(f, p, 8); p += 8; left -= 8; }
        s.shard %= 3;  // mostly 0: the only shard
        s.batch %= nb + 2;
        dataloader_restore(loader, s);
        dataloader_next_batch(loader, in.data(), tg.data());
    });
    return 0;
}
