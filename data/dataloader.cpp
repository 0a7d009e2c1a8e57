// dataloader.cpp: minimal in-memory loader. See dataloader.h.
#include "dataloader.h"
#include "../model/util.h"

void dataloader_init_tokens(DataLoader& loader, std::vector<uint16_t> tokens, const std::string& name, int B, int T,
                            const DataLoaderOptions& opt) {
    loader.name = name;
    loader.tokens = std::move(tokens);
    loader.B = B;
    loader.T = T;
    loader.opt = opt;
    loader.state = DataLoaderState{};
    if (loader.tokens.size() < (size_t)B * T + 1)
        throw Error(name + ": " + std::to_string(loader.tokens.size()) + " tokens, fewer than B*T+1 = " +
                    std::to_string((size_t)B * T + 1));
    if (opt.vocab_size > 0)
        for (uint16_t t : loader.tokens)
            if (t >= opt.vocab_size)
                throw Error(name + ": token id " + std::to_string(t) + " >= vocab size " + std::to_string(opt.vocab_size));
}

size_t dataloader_num_batches(const DataLoader& loader) {
    return (loader.tokens.size() - 1) / ((size_t)loader.B * loader.T);
}

void dataloader_reset(DataLoader& loader) { loader.state = DataLoaderState{}; }

void dataloader_next_batch(DataLoader& loader, int* inputs, int* targets) {
    if (loader.state.batch >= dataloader_num_batches(loader)) {
        loader.state.batch = 0;
        loader.state.epoch++;
    }
    const size_t BT = (size_t)loader.B * loader.T;
    const uint16_t* p = loader.tokens.data() + loader.state.batch * BT;
    for (size_t i = 0; i < BT; i++) {
        inputs[i] = p[i];
        targets[i] = p[i + 1];
    }
    loader.state.batch++;
}
