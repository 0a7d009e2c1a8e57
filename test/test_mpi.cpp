// test_mpi.cpp: data-parallel training under mpirun (model/train/distributed.h), as a user runs it:
// 2 ranks equal one process accumulating the same micro-batches (to rounding: see the first case);
// the same job twice, and ZeRO-1 on or off, change no bit; a killed rank ends the job, and the run
// resumes with 2 ranks to the uninterrupted run's bits (with 1 process: to rounding);
// ranks started differently stop with one line. Each runs over shared memory and over TCP on the
// loopback interface (how two machines talk).
// These need `make MPI=1` (./train with MPI) and mpirun, so `make test` skips them (doctest::skip)
// and `make MPI=1 test-mpi` runs them (--no-skip): a missing mpirun fails them, it never passes them.
#include <doctest.h>

#include <chrono>  // steady_clock: the mismatch stops within seconds
#include <cstdio>  // sscanf
#include <string>
#include <vector>

#include "data/common/files.h"        // read_file, file_exists
#include "model/gpt2.h"
#include "model/train/checkpoint.h"   // checkpoint_load: the weights, compared bit for bit
#include "model/train/train_state.h"  // train_state_load: AdamW's m and v
#include "test/check.h"               // run_shell, temp_dir

// mpirun as root (CI), at the lowest priority, with as many ranks as asked on any machine.
static const std::string MPIRUN =
    "OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1 nice -n 19 mpirun --oversubscribe --mca pml ob1 ";
// the two transports: shared memory, and TCP over the loopback interface only
struct Transport {
    const char* name;
    const char* mca;
};
static const Transport TRANSPORTS[] = {
    {"shm", "--mca btl self,vader "},
    {"tcp", "--mca btl tcp,self --mca btl_tcp_if_include lo "},
};

// A small text corpus (byte tokenizer): enough for 20 steps of 2 x B=2 x T=16 and the validation.
static std::string corpus(const std::string& dir) {
    std::string text;
    for (int i = 0; i < 300; i++) text += "Data parallel: rank " + std::to_string(i % 7) + " reads its own windows. ";
    std::string path = dir + "/corpus.txt";
    std::FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    std::fwrite(text.data(), 1, text.size(), f);
    std::fclose(f);
    return path;
}

// The run's flags: B=2 T=16, 20 steps at lr 1e-4, dropout (its masks follow the global micro-batch)
// and shuffling (one permutation for all ranks), validation every 5 steps, -d = 2 micro-batches.
static std::string run_flags(const std::string& text) {
    return "-e l2h2c32 -b 2 -t 16 -d 64 -x 20 -l 1e-4 -k constant --dropout 0.1 --shuffle 1 -v 5 -m 3 -s 0 -n 10 -i " + text;
}

// mpirun -np N [transport] ./train ARGS: the run, its output printed on failure.
static Run mpirun(int np, const Transport& t, const std::string& args) {
    Run r = run_shell(MPIRUN + t.mca + "-np " + std::to_string(np) + " ./train " + args);
    INFO("mpirun -np " << np << " (" << t.name << ") ./train " << args << "\n  -> exit " << r.status << ": " << r.output);
    REQUIRE(r.status == 0);
    return r;
}

// The lines of main.log (the losses at 6 decimals, validation included).
static std::string log_of(const std::string& dir) { return read_file(dir + "/main.log"); }

// The losses of main.log in order, training (trl:) and validation (tel:) alike.
static std::vector<float> losses_of(const std::string& dir) {
    std::vector<float> out;
    std::string text = log_of(dir);
    for (size_t at = 0; (at = text.find("l:", at)) != std::string::npos; at += 2)
        if (text[at - 2] == 't' && (text[at - 1] == 'r' || text[at - 1] == 'e')) out.push_back(std::stof(text.substr(at + 2, 12)));
    return out;
}

// Two run directories' checkpoint at `step`: the same weights, m and v, bit for bit (tol 0), or each
// tensor to tol relative to its largest entry.
static void check_same_checkpoint(const std::string& a, const std::string& b, int step, float tol = 0) {
    INFO(a << " vs " << b << " at step " << step << ", tolerance " << tol);
    GPT2Config ca, cb;
    std::vector<float> pa, pb;
    checkpoint_load(model_path(a, step), ca, pa);
    checkpoint_load(model_path(b, step), cb, pb);
    REQUIRE(pa.size() == pb.size());
    check_tensor("weights", pa.data(), pb.data(), pa.size(), tol);
    TrainState sa, sb;
    train_state_load(state_path(a, step), pa.size(), sa);
    train_state_load(state_path(b, step), pb.size(), sb);
    check_tensor("AdamW m", sa.m.data(), sb.m.data(), sa.m.size(), tol);
    check_tensor("AdamW v", sa.v.data(), sb.v.data(), sa.v.size(), tol);
    CHECK(sa.loader.epoch == sb.loader.epoch);
    CHECK(sa.loader.shard == sb.loader.shard);
    CHECK(sa.loader.batch == sb.loader.batch);
}

// How often `what` occurs in `text`.
static int count_of(const std::string& text, const std::string& what) {
    int n = 0;
    for (size_t at = text.find(what); at != std::string::npos; at = text.find(what, at + 1)) n++;
    return n;
}

// subtle: close, not bit-identical. Rank r's gradient is its micro-batch's alone, summed from zero;
// one process adds micro-batch 1's partial sums (the chunks of the classifier, wte's two uses, the
// split GEMMs of dW) onto micro-batch 0's whole gradient: the same terms, grouped otherwise, so the
// weights differ by a few float ulps (measured: 2e-7 relative after 20 steps). Two ranks' sum itself
// is one addition, so the same job twice, over shared memory or TCP, is bit-identical.
TEST_CASE("mpi/2 ranks of B equal one process of -d 2*B*T; the same job twice is bit-identical; rank 0 alone prints" * doctest::skip()) {
    std::string dir = temp_dir("mpi-equal");
    std::string flags = run_flags(corpus(dir));
    mpirun(1, TRANSPORTS[0], flags + " -o " + dir + "/one");
    const std::vector<float> one = losses_of(dir + "/one");
    REQUIRE(one.size() == 25);  // 20 steps, 5 validations
    for (const Transport& t : TRANSPORTS) {
        std::string two = dir + "/two_" + t.name;
        Run r = mpirun(2, t, flags + " -o " + two);
        INFO(t.name << ": " << r.output);
        std::vector<float> got = losses_of(two);
        REQUIRE(got.size() == one.size());
        check_tensor("losses, 2 ranks vs 1 process", got.data(), one.data(), one.size(), TOL_TRAIN_LOSS);
        check_same_checkpoint(two, dir + "/one", 10, TOL_TRAIN_PARAMS);
        check_same_checkpoint(two, dir + "/one", 20, TOL_TRAIN_PARAMS);
        CHECK(count_of(r.output, "step    20/20 |") == 1);  // rank 0 alone prints, a line per step
        CHECK(count_of(r.output, "\r") == 0);
        CHECK(count_of(r.output, "val loss") == 5);      // steps 0, 5, 10, 15, 20
        CHECK(r.output.find("ranks: 2 (mpirun), 1 micro-batch(es) each per step") != std::string::npos);
        CHECK(r.output.find("threads: 1\n") != std::string::npos);  // 2 cores, 2 ranks: one thread each
    }
    CHECK(log_of(dir + "/two_shm") == log_of(dir + "/two_tcp"));
    check_same_checkpoint(dir + "/two_shm", dir + "/two_tcp", 20);
}

TEST_CASE("mpi/ZeRO-1 (-z 1) changes no bit of the losses or the checkpoints" * doctest::skip()) {
    std::string dir = temp_dir("mpi-zero");
    std::string flags = run_flags(corpus(dir));
    mpirun(2, TRANSPORTS[0], flags + " -o " + dir + "/plain");
    for (const Transport& t : TRANSPORTS) {
        std::string zero = dir + "/zero_" + t.name;
        Run r = mpirun(2, t, flags + " -z 1 -o " + zero);
        CHECK(r.output.find("with ZeRO-1") != std::string::npos);
        CHECK(log_of(zero) == log_of(dir + "/plain"));
        check_same_checkpoint(zero, dir + "/plain", 10);  // m and v gathered into the one state file
        check_same_checkpoint(zero, dir + "/plain", 20);
    }
}

TEST_CASE("mpi/a rank killed (SIGKILL) ends the job; the run resumes with 2 ranks or 1 to the same bits" * doctest::skip()) {
    std::string dir = temp_dir("mpi-kill");
    // slower steps (C=128, B=4, T=64, 1 thread each), so that the kill falls well inside the run
    const std::string flags = "-e l2h2c128 -b 4 -t 64 -d 512 -x 60 -l 1e-4 -v 0 -s 0 -n 5 -i " + corpus(dir);
    mpirun(2, TRANSPORTS[0], flags + " -o " + dir + "/whole");
    // the run to kill: once step 10 is saved, SIGKILL rank 1 (the child of mpirun with rank 1)
    const std::string run = dir + "/killed";
    Run k = run_shell("( " + MPIRUN + "-np 2 ./train " + flags + " -o " + run + " > " + dir + "/killed.txt 2>&1 & M=$!; "
                      "while [ ! -f " + run + "/state_00000010.bin ] && kill -0 $M 2>/dev/null; do sleep 0.02; done; "
                      "for p in $(pgrep -P $M); do tr '\\0' '\\n' < /proc/$p/environ | grep -qx OMPI_COMM_WORLD_RANK=1 && kill -9 $p; done; "
                      "S=$(date +%s); wait $M; echo \"mpirun exit $? after $(( $(date +%s) - S )) s\" )");
    INFO(k.output << read_file(dir + "/killed.txt"));
    CHECK(k.output.find("mpirun exit 0") == std::string::npos);  // the job failed, as it must
    REQUIRE(!file_exists(run + "/state_00000060.bin"));         // it was killed before the end
    CHECK(k.output.find(" after ") != std::string::npos);
    int seconds = 99;
    std::sscanf(k.output.c_str() + k.output.find(" after ") + 7, "%d", &seconds);
    CHECK(seconds <= 5);  // ended within seconds
    // the last complete checkpoint resumes: with 2 ranks, and (a copy) with 1 process accumulating 2
    REQUIRE(run_shell("cp -r " + run + " " + run + "_np1").status == 0);
    mpirun(2, TRANSPORTS[1], "-y 1 -o " + run);
    mpirun(1, TRANSPORTS[0], "-y 1 -o " + run + "_np1");
    check_same_checkpoint(run, dir + "/whole", 60);
    check_same_checkpoint(run + "_np1", dir + "/whole", 60, TOL_TRAIN_PARAMS);  // 1 process: to rounding (first case)
}

TEST_CASE("mpi/ranks started with another -b or another checkpoint: one line, non-zero exit, within 10 s" * doctest::skip()) {
    std::string dir = temp_dir("mpi-mismatch");
    std::string text = corpus(dir);
    mpirun(1, TRANSPORTS[0], "-e l1h1c16 -b 2 -t 16 -x 1 -v 0 -s 0 -i " + text + " -o " + dir + "/a");
    mpirun(1, TRANSPORTS[0], "-e l1h1c16 -b 2 -t 16 -x 2 -v 0 -s 0 -i " + text + " -o " + dir + "/b");
    const std::string base = "-t 16 -x 20 -v 0 -s 0 -i " + text;
    const std::string cases[][2] = {
        {"-e l1h1c16 -b 2 " + base, "-e l1h1c16 -b 4 " + base},
        {"-e " + model_path(dir + "/a", 1) + " -b 2 " + base, "-e " + model_path(dir + "/b", 2) + " -b 2 " + base},
    };
    for (const Transport& t : TRANSPORTS)
        for (const auto& c : cases) {
            auto t0 = std::chrono::steady_clock::now();
            Run r = run_shell(MPIRUN + t.mca + "-np 1 ./train " + c[0] + " : -np 1 ./train " + c[1]);
            double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
            INFO(t.name << ": " << c[0] << " | " << c[1] << "\n -> exit " << r.status << " after " << s << " s: " << r.output);
            CHECK(r.status != 0);
            CHECK(s < 10);
            CHECK(count_of(r.output, "\nerror: ") + (r.output.rfind("error: ", 0) == 0) == 1);
            CHECK(r.output.find("error: rank 1 was started with another command line, model or data than rank 0") !=
                  std::string::npos);
        }
}
