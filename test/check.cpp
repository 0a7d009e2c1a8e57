// check.cpp: the helpers of check.h that need a body.
#include "test/check.h"

#include <cstdio>      // popen
#include <sys/wait.h>  // WIFEXITED, WEXITSTATUS
#include <unistd.h>    // getpid

#include <sstream>  // std::ostringstream

#include "tokenizer/vocab_gpt2.h"  // gpt2_dir

bool check_within(const char* name, const float* got, const float* want, size_t n, double bound, double scale) {
    double max_abs = 0;
    size_t bad = n;  // first index out of bounds
    for (size_t i = 0; i < n; i++) {
        double d = std::fabs((double)got[i] - (double)want[i]);
        if (!(d <= bound) && bad == n) bad = i;  // NaN is bad too
        if (d > max_abs || std::isnan(d)) max_abs = d;
    }
    std::ostringstream msg;
    msg << name << ": n=" << n << " scale=" << scale << " max_abs=" << max_abs
        << " max_abs/scale=" << (scale > 0 ? max_abs / scale : max_abs) << " bound=" << bound;
    if (bad != n) msg << "; first bad index " << bad << ": got " << got[bad] << " want " << want[bad];
    INFO(msg.str());
    CHECK(bad == n);
    return bad == n;
}

std::string temp_dir(const char* tag) {
    static int counter = 0;
    std::string dir = "/tmp/scratchgpt-test-" + std::to_string(getpid()) + "-" + tag + "-" + std::to_string(counter++);
    std::string cmd = "rm -rf '" + dir + "' && mkdir -p '" + dir + "'";
    REQUIRE(std::system(cmd.c_str()) == 0);
    return dir;
}

Run run_shell(const std::string& command) {
    std::string cmd = command + " 2>&1";
    FILE* p = popen(cmd.c_str(), "r");
    REQUIRE(p != nullptr);
    std::string out;
    char buf[4096];
    size_t n;
    while ((n = std::fread(buf, 1, sizeof buf, p)) > 0) out.append(buf, n);
    int st = pclose(p);
    return {WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st), out};
}

std::string require_gpt2_vocab() {
    std::string dir;
    // not found anywhere: require_input below fails on the first place it would be, with the hint
    if (!error_of([&] { dir = gpt2_dir(); }).empty()) dir = shared_dir() + "/data/gpt2";
    require_input(dir + "/encoder.json", GET_GPT2_VOCAB);
    require_input(dir + "/vocab.bpe", GET_GPT2_VOCAB);
    return dir;
}
