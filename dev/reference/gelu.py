"""gelu.py: PyTorch reference for model/gelu.{h,cpp} (GELU, tanh approximation, as GPT-2:
nn.GELU(approximate='tanh')).

Purpose: the numbers test/model/test_gelu.cpp checks gelu_forward/_backward against.
Command (from the repository root):  /usr/bin/python3 dev/reference/gelu.py
Writes:  test/fixtures/gelu.bin, in this order:
  inp (B,T,4C), out (B,T,4C), dout (B,T,4C) a random upstream gradient, and
  dinp (B,T,4C) what autograd computes for L = sum(out * dout).
Sizes B=2 T=3 C=8 (4C=32); inputs are N(0,3^2) so both tails (|x| up to ~9) are covered; seed 42.
Prints:  "wrote test/fixtures/gelu.bin: 4 tensors"
"""
import os

import torch
import torch.nn.functional as F

from fixture import write_fixture

B, T, C = 2, 3, 8

torch.manual_seed(42)
inp = (torch.randn(B, T, 4 * C) * 3).requires_grad_()
out = F.gelu(inp, approximate="tanh")
dout = torch.randn(B, T, 4 * C)
(out * dout).sum().backward()

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "gelu.bin")
tensors = dict(inp=inp, out=out, dout=dout, dinp=inp.grad)
write_fixture(path, tensors)
print("wrote test/fixtures/gelu.bin: %d tensors" % len(tensors))
