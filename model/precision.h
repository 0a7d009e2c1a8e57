// precision.h: which precision a run's matrix products use, from --precision fp32|bf16|auto
// (the trainer, ./train sample and ./train bench share the flag). fp32 is the exact path checked
// against PyTorch; bf16 is mixed precision (bf16.h, gemm_bf16.h); auto takes bf16 where the CPU has
// bf16 units (AMX or AVX512-BF16), since there it is the faster one, and fp32 elsewhere.
#pragma once
#include <string>

#include "model/bf16.h"  // Precision

// What --help says of the flag.
extern const char* const PRECISION_HELP;
// The precision `value` names (fp32, bf16, auto); UsageError on anything else. bf16 on a CPU
// without bf16 units prints one line saying the portable kernel will run (same numbers, slower).
Precision parse_precision(const std::string& value);
// "fp32", or "bf16 (kernel avx512)": the model card's and the bench's precision line.
std::string precision_summary(Precision p);
