// flags.cpp: the flag tables of every subcommand, parsed and printed. See flags.h.
#include "data/common/flags.h"

#include <cctype>   // isdigit
#include <cerrno>   // errno, ERANGE
#include <cmath>    // isfinite
#include <cstdlib>  // strtoll, strtoull, strtod, getenv
#ifdef _OPENMP
#include <omp.h>    // omp_get_max_threads (only train.cpp's main sets the count)
#endif

#include "data/common/errors.h"  // UsageError

// ----------------------------------------------------------------------------
// the shared flag

Flag threads_flag(int* threads) {
    return flag(nullptr, "--threads", threads, 0, 4096, "threads (0: $OMP_NUM_THREADS or all cores)");
}

int threads_in_use() {
#ifdef _OPENMP
    return omp_get_max_threads();
#else
    return 1;
#endif
}

std::string threads_summary() {
    const int n = threads_in_use();
    if (n == 1) return "1";  // nothing ever waits for another thread
    std::string how;  // the variables that decide how a waiting thread waits, as OpenMP read them
    for (const char* name : {"OMP_WAIT_POLICY", "GOMP_SPINCOUNT"})
        if (const char* value = std::getenv(name)) how += std::string(how.empty() ? "" : ", ") + name + "=" + value;
    if (how.empty()) how = "waiting threads spin: OMP_WAIT_POLICY unset";
    return std::to_string(n) + " (" + how + ")";
}

// ----------------------------------------------------------------------------
// values: text -> the bound variable, every kind checked the same way

static std::string real(double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", x);
    return b;
}

// "-b 0: out of range [1, 1048576]": the one wording of every bad value
static UsageError bad_value(const std::string& arg, const std::string& value, const std::string& problem) {
    return UsageError(arg + " " + value + ": " + problem);
}

// subtle: integers go through strtoll/strtoull, never strtod, whose double has 53 bits: a seed
// of 2^63-1 would come back as 2^63. Leading white space and a '-' before an unsigned are refused
// (strtoull would wrap "-1" to 2^64-1).
static bool integer_text(const std::string& value, bool is_signed) {
    char c = value.empty() ? ' ' : value[0];
    return std::isdigit((unsigned char)c) || c == '+' || (is_signed && c == '-');
}

static std::string range(const std::string& lo, const std::string& hi) { return "out of range [" + lo + ", " + hi + "]"; }

static int64_t parse_signed(const Flag& f, const std::string& arg, const std::string& value) {
    char* end = nullptr;
    errno = 0;
    long long x = std::strtoll(value.c_str(), &end, 10);
    if (!integer_text(value, true) || *end != '\0') throw bad_value(arg, value, "not an integer");
    if (errno == ERANGE || x < f.int_min || x > f.int_max)
        throw bad_value(arg, value, range(std::to_string(f.int_min), std::to_string(f.int_max)));
    return x;
}

static uint64_t parse_unsigned(const std::string& arg, const std::string& value) {
    char* end = nullptr;
    errno = 0;
    unsigned long long x = std::strtoull(value.c_str(), &end, 10);
    if (!integer_text(value, false) || *end != '\0') throw bad_value(arg, value, "not an integer");
    if (errno == ERANGE) throw bad_value(arg, value, range("0", "18446744073709551615"));
    return x;
}

static double parse_real(const Flag& f, const std::string& arg, const std::string& value) {
    char* end = nullptr;
    double x = std::strtod(value.c_str(), &end);
    if (value.empty() || std::isspace((unsigned char)value[0]) || *end != '\0' || !std::isfinite(x))
        throw bad_value(arg, value, "not a number");
    if (x < f.real_min || x > f.real_max) throw bad_value(arg, value, range(real(f.real_min), real(f.real_max)));
    return x;
}

// The value into the variable; the pointer's type says how to read it.
static void set_value(const Flag& f, const std::string& arg, const std::string& value) {
    const FlagTarget& t = f.target;
    if (auto p = std::get_if<int*>(&t)) **p = (int)parse_signed(f, arg, value);
    if (auto p = std::get_if<int64_t*>(&t)) **p = parse_signed(f, arg, value);
    if (auto p = std::get_if<uint64_t*>(&t)) **p = parse_unsigned(arg, value);
    if (auto p = std::get_if<float*>(&t)) **p = (float)parse_real(f, arg, value);
    if (auto p = std::get_if<double*>(&t)) **p = parse_real(f, arg, value);
    if (auto p = std::get_if<std::string*>(&t)) **p = value;
    if (auto p = std::get_if<std::vector<std::string>*>(&t)) (*p)->push_back(value);
}

// ----------------------------------------------------------------------------
// help

// The variable's value as --help prints it.
static std::string current_value(const Flag& f) {
    const FlagTarget& t = f.target;
    std::string text;
    if (auto p = std::get_if<int*>(&t)) text = std::to_string(**p);
    if (auto p = std::get_if<int64_t*>(&t)) text = std::to_string(**p);
    if (auto p = std::get_if<uint64_t*>(&t)) text = std::to_string(**p);
    if (auto p = std::get_if<float*>(&t)) text = real(**p);
    if (auto p = std::get_if<double*>(&t)) text = real(**p);
    if (auto p = std::get_if<std::string*>(&t)) text = **p;
    if (auto p = std::get_if<bool*>(&t)) text = **p ? "on" : "off";
    if (auto p = std::get_if<std::vector<std::string>*>(&t))
        for (const std::string& v : **p) text += (text.empty() ? "" : " ") + v;
    return text.empty() ? "none" : text;
}

static std::string help_text(const Command& cmd) {
    std::string text = cmd.usage + "\nflags:\n";
    char line[512];
    for (const Flag& f : cmd.flags) {
        std::snprintf(line, sizeof line, "  %-3s %-20s %s (default: %s)\n", f.letter ? f.letter : "", f.name, f.help,
                      current_value(f).c_str());
        text += line;
    }
    return text + "  -h  --help               this help\n";
}

void flags_help(const Command& cmd, FILE* out) { std::fputs(help_text(cmd).c_str(), out); }

// ----------------------------------------------------------------------------
// parsing

bool flags_parse(const Command& cmd, const std::vector<std::string>& args) {
    // the defaults, taken before any flag changes them, in case --help comes after some
    const std::string help = help_text(cmd);
    const std::string see = " (see ./train " + (cmd.name.empty() ? "" : cmd.name + " ") + "--help)";
    for (size_t i = 0; i < args.size(); i++) {
        std::string arg = args[i], value;
        if (arg == "-h" || arg == "--help") {
            std::fputs(help.c_str(), stdout);
            return false;
        }
        if (arg.size() < 2 || arg[0] != '-') {  // a positional word ("-" alone is one too)
            if (!cmd.words) throw UsageError("unexpected argument " + arg + see);
            cmd.words->push_back(arg);
            continue;
        }
        // "--name=value": the value is glued on
        bool glued = false;
        size_t eq = arg.find('=');
        if (arg.compare(0, 2, "--") == 0 && eq != std::string::npos) {
            value = arg.substr(eq + 1);
            arg = arg.substr(0, eq);
            glued = true;
        }
        const Flag* found = nullptr;
        for (const Flag& f : cmd.flags)
            if ((f.letter && arg == f.letter) || arg == f.name) found = &f;
        if (!found) throw UsageError("unknown flag " + arg + see);
        if (auto on = std::get_if<bool*>(&found->target)) {  // a switch: present means on
            if (glued) throw UsageError(arg + " takes no value");
            **on = true;
            continue;
        }
        if (!glued) {
            if (i + 1 >= args.size()) throw UsageError(arg + " needs a value");
            value = args[++i];
        }
        set_value(*found, arg, value);
    }
    return true;
}
