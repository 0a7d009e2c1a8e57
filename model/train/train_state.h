// train_state.h: everything besides the weights that a run needs to go on exactly
// where it stopped: AdamW's m and v, the step, the data loader's position, the best
// validation loss so far, and the command line that started the run.
// On disk, beside each llm.c-format model_NNNNNNNN.bin, a state_NNNNNNNN.bin:
//   header 256 int32 {magic 20241127, version 1, step, evals_since_best, argv bytes, ...,
//                     [10..11] best val loss as a double, [20..27] loader state as 4 uint64}
//   then m (num_parameters floats), v (num_parameters floats), then argv, NUL-separated.
// The dropout masks and the samples derive from (seed, step), so no generator state is needed.
// The pair is written model first, state last, each atomically: a state file exists
// only when its model file is complete, so "the latest state" is always a good resume point.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataloader.h"  // DataLoaderState

constexpr int STATE_MAGIC = 20241127;
constexpr int STATE_VERSION = 1;

struct TrainState {
    int step = 0;                      // optimizer steps completed
    double best_val_loss = 1e30;       // lowest validation loss so far
    int evals_since_best = 0;          // for early stopping
    DataLoaderState loader;            // where the training data loader is (data/dataloader.h)
    std::vector<float> m, v;           // (num_parameters) each: AdamW moments
    std::vector<std::string> argv;     // the command line of the run, without argv[0]
};

// Writes atomically (data/common/files.h's AtomicFile).
void train_state_save(const std::string& path, const TrainState& s);
// Reads and checks a state file; num_parameters must match the model it goes with.
void train_state_load(const std::string& path, size_t num_parameters, TrainState& s);
// DIR/model_00000017.bin and DIR/state_00000017.bin (llm.c's naming).
std::string model_path(const std::string& dir, int step);
std::string state_path(const std::string& dir, int step);
// Steps with a state file in dir, ascending.
std::vector<int> saved_steps(const std::string& dir);
