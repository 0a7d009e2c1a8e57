// train_step.cpp: one optimizer step. See train_step.h.
#include "model/train/train_step.h"
#include "model/parallel.h"  // worth_threads: small models scale on one thread
#include "model/train/distributed.h"  // rank, size, the sums across ranks, ZeRO-1's shard

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
    // this rank's micro-batches: rank, rank+N, ... of the step's accum_steps (all of them in one process)
    std::vector<double> losses(cfg.accum_steps, 0.0);  // (accum_steps) each micro-batch's mean loss
    for (int micro = distributed_rank(); micro < cfg.accum_steps; micro += distributed_size()) {
        next_batch(inputs.data(), targets.data());
        model.dropout_seed = gpt2_dropout_key(cfg.seed, (uint64_t)step * cfg.accum_steps + micro);  // every bit of both
        gpt2_forward(model, inputs.data(), targets.data(), B, T);
        gpt2_backward(model);  // adds this micro-batch's gradient of its mean loss
        losses[micro] = model.mean_loss;
    }
    // every rank's gradient sum, on every rank (MPI_Allreduce in place). subtle: for 2 ranks of one
    // micro-batch each that is g0 + g1, the very addition one process makes accumulating both
    distributed_sum(model.grads_memory.data(), model.num_parameters);
    // each loss comes from one rank (the others hold 0, and x + 0 is x): summed in micro-batch order,
    // the total is one process's to the bit, at any number of ranks
    distributed_sum(losses.data(), losses.size());
    double loss = 0.0;
    for (double l : losses) loss += l;
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
    if (cfg.zero_stage == 1) {
        // ZeRO-1: AdamW on this rank's shard (element-wise: the same bits as the whole), then every
        // rank's updated shard to every rank, and the bf16 copy of the weights from them
        const std::vector<size_t> cuts = gpt2_update_cuts(model, distributed_size());  // rank k: cuts[k] .. cuts[k+1]
        const int k = distributed_rank();
        gpt2_update_shard(model, r.lr, cfg.adamw, step + 1, cuts[k], cuts[k + 1]);
        distributed_allgather(model.params_memory.data(), cuts);
        if (model.precision == Precision::bf16)
            bf16_round_array(model.params_bf16.data(), model.params_memory.data(), model.num_parameters);
    } else {
        gpt2_update(model, r.lr, cfg.adamw, step + 1);
    }
    return r;
}
