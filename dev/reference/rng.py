"""rng.py: what torch.manual_seed(s) + tensor.normal_(mean, std) produce, for test/model/test_rng.cpp.

Purpose: model/rng.cpp reproduces PyTorch's CPU generator bit for bit so that
`./train -e d4 --seed 42` starts from the same weights as PyTorch with seed 42.
This script records PyTorch's own draws for several seeds, sizes that take each
code path (n < 16 scalar Box-Muller; n >= 16 blocks of 16; n % 16 != 0 tail redraw)
and consecutive calls (the scalar path keeps a spare sample between calls).
Command (from the repository root):
    /usr/bin/python3 dev/reference/rng.py
Writes test/fixtures/rng.bin (about 70 KB) with, per sequence k:
    seq<k>_seed (2 int32: low, high 32 bits), seq<k>_meanstd (2 float32),
    seq<k>_sizes (int32), seq<k>_values (float32, all calls concatenated).
Prints one line per sequence. Read by test/model/test_rng.cpp.
Note: torch picks the AVX2 kernel on any x86-64 CPU with AVX2 (which model/rng.cpp
mirrors); on an older CPU torch would give other values, so the file is committed.
"""
import os

import numpy as np
import torch

from fixture import write_fixture

# (seed, mean, std, sizes drawn one after another); mean and std exact in float32
SEQUENCES = [
    (42, 0.0, 1.0, [1, 7, 15, 16, 17, 33, 1000]),
    (0, 0.5, 0.25, [3, 3, 1, 16, 5, 2]),
    (1337, 0.0, 1.0, [1000, 1, 2, 31, 48]),
    (2**33 + 5, 0.0, 0.0625, [20, 9]),
    (42, 0.0, 0.02, [64 * 64, 32 * 64, 3 * 32 * 32, 15 * 7]),
]


def main():
    root = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
    tensors = {}
    for k, (seed, mean, std, sizes) in enumerate(SEQUENCES):
        torch.manual_seed(seed)
        values = []
        for n in sizes:
            t = torch.empty(n, dtype=torch.float32)
            t.normal_(mean, std)
            values.append(t)
        tensors["seq%d_seed" % k] = np.array([seed & 0xFFFFFFFF, seed >> 32], dtype=np.uint32).view(np.int32)
        tensors["seq%d_meanstd" % k] = np.array([mean, std], dtype=np.float32)
        tensors["seq%d_sizes" % k] = np.array(sizes, dtype=np.int32)
        tensors["seq%d_values" % k] = torch.cat(values)
        print("seq%d: seed %d sizes %s first %.9g" % (k, seed, sizes, values[0][0].item()))
    write_fixture(os.path.join(root, "test", "fixtures", "rng.bin"), tensors)


if __name__ == "__main__":
    main()
