// time_budget.cpp: the clock of a --time-budget run. See time_budget.h.
#include "model/train/time_budget.h"

#include <cctype>   // isdigit
#include <cmath>    // llround
#include <cstdio>
#include <cstdlib>  // strtod

#include "data/common/errors.h"  // UsageError

// ----------------------------------------------------------------------------
// durations: text <-> seconds

double parse_duration(const std::string& flag, const std::string& text) {
    const UsageError bad(flag + " " + text + ": not a duration (e.g. 300, 300s, 5m, 1h30m, 1.5h)");
    const std::string units = "hms";
    const double unit_seconds[] = {3600, 60, 1};
    double seconds = 0;
    size_t i = 0, next_unit = 0;  // units come in the order h, m, s, each at most once
    while (i < text.size()) {
        // a number: digits, then optionally '.' and more digits (no sign, no exponent)
        const size_t start = i;
        while (i < text.size() && std::isdigit((unsigned char)text[i])) i++;
        if (i == start) throw bad;
        if (i < text.size() && text[i] == '.') {
            const size_t fraction = ++i;
            while (i < text.size() && std::isdigit((unsigned char)text[i])) i++;
            if (i == fraction) throw bad;
        }
        const double x = std::strtod(text.substr(start, i - start).c_str(), nullptr);
        if (i == text.size()) {  // no unit: seconds, but only alone ("1h30" could mean 30 m or 30 s)
            if (start != 0) throw bad;
            seconds = x;
            break;
        }
        const size_t unit = units.find(text[i++], next_unit);
        if (unit == std::string::npos) throw bad;
        seconds += x * unit_seconds[unit];
        next_unit = unit + 1;
    }
    if (text.empty()) throw bad;
    // 0 would stop before the first step; the cap keeps format_duration's integers small
    if (!(seconds > 0 && seconds <= 10000.0 * 3600))
        throw UsageError(flag + " " + text + ": out of range (more than 0, at most 10000h)");
    return seconds;
}

std::string format_duration(double seconds) {
    char text[48];
    if (seconds < 59.95) {  // a short budget (the tests' 2s) to a tenth of a second
        std::snprintf(text, sizeof text, "%.1fs", seconds);
        return text;
    }
    const long long s = std::llround(seconds);
    if (s >= 3600) std::snprintf(text, sizeof text, "%lldh%02lldm%02llds", s / 3600, s % 3600 / 60, s % 60);
    else std::snprintf(text, sizeof text, "%lldm%02llds", s / 60, s % 60);
    return text;
}

// ----------------------------------------------------------------------------
// the clock

BudgetClock budget_clock_for(double budget, double span, int warmup, const TrainState* resumed) {
    BudgetClock c;
    c.budget = budget;
    c.span = span > 0 ? span : budget;
    if (resumed) {
        c.saved = resumed->train_seconds;
        if (resumed->step >= warmup) c.warmup_end = resumed->warmup_seconds;  // else warmup goes on
    }
    return c;
}

// subtle: steady_clock, not the time of day (system_clock), which NTP or a daylight-saving change
// can move by minutes while a run is training.
void budget_clock_start(BudgetClock& c) { c.started = std::chrono::steady_clock::now(); }

double budget_clock_read(const BudgetClock& c) {
    return c.saved + std::chrono::duration<double>(std::chrono::steady_clock::now() - c.started).count();
}

bool budget_clock_spent(BudgetClock& c, int step, int warmup) {
    if (c.budget <= 0) return false;
    const double now = budget_clock_read(c);
    // subtle: marked at the top of step `warmup`, before its validation and checkpoint, so that a
    // checkpoint at that step holds the mark (budget_clock_for trusts it from step >= warmup on)
    if (step >= warmup && c.warmup_end < 0) c.warmup_end = now;  // the decay starts here
    return now >= c.budget;
}

double budget_clock_progress(const BudgetClock& c) {
    if (c.budget <= 0) return -1.0;
    if (c.warmup_end < 0) return 0.0;  // still warming up (learning_rate ramps by step there)
    return time_progress(budget_clock_read(c), c.warmup_end, c.span);
}

double budget_clock_left(const BudgetClock& c) {
    if (c.budget <= 0) return -1.0;
    const double left = c.budget - budget_clock_read(c);
    return left > 0 ? left : 0.0;
}

// Read as the checkpoint is written, after the step's validation and sample: a resumed run does
// not repeat them at its first step, so their time stays counted.
void budget_clock_save(const BudgetClock& c, TrainState& state) {
    if (c.budget <= 0) return;
    state.train_seconds = budget_clock_read(c);
    state.warmup_seconds = c.warmup_end > 0 ? c.warmup_end : 0.0;
}

// ----------------------------------------------------------------------------
// what the trainer prints and refuses

void budget_check_left(const std::string& dir, const BudgetClock& c) {
    if (c.budget <= 0 || c.saved < c.budget) return;
    throw UsageError(dir + " has spent its " + format_duration(c.budget) + " time budget (" + format_duration(c.saved) +
                     " on its clock): nothing to train; to go on: ./train -y 1 -o " + dir + " --time-budget " +
                     format_duration(2 * c.budget) +
                     " (the total time; the time past the first budget runs at its final lr)");
}

void budget_print_plan(const BudgetClock& c, const ScheduleConfig& s, int max_steps_cap, size_t epoch_batches) {
    const std::string cap = max_steps_cap >= 0 ? ", at most " + std::to_string(max_steps_cap) + " (-x)" : "";
    const std::string spent = c.saved > 0 ? ", " + format_duration(c.saved) + " of it spent before this resume" : "";
    std::printf("steps: as many as fit in %s of training%s%s (%zu batches per epoch); not repeatable step for step\n",
                format_duration(c.budget).c_str(), cap.c_str(), spent.c_str(), epoch_batches);
    const char* kind = s.kind == Schedule::Constant ? "constant" : s.kind == Schedule::Linear ? "linear" : "cosine";
    if (c.span >= c.budget) {
        std::printf("lr schedule: %s over the clock, from the end of warmup (%d steps) to %s\n", kind, s.warmup,
                    format_duration(c.span).c_str());
        return;
    }
    // an extended run: the decay ends at its span, the time after runs at the final lr (as -x's extension does)
    const float lr = decayed_lr(s, 1.0);
    if (lr == 0.0f)
        throw UsageError("the lr schedule ends at 0 at " + format_duration(c.span) + " (-q 0), so the time from there to " +
                         format_duration(c.budget) + " would not learn: give its lr as a fraction of -l, e.g. -q 0.1");
    std::printf("lr schedule: %s over the clock to %s; from there to %s it runs at its final lr %.2e\n", kind,
                format_duration(c.span).c_str(), format_duration(c.budget).c_str(), lr);
}

void budget_print_end(const BudgetClock& c, int first_step, int last_step, int warmup) {
    if (c.budget <= 0) return;
    // a resumed run names the steps it added; a budget too short for warmup says so
    std::string range, no_decay;
    if (first_step > 0) range = " (steps " + std::to_string(first_step + 1) + ".." + std::to_string(last_step) + ")";
    if (c.warmup_end < 0 && warmup > 0)
        no_decay = "; warmup (-u " + std::to_string(warmup) + ") never ended, so the lr never decayed";
    std::printf("time budget: %d steps trained%s, %s of %s on the clock%s\n", last_step - first_step, range.c_str(),
                format_duration(budget_clock_read(c)).c_str(), format_duration(c.budget).c_str(), no_decay.c_str());
}
