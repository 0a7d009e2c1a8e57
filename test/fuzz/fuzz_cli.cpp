// fuzz_cli.cpp: the command-line parser (data/common/flags.h) with argv from the input: arguments
// are the input's NUL-separated strings; the first byte picks the table (each subcommand's, and
// one with a flag of every kind). Parsing only: nothing runs. The value parsers of flags that take
// words (--time-budget, --precision, -k) get the first argument too.
#include <vector>

#include "test/fuzz/fuzz.h"

#include "data/common/flags.h"         // Command, flags_parse
#include "data/prepare.h"              // prepare_command
#include "model/cli/bench.h"           // bench_command
#include "model/cli/sample.h"          // sample_command
#include "model/precision.h"           // parse_precision
#include "model/train/schedule.h"      // parse_schedule
#include "model/train/time_budget.h"   // parse_duration
#include "tokenizer/tokenizer.h"       // tokenizer_command

// A flag of every kind, with ranges like the trainer's.
struct AllKinds {
    int i = 0;
    int64_t l = 0;
    uint64_t u = 0;
    float f = 0;
    double d = 0;
    std::string s;
    bool b = false;
    std::vector<std::string> list;
};

static Command all_kinds(AllKinds& o) {
    Command cmd("kinds", "usage: kinds [flags]\n");
    cmd.flags = {flag("-b", "--batch-size", &o.i, 1, 1 << 20, "an int"),
                 flag("-d", "--total", &o.l, -1, INT64_MAX, "an int64"),
                 flag(nullptr, "--seed", &o.u, "a uint64"),
                 flag("-l", "--lr", &o.f, 0.0, 10.0, "a float"),
                 flag("-q", "--frac", &o.d, 0.0, 1.0, "a double"),
                 flag("-o", "--out", &o.s, "a string"),
                 flag(nullptr, "--profile", &o.b, "a switch"),
                 flag(nullptr, "--special", &o.list, "a list")};
    return cmd;
}

extern "C" int LLVMFuzzerInitialize(int*, char***) {
    std::freopen("/dev/null", "w", stdout);  // --help prints the table: not the fuzzer's business
    return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) return 0;
    std::vector<std::string> args;
    std::string cur;
    for (size_t i = 1; i < size; i++) {
        if (data[i] == 0) { args.push_back(cur); cur.clear(); }
        else cur += (char)data[i];
    }
    if (!cur.empty()) args.push_back(cur);
    AllKinds o;
    int threads = 0;
    Command cmd = data[0] % 5 == 0 ? tokenizer_command() : data[0] % 5 == 1 ? prepare_command()
                : data[0] % 5 == 2 ? sample_command() : data[0] % 5 == 3 ? bench_command() : all_kinds(o);
    cmd.flags.push_back(threads_flag(&threads));
    fuzz_expect_errors([&] { flags_parse(cmd, args); });
    if (!args.empty()) {
        fuzz_expect_errors([&] { parse_duration("--time-budget", args[0]); });
        fuzz_expect_errors([&] { parse_precision(args[0]); });
        fuzz_expect_errors([&] { parse_schedule(args[0]); });
    }
    return 0;
}
