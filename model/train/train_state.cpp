// train_state.cpp: the resumable part of a run. See train_state.h.
#include "model/train/train_state.h"
#include "data/common/binary_header.h"  // BinaryHeader, header_read, header_write
#include "data/common/crc32.h"          // crc32: the checksum of m, v and argv
#include "data/common/files.h"          // File, AtomicFile, Error

#include <algorithm>  // sort
#include <climits>    // INT32_MAX
#include <cstdio>
#include <dirent.h>   // opendir: list the saved steps

static const HeaderFormat STATE_FORMAT = {"training state", STATE_MAGIC, STATE_VERSION, 1};

// subtle: STATE_SLOT_PARAMS holds (int32_t)num_parameters, the low 32 bits. Every state ever
// written has it (it must stay, for the bytes to stay the same), so the reader checks it: it
// names the mismatch ("for a model of N parameters") before the file size would only say "wrong size".
static int32_t params_slot(size_t num_parameters) { return (int32_t)(uint32_t)num_parameters; }

// The CRC-32 of the body: m, v (n floats each), then the argv block.
static uint32_t body_crc(const float* m, const float* v, size_t n, const std::string& args) {
    return crc32(crc32(crc32(0, m, n * sizeof(float)), v, n * sizeof(float)), args.data(), args.size());
}

// The one writer of the header.
static void write_header(AtomicFile& f, const TrainState& s, size_t argv_bytes, uint32_t body_crc) {
    BinaryHeader h;
    h[STATE_SLOT_STEP] = s.step;
    h[STATE_SLOT_EVALS_SINCE_BEST] = s.evals_since_best;
    h[STATE_SLOT_ARGV_BYTES] = (int32_t)argv_bytes;
    h[STATE_SLOT_PARAMS] = params_slot(s.m.size());
    h.set_f64(STATE_SLOT_BEST_VAL_LOSS, s.best_val_loss);
    h.set_u64(STATE_SLOT_LOADER_EPOCH, s.loader.epoch);
    h.set_u64(STATE_SLOT_LOADER_SHARD, s.loader.shard);
    h.set_u64(STATE_SLOT_LOADER_BATCH, s.loader.batch);
    h.set_u64(STATE_SLOT_LOADER_RNG, s.loader.rng);
    h.set_f64(STATE_SLOT_TRAIN_SECONDS, s.train_seconds);
    h.set_f64(STATE_SLOT_WARMUP_SECONDS, s.warmup_seconds);
    h[STATE_SLOT_MODEL_CHECKSUM] = (int32_t)(uint32_t)s.model_checksum;
    header_write(f, STATE_FORMAT, h, body_crc);
}

// The one reader of the header: fills everything in s but m, v and argv, checks the file's
// size against num_parameters, and returns the bytes of the argv block that ends the file.
static size_t read_header(File& f, size_t num_parameters, TrainState& s, BinaryHeader& h) {
    const std::string& path = f.path();
    h = header_read(f, STATE_FORMAT);
    if (h[STATE_SLOT_PARAMS] != params_slot(num_parameters))
        throw Error(path + ": the state of a model of " + std::to_string(h[STATE_SLOT_PARAMS]) +
                    " parameters, this model has " + std::to_string(num_parameters));
    int32_t argv_bytes = h[STATE_SLOT_ARGV_BYTES];
    if (argv_bytes < 0) throw Error(path + ": corrupt header (argv of " + std::to_string(argv_bytes) + " bytes)");
    size_t expected = HEADER_BYTES + 2 * num_parameters * sizeof(float) + (size_t)argv_bytes, actual = f.size();
    if (actual < expected)
        throw Error(path + ": truncated: " + std::to_string(actual) + " bytes, the header implies " +
                    std::to_string(expected));
    if (actual > expected)
        throw Error(path + ": has " + std::to_string(actual - expected) + " bytes more than the header implies");
    s.step = h[STATE_SLOT_STEP];
    // a resume must never start from a state and a model of different steps: the name picks the model
    const int named = saved_step_of(path, "state");
    if (s.step < 0 || (named >= 0 && named != s.step))
        throw Error(path + ": holds step " + std::to_string(s.step) + " but its name says step " + std::to_string(named));
    s.evals_since_best = h[STATE_SLOT_EVALS_SINCE_BEST];
    s.best_val_loss = h.get_f64(STATE_SLOT_BEST_VAL_LOSS);
    s.loader.epoch = h.get_u64(STATE_SLOT_LOADER_EPOCH);
    s.loader.shard = h.get_u64(STATE_SLOT_LOADER_SHARD);
    s.loader.batch = h.get_u64(STATE_SLOT_LOADER_BATCH);
    s.loader.rng = h.get_u64(STATE_SLOT_LOADER_RNG);
    s.train_seconds = h.get_f64(STATE_SLOT_TRAIN_SECONDS);
    s.warmup_seconds = h.get_f64(STATE_SLOT_WARMUP_SECONDS);
    s.model_checksum = h[HEADER_SLOT_VERSION] >= 2 ? (int64_t)(uint32_t)h[STATE_SLOT_MODEL_CHECKSUM] : -1;
    if (!(s.train_seconds >= 0 && s.warmup_seconds >= 0 && s.warmup_seconds <= s.train_seconds))  // NaN fails too
        throw Error(path + ": corrupt header (time budget clock " + std::to_string(s.train_seconds) +
                    " s, warmup ended at " + std::to_string(s.warmup_seconds) + " s)");
    return (size_t)argv_bytes;
}

void train_state_save(const std::string& path, const TrainState& s) {
    if (s.v.size() != s.m.size())
        throw Error(path + ": AdamW m has " + std::to_string(s.m.size()) + " entries but v has " +
                    std::to_string(s.v.size()));
    std::string args;
    for (const std::string& a : s.argv) args += a + '\0';
    if (args.size() > (size_t)INT32_MAX) throw Error(path + ": the command line is too long to save");
    if (s.model_checksum < 0 || s.model_checksum > UINT32_MAX)  // a caller's slip, never a user's
        throw Error(path + ": the checksum of its model file is unknown");
    AtomicFile f(path);
    write_header(f, s, args.size(), body_crc(s.m.data(), s.v.data(), s.m.size(), args));
    f.write(s.m.data(), s.m.size() * sizeof(float));
    f.write(s.v.data(), s.v.size() * sizeof(float));
    f.write(args.data(), args.size());
    f.commit();
}

void train_state_load(const std::string& path, size_t num_parameters, TrainState& s) {
    File f(path);
    TrainState loaded;
    BinaryHeader h;
    size_t argv_bytes = read_header(f, num_parameters, loaded, h);
    loaded.m.resize(num_parameters);
    loaded.v.resize(num_parameters);
    size_t moment_bytes = num_parameters * sizeof(float);
    f.read_exact(loaded.m.data(), moment_bytes);
    f.read_exact(loaded.v.data(), moment_bytes);
    std::string args(argv_bytes, '\0');
    f.read_exact(&args[0], args.size());
    if (h.has_checksums())  // before anything in the body is believed (a version 1 state has none)
        header_check_body(path, h.body_crc(), body_crc(loaded.m.data(), loaded.v.data(), num_parameters, args),
                          2 * moment_bytes + args.size(), STATE_FORMAT);
    // each argument ends with a NUL, so the block does too (an empty argv is an empty block)
    if (!args.empty() && args.back() != '\0') throw Error(path + ": the saved command line does not end with a NUL");
    for (size_t start = 0; start < args.size();) {
        size_t end = args.find('\0', start);
        loaded.argv.push_back(args.substr(start, end - start));
        start = end + 1;
    }
    s = std::move(loaded);
}

static std::string numbered(const std::string& dir, const char* kind, int step) {
    char name[64];
    std::snprintf(name, sizeof name, "/%s_%08d.bin", kind, step);
    return dir + name;
}
std::string model_path(const std::string& dir, int step) { return numbered(dir, "model", step); }
std::string state_path(const std::string& dir, int step) { return numbered(dir, "state", step); }

int saved_step_of(const std::string& path, const char* kind) {
    const std::string name = path.substr(path.find_last_of('/') + 1);  // npos + 1 = 0: no directory
    const std::string format = std::string(kind) + "_%8d.bin";
    int step = -1;
    if (std::sscanf(name.c_str(), format.c_str(), &step) != 1 || step < 0) return -1;
    return numbered("", kind, step) == "/" + name ? step : -1;  // exactly the name a run writes
}

std::vector<int> saved_steps(const std::string& dir) {
    std::vector<int> steps;
    DIR* d = opendir(dir.c_str());
    if (!d) return steps;
    while (dirent* e = readdir(d)) {
        int step = saved_step_of(e->d_name, "state");
        if (step >= 0) steps.push_back(step);
    }
    closedir(d);
    std::sort(steps.begin(), steps.end());
    return steps;
}
