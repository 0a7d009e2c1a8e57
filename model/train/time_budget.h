// time_budget.h: --time-budget 5m, a run that trains for a wall-clock time instead of a step count.
// The clock starts at the training loop's first step, after the model is built and the data
// loaded, and counts everything in the loop: steps, validations, samples, checkpoints. Once it
// reads the budget at the start of a step, that step is the run's last: the final validation,
// sample and checkpoint follow as at -x, so the run ends that long after the budget. The lr decays
// over the clock instead of the steps (schedule.h, time_progress); warmup still counts steps (-u).
// A resume (-y 1) starts the clock at the seconds its state saved (train_state.h): stopping and
// resuming spends the same budget on the same schedule. Not repeatable step for step: how many
// steps fit, and each step's lr, depend on the machine and how busy it is.
#pragma once
#include <chrono>  // steady_clock
#include <string>

#include "model/train/schedule.h"     // ScheduleConfig: the plan printed at the start
#include "model/train/train_state.h"  // TrainState: the clock saved with a checkpoint

struct BudgetClock {
    double budget = 0;       // seconds the run trains for, counted from its first step (--time-budget); 0: no budget
    double span = 0;         // seconds at which the lr decay ends (--schedule-time, else the budget); after: the final lr
    double saved = 0;        // seconds on the clock before this process started it (a resumed run's state)
    double warmup_end = -1;  // the clock when warmup ended and the decay began (-1: not yet)
    std::chrono::steady_clock::time_point started;  // when this process started the clock
};

// "300", "300s", "5m", "1h30m", "1.5h" -> seconds: numbers with units h, m, s in that order, each
// at most once, or one bare number of seconds; more than 0 and at most 10000h. Anything else is a
// one-line UsageError naming `flag`.
double parse_duration(const std::string& flag, const std::string& text);
// 300 -> "5m00s", 5400 -> "1h30m00s" (to the nearest second); under a minute 2.04 -> "2.0s".
std::string format_duration(double seconds);

// The clock of a budget of `budget` seconds (0: none, then the clock does nothing), the decay
// ending at `span` (0: the budget), set to the seconds a resumed run's state saved; not running yet.
BudgetClock budget_clock_for(double budget, double span, int warmup, const TrainState* resumed);
// Starts it, just before the first step.
void budget_clock_start(BudgetClock& c);
// Seconds on the clock.
double budget_clock_read(const BudgetClock& c);
// At the start of step `step`: notes the end of warmup (step == warmup) and says whether the
// budget is spent (always false without a budget).
bool budget_clock_spent(BudgetClock& c, int step, int warmup);
// The decay's progress for the step about to run (schedule.h clock_progress); -1 without a budget.
double budget_clock_progress(const BudgetClock& c);
// Seconds left of the budget (at least 0); -1 without a budget.
double budget_clock_left(const BudgetClock& c);
// Before a checkpoint: the clock into the state (without a budget the state keeps its zeros, so
// runs counted in steps write the same bytes as before).
void budget_clock_save(const BudgetClock& c, TrainState& state);

// A resume whose budget is spent: the fix, in one line (UsageError).
void budget_check_left(const std::string& dir, const BudgetClock& c);
// The plan, printed at the start: the budget, the step cap (-x; -1: none), the batches per epoch,
// the lr decay over the clock; a decay that ends before the budget (an extended run) is refused
// if its final lr is 0.
void budget_print_plan(const BudgetClock& c, const ScheduleConfig& s, int max_steps_cap, size_t epoch_batches);
// The last line of a budget run: steps trained (first..last), the clock against the budget.
void budget_print_end(const BudgetClock& c, int first_step, int last_step, int warmup);
