// test_gpt2.cpp: the whole model against PyTorch, llm.c's test_gpt2.c rewritten for doctest.
// The reference is dev/reference/gpt2.py: the same GPT-2 in PyTorch, which wrote
// test/fixtures/gpt2_v256.bin (V = Vp = 256, L=2 NH=4 C=48, B=4 T=32) and gpt2_v200.bin
// (V=200 padded to 256, L=1 NH=2 C=32, B=2 T=16): parameters, a batch, the logits, the loss,
// every parameter gradient, and the losses and parameters after 10 AdamW steps with the
// project's default hyperparameters and with llm.c's. The model is loaded the way a user's
// is: the fixture's parameters are written as an llm.c checkpoint and read back.
// Then: llm.c interchangeability (checkpoint + token shard, sequential batches), dropout,
// and the seed-42 initialisation against PyTorch's (gpt2_init.bin).
#include "data/dataloader.h"     // the trainer's batches: llm.c shards, llm.c's sequential order
#include "model/dropout.h"       // dropout_keep
#include "model/gpt2.h"
#include "model/train/checkpoint.h"  // gpt2_build_from_checkpoint, gpt2_save_checkpoint
#include "model/train/train_step.h"    // gpt2_train_step: the trainer's optimizer step
#include "data/common/binary_header.h"  // HEADER_SLOT_CHECKSUMS
#include "data/common/files.h"          // read_file
#include "test/check.h"
#include "test/model/hyper.h"  // hyper_default: the references' hyperparameters
#include "test/shifted_new.h"  // new_shift_bytes: where the buffers sit
#include "test/fixture.h"
#include "test/model/gradcheck.h"  // random_direction_check

#include <algorithm>  // std::max
#include <cstdint>    // uintptr_t
#include <cstring>    // memset
#include <memory>     // std::unique_ptr
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>

// Tolerances: TOL_FORWARD, TOL_GRAD, TOL_TRAIN_*, TOL_LLMC_LOSS in check.h, with their reasons.

// ----------------------------------------------------------------------------
// helpers

struct Reference {
    Fixture fx;
    GPT2Config config;
    int B, T;
};

static Reference reference_load(const std::string& name) {
    Reference ref{fixture_load(name), {}, 0, 0};
    const auto& c = ref.fx.i("config");  // maxT V Vp L NH C B T
    ref.config = GPT2Config{c[0], c[1], c[2], c[3], c[4], c[5]};
    ref.B = c[6];
    ref.T = c[7];
    return ref;
}

// An llm.c checkpoint, written by hand here (not by checkpoint.cpp) so that loading it
// tests the format itself: 256 int32 {20240326, 3, maxT, V, L, NH, C, Vp}, then the floats.
static void write_llmc_checkpoint(const std::string& path, const GPT2Config& c, const std::vector<float>& params) {
    std::vector<int32_t> header(256, 0);
    const int32_t fields[8] = {20240326, 3, c.max_seq_len, c.vocab_size, c.num_layers, c.num_heads, c.channels,
                               c.padded_vocab_size};
    std::copy(fields, fields + 8, header.begin());
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(std::fwrite(header.data(), 4, 256, f) == 256);
    REQUIRE(std::fwrite(params.data(), 4, params.size(), f) == params.size());
    std::fclose(f);
}

// An llm.c token shard: 256 int32 {20240520, 1, count}, then uint16 tokens.
static void write_llmc_shard(const std::string& path, const std::vector<int32_t>& tokens) {
    std::vector<int32_t> header(256, 0);
    header[0] = 20240520;
    header[1] = 1;
    header[2] = (int32_t)tokens.size();
    std::vector<uint16_t> t16(tokens.begin(), tokens.end());
    FILE* f = std::fopen(path.c_str(), "wb");
    REQUIRE(f != nullptr);
    REQUIRE(std::fwrite(header.data(), 4, 256, f) == 256);
    REQUIRE(std::fwrite(t16.data(), 2, t16.size(), f) == t16.size());
    std::fclose(f);
}

// The model the reference starts from, loaded through an llm.c checkpoint.
static void build_reference_model(GPT2& model, const Reference& ref) {
    std::string path = temp_dir("gpt2") + "/model.bin";
    write_llmc_checkpoint(path, ref.config, ref.fx.f("params"));
    gpt2_build_from_checkpoint(model, path);
    REQUIRE(model.num_parameters == ref.fx.f("params").size());
}

// Max abs error and max error relative to the tensor's largest |want| (its scale).
struct ErrorStats {
    double max_abs, max_rel;
};
static ErrorStats error_stats(const float* got, const float* want, size_t n) {
    double max_abs = 0, scale = 0;
    for (size_t i = 0; i < n; i++) {
        max_abs = std::max(max_abs, std::fabs((double)got[i] - want[i]));
        scale = std::max(scale, std::fabs((double)want[i]));
    }
    return {max_abs, scale > 0 ? max_abs / scale : max_abs};
}

// The project's second hyperparameter set (gpt2.py HYPER["llmc"]; the default one is hyper.h's).
static TrainStepConfig hyper_llmc() {  // llm.c's train_gpt2.c: lr 1e-4 constant, betas 0.9/0.999, no wd, no clipping
    TrainStepConfig h;
    h.schedule.lr = 1e-4f;
    h.schedule.total = 10;
    h.schedule.kind = Schedule::Constant;
    h.adamw.beta1 = 0.9f;
    h.adamw.beta2 = 0.999f;
    h.adamw.eps = 1e-8f;
    h.adamw.weight_decay = 0.0f;
    h.grad_clip = 0.0f;
    return h;
}

// 10 steps of the trainer's own step function (model/train_step.h) on a loader's batches.
static std::vector<float> train_10_steps(GPT2& model, DataLoader& loader, const TrainStepConfig& h) {
    std::vector<float> losses;
    for (int step = 0; step < 10; step++) {
        StepResult r = gpt2_train_step(model, h, step, loader.B, loader.T, [&](int* inputs, int* targets) {
            dataloader_next_batch(loader, inputs, targets);
        });
        losses.push_back((float)r.loss);
    }
    return losses;
}

// 10 steps on one fixed batch, as llm.c's test_gpt2.c.
static std::vector<float> train_10_steps(GPT2& model, const int* inputs, const int* targets, int B, int T,
                                         const TrainStepConfig& h) {
    std::vector<float> losses;
    for (int step = 0; step < 10; step++) {
        StepResult r = gpt2_train_step(model, h, step, B, T, [&](int* in, int* tg) {
            std::copy(inputs, inputs + (size_t)B * T, in);
            std::copy(targets, targets + (size_t)B * T, tg);
        });
        losses.push_back((float)r.loss);
    }
    return losses;
}

// A loader over token ids, in the trainer's sequential order.
static void loader_from_tokens(DataLoader& loader, const std::vector<int32_t>& tokens, int B, int T) {
    dataloader_init_tokens(loader, std::vector<uint16_t>(tokens.begin(), tokens.end()), "reference tokens", B, T,
                           DataLoaderOptions{});
}

static const char* const MODEL_FIXTURES[] = {"gpt2_v256", "gpt2_v200"};

// ----------------------------------------------------------------------------
// forward, backward

TEST_CASE("gpt2/forward") {
    for (const std::string name : MODEL_FIXTURES) {
        Reference ref = reference_load(name);
        GPT2 model;
        build_reference_model(model, ref);
        const int B = ref.B, T = ref.T, V = ref.config.vocab_size, Vp = ref.config.padded_vocab_size;
        gpt2_forward(model, ref.fx.i("inputs").data(), ref.fx.i("targets").data(), B, T);
        // the first V of each position's Vp logits; the padded ones are never used
        std::vector<float> logits((size_t)B * T * V);
        for (size_t bt = 0; bt < (size_t)B * T; bt++)
            for (int v = 0; v < V; v++) logits[bt * V + v] = model.acts.logits[bt * Vp + v];
        const auto& want = ref.fx.f("logits");
        REQUIRE(want.size() == logits.size());
        ErrorStats e = error_stats(logits.data(), want.data(), want.size());
        MESSAGE(name << " logits: max_abs " << e.max_abs << " max_rel " << e.max_rel << "; loss " << model.mean_loss
                     << " vs PyTorch " << ref.fx.f("loss")[0]);
        check_tensor((name + " logits").c_str(), logits.data(), want.data(), want.size(), TOL_FORWARD);
        check_tensor((name + " loss").c_str(), &model.mean_loss, ref.fx.f("loss").data(), 1, TOL_FORWARD);
    }
}

TEST_CASE("gpt2/backward") {
    for (const std::string name : MODEL_FIXTURES) {
        Reference ref = reference_load(name);
        GPT2 model;
        build_reference_model(model, ref);
        gpt2_forward(model, ref.fx.i("inputs").data(), ref.fx.i("targets").data(), ref.B, ref.T);
        gpt2_zero_grad(model);
        gpt2_backward(model);
        // every parameter tensor by its table name, as llm.c's test_gpt2.c prints them
        const auto& want = ref.fx.f("grads");
        REQUIRE(want.size() == model.num_parameters);
        MESSAGE(name << ": gradient errors per tensor (max_rel is relative to the tensor's largest entry)");
        size_t offset = 0;
        for (const ParameterInfo& e : model.param_table) {
            const float* got = model.grads_memory.data() + offset;
            ErrorStats s = error_stats(got, want.data() + offset, e.count);
            char line[160];
            std::snprintf(line, sizeof line, "%-9s n=%-6zu max_abs %.3e  max_rel %.3e", e.name, e.count, s.max_abs,
                          s.max_rel);
            MESSAGE(line);
            check_tensor((name + " d" + e.name).c_str(), got, want.data() + offset, e.count, TOL_GRAD);
            offset += e.count;
        }
    }
}

// ----------------------------------------------------------------------------
// training: 10 AdamW steps on the same batch, as llm.c's test_gpt2.c

static void check_training(const std::string& set, const TrainStepConfig& h) {
    for (const std::string name : MODEL_FIXTURES) {
        Reference ref = reference_load(name);
        GPT2 model;
        build_reference_model(model, ref);
        std::vector<float> losses =
            train_10_steps(model, ref.fx.i("inputs").data(), ref.fx.i("targets").data(), ref.B, ref.T, h);
        const auto& want_losses = ref.fx.f("losses_" + set);
        const auto& want_params = ref.fx.f("params_" + set);
        // subtle: Adam divides each gradient by its own running size, so an entry whose gradient
        // is rounding noise takes steps of about +-lr in the noise's direction, different on each
        // side. The key bias is the extreme case: its gradient is exactly 0 (adding b to every key
        // adds q.b to all of a query's scores, which softmax ignores), so both sides see only
        // ~1e-10 of rounding. In general, an entry whose reference gradient lies within
        // gpt2/backward's own tolerance of zero (|g| <= TOL_GRAD * its tensor's largest |g|) has a
        // direction that test does not pin down, and the GEMM's rounding (which differs between
        // Eigen and OpenBLAS's kernels) decides it. Such entries can only be held to steps*lr, and
        // are compared on their own; which ones they are comes from PyTorch's gradient alone.
        // (An exact 0 there is an unused entry, wte's padding rows: Adam leaves those exact.)
        const auto& want_grads = ref.fx.f("grads");
        std::vector<float> got = model.params_memory, want(want_params), got_noise, want_noise;
        size_t offset = 0;
        for (const ParameterInfo& p : model.param_table) {
            double scale = 0;
            for (size_t i = offset; i < offset + p.count; i++) scale = std::max(scale, std::fabs((double)want_grads[i]));
            for (size_t i = offset; i < offset + p.count; i++)
                if (want_grads[i] != 0.0f && std::fabs((double)want_grads[i]) <= TOL_GRAD * scale) {
                    got_noise.push_back(got[i]);
                    want_noise.push_back(want[i]);
                    got[i] = want[i] = 0.0f;  // taken out of the main comparison
                }
            offset += p.count;
        }
        // a rule for a few entries (the key bias and ~0.02% of the rest), never for a whole tensor
        const size_t key_bias = (size_t)ref.config.num_layers * ref.config.channels;
        CHECK(got_noise.size() >= key_bias);
        CHECK(got_noise.size() <= key_bias + want.size() / 1000);
        ErrorStats e = error_stats(got.data(), want.data(), want.size());
        ErrorStats el = error_stats(losses.data(), want_losses.data(), 10);
        MESSAGE(name << " " << set << ": loss " << losses[0] << " -> " << losses[9] << " (PyTorch " << want_losses[0]
                     << " -> " << want_losses[9] << "), losses max_abs " << el.max_abs << "; final params max_abs "
                     << e.max_abs << " (" << got_noise.size() << " entries with a rounding-level gradient apart)");
        check_tensor_abs((name + " rounding-level entries after 10 steps").c_str(), got_noise.data(),
                         want_noise.data(), got_noise.size(), 10 * h.schedule.lr);
        check_tensor((name + " losses_" + set).c_str(), losses.data(), want_losses.data(), 10,
                     TOL_TRAIN_LOSS);
        check_tensor((name + " params_" + set).c_str(), got.data(), want.data(), want.size(), TOL_TRAIN_PARAMS);
    }
}

TEST_CASE("gpt2/train default hyperparameters") { check_training("default", hyper_default()); }
TEST_CASE("gpt2/train llm.c hyperparameters") { check_training("llmc", hyper_llmc()); }

// ----------------------------------------------------------------------------
// llm.c interchangeability: an llm.c checkpoint (-e) and token shard (-i), llm.c's settings,
// sequential batches (batch k = tokens k*B*T .. k*B*T + B*T, targets shifted by one)

TEST_CASE("gpt2/llm.c interop") {
    Reference ref = reference_load("gpt2_v256");
    std::string dir = temp_dir("llmc");
    write_llmc_checkpoint(dir + "/model.bin", ref.config, ref.fx.f("params"));
    write_llmc_shard(dir + "/train.bin", ref.fx.i("shard_tokens"));
    GPT2 model;
    gpt2_build_from_checkpoint(model, dir + "/model.bin");
    // the trainer's -i: the shard through the shard loader, llm.c's sequential order
    DataLoader loader;
    DataLoaderOptions opt;
    opt.vocab_size = ref.config.vocab_size;
    dataloader_init(loader, dir + "/train.bin", ref.B, ref.T, opt);
    std::vector<float> losses = train_10_steps(model, loader, hyper_llmc());
    const auto& want = ref.fx.f("losses_shard");
    double max_rel = 0;
    for (int step = 0; step < 10; step++) {
        double rel = std::fabs(losses[step] - want[step]) / std::fabs(want[step]);
        max_rel = std::max(max_rel, rel);
        INFO("step " << step << ": train loss " << losses[step] << ", PyTorch " << want[step]);
        CHECK(rel <= TOL_LLMC_LOSS);
    }
    MESSAGE("llm.c settings, sequential shard batches: loss " << losses[0] << " -> " << losses[9] << " (PyTorch "
                                                              << want[0] << " -> " << want[9] << "), max relative error "
                                                              << max_rel);
}

TEST_CASE("gpt2/save_checkpoint writes llm.c's format") {
    // what gpt2_save_checkpoint writes is byte for byte the file llm.c (and gpt2.py) write, but for
    // the three checksum slots (253..255), which llm.c writes as 0 and never reads
    Reference ref = reference_load("gpt2_v200");
    GPT2 model;
    build_reference_model(model, ref);
    std::string dir = temp_dir("save");
    gpt2_save_checkpoint(model, dir + "/ours.bin");
    write_llmc_checkpoint(dir + "/llmc.bin", ref.config, ref.fx.f("params"));
    std::string ours = read_file(dir + "/ours.bin"), llmc = read_file(dir + "/llmc.bin");
    REQUIRE(ours.size() == llmc.size());
    CHECK(ours.compare(4 * HEADER_SLOT_CHECKSUMS, 4, "CRC1") == 0);  // ours has them
    std::memset(&ours[4 * HEADER_SLOT_CHECKSUMS], 0, 3 * 4);
    CHECK(ours == llmc);
}

// ----------------------------------------------------------------------------
// dropout: PyTorch's masks cannot be reproduced, so it is tested by its properties

TEST_CASE("gpt2/dropout is off in evaluation, and keeping every element changes nothing") {
    // subtle: p = 0 returns before the mask (dropout.cpp), so comparing a training pass at p = 0
    // with an evaluation pass runs the same code twice and could not fail. Instead: (1) in
    // evaluation, a model with dropout 0.5 gives PyTorch's dropout-free logits, loss and
    // gradients; (2) a training pass at p = 1e-30 runs the whole mask path (forward and backward,
    // every site), keeps every element (a coin below 1e-30 has probability 2^-53) and scales by
    // 1/(1-p), exactly 1.0f: it must equal the evaluation pass bit for bit.
    Reference ref = reference_load("gpt2_v200");
    GPT2 model;
    build_reference_model(model, ref);
    const int* inputs = ref.fx.i("inputs").data();
    const int* targets = ref.fx.i("targets").data();
    const size_t BTVp = (size_t)ref.B * ref.T * ref.config.padded_vocab_size;
    std::vector<float> logits[2], grads[2];
    float loss[2];
    for (int k = 0; k < 2; k++) {
        model.training = k == 1;
        model.dropout = k == 0 ? 0.5f : 1e-30f;
        model.dropout_seed = 1234;
        gpt2_forward(model, inputs, targets, ref.B, ref.T);
        gpt2_zero_grad(model);
        gpt2_backward(model);
        logits[k].assign(model.acts.logits, model.acts.logits + BTVp);
        grads[k] = model.grads_memory;
        loss[k] = model.mean_loss;
    }
    // (1) evaluation against PyTorch (the model's own tests' tolerances)
    check_tensor("eval loss with dropout 0.5", &loss[0], ref.fx.f("loss").data(), 1, TOL_FORWARD);
    check_tensor("eval dparams with dropout 0.5", grads[0].data(), ref.fx.f("grads").data(), grads[0].size(),
                 TOL_GRAD);
    // (2) the mask path with every element kept, bit for bit
    CHECK(loss[0] == loss[1]);
    CHECK(logits[0] == logits[1]);
    CHECK(grads[0] == grads[1]);
}

TEST_CASE("gpt2/dropout mask statistics") {
    // each element is kept with probability 1-p, independently of its neighbours and of other seeds
    const size_t N = 1 << 20;
    for (float p : {0.1f, 0.5f}) {
        size_t kept = 0, kept_pairs = 0, both_seeds = 0;
        bool prev = false;
        for (size_t i = 0; i < N; i++) {
            bool k = dropout_keep(p, 42, i);
            kept += k;
            kept_pairs += k && prev;
            both_seeds += k && dropout_keep(p, 43, i);
            prev = k;
        }
        double q = 1.0 - p, sigma = std::sqrt(q * p / N);  // binomial standard error of a fraction
        INFO("p=" << p << ": kept " << kept << " of " << N);
        CHECK(std::fabs((double)kept / N - q) < 5 * sigma);
        CHECK(std::fabs((double)kept_pairs / (N - 1) - q * q) < 5 * std::sqrt(q * q * (1 - q * q) / N) * 2);
        CHECK(std::fabs((double)both_seeds / N - q * q) < 5 * std::sqrt(q * q * (1 - q * q) / N));
    }
}

TEST_CASE("gpt2/dropout backward (finite differences)") {
    // With the dropout seed fixed, the masked model is a fixed function of the parameters,
    // so its gradient can be checked by finite differences.
    Reference ref = reference_load("gpt2_v200");
    GPT2 model;
    build_reference_model(model, ref);
    model.dropout = 0.2f;
    model.training = true;
    model.dropout_seed = 7;
    const int* inputs = ref.fx.i("inputs").data();
    const int* targets = ref.fx.i("targets").data();
    gpt2_forward(model, inputs, targets, ref.B, ref.T);
    const float loss_eval_free = model.mean_loss;
    gpt2_zero_grad(model);
    gpt2_backward(model);
    const std::vector<float> grads = model.grads_memory;
    // the masks really act: the loss differs from the one without dropout
    CHECK(loss_eval_free != ref.fx.f("loss")[0]);
    // every tensor along random directions (test/model/gradcheck.h): single entries at a 2%
    // tolerance, as before, would miss an error orthogonal to the gradient
    size_t probed = 0;
    CHECK(random_direction_check(model, grads, inputs, targets, ref.B, ref.T, &probed) < TOL_DIRECTION);
    CHECK(probed == model.param_table.size());
}

// ----------------------------------------------------------------------------
// initialisation: -e d2 --seed 42 starts from PyTorch's torch.manual_seed(42) weights

TEST_CASE("gpt2/init matches PyTorch") {
    Fixture fx = fixture_load("gpt2_init");
    const auto& cfg = fx.i("config");  // maxT V Vp L NH C seed
    GPT2 model;
    gpt2_build_from_descriptor(model, "d2", cfg[0], cfg[1], (uint64_t)cfg[6]);
    REQUIRE(model.config.num_layers == cfg[3]);
    REQUIRE(model.config.num_heads == cfg[4]);
    REQUIRE(model.config.channels == cfg[5]);
    size_t offset = 0, k = 0;
    for (const ParameterInfo& e : model.param_table) {
        const float* got = model.params_memory.data() + offset;
        INFO(std::string(e.name));
        check_tensor(e.name, got, fx.f(std::string("head_") + e.name).data(), 16, 0.0f);  // exact
        CHECK(fixture_fingerprint(got, e.count) == (uint32_t)fx.i("fingerprint")[k]);
        offset += e.count;
        k++;
    }
}

TEST_CASE("gpt2/init matches PyTorch with 7 layers") {
    // std 0.02/sqrt(2L) for the residual projections: PyTorch computes it in double; with
    // L=7 a float32 computation rounds to a different float, and every value drawn differs
    Fixture fx = fixture_load("gpt2_init");
    const auto& cfg = fx.i("l7h1c8_config");  // maxT V Vp L NH C seed
    GPT2 model;
    gpt2_build_from_descriptor(model, "l7h1c8", cfg[0], cfg[1], (uint64_t)cfg[6]);
    REQUIRE(model.config.num_layers == cfg[3]);
    size_t offset = 0, k = 0;
    for (const ParameterInfo& e : model.param_table) {
        INFO(std::string(e.name));
        CHECK(fixture_fingerprint(model.params_memory.data() + offset, e.count) ==
              (uint32_t)fx.i("l7h1c8_fingerprint")[k]);
        offset += e.count;
        k++;
    }
}

TEST_CASE("gpt2/from scratch follows PyTorch's loss curve") {
    // the same init (above) and the same batches give the same 10 losses as PyTorch
    Fixture fx = fixture_load("gpt2_init");
    const auto& cfg = fx.i("config");  // maxT V Vp L NH C seed
    const int B = fx.i("scratch_BT")[0], T = fx.i("scratch_BT")[1];
    GPT2 model;
    gpt2_build_from_descriptor(model, "d2", cfg[0], cfg[1], (uint64_t)cfg[6]);
    DataLoader loader;
    loader_from_tokens(loader, fx.i("scratch_tokens"), B, T);
    std::vector<float> losses = train_10_steps(model, loader, hyper_default());
    const auto& want = fx.f("losses_scratch");
    MESSAGE("from scratch (d2, seed 42): loss " << losses[0] << " -> " << losses[9] << " (PyTorch " << want[0] << " -> "
                                               << want[9] << ")");
    check_tensor("from-scratch losses", losses.data(), want.data(), 10, TOL_TRAIN_LOSS);
}

TEST_CASE("gpt2/backward does not depend on where the buffers sit") {
    // models with the same weights and batch whose buffers sit at the four offsets modulo 64 bytes
    // (a cache line, the widest vector) that malloc's 16-byte alignment allows: bit-identical
    // gradients (a vectorised reduction that peels unaligned elements would not be). The test
    // binary's operator new places them (test/shifted_new.h), so no heap history can defeat it.
    Reference ref = reference_load("gpt2_v200");
    std::vector<std::unique_ptr<GPT2>> models;
    for (size_t shift : {0, 16, 32, 48}) {
        CAPTURE(shift);
        new_shift_bytes = shift;
        models.push_back(std::make_unique<GPT2>());
        GPT2& model = *models.back();
        build_reference_model(model, ref);
        gpt2_forward(model, ref.fx.i("inputs").data(), ref.fx.i("targets").data(), ref.B, ref.T);
        gpt2_zero_grad(model);
        gpt2_backward(model);
        new_shift_bytes = 0;
        for (const float* buffer : {model.params_memory.data(), model.grads_memory.data(), model.acts_memory.data(),
                                    model.grads_acts_memory.data()})
            REQUIRE((uintptr_t)buffer % 64 == shift);
    }
    for (size_t k = 1; k < models.size(); k++) CHECK(models[k]->grads_memory == models[0]->grads_memory);
}
