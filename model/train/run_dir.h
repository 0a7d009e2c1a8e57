// run_dir.h: the output directory of a run (-o DIR): main.log and the checkpoint pairs.
//   DIR/main.log              llm.c's log: "s:STEP trl:LOSS lr:LR norm:NORM", "s:STEP tel:LOSS bpb:BPB"
//   DIR/model_NNNNNNNN.bin    the weights (llm.c's format), then
//   DIR/state_NNNNNNNN.bin    what a resume needs besides them (train_state.h), written last
//   DIR/model_best.bin        the weights of the best validation loss so far (train.cpp)
//   DIR/tokenizer.vocab       the run's tokenizer, where sample, resume and fine-tuning find it
// Keeping only the newest K pairs (-nk), cutting main.log back to a resumed step and refusing
// to mix a new run with an old one's files (--overwrite) live here.
#pragma once
#include <memory>  // unique_ptr
#include <string>

#include "data/common/files.h"        // File
#include "model/gpt2.h"                // GPT2
#include "model/train/train_state.h"   // TrainState, model_path, state_path, saved_steps
#include "tokenizer/tokenizer.h"       // Tokenizer

// Writes DIR/model_N.bin then DIR/state_N.bin (state.step set here; state.m and state.v, all
// num_parameters of each, filled by the caller: train.cpp gathers them under ZeRO-1); with
// keep > 0 (-nk) removes all but the newest `keep` pairs, each state before its model.
// state.model_checksum is set here to the model file's checkpoint_checksum.
void run_dir_save_checkpoint(const std::string& dir, int step, const GPT2& model, TrainState& state, int keep);
// The pair's reader, for a resume: loads DIR/state_N.bin (train_state_load, for a model of
// num_parameters) and checks that it was saved with DIR/model_N.bin as it is now (the state's
// model_checksum against the model file's), so a state never goes on from another model's weights.
// A state written before issue 16 (version 1) records no model checksum and is not compared.
void run_dir_load_state(const std::string& dir, int step, size_t num_parameters, TrainState& state);
// Makes DIR and opens DIR/main.log: anew for a fresh run (resumed_step < 0), else for appending
// after dropping the lines past resumed_step (a crash may have logged steps past the last
// checkpoint). nullptr when dir is "" (no -o: no log). The file closes when the pointer goes.
std::unique_ptr<File> run_dir_open_log(const std::string& dir, int resumed_step);
// Appends one printf-formatted line with a single write, so a crash never leaves half a line.
// Does nothing when log is nullptr. Throws Error if the write fails (disk full).
void log_line(File* log, const char* fmt, ...);
// Records the run's tokenizer as DIR/tokenizer.vocab (tokenizer_recorded_in), a full copy in our
// vocabulary format written atomically, so that a checkpoint of DIR finds its tokenizer
// (tokenizer_spec_for) wherever DIR is copied. Makes DIR; does nothing when dir is "" (no -o).
void run_dir_save_tokenizer(const std::string& dir, const Tokenizer& tok);
// Before a NEW run into dir (not a resume): if dir holds a run's files (main.log, model_best.bin,
// tokenizer.vocab, model_N/state_N.bin), throws UsageError naming the choices (-y 1, another -o, --overwrite);
// with overwrite, deletes those files instead (and nothing else in dir). "" (no -o): nothing.
void run_dir_check_new(const std::string& dir, bool overwrite);
