// test_model_card.cpp: model/cli/model_card's memory guard: MemAvailable read from a meminfo file
// (fake ones here, so nothing depends on this machine), and the one-line refusal of a run that does
// not fit, whose suggested -r, -b and -t are checked to fit (and the next larger -b and -t not to).
#include <doctest.h>

#include <fstream>
#include <string>

#include "model/cli/model_card.h"
#include "test/check.h"  // error_of, temp_dir

static const char* MEMINFO =
    "MemTotal:       24576000 kB\n"
    "MemFree:         1000000 kB\n"
    "MemAvailable:    3000000 kB\n"
    "Buffers:           12345 kB\n";

static std::string write_file(const std::string& dir, const char* name, const std::string& text) {
    std::string path = dir + "/" + name;
    std::ofstream(path) << text;
    return path;
}

TEST_CASE("model_card/mem_available_bytes reads MemAvailable, and -1 without it") {
    const std::string dir = temp_dir("meminfo");
    CHECK(mem_available_bytes(write_file(dir, "meminfo", MEMINFO)) == 3000000.0 * 1024);
    CHECK(mem_available_bytes(write_file(dir, "old", "MemTotal: 100 kB\nMemFree: 50 kB\n")) == -1.0);  // kernels < 3.14
    CHECK(mem_available_bytes(dir + "/none") == -1.0);  // no /proc (macOS)
}

// GPT-2 124M's shape; the bytes a run of it needs at (B,T,-r)
static GPT2Config gpt2_124m() { return gpt2_config_from_descriptor("d12", 1024, 50257); }
static double need(int B, int T, int r) {
    return (double)gpt2_memory(gpt2_124m(), B, T, r, Precision::fp32).total() * sizeof(float);
}

// The number after `flag ` in a message ("-b 3" -> 3), or -1.
static int value_after(const std::string& msg, const std::string& flag) {
    size_t at = msg.find(flag + " ");
    return at == std::string::npos ? -1 : std::stoi(msg.substr(at + flag.size() + 1));
}

TEST_CASE("model_card/the guard: a run that does not fit gets one line naming what would") {
    const GPT2Config c = gpt2_124m();
    // enough: nothing happens; unknown (-1): nothing is checked
    CHECK(error_of([&] { check_memory(c, 4, 1024, 0, Precision::fp32, need(4, 1024, 0), "test"); }) == "");
    CHECK(error_of([&] { check_memory(c, 4, 1024, 0, Precision::fp32, -1.0, "test"); }) == "");
    // between -r 2's need and -r 1's: -r 2 fits, and so do a smaller B and a smaller T
    const double available = (need(4, 1024, 2) + need(4, 1024, 1)) / 2;
    REQUIRE(need(4, 1024, 2) < available);
    const std::string msg = error_of([&] { check_memory(c, 4, 1024, 0, Precision::fp32, available, "fake meminfo"); });
    INFO(msg);
    CHECK(msg.find("memory: this run needs ") == 0);
    CHECK(msg.find("is available (fake meminfo)") != std::string::npos);
    CHECK(msg.find('\n') == std::string::npos);
    CHECK(value_after(msg, "or -r") == -1);  // -r 2 is the first fix named
    CHECK(msg.find("it fits with -r 2, or -b ") != std::string::npos);
    const int b = value_after(msg, "or -b"), t = value_after(msg, "or -t");
    REQUIRE(b >= 1);
    REQUIRE(t >= 1);
    CHECK(need(b, 1024, 0) <= available);  // the -b named fits, one more does not
    CHECK(need(b + 1, 1024, 0) > available);
    CHECK(need(4, t, 0) <= available);     // and so for -t
    CHECK(need(4, t + 1, 0) > available);
    // less than the parameters, gradients and AdamW alone: nothing fits, and the line says so
    const std::string none = error_of([&] { check_memory(c, 4, 1024, 0, Precision::fp32, 1e9, "fake meminfo"); });
    CHECK(none.find("none of -b, -t, -r alone fits") != std::string::npos);
    // bf16 counts the weights' bf16 copy
    CHECK(gpt2_memory(c, 4, 1024, 0, Precision::bf16).total() > gpt2_memory(c, 4, 1024, 0, Precision::fp32).total());
}
