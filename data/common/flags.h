// flags.h: the one command-line mechanism of ./train and every subcommand.
// A subcommand declares a table: one Flag per line, each bound to a variable of its options by a
// typed pointer (flag("-b", "--batch-size", &opt.batch_size, 1, 1 << 20, "...")), with llm.c's
// letter where it has one, an allowed range for numbers, and a help text. flags_parse reads
// "-b 4", "--batch-size 4" and "--batch-size=4" the same way for every subcommand; any mistake is
// a UsageError (exit 2) with the same one-line wording everywhere; --help is printed from the
// table, with each default read from the variable it is bound to.
#pragma once
#include <cstdint>     // int64_t, uint64_t
#include <cstdio>      // FILE
#include <functional>  // std::function
#include <string>
#include <type_traits> // is_arithmetic: ranges only for numbers
#include <utility>     // std::move
#include <variant>     // FlagTarget
#include <vector>

// Where a flag's value goes: a typed pointer to the variable, whose type is the flag's kind.
// uint64_t takes every 64-bit value (a seed); bool is a switch ("--profile" alone sets it, it takes
// no value); a vector of strings is a repeatable flag (each "--special S" appends S).
using FlagTarget = std::variant<int*, int64_t*, uint64_t*, float*, double*, std::string*, bool*,
                                std::vector<std::string>*>;

struct Flag {
    const char* letter;     // llm.c's letter ("-b"), or nullptr
    const char* name;       // long name ("--batch-size")
    FlagTarget target;
    const char* help;
    // the allowed range of a number, inclusive: exact for integers, as a double for reals
    int64_t int_min = 0, int_max = 0;
    double real_min = 0, real_max = 0;
};

// A flag with no range: a string, a switch, a list, or a uint64_t (every value). subtle: an int,
// int64_t, float or double needs the ranged form below; given here it would allow only 0.
inline Flag flag(const char* letter, const char* name, FlagTarget v, const char* help) {
    return Flag{letter, name, v, help};
}
// A number in [min, max]: int, int64_t, float or double.
template <class T, class Lo, class Hi>
Flag flag(const char* letter, const char* name, T* v, Lo min, Hi max, const char* help) {
    static_assert(std::is_arithmetic<T>::value && !std::is_same<T, bool>::value, "a range is for numbers");
    Flag f{letter, name, v, help};
    if constexpr (std::is_integral<T>::value) f.int_min = (int64_t)min, f.int_max = (int64_t)max;
    else f.real_min = (double)min, f.real_max = (double)max;
    return f;
}

// A subcommand: what --help prints first, its flags bound to options it owns, and what runs it
// once they are parsed (a closure holding those options).
struct Command {
    std::string name;                           // "sample" ("" for the trainer): errors say "see ./train sample --help"
    std::string usage;                          // "usage: ./train sample -e CHECKPOINT [flags]\n..."
    std::vector<Flag> flags;
    std::vector<std::string>* words = nullptr;  // positional words (a COMMAND, preset names); nullptr: none
    std::function<int()> run;
    explicit Command(std::string name_ = "", std::string usage_ = "") : name(std::move(name_)), usage(std::move(usage_)) {}
};

// Fills the variables cmd.flags point at from args (argv without the program and subcommand
// names). Returns false, having printed the help to stdout, if args hold -h or --help.
// Throws UsageError on an unknown flag, a missing or malformed value, or one out of range.
bool flags_parse(const Command& cmd, const std::vector<std::string>& args);
// The generated help: the usage lines, then one line per flag with its current value as default.
void flags_help(const Command& cmd, FILE* out);

// --threads N, the flag every subcommand shares (train.cpp's main applies it before any runs).
Flag threads_flag(int* threads);
// The number of threads an OpenMP region uses now (1 without OpenMP).
int threads_in_use();
// What the threads line prints: the count and, with 2 or more, how the waiting ones wait, from the
// variables OpenMP read at start: "2 (OMP_WAIT_POLICY=passive, GOMP_SPINCOUNT=1000)" (train.cpp's wait_briefly).
std::string threads_summary();
