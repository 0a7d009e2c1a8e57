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
#include <utility>     // std::move
#include <vector>

enum class FlagKind { Int, Int64, Uint64, Float, Double, String, Switch, List };

struct Flag {
    const char* letter = nullptr;  // llm.c's letter ("-b"), or nullptr
    const char* name = nullptr;    // long name ("--batch-size")
    FlagKind kind = FlagKind::Int;
    const char* help = "";
    // where the value goes: the one pointer that matches kind
    int* i = nullptr;
    int64_t* i64 = nullptr;
    uint64_t* u64 = nullptr;
    float* f = nullptr;
    double* d = nullptr;
    std::string* s = nullptr;
    bool* on = nullptr;                     // Switch: "--profile" alone sets it, it takes no value
    std::vector<std::string>* list = nullptr;  // List: each "--special S" appends S
    // allowed range, inclusive: integers (Int, Int64) and real numbers (Float, Double)
    int64_t int_min = 0, int_max = 0;
    double real_min = 0, real_max = 0;
};

// The typed constructors: the pointer's type picks the kind. Numbers carry their range.
Flag flag(const char* letter, const char* name, int* v, int64_t min, int64_t max, const char* help);
Flag flag(const char* letter, const char* name, int64_t* v, int64_t min, int64_t max, const char* help);
Flag flag(const char* letter, const char* name, uint64_t* v, const char* help);  // every 64-bit value (a seed)
Flag flag(const char* letter, const char* name, float* v, double min, double max, const char* help);
Flag flag(const char* letter, const char* name, double* v, double min, double max, const char* help);
Flag flag(const char* letter, const char* name, std::string* v, const char* help);
Flag flag(const char* letter, const char* name, bool* v, const char* help);
Flag flag(const char* letter, const char* name, std::vector<std::string>* v, const char* help);

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
