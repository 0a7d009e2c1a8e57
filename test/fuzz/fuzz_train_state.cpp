// fuzz_train_state.cpp: a run state (model/train/train_state.h) from arbitrary bytes, for a model
// of as many parameters as its header claims (the low 32 bits it stores), so the size checks meet
// every count; then the name rule of saved files on the input as a name.
#include <cstring>  // memcpy

#include "test/fuzz/fuzz.h"

#include "model/train/train_state.h"  // train_state_load, saved_step_of

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string path = fuzz_binary_file(data, size, "state_00000001.bin");
    uint32_t params = 6;  // the seeds' model
    if (size >= 4 * (STATE_SLOT_PARAMS + 1)) std::memcpy(&params, data + 4 * STATE_SLOT_PARAMS, 4);
    TrainState s;
    fuzz_expect_errors([&] {
        train_state_load(path, params, s);
        FUZZ_CHECK(s.m.size() == params && s.v.size() == params);
        size_t argv_bytes = 0;
        for (const std::string& a : s.argv) argv_bytes += a.size() + 1;
        FUZZ_CHECK(1024 + 8 * (size_t)params + argv_bytes == size);  // argv is the rest of the file
    });
    const std::string name((const char*)data, size < 64 ? size : 64);
    int step = saved_step_of(name, "state");
    FUZZ_CHECK(step == -1 || state_path("", step) == "/" + name.substr(name.find_last_of('/') + 1));
    return 0;
}
