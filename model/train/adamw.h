// adamw.h: the optimizer, plus global-norm gradient clipping.
//   AdamW (PyTorch's operation order, t counts from 1):
//     p *= 1 - lr*wd                          decoupled weight decay (0 for biases and LayerNorm)
//     m = beta1 m + (1-beta1) g               first moment
//     v = beta2 v + (1-beta2) g^2             second moment
//     p -= lr/(1-beta1^t) * m / (sqrt(v)/sqrt(1-beta2^t) + eps)    bias-corrected step
//   clipping: norm = sqrt(sum g^2) over ALL parameters; if norm > max, g *= max/(norm+1e-6)
// m and v are buffers of the parameters' layout, kept between steps.
// adamw_update_naive and grad_norm_naive are the plain loops, to read first and the tests' second
// oracle: the textbook Adam step per element in double (mhat, vhat as in the formulas above), and
// one sum in double in index order. The fast ones, which training calls, are PyTorch's own
// operation order in float, over chunks that vectorise (adamw.cpp), and a sum over fixed blocks
// that threads share without changing the result.
// PyTorch: torch.optim.AdamW, torch.nn.utils.clip_grad_norm_
//   https://pytorch.org/docs/stable/generated/torch.optim.AdamW.html
#pragma once
#include <cstddef>  // size_t
#include <vector>

#include "model/gpt2.h"  // GPT2: gpt2_update walks its parameter table

struct AdamWConfig {
    float beta1 = 0.9f;          // first-moment decay
    float beta2 = 0.95f;         // second-moment decay (llm.c's train_gpt2.c uses 0.999)
    float eps = 1e-8f;           // keeps the step finite where v is 0
    float weight_decay = 0.0f;   // applied only to 2-D weights and embeddings (see tensors.h)
};

// One AdamW step over n parameters, with weight decay wd for this tensor. t is the step, from 1.
// params (n)  grads (n)  m (n)  v (n)
void adamw_update_naive(float* params, const float* grads, float* m, float* v, size_t n, float lr,
                        const AdamWConfig& cfg, float wd, int t);
// sqrt(sum g^2) over n gradients, summed in double in index order.
double grad_norm_naive(const float* grads, size_t n);

// the same two, fast: arguments as above. params_bf16 (n), if given, receives the updated params
// rounded to bf16 (the weights' copy of --precision bf16, gpt2.h), in the same pass.
void adamw_update(float* params, const float* grads, float* m, float* v, size_t n, float lr,
                  const AdamWConfig& cfg, float wd, int t, bf16* params_bf16 = nullptr);
// sqrt(sum g^2) over n gradients, accumulated in double, in a fixed order at any thread count.
double grad_norm(const float* grads, size_t n);
// grads *= max_norm/(norm+1e-6) when that factor is below 1 (as clip_grad_norm_); max_norm <= 0: no clipping.
void clip_grads(float* grads, size_t n, double norm, float max_norm);
// One AdamW step over the whole model (t counts from 1), tensor by tensor along the parameter
// table, with weight decay only on the tensors the table marks. m and v are allocated by the first call.
// In bf16 (model.precision) it also refreshes model.params_bf16, the weights the products read.
void gpt2_update(GPT2& model, float learning_rate, const AdamWConfig& cfg, int t);
// ZeRO-1 (distributed.h): the same step over parameters [begin, end) only, the shard of this rank;
// m and v then hold that shard alone (end - begin each). gpt2_update is the shard [0, num_parameters).
void gpt2_update_shard(GPT2& model, float learning_rate, const AdamWConfig& cfg, int t, size_t begin, size_t end);
// Where to cut the parameters into `shards` (shards + 1 entries, 0 .. num_parameters): cut r is about
// num_parameters * r / shards, moved up to a tensor's start or to a multiple of ADAMW_CHUNK into it.
// subtle: only there does each element take the same path through adamw_update's chunks as in the
// whole update (a chunk's tail runs other instructions, e.g. no fused multiply-add), so that
// sharding changes no bit; a cut anywhere else moved a weight by an ulp (test_adamw.cpp).
std::vector<size_t> gpt2_update_cuts(const GPT2& model, int shards);
// the elements adamw_update takes in one pass (16 KB of each array: in L1)
constexpr size_t ADAMW_CHUNK = 1024;
