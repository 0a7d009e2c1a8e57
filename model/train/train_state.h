// train_state.h: everything besides the weights that a run needs to go on exactly
// where it stopped: AdamW's m and v, the step, the data loader's position, the best
// validation loss so far, and the command line that started the run.
// On disk, beside each llm.c-format model_NNNNNNNN.bin, a state_NNNNNNNN.bin: llm.c's header of
// 256 int32 (data/common/binary_header.h), slots by name:
//   MAGIC = 20241127   VERSION = 2   STATE_SLOT_STEP = step   STATE_SLOT_EVALS_SINCE_BEST
//   STATE_SLOT_ARGV_BYTES = bytes of the argv block   STATE_SLOT_PARAMS = num_parameters (low 32 bits)
//   STATE_SLOT_BEST_VAL_LOSS (2 slots, a double)
//   STATE_SLOT_LOADER_EPOCH, _SHARD, _BATCH, _RNG (2 slots each, a uint64: DataLoaderState)
//   STATE_SLOT_TRAIN_SECONDS, _WARMUP_SECONDS (2 slots each, a double): --time-budget runs only,
//   0 in every other run
//   STATE_SLOT_MODEL_CHECKSUM = checkpoint_checksum of the model file saved with it (version 2; issue 16),
//   so a resume never pairs a state with another model file of the same step
//   HEADER_SLOT_CHECKSUMS/_BODY_CRC/_HEADER_CRC (253..255): CRC-32s of the rest and of the header
//   (binary_header.h; version 2)
//   every other slot 0
// Version 1 (before issue 16) had no checksums and no model checksum; it still loads, unchecked.
// then m (num_parameters floats), v (num_parameters floats), then argv, each string NUL-terminated.
// The dropout masks and the samples derive from (seed, step), so no generator state is needed.
// The pair is written model first, state last, each atomically: a state file exists
// only when its model file is complete, so "the latest state" is always a good resume point.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

#include "data/dataloader.h"  // DataLoaderState

constexpr int STATE_MAGIC = 20241127;
constexpr int STATE_VERSION = 2;
// the header slots, by name (0 and 1 are magic and version); a double or uint64 takes 2 slots
enum StateSlot {
    STATE_SLOT_STEP = 2, STATE_SLOT_EVALS_SINCE_BEST = 3, STATE_SLOT_ARGV_BYTES = 4, STATE_SLOT_PARAMS = 5,
    STATE_SLOT_BEST_VAL_LOSS = 10,  // 10..11
    STATE_SLOT_LOADER_EPOCH = 20, STATE_SLOT_LOADER_SHARD = 22, STATE_SLOT_LOADER_BATCH = 24,
    STATE_SLOT_LOADER_RNG = 26,     // 20..27
    STATE_SLOT_TRAIN_SECONDS = 30, STATE_SLOT_WARMUP_SECONDS = 32,  // 30..33
    STATE_SLOT_MODEL_CHECKSUM = 34,  // a uint32 (version 2)
};

struct TrainState {
    int step = 0;                      // optimizer steps completed
    double best_val_loss = 1e30;       // lowest validation loss so far
    int evals_since_best = 0;          // for early stopping
    DataLoaderState loader;            // where the training data loader is (data/dataloader.h)
    std::vector<float> m, v;           // (num_parameters) each: AdamW moments
    double train_seconds = 0;          // --time-budget: seconds on the budget's clock (time_budget.h); else 0
    double warmup_seconds = 0;         // --time-budget: the clock when warmup ended (0: not yet, or no budget)
    std::vector<std::string> argv;     // the command line of the run, without argv[0]
    int64_t model_checksum = -1;       // checkpoint_checksum of its model file; -1: unknown (a version 1 state)
};

// Writes atomically (data/common/files.h's AtomicFile), as version 2: s.model_checksum must be known.
void train_state_save(const std::string& path, const TrainState& s);
// Reads and checks a state file; num_parameters must match the model it goes with.
// Every malformed or damaged file is a one-line Error naming it; s is untouched then.
void train_state_load(const std::string& path, size_t num_parameters, TrainState& s);
// DIR/model_00000017.bin and DIR/state_00000017.bin (llm.c's naming).
std::string model_path(const std::string& dir, int step);
std::string state_path(const std::string& dir, int step);
// Steps with a state file in dir, ascending.
std::vector<int> saved_steps(const std::string& dir);
// The step in the name of such a file (kind "model" or "state", any directory), or -1 for any other name.
int saved_step_of(const std::string& path, const char* kind);
