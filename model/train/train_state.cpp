// train_state.cpp: the resumable part of a run. See train_state.h.
#include "model/train/train_state.h"
#include "data/common/files.h"  // Error, AtomicFile, read_exact

#include <algorithm>  // sort
#include <cstdio>
#include <cstring>    // memcpy
#include <dirent.h>   // opendir: list the saved steps

void train_state_save(const std::string& path, const TrainState& s) {
    std::string args;
    for (const std::string& a : s.argv) args += a + '\0';
    int32_t header[HEADER_INTS] = {0};
    header[0] = STATE_MAGIC;
    header[1] = STATE_VERSION;
    header[2] = s.step;
    header[3] = s.evals_since_best;
    header[4] = (int32_t)args.size();
    header[5] = (int32_t)s.m.size();  // low 31 bits are enough to catch a mismatch; the size check is exact
    std::memcpy(&header[10], &s.best_val_loss, sizeof(double));
    const uint64_t loader[4] = {s.loader.epoch, s.loader.shard, s.loader.batch, s.loader.rng};
    std::memcpy(&header[20], loader, sizeof loader);
    AtomicFile f(path);
    f.write(header, sizeof header);
    f.write(s.m.data(), s.m.size() * sizeof(float));
    f.write(s.v.data(), s.v.size() * sizeof(float));
    f.write(args.data(), args.size());
    f.commit();
}

void train_state_load(const std::string& path, size_t num_parameters, TrainState& s) {
    FILE* f = open_or_fail(path, "rb");
    try {
        int32_t header[HEADER_INTS];
        read_exact(f, header, sizeof header, path);
        if (header[0] != STATE_MAGIC) throw Error(path + ": not a training state file (bad magic)");
        if (header[1] != STATE_VERSION) throw Error(path + ": unsupported state version " + std::to_string(header[1]));
        size_t expected = sizeof header + 2 * num_parameters * sizeof(float) + (size_t)header[4];
        if (header[4] < 0 || file_size(path) != expected)
            throw Error(path + ": size does not match a model of " + std::to_string(num_parameters) +
                        " parameters (truncated, or from a different model)");
        s.step = header[2];
        s.evals_since_best = header[3];
        std::memcpy(&s.best_val_loss, &header[10], sizeof(double));
        uint64_t loader[4];
        std::memcpy(loader, &header[20], sizeof loader);
        s.loader = DataLoaderState{loader[0], loader[1], loader[2], loader[3]};
        s.m.resize(num_parameters);
        s.v.resize(num_parameters);
        read_exact(f, s.m.data(), num_parameters * sizeof(float), path);
        read_exact(f, s.v.data(), num_parameters * sizeof(float), path);
        std::string args(header[4], '\0');
        read_exact(f, &args[0], args.size(), path);
        s.argv.clear();
        for (size_t start = 0, end; start < args.size(); start = end + 1) {
            end = args.find('\0', start);
            s.argv.push_back(args.substr(start, end - start));
        }
    } catch (...) {
        std::fclose(f);
        throw;
    }
    std::fclose(f);
}

static std::string numbered(const std::string& dir, const char* kind, int step) {
    char name[64];
    std::snprintf(name, sizeof name, "/%s_%08d.bin", kind, step);
    return dir + name;
}
std::string model_path(const std::string& dir, int step) { return numbered(dir, "model", step); }
std::string state_path(const std::string& dir, int step) { return numbered(dir, "state", step); }

std::vector<int> saved_steps(const std::string& dir) {
    std::vector<int> steps;
    DIR* d = opendir(dir.c_str());
    if (!d) return steps;
    while (dirent* e = readdir(d)) {
        int step;
        char tail[8];
        if (std::sscanf(e->d_name, "state_%8d.bi%1s", &step, tail) == 2 && std::strlen(e->d_name) == 18)
            steps.push_back(step);
    }
    closedir(d);
    std::sort(steps.begin(), steps.end());
    return steps;
}
