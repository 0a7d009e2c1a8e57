// flags.cpp: the flag tables of every subcommand, parsed and printed. See flags.h.
#include "data/common/flags.h"

#include <cctype>   // isdigit
#include <cerrno>   // errno, ERANGE
#include <cmath>    // isfinite
#include <cstdlib>  // strtoll, strtoull, strtod
#ifdef _OPENMP
#include <omp.h>    // omp_get_max_threads (only train.cpp's main sets the count)
#endif

#include "data/common/errors.h"  // UsageError

// ----------------------------------------------------------------------------
// the typed constructors

static Flag base(const char* letter, const char* name, FlagKind kind, const char* help) {
    Flag f;
    f.letter = letter;
    f.name = name;
    f.kind = kind;
    f.help = help;
    return f;
}

Flag flag(const char* letter, const char* name, int* v, int64_t min, int64_t max, const char* help) {
    Flag f = base(letter, name, FlagKind::Int, help);
    f.i = v, f.int_min = min, f.int_max = max;
    return f;
}
Flag flag(const char* letter, const char* name, int64_t* v, int64_t min, int64_t max, const char* help) {
    Flag f = base(letter, name, FlagKind::Int64, help);
    f.i64 = v, f.int_min = min, f.int_max = max;
    return f;
}
Flag flag(const char* letter, const char* name, uint64_t* v, const char* help) {
    Flag f = base(letter, name, FlagKind::Uint64, help);
    f.u64 = v;
    return f;
}
Flag flag(const char* letter, const char* name, float* v, double min, double max, const char* help) {
    Flag f = base(letter, name, FlagKind::Float, help);
    f.f = v, f.real_min = min, f.real_max = max;
    return f;
}
Flag flag(const char* letter, const char* name, double* v, double min, double max, const char* help) {
    Flag f = base(letter, name, FlagKind::Double, help);
    f.d = v, f.real_min = min, f.real_max = max;
    return f;
}
Flag flag(const char* letter, const char* name, std::string* v, const char* help) {
    Flag f = base(letter, name, FlagKind::String, help);
    f.s = v;
    return f;
}
Flag flag(const char* letter, const char* name, bool* v, const char* help) {
    Flag f = base(letter, name, FlagKind::Switch, help);
    f.on = v;
    return f;
}
Flag flag(const char* letter, const char* name, std::vector<std::string>* v, const char* help) {
    Flag f = base(letter, name, FlagKind::List, help);
    f.list = v;
    return f;
}

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
static void set_integer(const Flag& f, const std::string& arg, const std::string& value) {
    const char* s = value.c_str();
    char* end = nullptr;
    errno = 0;
    bool sign_ok = f.kind != FlagKind::Uint64 || s[0] != '-';
    bool starts = !value.empty() && (std::isdigit((unsigned char)s[0]) || s[0] == '-' || s[0] == '+');
    if (f.kind == FlagKind::Uint64) {
        unsigned long long x = std::strtoull(s, &end, 10);
        if (!starts || !sign_ok || *end != '\0') throw bad_value(arg, value, "not an integer");
        if (errno == ERANGE) throw bad_value(arg, value, "out of range [0, 18446744073709551615]");
        *f.u64 = (uint64_t)x;
        return;
    }
    long long x = std::strtoll(s, &end, 10);
    if (!starts || *end != '\0') throw bad_value(arg, value, "not an integer");
    if (errno == ERANGE || x < f.int_min || x > f.int_max)
        throw bad_value(arg, value,
                        "out of range [" + std::to_string(f.int_min) + ", " + std::to_string(f.int_max) + "]");
    if (f.kind == FlagKind::Int) *f.i = (int)x;
    else *f.i64 = (int64_t)x;
}

static void set_real(const Flag& f, const std::string& arg, const std::string& value) {
    char* end = nullptr;
    double x = std::strtod(value.c_str(), &end);
    if (value.empty() || std::isspace((unsigned char)value[0]) || *end != '\0' || !std::isfinite(x))
        throw bad_value(arg, value, "not a number");
    if (x < f.real_min || x > f.real_max)
        throw bad_value(arg, value, "out of range [" + real(f.real_min) + ", " + real(f.real_max) + "]");
    if (f.kind == FlagKind::Float) *f.f = (float)x;
    else *f.d = x;
}

static void set_value(const Flag& f, const std::string& arg, const std::string& value) {
    switch (f.kind) {
    case FlagKind::Int: case FlagKind::Int64: case FlagKind::Uint64: set_integer(f, arg, value); break;
    case FlagKind::Float: case FlagKind::Double: set_real(f, arg, value); break;
    case FlagKind::String: *f.s = value; break;
    case FlagKind::List: f.list->push_back(value); break;
    case FlagKind::Switch: *f.on = true; break;
    }
}

// ----------------------------------------------------------------------------
// help

static std::string current_value(const Flag& f) {
    switch (f.kind) {
    case FlagKind::Int: return std::to_string(*f.i);
    case FlagKind::Int64: return std::to_string(*f.i64);
    case FlagKind::Uint64: return std::to_string(*f.u64);
    case FlagKind::Float: return real(*f.f);
    case FlagKind::Double: return real(*f.d);
    case FlagKind::String: return f.s->empty() ? "none" : *f.s;
    case FlagKind::Switch: return *f.on ? "on" : "off";
    case FlagKind::List: {
        std::string all;
        for (const std::string& v : *f.list) all += (all.empty() ? "" : " ") + v;
        return all.empty() ? "none" : all;
    }
    }
    return "";
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
        if (found->kind == FlagKind::Switch) {
            if (glued) throw UsageError(arg + " takes no value");
            *found->on = true;
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
