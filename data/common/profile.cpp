// profile.cpp: the timer table behind ProfileScope. See profile.h.
#include "data/common/profile.h"

#include <cstring>  // strlen, strncmp
#include <string>
#include <vector>

// One row per layer kind; seconds summed over every call since the last reset.
struct ProfileRow {
    std::string layer;                      // "matmul", "attention", ...
    double forward = 0, backward = 0, update = 0;
    long calls = 0;
};

static bool g_enabled = false;
static std::vector<ProfileRow> g_rows;  // in order of first appearance: forward order

void profile_enable(bool on) {
    g_enabled = on;
    profile_reset();
}
bool profile_enabled() { return g_enabled; }
void profile_reset() { g_rows.clear(); }

// "matmul_forward" -> layer "matmul", pass forward; a name without _forward/_backward is an update.
void profile_add(const char* fn, double seconds) {
    std::string name = fn;
    int pass = 2;
    for (auto [suffix, p] : {std::pair<const char*, int>{"_forward", 0}, {"_backward", 1}}) {
        size_t n = std::strlen(suffix);
        if (name.size() > n && name.compare(name.size() - n, n, suffix) == 0) {
            name.resize(name.size() - n);
            pass = p;
        }
    }
    ProfileRow* row = nullptr;
    for (ProfileRow& r : g_rows)
        if (r.layer == name) row = &r;
    if (!row) {
        g_rows.push_back({name});
        row = &g_rows.back();
    }
    (pass == 0 ? row->forward : pass == 1 ? row->backward : row->update) += seconds;
    row->calls++;
}

void profile_print(FILE* out, int steps, double step_ms) {
    if (steps <= 0) return;
    double total = 0;
    for (const ProfileRow& r : g_rows) total += r.forward + r.backward + r.update;
    const double ms = 1000.0 / steps;  // seconds summed over `steps` -> ms per step
    std::fprintf(out, "profile: ms per step over %d steps\n", steps);
    std::fprintf(out, "  %-22s %10s %10s %10s %10s %7s\n", "layer", "forward", "backward", "update", "total", "share");
    for (const ProfileRow& r : g_rows) {
        double t = r.forward + r.backward + r.update;
        std::fprintf(out, "  %-22s %10.2f %10.2f %10.2f %10.2f %6.1f%%\n", r.layer.c_str(), r.forward * ms,
                     r.backward * ms, r.update * ms, t * ms, total > 0 ? 100.0 * t / total : 0.0);
    }
    double f = 0, b = 0, u = 0;
    for (const ProfileRow& r : g_rows) f += r.forward, b += r.backward, u += r.update;
    std::fprintf(out, "  %-22s %10.2f %10.2f %10.2f %10.2f %6.1f%%\n", "all timed calls", f * ms, b * ms, u * ms,
                 total * ms, 100.0);
    if (step_ms > 0)  // zeroing, loss sum, loop overhead: what no timed call covers
        std::fprintf(out, "  %-22s %43.2f  (step %.2f ms)\n", "outside timed calls", step_ms - total * ms, step_ms);
}
