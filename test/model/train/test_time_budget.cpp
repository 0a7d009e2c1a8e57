// test_time_budget.cpp: --time-budget (model/train/time_budget.h): durations read and printed, the
// clock (a resumed run's seconds, the end of warmup, the decay's progress), then ./train itself: a
// budget run stops once its time is spent and ends as -x does; -x caps it; a resume goes on with the
// clock and the schedule its state saved; a longer budget runs the extra time at the final lr.
// No test asserts how fast anything runs: only what the clock must have read (a run cannot end
// before its budget, a resumed lr cannot be above the one its saved clock allows), and a generous
// deadline that turns a run which never stops into a failure instead of a hang.
#include <doctest.h>

#include <algorithm>    // search
#include <chrono>
#include <cmath>        // cos
#include <csignal>      // SIGKILL
#include <cstdlib>      // atoi, strtod
#include <string>
#include <vector>
#include <sys/wait.h>   // waitpid
#include <unistd.h>     // fork, execl, usleep

#include "data/common/errors.h"        // UsageError
#include "data/common/files.h"         // read_file, file_exists
#include "model/train/time_budget.h"
#include "model/train/train_state.h"   // train_state_load/save: a resume's clock
#include "test/check.h"                // temp_dir, Run, run_train

namespace {
constexpr double PI = 3.14159265358979323846;
}  // namespace

// ----------------------------------------------------------------------------
// durations

TEST_CASE("time_budget/parse_duration reads h, m, s in order, or bare seconds") {
    struct Good { const char* text; double seconds; };
    for (Good g : {Good{"300", 300}, {"300s", 300}, {"5m", 300}, {"1h30m", 5400}, {"1h30m15s", 5415}, {"1h5s", 3605},
                   {"2m30s", 150}, {"1.5h", 5400}, {"0.5s", 0.5}, {"2.5", 2.5}, {"90m", 5400}, {"10000h", 3.6e7}}) {
        CAPTURE(g.text);
        CHECK(parse_duration("--time-budget", g.text) == g.seconds);
    }
    for (const char* bad : {"", "s", "m5", "5x", "5M", "5m5m", "5s5m", "1m1h", "1h30", "-5", "+5", "5 m", " 5m", "5m ",
                            "1e3", "5.", ".5", "5.m", "inf", "nan", "0x10"}) {
        CAPTURE(bad);
        std::string msg = error_of<UsageError>([&] { parse_duration("--time-budget", bad); });
        CHECK(msg == std::string("--time-budget ") + bad + ": not a duration (e.g. 300, 300s, 5m, 1h30m, 1.5h)");
    }
    for (const char* out : {"0", "0s", "0h0m", "0.0", "10000h1s", "99999999999999999999"}) {
        CAPTURE(out);
        std::string msg = error_of<UsageError>([&] { parse_duration("--schedule-time", out); });
        CHECK(msg == std::string("--schedule-time ") + out + ": out of range (more than 0, at most 10000h)");
    }
}

TEST_CASE("time_budget/format_duration") {
    CHECK(format_duration(300) == "5m00s");
    CHECK(format_duration(5400) == "1h30m00s");
    CHECK(format_duration(5415.4) == "1h30m15s");
    CHECK(format_duration(89.6) == "1m30s");    // to the nearest second
    CHECK(format_duration(3599.6) == "1h00m00s");
    CHECK(format_duration(2.04) == "2.0s");     // under a minute: tenths
    CHECK(format_duration(59.9) == "59.9s");
    CHECK(format_duration(0) == "0.0s");
    // what it prints, parse_duration reads back
    for (double s : {300.0, 5400.0, 5415.0, 2.5, 59.9})
        CHECK(parse_duration("-", format_duration(s)) == doctest::Approx(s));
}

// ----------------------------------------------------------------------------
// the clock

TEST_CASE("time_budget/without a budget the clock does nothing and saves nothing") {
    TrainState st;
    BudgetClock c = budget_clock_for(0, 0, 3, nullptr);
    budget_clock_start(c);
    for (int step = 0; step < 5; step++) CHECK_FALSE(budget_clock_spent(c, step, 3));
    CHECK(budget_clock_progress(c) == -1.0);  // learning_rate counts steps
    CHECK(budget_clock_left(c) == -1.0);
    budget_clock_save(c, st);
    CHECK(st.train_seconds == 0.0);  // a run counted in steps writes the state it always wrote
    CHECK(st.warmup_seconds == 0.0);
    budget_check_left("run", c);     // never refuses
}

TEST_CASE("time_budget/the clock of a new run: warmup's end starts the decay") {
    BudgetClock c = budget_clock_for(3600, 0, 2, nullptr);
    CHECK(c.span == 3600);  // no --schedule-time: the decay spans the budget
    budget_clock_start(c);
    CHECK_FALSE(budget_clock_spent(c, 0, 2));
    CHECK(c.warmup_end == -1);              // steps 0 and 1 warm up
    CHECK(budget_clock_progress(c) == 0.0);
    CHECK_FALSE(budget_clock_spent(c, 1, 2));
    CHECK(c.warmup_end == -1);
    double before = budget_clock_read(c);
    CHECK_FALSE(budget_clock_spent(c, 2, 2));  // the first step after warmup
    double after = budget_clock_read(c);
    CHECK(c.warmup_end >= before);
    CHECK(c.warmup_end <= after);
    double mark = c.warmup_end;
    CHECK_FALSE(budget_clock_spent(c, 3, 2));
    CHECK(c.warmup_end == mark);            // marked once
    // progress and time left bracketed by readings taken around them
    before = budget_clock_read(c);
    double p = budget_clock_progress(c), left = budget_clock_left(c);
    after = budget_clock_read(c);
    CHECK(p >= time_progress(before, mark, 3600));
    CHECK(p <= time_progress(after, mark, 3600));
    CHECK(left <= 3600 - before);
    CHECK(left >= 3600 - after);
    TrainState st;
    before = budget_clock_read(c);
    budget_clock_save(c, st);
    after = budget_clock_read(c);
    CHECK(st.train_seconds >= before);
    CHECK(st.train_seconds <= after);
    CHECK(st.warmup_seconds == mark);
}

TEST_CASE("time_budget/a resumed clock goes on from its state") {
    TrainState st;
    st.step = 50;
    st.train_seconds = 100;
    st.warmup_seconds = 4;
    BudgetClock c = budget_clock_for(120, 0, 3, &st);
    budget_clock_start(c);
    CHECK(c.warmup_end == 4);
    double before = budget_clock_read(c);
    double p = budget_clock_progress(c);
    CHECK(before >= 100);
    CHECK(p >= (100.0 - 4) / (120 - 4));  // 0.8276: where the saved run was, never back at 0
    CHECK_FALSE(budget_clock_spent(c, 50, 3));
    budget_check_left("run", c);
    // a resume before warmup ended: warmup goes on, the saved mark (0) is not one
    st.step = 2;
    st.warmup_seconds = 0;
    CHECK(budget_clock_for(120, 0, 3, &st).warmup_end == -1);
    // a spent budget: refused, with the command that goes on
    st.step = 50;
    st.train_seconds = 121;
    BudgetClock spent = budget_clock_for(120, 0, 3, &st);
    budget_clock_start(spent);
    CHECK(budget_clock_spent(spent, 50, 3));
    CHECK(budget_clock_left(spent) == 0.0);
    CHECK(error_of<UsageError>([&] { budget_check_left("out/run", spent); }) ==
          "out/run has spent its 2m00s time budget (2m01s on its clock): nothing to train; to go on: ./train -y 1 -o "
          "out/run --time-budget 4m00s (the total time; the time past the first budget runs at its final lr)");
    // --schedule-time: the decay ends before the budget
    BudgetClock longer = budget_clock_for(240, 120, 3, &st);
    budget_clock_start(longer);
    CHECK(longer.span == 120);
    CHECK(budget_clock_progress(longer) == 1.0);
}

// ----------------------------------------------------------------------------
// ./train --time-budget

namespace {
// A small corpus: enough bytes for a few batches of B=2 T=16 (as test_cli.cpp's).
std::string corpus(const std::string& dir) {
    std::string text;
    for (int i = 0; i < 400; i++) text += "To be, or not to be, that is the question. ";
    FILE* f = std::fopen((dir + "/corpus.txt").c_str(), "wb");
    REQUIRE(f);
    std::fputs(text.c_str(), f);
    std::fclose(f);
    return dir + "/corpus.txt";
}

struct TimedRun {
    int status;          // exit status; -1 when killed at the deadline
    std::string output;  // stdout and stderr
    double seconds;      // wall-clock time from start to exit
};

// ./train ARGS, killed (status -1) if it is still running after `deadline` seconds: a run that never
// stops fails the test instead of hanging it. The deadline is no timing assertion; keep it generous.
TimedRun run_with_deadline(const std::string& args, const std::string& log, double deadline) {
    auto t0 = std::chrono::steady_clock::now();
    pid_t pid = fork();
    if (pid == 0) {
        std::string cmd = "exec ./train " + args + " > " + log + " 2>&1";
        execl("/bin/sh", "sh", "-c", cmd.c_str(), (char*)nullptr);
        _exit(127);
    }
    REQUIRE(pid > 0);
    auto elapsed = [&] { return std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count(); };
    int st = 0;
    while (waitpid(pid, &st, WNOHANG) != pid) {
        if (elapsed() > deadline) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return {-1, read_file(log), elapsed()};
        }
        usleep(10000);
    }
    return {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), read_file(log), elapsed()};
}

// main.log's "s:N trl:... lr:X ..." lines: lr[N] (index 0 unused; 0 where a step has no line).
std::vector<double> logged_lrs(const std::string& log) {
    std::vector<double> lr(1, 0.0);
    for (size_t at = log.find("s:"); at != std::string::npos; at = log.find("\ns:", at + 1)) {
        size_t line = log[at] == '\n' ? at + 1 : at;
        int step = std::atoi(log.c_str() + line + 2);
        size_t key = log.find(" lr:", line);
        if (key == std::string::npos || key > log.find('\n', line)) continue;  // a validation line
        if ((int)lr.size() <= step) lr.resize(step + 1, 0.0);
        lr[step] = std::strtod(log.c_str() + key + 4, nullptr);
    }
    return lr;
}

// The number after `key` in text (-1 if key is absent).
double number_after(const std::string& text, const std::string& key) {
    size_t at = text.find(key);
    return at == std::string::npos ? -1 : std::strtod(text.c_str() + at + key.size(), nullptr);
}

const char* SMALL = "-e l1h1c16 -b 2 -t 16 -l 1e-3 -u 5 -q 0.5 --print-every 1000000 ";
constexpr double DEADLINE = 120;  // seconds: only a run that never stops gets near it
}  // namespace

TEST_CASE("time_budget/a run trains until its budget is spent, then validates, samples and saves as at -x") {
    std::string dir = temp_dir("budget-run");
    std::string text = corpus(dir), run = dir + "/run";
    TimedRun r = run_with_deadline(std::string(SMALL) + "-v 1000000 -m 1 -s 1000000 -g 4 --time-budget 2s -i " + text +
                                   " -o " + run, dir + "/out.txt", DEADLINE);
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK(r.seconds >= 2.0);  // its clock started after ./train did
    CHECK(r.output.find("steps: as many as fit in 2.0s of training") != std::string::npos);
    // the last line: the steps, and a clock at or past the budget
    const int steps = (int)number_after(r.output, "time budget: ");
    CHECK(r.output.find(std::to_string(steps) + " steps trained, ") != std::string::npos);
    CHECK(steps > 5);
    CHECK(r.output.substr(r.output.rfind("time budget: ")).find(" of 2.0s on the clock\n") != std::string::npos);
    CHECK(r.output.rfind("time budget: ") > r.output.rfind("wrote "));  // the last line
    // the end as at -x: validation (at step 0 and the last), a sample and the checkpoint of the last step
    CHECK(r.output.find("val loss") != r.output.rfind("val loss"));
    CHECK(r.output.find("--- sample at step " + std::to_string(steps) + " ---") != std::string::npos);
    CHECK(r.output.find("wrote " + model_path(run, steps)) != std::string::npos);
    TrainState st;
    train_state_load(state_path(run, steps), 7664, st);  // l1h1c16, V=256: 7664 parameters
    CHECK(st.step == steps);
    CHECK(st.train_seconds >= 2.0);
    CHECK(st.train_seconds <= r.seconds);
    CHECK(st.warmup_seconds > 0);
    CHECK(st.warmup_seconds <= st.train_seconds);
    // the lr: warmup by steps (1e-3 * k/5), then down the cosine with the clock, never below -l x -q
    std::vector<double> lr = logged_lrs(read_file(run + "/main.log"));
    REQUIRE((int)lr.size() == steps + 1);
    for (int k = 1; k <= 5; k++) CHECK(lr[k] == doctest::Approx(1e-3 * k / 5).epsilon(1e-6));
    for (int k = 7; k <= steps; k++) {
        CAPTURE(k);
        CHECK(lr[k] <= lr[k - 1]);  // the clock only goes forward
        CHECK(lr[k] >= 5e-4);
    }
    CHECK(lr[steps] < lr[6]);
}

TEST_CASE("time_budget/-x caps a budget run; a resume goes on with its clock; a longer budget runs at the final lr") {
    std::string dir = temp_dir("budget-resume");
    std::string text = corpus(dir), run = dir + "/run";
    const std::string args = std::string(SMALL) + "-v 0 -s 0 -i " + text;
    // 20 steps of a tiny model end long before the 3 s budget: -x stops the run, with its checkpoint
    TimedRun capped = run_with_deadline(args + " --time-budget 3s -x 20 -o " + run, dir + "/a.txt", DEADLINE);
    INFO(capped.output);
    REQUIRE(capped.status == 0);
    REQUIRE(capped.output.find("time budget: 20 steps trained, ") != std::string::npos);
    CHECK(capped.output.find("at most 20 (-x)") != std::string::npos);
    // a resume at 2 s of the 3 s clock, warmup having ended at 0.5 s: the state a run with slower
    // steps would have saved at step 20, written into the checkpoint
    TrainState st;
    train_state_load(state_path(run, 20), 7664, st);
    CHECK(st.train_seconds > 0);
    CHECK(st.train_seconds < 3);
    st.train_seconds = 2.0;
    st.warmup_seconds = 0.5;
    train_state_save(state_path(run, 20), st);
    TimedRun resumed = run_with_deadline("-y 1 -o " + run + " -x -1", dir + "/b.txt", DEADLINE);
    INFO(resumed.output);
    REQUIRE(resumed.status == 0);
    CHECK(resumed.output.find("2.0s of it spent before this resume") != std::string::npos);
    const int last = (int)number_after(resumed.output, "(steps 21..");
    CHECK(last > 21);
    CHECK(resumed.output.find(" of 3.0s on the clock") != std::string::npos);
    // every lr after the resume is at least 60% down the decay: (2.0 - 0.5) / (3 - 0.5) = 0.6
    const double at_60 = 5e-4 + 0.5 * (1 + std::cos(PI * 0.6)) * 5e-4;  // 6.727e-4 (a restarted clock: 1e-3)
    std::vector<double> lr = logged_lrs(read_file(run + "/main.log"));
    REQUIRE((int)lr.size() == last + 1);
    for (int k = 21; k <= last; k++) {
        CAPTURE(k);
        CHECK(lr[k] <= at_60 * (1 + 1e-6));  // printed to 7 digits
        CHECK(lr[k] >= 5e-4);
        if (k > 21) CHECK(lr[k] <= lr[k - 1]);
    }
    TrainState end;
    train_state_load(state_path(run, last), 7664, end);
    CHECK(end.train_seconds >= 3.0);
    CHECK(end.warmup_seconds == 0.5);
    // spent: nothing to train, and the command that goes on
    Run again = run_train("-y 1 -o " + run);
    CHECK(again.status == 2);
    CHECK(again.output.find("has spent its 3.0s time budget") != std::string::npos);
    CHECK(again.output.find("--time-budget 6.0s") != std::string::npos);
    // a longer budget keeps the 3 s schedule (--schedule-time 3s): the extra time runs at -l x -q
    TimedRun longer = run_with_deadline("-y 1 -o " + run + " --time-budget 4s", dir + "/c.txt", DEADLINE);
    INFO(longer.output);
    REQUIRE(longer.status == 0);
    CHECK(longer.output.find("from there to 4.0s it runs at its final lr 5.00e-04") != std::string::npos);
    const int end_step = (int)number_after(longer.output, "(steps " + std::to_string(last + 1) + "..");
    CHECK(end_step > last);
    lr = logged_lrs(read_file(run + "/main.log"));
    REQUIRE((int)lr.size() == end_step + 1);
    for (int k = last + 1; k <= end_step; k++) CHECK(lr[k] == 5e-4);
    train_state_load(state_path(run, end_step), 7664, end);
    CHECK(end.train_seconds >= 4.0);
    const std::vector<std::string> pinned = {"--schedule-time", "3s"};
    CHECK(std::search(end.argv.begin(), end.argv.end(), pinned.begin(), pinned.end()) != end.argv.end());
}

TEST_CASE("time_budget/mistakes: one line, exit 2, before anything is built") {
    std::string dir = temp_dir("budget-errors");
    std::string text = corpus(dir);
    struct Case { std::string args, words; };
    const std::string base = std::string(SMALL) + "-v 0 -s 0 -i " + text;
    for (const Case& c : std::vector<Case>{
             {base + " --time-budget 5x", "--time-budget 5x: not a duration"},
             {base + " --time-budget 0s", "--time-budget 0s: out of range"},
             {base + " --time-budget 1s --schedule-steps 10", "--schedule-steps counts steps"},
             {base + " --schedule-time 1s -x 3", "--schedule-time needs --time-budget"},
             {base + " --time-budget 1s --schedule-time 1x", "--schedule-time 1x: not a duration"},
         }) {
        Run r = run_train(c.args);
        INFO(c.args << " -> " << r.output);
        CHECK(r.status == 2);
        CHECK(r.output.find("error: " + c.words) != std::string::npos);
        CHECK(r.output.find("model:") == std::string::npos);  // refused before the model card
    }
    // a run counted in steps stays one on resume, and a budget run stays one
    REQUIRE(run_train(base + " -x 3 -o " + dir + "/steps").status == 0);
    Run r = run_train("-y 1 -o " + dir + "/steps --time-budget 1s");
    CHECK(r.status == 2);
    CHECK(r.output.find("was planned in steps (-x) and a resume keeps that") != std::string::npos);
    // a budget that ends at lr 0 (-q 0) cannot be extended: the extra time would not learn
    REQUIRE(run_with_deadline(std::string(SMALL) + "-q 0 -v 0 -s 0 -i " + text + " --time-budget 0.3s -o " + dir + "/zero",
                              dir + "/z.txt", DEADLINE).status == 0);
    r = run_train("-y 1 -o " + dir + "/zero --time-budget 1s");
    CHECK(r.status == 2);
    CHECK(r.output.find("would not learn") != std::string::npos);
    r = run_train("-y 1 -o " + dir + "/zero --time-budget=");
    CHECK(r.status == 2);
    CHECK(r.output.find("was planned for --time-budget 0.3s and a resume keeps that") != std::string::npos);
}
