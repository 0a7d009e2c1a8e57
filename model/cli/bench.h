// bench.h: `./train bench`, the speed benchmark of one training step.
// For each config it builds a model (checkpoint or descriptor), runs warm-up steps, then
// timed steps of the trainer's own step (gpt2_train_step: zero_grad, forward, backward, norm,
// clip, AdamW) on fixed tokens, and prints one
// line starting with "bench:" (ms_per_step, tok_per_s, gflops, peak_frac, memory).
// peak_frac compares the model's FLOP rate with an sgemm ceiling measured in the same
// process with the GEMM the model uses (Eigen, or OpenBLAS behind it with BLAS=openblas).
// Memory: mem_ratio = peak resident set / the model card's sum (parameters, gradients, AdamW
// m and v, activations); model_mem_ratio leaves out what the process held before the model.
// dev/bench_compare.py runs it next to dev/bench_pytorch.py and prints the ratio table.
#pragma once

// `./train bench ...`: its flags and what runs them (data/common/flags.h). Running throws
// UsageError on a bad command line.
struct Command;
Command bench_command();
