// check.cpp: the helpers of check.h that need a body.
#include "test/check.h"

#include <unistd.h>  // getpid

#include "tokenizer/vocab_gpt2.h"  // gpt2_dir

std::string temp_dir(const char* tag) {
    static int counter = 0;
    std::string dir = "/tmp/scratchgpt-test-" + std::to_string(getpid()) + "-" + tag + "-" + std::to_string(counter++);
    std::string cmd = "rm -rf '" + dir + "' && mkdir -p '" + dir + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return dir;
}

std::string require_gpt2_vocab() {
    std::string dir;
    // not found anywhere: require_input below fails on the first place it would be, with the hint
    if (!error_of([&] { dir = gpt2_dir(); }).empty()) dir = shared_dir() + "/data/gpt2";
    require_input(dir + "/encoder.json", GET_GPT2_VOCAB);
    require_input(dir + "/vocab.bpe", GET_GPT2_VOCAB);
    return dir;
}
