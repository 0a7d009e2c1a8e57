"""residual.py: PyTorch reference for model/residual.{h,cpp} (the skip connection `x = x + f(x)`).

Purpose: the numbers test/model/test_residual.cpp checks residual_forward/_backward against.
Command (from the repository root):  /usr/bin/python3 dev/reference/residual.py
Writes:  test/fixtures/residual.bin, in this order:
  inp1 (B,T,C), inp2 (B,T,C), out (B,T,C), dout (B,T,C) a random upstream gradient, and what
  autograd computes for L = sum(out * dout): dinp1, dinp2 (B,T,C).
Sizes B=2 T=3 C=8; seed 42.
Prints:  "wrote test/fixtures/residual.bin: 6 tensors"
"""
import os

import torch

from fixture import write_fixture

B, T, C = 2, 3, 8

torch.manual_seed(42)
inp1 = torch.randn(B, T, C).requires_grad_()
inp2 = torch.randn(B, T, C).requires_grad_()
out = inp1 + inp2
dout = torch.randn(B, T, C)
(out * dout).sum().backward()

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "residual.bin")
tensors = dict(inp1=inp1, inp2=inp2, out=out, dout=dout, dinp1=inp1.grad, dinp2=inp2.grad)
write_fixture(path, tensors)
print("wrote test/fixtures/residual.bin: %d tensors" % len(tensors))
