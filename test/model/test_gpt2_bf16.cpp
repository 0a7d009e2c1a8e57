// test_gpt2_bf16.cpp: --precision bf16's whole model against PyTorch (dev/reference/gpt2_bf16.py).
// The reference is gpt2.py's GPT-2 with every matrix product (forward and backward) taking bf16
// inputs and summing in fp32 with fp32 results: model/gemm_bf16.h's contract. It starts from
// gpt2_v256.bin's parameters and batch (L=2 NH=4 C=48 V=256, B=4 T=32), as test_gpt2.cpp does,
// and holds step 0's logits, loss and gradients, and the losses of 20 default-hyperparameter
// steps; beside them the same 20 steps in fp32 and under torch.autocast.
// The tolerances below are set from the noise a correct kernel shows (the reference summed in
// other orders) against the bugs the test must catch: dev/reference/README.md, "Mixed precision".
// Every bf16 kernel this CPU can run is tested; the others are reported as skipped.
#include "model/gemm_bf16.h"          // Bf16Kernel, bf16_use_kernel: each kernel in turn
#include "model/gpt2.h"               // GPT2, Precision
#include "model/train/train_step.h"  // gpt2_train_step: the trainer's optimizer step
#include "test/check.h"
#include "test/model/hyper.h"  // hyper_default: the references' hyperparameters
#include "test/fixture.h"

#include <algorithm>  // copy
#include <cmath>      // fabs, sqrt
#include <string>
#include <vector>

// ----------------------------------------------------------------------------
// tolerances, each from dev/reference/README.md's table

// subtle: a different last bit in one product's output can move that element across a bf16
// rounding boundary in the next product (an error of 2^-9 instead of 2^-24), and the products after
// spread it; so a correct kernel's noise is far above fp32's and comes in outliers. The tight
// checks therefore measure L2 norms (||got - want|| / ||want||), which outliers barely move and a
// systematic error (every element off by ~2^-9) moves fully; per-element maxima only catch gross
// errors. "noise" below: the reference summed in other orders, and a C++ model that rounds the
// inputs of Eigen's fp32 GEMM ("C++"), both measured; "bugs": the smallest of fp32, backward's
// products in fp32, attention's products in fp32.
// step 0's logits, L2: noise 3e-5 (C++ 9e-5), bugs >= 2.9e-3
constexpr double TOL_BF16_LOGITS_L2 = 5e-4;
// step 0's gradients, L2 over all tensors together: noise 5e-4 (C++ 2.7e-4), bugs >= 3.5e-3 (C++ with
// only matmul's backward left in fp32: 2.5e-3)
constexpr double TOL_BF16_GRADS_L2 = 1.5e-3;
// step 0's loss, relative: noise 2e-7 (C++ 4e-7), bugs 3e-6 to 1e-5 (backward in fp32: 0, which
// the gradients catch): a thin separation, so the L2 checks above carry it
constexpr double TOL_BF16_LOSS = 2e-6;
// per element, max |diff| over the tensor's largest |entry| (check_tensor), logits and each
// gradient tensor: noise up to 2.3e-3 in a gradient tensor, 6e-4 in the logits; this catches gross
// errors only (an entry zero, doubled, of the wrong sign); it is llm.c's full-model gradient tolerance
constexpr float TOL_BF16_ELEMENT = 2e-2f;
// the 20 losses, relative: noise up to 6e-5 (the curve's own chaos over 20 Adam steps, as large as
// fp32 vs bf16, so this cannot tell those apart: step 0 does); a weight copy one step stale moves a
// loss by at least the smallest step-to-step drop, 1.7e-3
constexpr float TOL_BF16_TRAIN_LOSS = 2e-4f;
// the 20 losses against torch.autocast, whose products return bf16 results and whose softmax runs
// in bf16: it lands up to 7.5e-5 from the reference, and our noise adds up to 6e-5
constexpr float TOL_AUTOCAST_LOSS = 3e-4f;

// ----------------------------------------------------------------------------
// helpers

struct Bf16Reference {
    Fixture start;  // gpt2_v256: params, inputs, targets
    Fixture fx;     // gpt2_bf16: the bf16 reference
    GPT2Config config;
    int B, T, steps;
};

static Bf16Reference bf16_reference_load() {
    Bf16Reference ref{fixture_load("gpt2_v256"), fixture_load("gpt2_bf16"), {}, 0, 0, 0};
    const auto& c = ref.fx.i("config");  // maxT V Vp L NH C B T steps
    ref.config = GPT2Config{c[0], c[1], c[2], c[3], c[4], c[5]};
    ref.B = c[6];
    ref.T = c[7];
    ref.steps = c[8];
    // the reference started from these very parameters
    const auto& params = ref.start.f("params");
    REQUIRE(fixture_fingerprint(params.data(), params.size()) == (uint32_t)ref.fx.i("params_fingerprint")[0]);
    return ref;
}

// The reference's starting model, in the given precision.
static void build_model(GPT2& model, const Bf16Reference& ref, Precision precision) {
    gpt2_build(model, ref.config);
    const auto& params = ref.start.f("params");
    REQUIRE(model.num_parameters == params.size());
    std::copy(params.begin(), params.end(), model.params_memory.begin());
    model.precision = precision;  // the bf16 copy of the weights is made by the first forward
}

// The first V of each position's Vp logits, after a forward on the reference batch.
static std::vector<float> forward_logits(GPT2& model, const Bf16Reference& ref) {
    gpt2_forward(model, ref.start.i("inputs").data(), ref.start.i("targets").data(), ref.B, ref.T);
    const int V = ref.config.vocab_size, Vp = ref.config.padded_vocab_size;
    std::vector<float> logits((size_t)ref.B * ref.T * V);
    for (size_t bt = 0; bt < (size_t)ref.B * ref.T; bt++)
        for (int v = 0; v < V; v++) logits[bt * V + v] = model.acts.logits[bt * Vp + v];
    return logits;
}

// max |got - want| over max |want|: check_tensor's measure
static double max_rel(const std::vector<float>& got, const std::vector<float>& want) {
    double diff = 0, scale = 0;
    for (size_t i = 0; i < want.size(); i++) {
        diff = std::max(diff, std::fabs((double)got[i] - want[i]));
        scale = std::max(scale, std::fabs((double)want[i]));
    }
    return diff / scale;
}

// ||got - want|| / ||want||, L2 norms
static double l2_rel(const float* got, const float* want, size_t n) {
    double diff = 0, norm = 0;
    for (size_t i = 0; i < n; i++) {
        diff += ((double)got[i] - want[i]) * ((double)got[i] - want[i]);
        norm += (double)want[i] * want[i];
    }
    return std::sqrt(diff / norm);
}

// `steps` trainer steps on the reference batch (the same batch every step, as the reference).
static std::vector<float> train_losses(GPT2& model, const Bf16Reference& ref) {
    const TrainStepConfig h = hyper_default(ref.steps);
    const auto& inputs = ref.start.i("inputs");
    const auto& targets = ref.start.i("targets");
    std::vector<float> losses;
    for (int step = 0; step < ref.steps; step++) {
        StepResult r = gpt2_train_step(model, h, step, ref.B, ref.T, [&](int* in, int* tg) {
            std::copy(inputs.begin(), inputs.end(), in);
            std::copy(targets.begin(), targets.end(), tg);
        });
        losses.push_back((float)r.loss);
    }
    return losses;
}

// Runs check(kernel name) once per bf16 kernel this CPU can run, each made gemm_bf16's choice in
// turn; the kernel in use before is restored after.
template <class F>
static void for_each_kernel(F check) {
    const Bf16Kernel before = bf16_kernel();
    for (Bf16Kernel k : {Bf16Kernel::amx, Bf16Kernel::avx512, Bf16Kernel::portable}) {
        if (!bf16_kernel_supported(k)) {
            MESSAGE("bf16 kernel " << std::string(bf16_kernel_name(k)) << ": skipped, this CPU cannot run it");
            continue;
        }
        bf16_use_kernel(k);
        check(bf16_kernel_name(k));
    }
    bf16_use_kernel(before);
}

// ----------------------------------------------------------------------------
// step 0: forward and backward

TEST_CASE("gpt2_bf16/forward") {
    Bf16Reference ref = bf16_reference_load();
    const auto& want = ref.fx.f("logits");
    const double want_loss = ref.fx.f("loss")[0];
    for_each_kernel([&](const char* kernel) {
        GPT2 model;
        build_model(model, ref, Precision::bf16);
        std::vector<float> logits = forward_logits(model, ref);
        REQUIRE(logits.size() == want.size());
        const double loss_rel = std::fabs(model.mean_loss - want_loss) / want_loss;
        const double l2 = l2_rel(logits.data(), want.data(), want.size());
        MESSAGE(std::string(kernel) << ": logits L2 " << l2 << ", max_rel " << max_rel(logits, want) << "; loss "
                                    << model.mean_loss << " vs reference " << want_loss << " (relative " << loss_rel
                                    << ")");
        CHECK(l2 <= TOL_BF16_LOGITS_L2);
        CHECK(loss_rel <= TOL_BF16_LOSS);
        check_tensor((std::string(kernel) + " bf16 logits").c_str(), logits.data(), want.data(), want.size(),
                     TOL_BF16_ELEMENT);
    });
}

TEST_CASE("gpt2_bf16/backward") {
    Bf16Reference ref = bf16_reference_load();
    const auto& want = ref.fx.f("grads");
    for_each_kernel([&](const char* kernel) {
        GPT2 model;
        build_model(model, ref, Precision::bf16);
        forward_logits(model, ref);
        gpt2_zero_grad(model);
        gpt2_backward(model);
        REQUIRE(want.size() == model.num_parameters);
        const double l2 = l2_rel(model.grads_memory.data(), want.data(), want.size());
        MESSAGE(std::string(kernel) << ": gradients, L2 of the difference over L2 of the reference: " << l2);
        CHECK(l2 <= TOL_BF16_GRADS_L2);
        size_t offset = 0;
        for (const ParameterInfo& e : model.param_table) {
            check_tensor((std::string(kernel) + " bf16 d" + e.name).c_str(), model.grads_memory.data() + offset,
                         want.data() + offset, e.count, TOL_BF16_ELEMENT);
            offset += e.count;
        }
    });
}

// The test can tell fp32 from bf16: our fp32 model lands outside the step-0 tolerances above.
TEST_CASE("gpt2_bf16/the fp32 model fails the bf16 tolerances") {
    Bf16Reference ref = bf16_reference_load();
    GPT2 model;
    build_model(model, ref, Precision::fp32);
    std::vector<float> logits = forward_logits(model, ref);
    gpt2_zero_grad(model);
    gpt2_backward(model);
    const auto& want = ref.fx.f("logits");
    const auto& grads = ref.fx.f("grads");
    const double logits_l2 = l2_rel(logits.data(), want.data(), want.size());
    const double loss_rel = std::fabs(model.mean_loss - ref.fx.f("loss")[0]) / ref.fx.f("loss")[0];
    const double grads_l2 = l2_rel(model.grads_memory.data(), grads.data(), grads.size());
    MESSAGE("fp32 against the bf16 reference: logits L2 " << logits_l2 << ", loss " << loss_rel << ", gradients L2 "
                                                            << grads_l2);
    CHECK(logits_l2 > 2 * TOL_BF16_LOGITS_L2);
    CHECK(loss_rel > 2 * TOL_BF16_LOSS);
    CHECK(grads_l2 > 2 * TOL_BF16_GRADS_L2);
}

// ----------------------------------------------------------------------------
// 20 training steps

TEST_CASE("gpt2_bf16/train 20 steps") {
    Bf16Reference ref = bf16_reference_load();
    const auto& want = ref.fx.f("losses_bf16");
    const auto& autocast = ref.fx.f("losses_autocast");
    REQUIRE(want.size() == (size_t)ref.steps);
    for_each_kernel([&](const char* kernel) {
        GPT2 model;
        build_model(model, ref, Precision::bf16);
        std::vector<float> losses = train_losses(model, ref);
        MESSAGE(std::string(kernel) << ": loss " << losses[0] << " -> " << losses.back() << " (reference " << want[0] << " -> "
                       << want.back() << ", torch.autocast " << autocast.back() << ")");
        check_tensor((std::string(kernel) + " bf16 losses").c_str(), losses.data(), want.data(), want.size(),
                     TOL_BF16_TRAIN_LOSS);
        check_tensor((std::string(kernel) + " bf16 losses vs torch.autocast").c_str(), losses.data(), autocast.data(),
                     autocast.size(), TOL_AUTOCAST_LOSS);
    });
}

// The 20-step setup is the reference's: our fp32 model gives its fp32 curve to fp32's tolerance.
TEST_CASE("gpt2_bf16/the fp32 curve of the same 20 steps") {
    Bf16Reference ref = bf16_reference_load();
    GPT2 model;
    build_model(model, ref, Precision::fp32);
    std::vector<float> losses = train_losses(model, ref);
    const auto& want = ref.fx.f("losses_fp32");
    MESSAGE("fp32: loss " << losses[0] << " -> " << losses.back() << " (PyTorch " << want[0] << " -> " << want.back()
                          << ")");
    check_tensor("fp32 losses, 20 steps", losses.data(), want.data(), want.size(), TOL_TRAIN_LOSS);
}
