// fuzz_checkpoint.cpp: llm.c's model checkpoint (model/train/checkpoint.h) from arbitrary bytes:
// the header alone, then the whole model, then what the model would cost at B=1, T=1 (the memory
// guard's arithmetic on sizes from the file).
#include "test/fuzz/fuzz.h"

#include "model/gpt2.h"              // GPT2, gpt2_memory
#include "model/train/checkpoint.h"  // checkpoint_read_config, gpt2_build_from_checkpoint

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz_binary_file(data, size, "model.bin");
    GPT2Config c{};
    if (!fuzz_expect_errors([&] { c = checkpoint_read_config(path); })) return 0;
    fuzz_expect_errors([&] { gpt2_memory(c, 1, 1, 0, Precision::fp32); });
    fuzz_expect_errors([&] {
        GPT2 model;
        gpt2_build_from_checkpoint(model, path);
        FUZZ_CHECK(model.num_parameters * sizeof(float) + 1024 == size);  // every byte accounted for
    });
    return 0;
}
