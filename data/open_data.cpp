// open_data.cpp: -i / -j as data loaders. See open_data.h.
#include "data/open_data.h"

#include <cstdint>  // uint16_t
#include <vector>

#include "data/common/files.h"  // UsageError, file_exists, read_file
#include "data/shard.h"         // is_shard_file

bool open_data(DataLoader& train, DataLoader& val, const std::string& train_data, const std::string& val_data,
               int B, int T, DataLoaderOptions opt, const Tokenizer& tok) {
    if (train_data.empty()) throw UsageError("-i is required: a text file or a glob of token shards");
    const std::string& in = train_data;
    bool dot_bin = in.size() >= 4 && in.compare(in.size() - 4, 4, ".bin") == 0;
    if (!file_exists(in) || is_shard_file(in) || dot_bin) {
        dataloader_init(train, train_data, B, T, opt);
        opt.shuffle = false;  // validation always reads the same batches
        if (!val_data.empty()) dataloader_init(val, val_data, B, T, opt);
        return !val_data.empty();
    }
    if (!val_data.empty()) throw UsageError("-j needs -i to be token shards too, not a text file");
    // a plain text file: tokenize it all, the first 90% trains, the last 10% validates
    std::string text = read_file(train_data);
    std::vector<int> ids = tokenizer_encode_parallel(tok, text, false);
    std::vector<uint16_t> tokens(ids.begin(), ids.end());
    size_t split = tokens.size() * 9 / 10;
    std::vector<uint16_t> val_tokens(tokens.begin() + split, tokens.end());
    tokens.resize(split);
    dataloader_init_tokens(train, std::move(tokens), train_data + " (first 90%)", B, T, opt);
    bool has_val = val_tokens.size() >= (size_t)B * T + 1;
    if (has_val) dataloader_init_tokens(val, std::move(val_tokens), train_data + " (last 10%)", B, T, opt);
    return has_val;
}
