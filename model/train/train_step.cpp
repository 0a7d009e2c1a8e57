// train_step.cpp: one optimizer step. See train_step.h.
#include "model/train/train_step.h"
#include "model/parallel.h"  // worth_threads: small models scale on one thread

#include <cmath>  // isfinite
#include <vector>

StepResult gpt2_train_step(GPT2& model, const TrainStepConfig& cfg, int step, int B, int T,
                           const std::function<void(int* inputs, int* targets)>& next_batch) {
    std::vector<int>& inputs = model.next_inputs;  // (B,T): sized at the first step, then reused
    std::vector<int>& targets = model.next_targets;
    inputs.resize((size_t)B * T);
    targets.resize((size_t)B * T);
    model.training = true;
    gpt2_zero_grad(model);
    double loss = 0.0;
    for (int micro = 0; micro < cfg.accum_steps; micro++) {
        next_batch(inputs.data(), targets.data());
        model.dropout_seed = gpt2_dropout_key(cfg.seed, (uint64_t)step * cfg.accum_steps + micro);  // every bit of both
        gpt2_forward(model, inputs.data(), targets.data(), B, T);
        gpt2_backward(model);  // adds this micro-batch's gradient of its mean loss
        loss += model.mean_loss;
    }
    model.training = false;
    // the sum of k mean-loss gradients, divided by k, is the gradient of the mean over all k*B*T
    if (cfg.accum_steps > 1) {
        const float inv = 1.0f / (float)cfg.accum_steps;
        float* g = model.grads_memory.data();
        #pragma omp parallel for if(worth_threads(model.num_parameters))
        for (size_t i = 0; i < model.num_parameters; i++) g[i] *= inv;
    }
    StepResult r;
    r.loss = loss / cfg.accum_steps;
    r.norm = grad_norm(model.grads_memory.data(), model.num_parameters);
    r.lr = learning_rate(cfg.schedule, step);
    r.updated = std::isfinite(r.loss) && std::isfinite(r.norm);
    if (!r.updated) return r;
    clip_grads(model.grads_memory.data(), model.num_parameters, r.norm, cfg.grad_clip);
    gpt2_update(model, r.lr, cfg.adamw, step + 1);
    return r;
}
