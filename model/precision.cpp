// precision.cpp: --precision. See precision.h.
#include "model/precision.h"
#include "data/common/errors.h"  // UsageError
#include "model/gemm_bf16.h"     // bf16_kernel: what the CPU has

#include <cstdio>

const char* const PRECISION_HELP =
    "matrix products in fp32 (exact), bf16 (mixed precision: bf16 inputs, fp32 sums), or auto (bf16 where the CPU has bf16 units)";

Precision parse_precision(const std::string& value) {
    const bool has_units = bf16_kernel() != Bf16Kernel::portable;
    if (value == "fp32") return Precision::fp32;
    if (value == "auto") {
        std::printf("--precision auto: %s\n", has_units ? "bf16, this CPU has bf16 units" : "fp32, this CPU has no bf16 units");
        return has_units ? Precision::bf16 : Precision::fp32;
    }
    if (value != "bf16") throw UsageError("--precision " + value + ": expected fp32, bf16 or auto");
    if (!has_units)
        std::printf("--precision bf16: this CPU has no bf16 units (AMX, AVX512-BF16); the portable kernel runs "
                    "(the same numbers, slower than fp32)\n");
    return Precision::bf16;
}

std::string precision_summary(Precision p) {
    if (p == Precision::fp32) return "fp32";
    return std::string("bf16 (kernel ") + bf16_kernel_name(bf16_kernel()) + ")";
}
