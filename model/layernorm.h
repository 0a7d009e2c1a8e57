// layernorm.h: LayerNorm over the channels of each position (GPT-2 uses it before
// attention, before the MLP, and once more before the logits).
//   forward:  mean = sum_i x_i / C;  rstd = 1/sqrt(sum_i (x_i-mean)^2 / C + 1e-5)
//             n_i = (x_i - mean) * rstd;  out_i = w_i * n_i + b_i
//   backward: dw_i += sum_bt dout_i n_i;  db_i += sum_bt dout_i
//             dx_i += rstd * (g_i - mean_j(g_j) - n_i * mean_j(g_j n_j))   with g = w * dout
// Forward caches mean and rstd per position (B,T) so backward can rebuild n from x
// without storing it. The derivation: README "One layer walked end to end".
// layernorm_forward_naive / layernorm_backward_naive are the plain loops (one position, then one
// channel, at a time; every sum in double in index order), to read first and the tests' second
// oracle. The fast ones, which the model calls, vectorise the channel sums (reduce.h) and split
// the work across threads: dweight and dbias by slices of channels, so no two threads add into
// the same gradient.
// PyTorch: nn.LayerNorm(C, eps=1e-5), https://pytorch.org/docs/stable/generated/torch.nn.LayerNorm.html
#pragma once

// out (B,T,C)  mean (B,T)  rstd (B,T)  inp (B,T,C)  weight (C)  bias (C)
void layernorm_forward_naive(float* out, float* mean, float* rstd, const float* inp, const float* weight,
                             const float* bias, int B, int T, int C);
// dinp (B,T,C) +=  dweight (C) +=  dbias (C) +=  dout (B,T,C)  inp (B,T,C)  weight (C)  mean, rstd (B,T)
void layernorm_backward_naive(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                              const float* weight, const float* mean, const float* rstd, int B, int T, int C);

// the same two, fast: arguments as above
void layernorm_forward(float* out, float* mean, float* rstd, const float* inp, const float* weight, const float* bias,
                       int B, int T, int C);
void layernorm_backward(float* dinp, float* dweight, float* dbias, const float* dout, const float* inp,
                        const float* weight, const float* mean, const float* rstd, int B, int T, int C);
