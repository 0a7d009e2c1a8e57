// test_flags.cpp: the one flag mechanism (data/common/flags.h): every kind of flag, both
// spellings of a value, ranges, the one wording of each mistake, positional words, and the
// help generated from a table. The expected values are written out by hand.
#include <doctest.h>

#include <cstdint>
#include <cstdio>   // tmpfile
#include <string>
#include <vector>

#include "data/common/errors.h"  // UsageError
#include "data/common/flags.h"

// A table with one flag of every kind, bound to the fields of this struct.
struct Every {
    int n = 4;
    int64_t big = -1;
    uint64_t seed = 1337;
    float lr = 3e-4f;
    double frac = 0.1;
    std::string name = "d4";
    bool on = false;
    std::vector<std::string> list;
    std::vector<std::string> words;
};

static Command every_command(Every& e, bool words) {
    Command cmd{"every", "usage: ./train every [flags]\n"};
    cmd.flags = {
        flag("-b", "--batch-size", &e.n, 1, 1024, "B"),
        flag("-d", "--total", &e.big, -1, INT64_MAX, "tokens per step"),
        flag(nullptr, "--seed", &e.seed, "seed"),
        flag("-l", "--lr", &e.lr, 0, 10, "learning rate"),
        flag(nullptr, "--frac", &e.frac, 0, 1, "a fraction"),
        flag("-e", "--model", &e.name, "model"),
        flag(nullptr, "--profile", &e.on, "a switch"),
        flag(nullptr, "--special", &e.list, "repeatable"),
    };
    if (words) cmd.words = &e.words;
    return cmd;
}

// The message of the UsageError that parsing args throws ("" if none).
static std::string usage_error(const std::vector<std::string>& args, bool words = false) {
    Every e;
    try {
        flags_parse(every_command(e, words), args);
    } catch (const UsageError& err) {
        return err.what();
    }
    return "";
}

TEST_CASE("flags/every kind, by letter, by name, and name=value") {
    Every e;
    Command cmd = every_command(e, false);
    CHECK(flags_parse(cmd, {"-b", "8", "--total=1024", "--seed", "42", "-l", "1e-3", "--frac=0.25", "-e", "l2h2c64",
                            "--profile", "--special", "<|a|>", "--special=<|b|>"}));
    CHECK(e.n == 8);
    CHECK(e.big == 1024);
    CHECK(e.seed == 42u);
    CHECK(e.lr == 1e-3f);
    CHECK(e.frac == 0.25);
    CHECK(e.name == "l2h2c64");
    CHECK(e.on);
    CHECK(e.list == std::vector<std::string>{"<|a|>", "<|b|>"});
    // long names take the same values; a value may itself start with '-'
    CHECK(flags_parse(cmd, {"--batch-size", "16", "--lr=2", "--total", "-1", "--model=a=b"}));
    CHECK(e.n == 16);
    CHECK(e.lr == 2.0f);
    CHECK(e.big == -1);
    CHECK(e.name == "a=b");  // only the first '=' separates
    // nothing given: the defaults stay
    Every d;
    CHECK(flags_parse(every_command(d, false), {}));
    CHECK(d.n == 4);
    CHECK(d.seed == 1337u);
    CHECK(!d.on);
}

TEST_CASE("flags/integers keep all 64 bits") {
    Every e;
    Command cmd = every_command(e, false);
    // 2^63 - 1 and 2^64 - 1: a double (strtod) would round both to 2^63 and 2^64
    CHECK(flags_parse(cmd, {"--seed", "9223372036854775807", "--total", "9223372036854775807"}));
    CHECK(e.seed == 9223372036854775807ULL);
    CHECK(e.big == INT64_MAX);
    CHECK(flags_parse(cmd, {"--seed", "18446744073709551615"}));
    CHECK(e.seed == 18446744073709551615ULL);
    CHECK(flags_parse(cmd, {"--seed", "9007199254740993"}));  // 2^53 + 1: not a double
    CHECK(e.seed == 9007199254740993ULL);
    CHECK(usage_error({"--seed", "18446744073709551616"}) == "--seed 18446744073709551616: out of range [0, 18446744073709551615]");
    CHECK(usage_error({"--seed", "-1"}) == "--seed -1: not an integer");  // strtoull would wrap it
    CHECK(usage_error({"--total", "9223372036854775808"}) == "--total 9223372036854775808: out of range [-1, 9223372036854775807]");
}

TEST_CASE("flags/mistakes: one wording, UsageError") {
    CHECK(usage_error({"--bogus", "1"}) == "unknown flag --bogus (see ./train every --help)");
    CHECK(usage_error({"--bogus=1"}) == "unknown flag --bogus (see ./train every --help)");
    CHECK(usage_error({"-b"}) == "-b needs a value");
    CHECK(usage_error({"--special"}) == "--special needs a value");
    CHECK(usage_error({"-b", "x"}) == "-b x: not an integer");
    CHECK(usage_error({"-b", "4.0"}) == "-b 4.0: not an integer");
    CHECK(usage_error({"-b", "1e3"}) == "-b 1e3: not an integer");
    CHECK(usage_error({"-b", ""}) == "-b : not an integer");
    CHECK(usage_error({"-b", " 4"}) == "-b  4: not an integer");
    CHECK(usage_error({"-b", "0"}) == "-b 0: out of range [1, 1024]");
    CHECK(usage_error({"-b", "1025"}) == "-b 1025: out of range [1, 1024]");
    CHECK(usage_error({"--batch-size=99999999999999999999"}) == "--batch-size 99999999999999999999: out of range [1, 1024]");
    CHECK(usage_error({"-l", "abc"}) == "-l abc: not a number");
    CHECK(usage_error({"-l", "nan"}) == "-l nan: not a number");
    CHECK(usage_error({"-l", "inf"}) == "-l inf: not a number");
    CHECK(usage_error({"-l", "-1"}) == "-l -1: out of range [0, 10]");
    CHECK(usage_error({"--frac", "1.5"}) == "--frac 1.5: out of range [0, 1]");
    CHECK(usage_error({"--profile=1"}) == "--profile takes no value");
    CHECK(usage_error({"stray"}) == "unexpected argument stray (see ./train every --help)");
    // the edges of a range are allowed
    CHECK(usage_error({"-b", "1", "-b", "1024", "--frac", "0", "--frac", "1"}) == "");
    // issue 16, found by test/fuzz/fuzz_cli.cpp (`./train bench $'d\n2'`): a message quoting a value
    // with a newline or an escape was two lines; control bytes are written \xHH (errors.h)
    CHECK(usage_error({"-b", "4\n2"}) == "-b 4\\x0a2: not an integer");
    CHECK(usage_error({"stray\x1b[2J"}) == "unexpected argument stray\\x1b[2J (see ./train every --help)");
    CHECK(std::string(Error("a\rb\x7f").what()) == "a\\x0db\\x7f");
}

TEST_CASE("flags/positional words") {
    Every e;
    Command cmd = every_command(e, true);
    CHECK(flags_parse(cmd, {"encode", "-b", "2", "tiny", "-"}));
    CHECK(e.words == std::vector<std::string>{"encode", "tiny", "-"});
    CHECK(e.n == 2);
    CHECK(usage_error({"-x"}, true) == "unknown flag -x (see ./train every --help)");
}

static std::string help_of(const Command& cmd) {
    FILE* f = std::tmpfile();
    REQUIRE(f != nullptr);
    flags_help(cmd, f);
    std::rewind(f);
    std::string text;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) text.append(buf, n);
    std::fclose(f);
    return text;
}

TEST_CASE("flags/help is generated from the table, defaults from the variables") {
    Every e;
    e.list = {"<|pad|>"};
    Command cmd = every_command(e, false);
    std::string help = help_of(cmd);
    CHECK(help ==
          "usage: ./train every [flags]\n"
          "\n"
          "flags:\n"
          "  -b  --batch-size         B (default: 4)\n"
          "  -d  --total              tokens per step (default: -1)\n"
          "      --seed               seed (default: 1337)\n"
          "  -l  --lr                 learning rate (default: 0.0003)\n"
          "      --frac               a fraction (default: 0.1)\n"
          "  -e  --model              model (default: d4)\n"
          "      --profile            a switch (default: off)\n"
          "      --special            repeatable (default: <|pad|>)\n"
          "  -h  --help               this help\n");
    // --help stops the parse (false) before the flags after it; the help printed holds the
    // defaults even when flags come before it (the variables they set are not the defaults)
    CHECK_FALSE(flags_parse(cmd, {"--help", "-b", "x"}));
    CHECK_FALSE(flags_parse(cmd, {"-b", "8", "-h"}));
    CHECK(e.n == 8);
    CHECK(help_of(cmd).find("B (default: 8)") != std::string::npos);  // flags_help: the values now
}

TEST_CASE("flags/threads_flag") {
    int threads = 0;
    Command cmd;
    cmd.flags = {threads_flag(&threads)};
    CHECK(flags_parse(cmd, {"--threads=3"}));
    CHECK(threads == 3);
    CHECK_THROWS_AS(flags_parse(cmd, {"--threads", "-1"}), UsageError);
    CHECK(threads_in_use() >= 1);
}
