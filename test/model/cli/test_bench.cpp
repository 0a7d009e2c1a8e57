// test_bench.cpp: `./train bench` through the binary, a smoke test on a tiny model: the
// "bench:" line carries every field, with sane values. (Timings are not checked against a
// number: the machine decides them; a step must take some time and the losses must be finite.)
#include <doctest.h>

#include <cmath>    // isfinite
#include <cstdlib>  // strtod
#include <map>
#include <sstream>
#include <string>

#include "test/check.h"  // run_train

// The key=value fields of the one line starting "bench: config=" ({} if none).
static std::map<std::string, std::string> bench_fields(const std::string& output) {
    std::map<std::string, std::string> fields;
    std::istringstream lines(output);
    std::string line;
    while (std::getline(lines, line)) {
        if (line.rfind("bench: config=", 0) != 0) continue;
        std::istringstream words(line.substr(7));
        std::string w;
        while (words >> w) {
            size_t eq = w.find('=');
            if (eq != std::string::npos) fields[w.substr(0, eq)] = w.substr(eq + 1);
        }
    }
    return fields;
}

static double number(const std::map<std::string, std::string>& f, const char* key) {
    auto it = f.find(key);
    if (it == f.end()) return NAN;
    char* end = nullptr;
    double x = std::strtod(it->second.c_str(), &end);
    return *end == '\0' ? x : NAN;
}

TEST_CASE("bench/a tiny config prints every field") {
    Run r = run_train("bench -e l1h2c16 -b 2 -t 8 --steps 2 --warmup 1 --ceiling 0 --threads 1 --name smoke");
    INFO(r.output);
    REQUIRE(r.status == 0);
    std::map<std::string, std::string> f = bench_fields(r.output);
    for (const char* key : {"config", "L", "NH", "C", "V", "B", "T", "threads", "gemm", "ms_per_step", "tok_per_s", "gflops",
                            "ceiling_gflops", "peak_frac", "peak_rss_mb", "base_rss_mb", "card_mb", "mem_ratio",
                            "model_mem_ratio", "loss_first", "loss_last"})
        CHECK_MESSAGE(f.count(key) == 1, key);
    CHECK(f["config"] == "smoke");
    CHECK(number(f, "L") == 1);
    CHECK(number(f, "NH") == 2);
    CHECK(number(f, "C") == 16);
    CHECK(number(f, "V") == 256);  // bench's default vocabulary for a descriptor
    CHECK(number(f, "B") == 2);
    CHECK(number(f, "T") == 8);
    CHECK(number(f, "threads") == 1);  // --threads reached OpenMP through main
    CHECK((f["gemm"] == "eigen" || f["gemm"] == "openblas"));
    CHECK(number(f, "ms_per_step") > 0);
    CHECK(number(f, "tok_per_s") > 0);
    CHECK(number(f, "gflops") > 0);
    CHECK(number(f, "ceiling_gflops") == 0);  // --ceiling 0: not measured
    CHECK(number(f, "peak_frac") == 0);
    CHECK(number(f, "card_mb") >= 0);
    // a fresh model's first loss is near ln V = 5.545 (uniform guesses over 256 tokens), and
    // one AdamW step later the same batch costs less
    double first = number(f, "loss_first"), last = number(f, "loss_last");
    CHECK(std::isfinite(first));
    CHECK(std::isfinite(last));
    CHECK(std::fabs(first - std::log(256.0)) < 0.5);
    CHECK(last < first);
}

TEST_CASE("bench/--steps 0 only builds the model") {
    Run r = run_train("bench -e l1h2c16 -b 2 -t 8 --steps 0 --ceiling 0");
    CHECK(r.status == 0);
    CHECK(bench_fields(r.output).empty());
}
