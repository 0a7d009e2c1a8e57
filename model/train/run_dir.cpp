// run_dir.cpp: main.log and the checkpoint pairs of a run directory. See run_dir.h.
#include "model/train/run_dir.h"

#include <algorithm>  // sort
#include <cstdarg>  // va_list: log_line
#include <cstdio>   // remove, sscanf
#include <dirent.h> // opendir, readdir: a run's files
#include <vector>

#include "data/common/files.h"        // AtomicFile, File, make_dir, read_file
#include "model/train/checkpoint.h"   // gpt2_save_checkpoint, checkpoint_checksum
#include "tokenizer/vocab_io.h"        // vocab_save

void run_dir_save_checkpoint(const std::string& dir, int step, const GPT2& model, TrainState& state, int keep) {
    if (state.m.size() != model.num_parameters)  // a caller's slip, never a user's
        throw Error(state_path(dir, step) + ": AdamW m has " + std::to_string(state.m.size()) + " entries, the model " +
                    std::to_string(model.num_parameters) + " parameters");
    state.model_checksum = gpt2_save_checkpoint(model, model_path(dir, step));  // the weights first,
    state.step = step;
    train_state_save(state_path(dir, step), state);      // then the state, which marks the pair complete
    if (keep > 0) {  // -nk: drop the oldest pairs, state first so a model never lacks its state
        std::vector<int> steps = saved_steps(dir);
        for (size_t i = 0; i + keep < steps.size(); i++) {
            std::remove(state_path(dir, steps[i]).c_str());
            std::remove(model_path(dir, steps[i]).c_str());
        }
    }
}

void run_dir_load_state(const std::string& dir, int step, size_t num_parameters, TrainState& state) {
    TrainState loaded;
    const std::string state_file = state_path(dir, step), model_file = model_path(dir, step);
    train_state_load(state_file, num_parameters, loaded);
    if (loaded.model_checksum >= 0 && loaded.model_checksum != checkpoint_checksum(model_file))
        throw Error(state_file + ": saved with another " + model_file + " than the one there now (its checksum " +
                    "differs): the pair is inconsistent, resume from an earlier step's pair or start anew");
    state = std::move(loaded);
}

// main.log lines "s:STEP ...": keeps those up to `step`, rewritten atomically.
static void truncate_log(const std::string& path, int step) {
    if (!file_exists(path)) return;
    std::string kept, text = read_file(path);
    for (size_t start = 0, end; start < text.size(); start = end + 1) {
        end = text.find('\n', start);
        if (end == std::string::npos) break;  // a torn last line: drop it
        std::string line = text.substr(start, end - start + 1);
        int s = 0;
        if (std::sscanf(line.c_str(), "s:%d", &s) == 1 && s <= step) kept += line;
    }
    AtomicFile f(path);
    f.write(kept.data(), kept.size());
    f.commit();
}

std::unique_ptr<File> run_dir_open_log(const std::string& dir, int resumed_step) {
    if (dir.empty()) return nullptr;
    make_dir(dir);
    const bool resumed = resumed_step >= 0;
    if (resumed) truncate_log(dir + "/main.log", resumed_step);
    return std::make_unique<File>(dir + "/main.log", resumed ? "a" : "w");
}

void log_line(File* log, const char* fmt, ...) {
    if (!log) return;
    char line[256];
    va_list ap;
    va_start(ap, fmt);
    std::vsnprintf(line, sizeof line, fmt, ap);
    va_end(ap);
    if (std::fputs(line, log->get()) < 0 || std::fflush(log->get()) != 0) throw Error("main.log: write failed (disk full?)");
}

void run_dir_save_tokenizer(const std::string& dir, const Tokenizer& tok) {
    if (dir.empty()) return;
    make_dir(dir);
    vocab_save(tok, tokenizer_recorded_in(dir));
}

// ----------------------------------------------------------------------------
// a new run into a folder

// A run's files in dir: main.log, model_best.bin, tokenizer.vocab, model_N.bin and state_N.bin (names only, sorted).
static std::vector<std::string> run_files(const std::string& dir) {
    std::vector<std::string> names;
    DIR* d = opendir(dir.c_str());
    if (!d) return names;
    while (dirent* e = readdir(d)) {
        std::string n = e->d_name;
        bool pair = saved_step_of(n, "model") >= 0 || saved_step_of(n, "state") >= 0;
        if (n == "main.log" || n == "model_best.bin" || n == "tokenizer.vocab" || pair) names.push_back(n);
    }
    closedir(d);
    std::sort(names.begin(), names.end());
    return names;
}

void run_dir_check_new(const std::string& dir, bool overwrite) {
    if (dir.empty()) return;
    std::vector<std::string> old = run_files(dir);
    if (old.empty()) return;
    if (!overwrite)
        throw UsageError("-o " + dir + " holds another run (" + old.front() + (old.size() > 1 ? ", ..." : "") +
                         "): resume it with -y 1 -o " + dir + ", choose another -o, or add --overwrite to delete its files");
    // subtle: states first, so a crash half-way never leaves a state whose model is gone
    std::sort(old.begin(), old.end(), [](const std::string& a, const std::string& b) {
        return (a.rfind("state_", 0) == 0) > (b.rfind("state_", 0) == 0);
    });
    for (const std::string& n : old)
        if (std::remove((dir + "/" + n).c_str()) != 0) throw Error(dir + "/" + n + ": cannot delete (--overwrite)");
    std::printf("--overwrite: deleted %zu files of the previous run in %s\n", old.size(), dir.c_str());
}
