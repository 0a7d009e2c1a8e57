// test_cli.cpp: ./train as a user runs it: every bad input is a one-line error with the
// right exit status (2 usage, 1 failed run), and an interrupted run resumes bit-exactly.
// These tests run the real binary (make test builds ./train first).
#include <doctest.h>

#include <csignal>      // SIGKILL
#include <cstring>
#include <fstream>
#include <string>
#include <vector>
#include <sys/stat.h>   // mkfifo
#include <sys/wait.h>   // waitpid, WEXITSTATUS
#include <unistd.h>     // fork, execl, usleep

#include "data/common/binary_header.h"  // header_seal: edited files with their checksums
#include "data/shard.h"
#include "model/gpt2.h"
#include "model/train/checkpoint.h"  // gpt2_build_from_checkpoint, gpt2_save_checkpoint
#include "model/train/train_state.h"  // train_state_load/save: a state as older versions wrote it
#include "data/common/files.h"
#include "test/check.h"

// The one line that starts with "error: " ("" if there is none, or more than one).
static std::string error_line(const std::string& s) {
    std::string found;
    int count = 0;
    for (size_t start = 0, end; start < s.size(); start = end + 1) {
        end = s.find('\n', start);
        if (end == std::string::npos) end = s.size();
        if (s.compare(start, 7, "error: ") == 0) found = s.substr(start, end - start), count++;
    }
    return count == 1 ? found : "";
}

static void expect_error(const std::string& args, int status, const std::string& words) {
    Run r = run_train(args);
    std::string line = error_line(r.output);
    INFO("./train " << args << "\n  -> exit " << r.status << ": " << r.output);
    CHECK(r.status == status);
    CHECK(!line.empty());
    CHECK(line.find(words) != std::string::npos);
}

static void write_text(const std::string& path, const std::string& text) { std::ofstream(path, std::ios::binary) << text; }

// A small corpus: enough bytes for a few batches of B=2 T=16.
static std::string corpus(const std::string& dir) {
    std::string text;
    for (int i = 0; i < 400; i++) text += "To be, or not to be, that is the question. ";
    write_text(dir + "/corpus.txt", text);
    return dir + "/corpus.txt";
}

TEST_CASE("cli/--help lists every flag with its default") {
    Run r = run_train("--help");
    CHECK(r.status == 0);
    for (const char* flag : {"-i", "-j", "-e", "-o", "-b", "-t", "-d", "-x", "-k", "-l", "-u", "-q", "-c", "-v", "-m", "-s",
                             "-g", "-n", "-a", "-y", "-nk", "--seed", "--threads", "--dropout", "--grad-clip", "--beta2",
                             "--temperature", "--top-k", "--tokenizer", "--block-size", "--vocab"})
        CHECK_MESSAGE(r.output.find(std::string(" ") + flag + " ") != std::string::npos, flag);
    CHECK(r.output.find("(default: 3e-04)") == std::string::npos);  // defaults print plainly
    CHECK(r.output.find("default: 0.0003") != std::string::npos);
    CHECK(run_train("-b 8 --help").output == r.output);  // the defaults, not the flags given before --help
}

TEST_CASE("cli/every subcommand's --help is generated from its table") {
    struct Sub {
        const char* name;
        std::vector<const char*> lines;  // "flag ... (default: value)" fragments of its table
    };
    const Sub subs[] = {
        {"sample", {"-e  --model", "-g  --gen-tokens", "(default: 256)", "--prompt", "--temperature", "--top-k", "--seed"}},
        {"bench", {"-e  --model", "-b  --batch-size", "--steps", "(default: 10)", "--warmup", "--profile", "(default: off)",
                   "--ceiling", "(default: 2048)", "--save"}},
        {"tokenizer", {"--allow-special", "--input", "--vocab-size", "(default: 4096)", "--special", "--out"}},
        {"prepare", {"-i  --input", "-o  --out-dir", "(default: out/data)", "--name", "--val-fraction", "(default: 0.1)",
                     "--shard-tokens", "(default: 100000000)"}},
    };
    for (const Sub& sub : subs)
        for (const char* h : {"--help", "-h"}) {
            Run r = run_train(std::string(sub.name) + " " + h);
            INFO(sub.name << " " << h << ": " << r.output);
            CHECK(r.status == 0);
            CHECK(r.output.rfind(std::string("usage: ./train ") + sub.name, 0) == 0);
            for (const char* line : sub.lines) CHECK_MESSAGE(r.output.find(line) != std::string::npos, line);
            // the shared flags, in every table
            CHECK(r.output.find("--threads            threads (0: $OMP_NUM_THREADS or all cores) (default: 0)") !=
                  std::string::npos);
            if (std::string(sub.name) != "bench")
                CHECK(r.output.find("--tokenizer") != std::string::npos);
        }
}

TEST_CASE("cli/command-line mistakes exit 2 with one line") {
    std::string dir = temp_dir("cli-usage");
    std::string text = corpus(dir);
    expect_error("--bogus 1", 2, "unknown flag --bogus (see ./train --help)");
    expect_error("-i " + text + " -b", 2, "-b needs a value");
    expect_error("-i " + text + " -b x", 2, "-b x: not an integer");
    expect_error("-i " + text + " -b 4.0", 2, "-b 4.0: not an integer");  // integers are never parsed as reals
    expect_error("-i " + text + " -l abc", 2, "-l abc: not a number");
    expect_error("-i " + text + " -l -1", 2, "-l -1: out of range [0, 10]");
    expect_error("-i " + text + " -b 0", 2, "-b 0: out of range [1, 1048576]");
    expect_error("-i " + text + " --batch-size=0", 2, "--batch-size 0: out of range [1, 1048576]");
    expect_error("-i " + text + " -x -5", 2, "-x -5: out of range [-1, 1000000000]");
    expect_error("-i " + text + " --seed -1", 2, "--seed -1: not an integer");
    expect_error("-i " + text + " --seed 18446744073709551616", 2, "out of range [0, 18446744073709551615]");
    expect_error("-i " + text + " stray", 2, "unexpected argument stray");
    expect_error("-i " + text + " -e d0", 2, "-e d0");
    expect_error("-i " + text + " -k sideways", 2, "unknown schedule");
    expect_error("-x 1", 2, "-i is required");
    expect_error("-y 1", 2, "-y 1 needs -o");
    expect_error("-i " + text + " -b 4 -t 16 -d 100", 2, "not a multiple of B*T");
    // the same wording in every subcommand
    expect_error("sample --bogus 1", 2, "unknown flag --bogus (see ./train sample --help)");
    expect_error("sample -e m.bin -g", 2, "-g needs a value");
    expect_error("sample -e m.bin --top-k=-1", 2, "--top-k -1: out of range [0, 1073741824]");
    expect_error("sample", 2, "-e CHECKPOINT is required");
    expect_error("bench --bogus", 2, "unknown flag --bogus (see ./train bench --help)");
    expect_error("bench -b 0", 2, "-b 0: out of range [1, 16777216]");
    expect_error("bench huge", 2, "bench: unknown config huge");
    expect_error("bench --profile=1", 2, "--profile takes no value");
    expect_error("tokenizer encode --bogus", 2, "unknown flag --bogus (see ./train tokenizer --help)");
    expect_error("tokenizer train --vocab-size 12", 2, "--vocab-size 12: out of range [257, 16777216]");
    expect_error("tokenizer", 2, "give one COMMAND");
    expect_error("tokenizer sing", 2, "unknown command 'sing'");
    expect_error("prepare --bogus 1", 2, "unknown flag --bogus (see ./train prepare --help)");
    expect_error("prepare --shard-tokens 1.5", 2, "--shard-tokens 1.5: not an integer");
    expect_error("prepare --val-fraction x", 2, "--val-fraction x: not a number");
    expect_error("prepare --threads -1", 2, "--threads -1: out of range [0, 4096]");
}

TEST_CASE("cli/--tokenizer: one default rule, --threads in every subcommand") {
    std::string dir = temp_dir("cli-tokenizer");
    write_text(dir + "/hi.txt", "hi");
    // no model: bytes ('h' = 104, 'i' = 105), whatever the subcommand
    Run enc = run_train("tokenizer encode --threads 1 < " + dir + "/hi.txt");
    CHECK(enc.status == 0);
    CHECK(enc.output == "104 105\n");
    Run prep = run_train("prepare --threads 1 -i " + dir + "/hi.txt -o " + dir + "/data --val-fraction 0");
    CHECK(prep.status == 0);
    CHECK(read_file(dir + "/data/hi.prepare").find("tokenizer byte name byte vocab 256") != std::string::npos);
    // a model of GPT-2's vocabulary means gpt2 (its tokenizer must then be found); any other means byte
    GPT2 model;
    gpt2_build_from_descriptor(model, "l1h1c16", 16, 50257, 1);
    gpt2_save_checkpoint(model, dir + "/v50257.bin");
    Run gpt2 = run_train("sample --threads 1 -e " + dir + "/v50257.bin --prompt ' the' -g 1 --seed 3");
    INFO(gpt2.output);
    if (file_exists(shared_dir() + "/data/gpt2/vocab.bpe")) {
        CHECK(gpt2.status == 0);
        CHECK(gpt2.output.rfind(" the", 0) == 0);
    } else {  // it looked for GPT-2's files, and said so
        MESSAGE("GPT-2's vocabulary is not in ../shared/data/gpt2 (make gpt2-vocab): checked the error only");
        CHECK(gpt2.status == 1);
        CHECK(gpt2.output.find("gpt2") != std::string::npos);
    }
    gpt2_build_from_descriptor(model, "l1h1c16", 16, 300, 1);
    gpt2_save_checkpoint(model, dir + "/v300.bin");
    Run byte = run_train("sample -e " + dir + "/v300.bin --prompt hi -g 0");
    CHECK(byte.status == 2);  // bytes are 256 tokens, not 300: an error, never a silent fallback
    CHECK(byte.output.find("tokenizer byte has 256 tokens") != std::string::npos);
}

TEST_CASE("cli/bad model files and shapes") {
    std::string dir = temp_dir("cli-model");
    std::string text = corpus(dir);
    GPT2 model;
    gpt2_build_from_descriptor(model, "l1h1c16", 16, 256, 1);
    gpt2_save_checkpoint(model, dir + "/m.bin");
    std::string good = read_file(dir + "/m.bin");
    write_text(dir + "/empty.bin", "");
    write_text(dir + "/short.bin", good.substr(0, good.size() / 2));
    std::string magic = good, version = good, flipped = good;
    magic[0] = 7;
    version[4] = 9;
    header_seal(magic);  // consistent files of another kind, checksums and all
    header_seal(version);
    flipped[good.size() - 100] ^= 4;  // a weight's bit flipped on disk
    write_text(dir + "/magic.bin", magic);
    write_text(dir + "/version.bin", version);
    write_text(dir + "/flipped.bin", flipped);
    const std::string base = "-i " + text + " -b 2 -t 16 -x 1 -v 0 -s 0 ";
    expect_error(base + "-e " + dir + "/nope.bin", 1, dir + "/nope.bin: cannot open");
    expect_error(base + "-e " + dir + "/empty.bin", 1, dir + "/empty.bin: truncated");
    expect_error(base + "-e " + dir + "/short.bin", 1, dir + "/short.bin: truncated");
    expect_error(base + "-e " + dir + "/magic.bin", 1, dir + "/magic.bin: not a model checkpoint");
    expect_error(base + "-e " + dir + "/version.bin", 1, dir + "/version.bin: unsupported model checkpoint version 9");
    expect_error(base + "-e " + dir + "/flipped.bin", 1,
                 dir + "/flipped.bin: damaged: its model checkpoint data does not match its checksum");
    expect_error("-i " + text + " -b 2 -t 32 -x 1 -e " + dir + "/m.bin", 2, "-t 32 exceeds the model's block size 16");
    // issue 16: -d 2^62 with B*T = 32 was 2^57 micro-batches, cast to int: 0
    expect_error(base + "-e " + dir + "/m.bin -d 4611686018427387904", 2,
                 "-d 4611686018427387904 is 144115188075855872 micro-batches of B*T per step, more than 2147483647");
    expect_error(base + "-e " + dir + "/m.bin --vocab 300", 2, "not what --block-size/--vocab ask for");
    CHECK(run_train(base + "-e " + dir + "/m.bin").status == 0);  // and the good file trains
}

TEST_CASE("cli/bad shards, tokens out of range, unwritable output") {
    std::string dir = temp_dir("cli-data");
    std::vector<uint16_t> tokens(200);
    for (size_t i = 0; i < tokens.size(); i++) tokens[i] = (uint16_t)(i % 250);
    write_shard(dir + "/good.bin", tokens, 256);
    std::string good = read_file(dir + "/good.bin");
    write_text(dir + "/empty.bin", "");
    write_text(dir + "/short.bin", good.substr(0, 1024 + 50));
    std::string magic = good, flipped = good;
    magic[0] = 1;
    header_seal(magic);
    flipped[1024 + 77] ^= 1;  // a token's bit flipped on disk
    write_text(dir + "/magic.bin", magic);
    write_text(dir + "/flipped.bin", flipped);
    const std::string base = "-e l1h1c16 -b 2 -t 16 -x 1 -v 0 -s 0 ";
    expect_error(base + "-i '" + dir + "/none_*.bin'", 1, "no shard matches this pattern");
    expect_error(base + "-i " + dir + "/empty.bin", 1, dir + "/empty.bin: truncated");
    expect_error(base + "-i " + dir + "/short.bin", 1, dir + "/short.bin: truncated");
    expect_error(base + "-i " + dir + "/magic.bin", 1, dir + "/magic.bin: not a token shard");
    expect_error(base + "-i " + dir + "/flipped.bin", 1, dir + "/flipped.bin: damaged: its token shard data does not match");
    // an llm.c shard (no vocabulary in its header) holding id 300, for a model of vocabulary 256
    std::string big = good;
    std::memset(&big[12], 0, 4);                  // header slot 3: vocabulary unknown, as llm.c writes
    std::memset(&big[4 * 253], 0, 12);            // and no checksums (slots 253..255), as llm.c writes
    uint16_t id = 300;
    std::memcpy(&big[1024 + 2 * 150], &id, 2);    // token 150
    write_text(dir + "/big.bin", big);
    expect_error(base + "-i " + dir + "/big.bin", 1, dir + "/big.bin: token 300 at index 150");
    // and for a larger model: the ids must still be the tokenizer's (validation looks up their bytes)
    expect_error(base + "-i " + dir + "/big.bin --vocab 512", 1, dir + "/big.bin: token 300 at index 150");
    expect_error(base + "-i " + dir + "/good.bin -t 200", 1, "fewer than the B*T+1");
    expect_error(base + "-i " + dir + "/good.bin -o /proc/scratchgpt", 1, "/proc/scratchgpt");
    CHECK(run_train(base + "-i " + dir + "/good.bin").status == 0);
}

// ----------------------------------------------------------------------------
// resume

static const char* RUN_FLAGS = "-e d2 -b 4 -t 32 -x 40 -v 10 -m 2 -s 0 -n 5 --dropout 0.1 -l 1e-3";

// Starts ./train in the background with output to `log`; returns its pid.
static pid_t start(const std::string& args, const std::string& log) {
    pid_t pid = fork();
    if (pid == 0) {
        std::string cmd = "exec ./train " + args + " > " + log + " 2>&1";
        execl("/bin/sh", "sh", "-c", cmd.c_str(), (char*)nullptr);
        _exit(127);
    }
    return pid;
}

// Waits until `log` shows `line` (or the process ended); true if seen.
static bool wait_for(const std::string& log, const std::string& line, pid_t pid) {
    for (int i = 0; i < 60000; i++) {
        if (file_exists(log) && read_file(log).find(line) != std::string::npos) return true;
        if (waitpid(pid, nullptr, WNOHANG) == pid) return false;
        usleep(500);
    }
    return false;
}

TEST_CASE("cli/a run stopped (SIGINT or SIGKILL) and resumed equals the run never stopped") {
    std::string dir = temp_dir("cli-resume");
    std::string text = corpus(dir);
    const std::string args = std::string(RUN_FLAGS) + " -i " + text;
    REQUIRE(run_train(args + " -o " + dir + "/whole").status == 0);
    const std::string final_ckpt = "/model_00000040.bin";
    for (int sig : {SIGINT, SIGKILL}) {
        std::string out = dir + (sig == SIGINT ? "/int" : "/kill");
        pid_t pid = start(args + " -o " + out, out + ".txt");
        bool seen = wait_for(out + ".txt", "step    17/40", pid);
        REQUIRE_MESSAGE(seen, "the run ended before it could be interrupted");
        kill(pid, sig);
        int st;
        waitpid(pid, &st, 0);
        if (sig == SIGINT) {  // a clean stop, after saving, naming the real resume command, status 128 + 2
            CHECK((WIFEXITED(st) && WEXITSTATUS(st) == 130));
            CHECK(read_file(out + ".txt").find("; resume with ./train -y 1 -o " + out + "\n") != std::string::npos);
        }
        Run resumed = run_train("-y 1 -o " + out);
        INFO(resumed.output);
        REQUIRE(resumed.status == 0);
        CHECK(resumed.output.find("resumed from") != std::string::npos);
        CHECK(read_file(out + "/main.log") == read_file(dir + "/whole/main.log"));
        CHECK(read_file(out + final_ckpt) == read_file(dir + "/whole" + final_ckpt));
    }
}

TEST_CASE("cli/-nk keeps the newest checkpoints; ./train sample continues from one") {
    std::string dir = temp_dir("cli-keep");
    std::string text = corpus(dir);
    REQUIRE(run_train(std::string(RUN_FLAGS) + " -i " + text + " -o " + dir + "/run -nk 2").status == 0);
    CHECK_FALSE(file_exists(dir + "/run/model_00000030.bin"));
    CHECK(file_exists(dir + "/run/model_00000035.bin"));
    CHECK(file_exists(dir + "/run/state_00000040.bin"));
    CHECK(file_exists(dir + "/run/model_best.bin"));
    Run a = run_train("sample -e " + dir + "/run/model_00000040.bin --prompt 'To be' -g 20 --seed 5");
    Run b = run_train("sample -e " + dir + "/run/model_00000040.bin --prompt 'To be' -g 20 --seed 5");
    CHECK(a.status == 0);
    CHECK(a.output.rfind("To be", 0) == 0);
    CHECK(a.output == b.output);  // seeded
    expect_error("sample -e " + dir + "/run/model_00000040.bin -g x", 2, "not an integer");
}

// ----------------------------------------------------------------------------
// issue 12: finished runs, reused folders, output, early errors

static const char* SMALL = "-e l1h1c16 -b 2 -t 16 -v 0 -s 0 -l 1e-3 ";

// The lr of main.log's "s:STEP trl:..." line ("" if absent).
static std::string logged_lr(const std::string& log, int step) {
    std::string key = "s:" + std::to_string(step) + " trl:";
    size_t at = log.find(key);
    if (at == std::string::npos) return "";
    at = log.find("lr:", at) + 3;
    return log.substr(at, log.find(' ', at) - at);
}

TEST_CASE("cli/a finished run: nothing left says how to go on; -x and --more-steps extend it at the final lr") {
    std::string dir = temp_dir("cli-extend");
    std::string text = corpus(dir), run = dir + "/run";
    REQUIRE(run_train(std::string(SMALL) + "-x 10 -q 0.5 -i " + text + " -o " + run).status == 0);
    // -x is the total: 10 and 5 leave nothing to do; the message names the command that goes on
    expect_error("-y 1 -o " + run, 2, run + " is at step 10 and -x 10 is the total step count: nothing to train");
    expect_error("-y 1 -o " + run + " -x 5", 2, "./train -y 1 -o " + run + " -x 810 (or --more-steps 800)");
    Run more = run_train("-y 1 -o " + run + " --more-steps 3");
    INFO(more.output);
    REQUIRE(more.status == 0);
    CHECK(more.output.find("steps 11..13 run at its final lr 5.00e-04") != std::string::npos);
    // the cosine over 10 steps ended at -l x -q = 1e-3 x 0.5; the extra steps run at that lr
    std::string log = read_file(run + "/main.log");
    for (int s = 11; s <= 13; s++) CHECK(logged_lr(log, s) == "5.000000e-04");
    CHECK(file_exists(run + "/model_00000013.bin"));
    // a later -x keeps the schedule the run was planned with (saved as --schedule-steps 10)
    REQUIRE(run_train("-y 1 -o " + run + " -x 15").status == 0);
    CHECK(logged_lr(read_file(run + "/main.log"), 15) == "5.000000e-04");
    // the default -q 0 ends at lr 0: an extension would not learn, and is refused
    REQUIRE(run_train(std::string(SMALL) + "-x 4 -i " + text + " -o " + dir + "/zero").status == 0);
    expect_error("-y 1 -o " + dir + "/zero --more-steps 2", 2, "would not learn");
    expect_error(std::string(SMALL) + "-i " + text + " --more-steps 2", 2, "--more-steps needs -y 1");
}

TEST_CASE("cli/a new run into another run's folder stops; --overwrite deletes the old run first") {
    std::string dir = temp_dir("cli-overwrite");
    std::string text = corpus(dir), run = dir + "/run";
    const std::string args = std::string(SMALL) + "-i " + text + " -o " + run;
    REQUIRE(run_train(args + " -x 6").status == 0);
    write_text(run + "/notes.txt", "mine");
    expect_error(args + " -x 4", 2, "-o " + run + " holds another run (main.log, ...): resume it with -y 1 -o " + run);
    CHECK(file_exists(run + "/model_00000006.bin"));  // refused before touching anything
    Run r = run_train(args + " -x 4 --overwrite");
    INFO(r.output);
    REQUIRE(r.status == 0);
    CHECK_FALSE(file_exists(run + "/model_00000006.bin"));
    CHECK_FALSE(file_exists(run + "/state_00000006.bin"));
    CHECK(file_exists(run + "/model_00000004.bin"));
    CHECK(read_file(run + "/notes.txt") == "mine");  // only a run's files go
    CHECK(read_file(run + "/main.log").find("s:6 ") == std::string::npos);
}

static int count_of(const std::string& s, const std::string& what) {
    int n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) n++;
    return n;
}

TEST_CASE("cli/step lines: every step when piped, --print-every N, no -o said at the start") {
    std::string dir = temp_dir("cli-print");
    std::string text = corpus(dir);
    Run every = run_train(std::string(SMALL) + "-x 10 -i " + text);
    CHECK(every.status == 0);
    CHECK(count_of(every.output, "\nstep ") == 10);
    CHECK(every.output.find("\r") == std::string::npos);  // piped: no progress line
    CHECK(every.output.find("no -o: nothing will be saved") != std::string::npos);
    Run some = run_train(std::string(SMALL) + "-x 10 --print-every 4 -i " + text);
    CHECK(some.status == 0);
    CHECK(count_of(some.output, "\nstep ") == 3);  // steps 4, 8 and the last, 10
    CHECK(some.output.find("step     8/10") != std::string::npos);
    CHECK(some.output.find("step    10/10") != std::string::npos);
}

TEST_CASE("cli/piped output arrives line by line") {
    std::string dir = temp_dir("cli-flush");
    std::string text = corpus(dir), out = dir + "/out.txt";
    pid_t pid = start(std::string(SMALL) + "-x 1000000 -i " + text + " -o " + dir + "/run", out);
    bool seen = wait_for(out, "step    40/", pid);
    usleep(50000);  // some 50 steps more: a 4 KB stdout buffer would now hold ~30 unwritten lines
    kill(pid, SIGKILL);
    waitpid(pid, nullptr, 0);
    REQUIRE(seen);
    // main.log gets a step's line just after stdout does: block-buffered stdout would lag it by ~40 lines
    std::string printed = read_file(out), log = read_file(dir + "/run/main.log");
    int last_printed = 0, last_logged = 0;
    std::sscanf(printed.c_str() + printed.rfind("\nstep ") + 1, "step %d", &last_printed);
    std::sscanf(log.c_str() + log.rfind("\ns:") + 1, "s:%d", &last_logged);
    CHECK(last_printed >= last_logged);
    CHECK(printed.back() == '\n');  // killed between lines, never inside one
    CHECK(last_logged >= 40);
}

TEST_CASE("cli/mistakes are found before anything is built, and name the real fix") {
    std::string dir = temp_dir("cli-early");
    std::string text = corpus(dir);
    Run none = run_train("-x 5");
    CHECK(none.status == 2);
    CHECK(none.output == "error: -i is required: a text file or a glob of token shards\n");  // no model card first
    Run missing = run_train("-i " + dir + "/nosuch.txt");
    CHECK(missing.status == 1);
    CHECK(missing.output == "error: -i " + dir + "/nosuch.txt: no such file (a text file, or a glob of shards from ./train prepare)\n");
    // shards of a vocabulary of up to 300 tokens, trained on without --tokenizer: the error names the file to pass
    REQUIRE(run_train("tokenizer train --input " + text + " --vocab-size 300 --out " + dir + "/t300.vocab").status == 0);
    REQUIRE(run_train("prepare -i " + text + " -o " + dir + "/data --name tiny --tokenizer " + dir + "/t300.vocab").status == 0);
    Run wrong = run_train(std::string(SMALL) + "-x 2 -i '" + dir + "/data/tiny_train_*.bin'");
    INFO(wrong.output);
    CHECK(wrong.status == 2);
    int V = read_shard_header(dir + "/data/tiny_train_000000.bin").vocab_size;  // what the corpus gave (<= 300)
    CHECK(V > 256);
    CHECK(error_line(wrong.output).find("shards were prepared with a " + std::to_string(V) +
                                        "-token vocabulary, this run's tokenizer (byte) has 256") != std::string::npos);
    CHECK(error_line(wrong.output).find("pass --tokenizer " + dir + "/t300.vocab") != std::string::npos);
    CHECK(wrong.output.find("model:") == std::string::npos);
    // a checkpoint given with -e says what it loaded
    REQUIRE(run_train(std::string(SMALL) + "-x 2 -i " + text + " -o " + dir + "/run").status == 0);
    Run loaded = run_train("-e " + dir + "/run/model_00000002.bin -b 2 -t 16 -x 1 -v 0 -s 0 -i " + text);
    CHECK(loaded.status == 0);
    CHECK(loaded.output.find("loaded " + dir + "/run/model_00000002.bin (step 2, L=1 NH=1 C=16 V=256 maxT=16)") !=
          std::string::npos);
}

TEST_CASE("cli/a run larger than the machine stops with one line before anything large is allocated") {
    // 36 TB of activations (d64 at B=512 T=4096): more than any machine has, so this does not depend on
    // this one's memory (the guard's arithmetic is tested with fake meminfo files in test_model_card.cpp).
    // Without the guard the run would print its model card and fail allocating, or be killed.
    std::string dir = temp_dir("cli-memory");
    Run r = run_train("-e d64 -b 512 -t 4096 -x 1 -i " + corpus(dir));
    INFO(r.output);
    CHECK(r.status == 1);
    CHECK(error_line(r.output).find("error: memory: this run needs ") == 0);
    CHECK(error_line(r.output).find("is available (MemAvailable in /proc/meminfo): ") != std::string::npos);
    CHECK(r.output.find("model:") == std::string::npos);  // stopped before the model was built
}

TEST_CASE("cli/Ctrl-C during a long sample in training ends the sample at once, saves and stops") {
    std::string dir = temp_dir("cli-stop-sample");
    std::string text = corpus(dir), out = dir + "/out.txt";
    // a sample of a million tokens after step 1: each prints at least one byte (a 256-token vocabulary)
    pid_t pid = start("-e l1h1c16 -b 2 -t 16 -x 5 -v 0 -s 1 -g 1000000 -i " + text + " -o " + dir + "/run", out);
    bool seen = wait_for(out, "step     1/5", pid);
    usleep(200000);  // well into the sample
    kill(pid, SIGINT);
    int st;
    waitpid(pid, &st, 0);
    REQUIRE(seen);
    CHECK((WIFEXITED(st) && WEXITSTATUS(st) == 130));
    std::string printed = read_file(out);
    INFO(printed.substr(printed.size() > 400 ? printed.size() - 400 : 0));
    CHECK(printed.size() < 1000000);  // the sample was cut short
    CHECK(printed.find("stopped by a signal after step 1; resume with ./train -y 1 -o " + dir + "/run\n") !=
          std::string::npos);
    CHECK(file_exists(dir + "/run/state_00000001.bin"));
}

TEST_CASE("cli/a resume never pairs a state with another model file, nor goes on from a damaged one") {
    // issue 16: model_00000010.bin replaced by step 5's weights (a whole, valid checkpoint of the same
    // model): the state's record of its model file says they are not a pair
    std::string dir = temp_dir("cli-pair");
    std::string text = corpus(dir), run = dir + "/run";
    REQUIRE(run_train(std::string(SMALL) + "-x 10 -n 5 -q 1 -i " + text + " -o " + run).status == 0);
    const std::string model10 = read_file(run + "/model_00000010.bin"), state10 = read_file(run + "/state_00000010.bin");
    write_text(run + "/model_00000010.bin", read_file(run + "/model_00000005.bin"));
    expect_error("-y 1 -o " + run + " -x 12", 1,
                 run + "/state_00000010.bin: saved with another " + run + "/model_00000010.bin than the one there now");
    // the pair restored resumes; a bit flipped in the state's moments is damage, named
    write_text(run + "/model_00000010.bin", model10);
    std::string flipped = state10;
    flipped[HEADER_BYTES + 3] ^= 0x20;
    write_text(run + "/state_00000010.bin", flipped);
    expect_error("-y 1 -o " + run + " -x 12", 1, run + "/state_00000010.bin: damaged: its training state data does not match");
    write_text(run + "/state_00000010.bin", state10);
    CHECK(run_train("-y 1 -o " + run + " -x 12").status == 0);
}

TEST_CASE("cli/FIFOs and devices given as any input are refused at once, never waited on") {
    // issue 16: open() of a FIFO blocks until a writer comes, and these readers took it for a file.
    // Each command runs under `timeout 20`: a reader that waits fails with 124, not a hung test.
    std::string dir = temp_dir("cli-fifo");
    std::string text = corpus(dir), fifo = dir + "/fifo", run = dir + "/run";
    REQUIRE(mkfifo(fifo.c_str(), 0600) == 0);
    REQUIRE(mkfifo((dir + "/w.safetensors").c_str(), 0600) == 0);  // Hugging Face's weights beside a real config
    write_text(dir + "/config.json", "{\"n_layer\": 1, \"n_head\": 1, \"n_embd\": 16, \"n_positions\": 16, \"vocab_size\": 256}");
    make_dir(dir + "/hf-fifo-config");  // and a Hugging Face directory whose config.json is a FIFO
    REQUIRE(mkfifo((dir + "/hf-fifo-config/config.json").c_str(), 0600) == 0);
    REQUIRE(run_train(std::string(SMALL) + "-x 2 -n 1 -i " + text + " -o " + run).status == 0);
    std::remove((run + "/state_00000002.bin").c_str());
    REQUIRE(mkfifo((run + "/state_00000002.bin").c_str(), 0600) == 0);  // the newest state a FIFO
    const std::string small = std::string(SMALL) + "-x 1 ";
    struct Case { std::string args, file; };
    for (const Case& c : {Case{small + "-i " + text + " -e " + fifo, fifo},
                          Case{small + "-i " + text + " -e /dev/zero", "/dev/zero"},
                          Case{small + "-i " + fifo, fifo},
                          Case{small + "-i " + text + " --tokenizer " + fifo, fifo},
                          Case{"sample -e " + dir + "/w.safetensors", dir + "/w.safetensors"},
                          Case{"sample -e " + dir + "/hf-fifo-config", dir + "/hf-fifo-config/config.json"},
                          Case{"sample -e " + fifo, fifo},
                          Case{"prepare -i " + fifo + " -o " + dir + "/data", fifo},
                          Case{"tokenizer train --vocab-size 300 --input " + fifo + " --out " + dir + "/t.vocab", fifo},
                          Case{"-y 1 -o " + run + " -x 3", run + "/state_00000002.bin"}}) {
        Run r = run_shell("timeout 20 ./train " + c.args);
        INFO("./train " << c.args << "\n  -> exit " << r.status << ": " << r.output);
        CHECK(r.status == 1);
        CHECK(error_line(r.output).find(c.file + ": not a regular file") != std::string::npos);
    }
}

TEST_CASE("cli/a state saved before -q's default became 0 resumes with the old default, 1.0") {
    std::string dir = temp_dir("cli-old-q");
    std::string text = corpus(dir), whole = dir + "/whole", old = dir + "/old";
    REQUIRE(run_train(std::string(SMALL) + "-x 10 -n 5 -q 1 -i " + text + " -o " + whole).status == 0);
    // the same run stopped at step 5, its saved command line without -q, as every run saved it before
    REQUIRE(run_train(std::string(SMALL) + "-x 10 -n 5 -q 1 -i " + text + " -o " + old).status == 0);
    for (const char* f : {"/model_00000010.bin", "/state_00000010.bin"}) std::remove((old + f).c_str());
    GPT2 model;
    gpt2_build_from_checkpoint(model, old + "/model_00000005.bin");
    TrainState state;
    train_state_load(old + "/state_00000005.bin", model.num_parameters, state);
    std::vector<std::string> argv;
    for (size_t i = 0; i < state.argv.size(); i++)
        if (state.argv[i] == "-q") i++;
        else argv.push_back(state.argv[i]);
    REQUIRE(argv.size() + 2 == state.argv.size());
    state.argv = argv;
    train_state_save(old + "/state_00000005.bin", state);
    Run resumed = run_train("-y 1 -o " + old);
    INFO(resumed.output);
    REQUIRE(resumed.status == 0);
    CHECK(read_file(old + "/main.log") == read_file(whole + "/main.log"));
    CHECK(read_file(old + "/model_00000010.bin") == read_file(whole + "/model_00000010.bin"));
}
