"""layernorm.py: PyTorch reference for model/layernorm.{h,cpp} (nn.LayerNorm over C, eps 1e-5).

Purpose: the numbers test/model/test_layernorm.cpp checks layernorm_forward/_backward against.
Command (from the repository root):  /usr/bin/python3 dev/reference/layernorm.py
Writes:  test/fixtures/layernorm.bin, in this order:
  inp (B,T,C), weight (C), bias (C), out (B,T,C), mean (B,T), rstd (B,T),
  dout (B,T,C) a random upstream gradient, then what autograd computes for
  L = sum(out * dout): dinp (B,T,C), dweight (C), dbias (C).
Sizes are tiny and distinct (B=2 T=3 C=40) so a swapped dimension fails; C=40 is two full 16-channel
slices and a partial one, as layernorm_backward splits channels across threads; seed 42.
Prints:  "wrote test/fixtures/layernorm.bin: 10 tensors"
"""
import os

import torch
import torch.nn.functional as F

from fixture import write_fixture

B, T, C = 2, 3, 40
EPS = 1e-5

torch.manual_seed(42)
inp = (torch.randn(B, T, C) * 2 + 0.5).requires_grad_()   # off-centre, so mean != 0 and rstd != 1
weight = torch.randn(C).requires_grad_()                  # random, so weight and bias cannot be swapped
bias = torch.randn(C).requires_grad_()
out = F.layer_norm(inp, (C,), weight, bias, EPS)
# what forward caches: per-position mean and 1/std (biased variance, as nn.LayerNorm)
mean = inp.detach().mean(-1)
rstd = (inp.detach().var(-1, unbiased=False) + EPS).rsqrt()
dout = torch.randn(B, T, C)
(out * dout).sum().backward()

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "layernorm.bin")
tensors = dict(inp=inp, weight=weight, bias=bias, out=out, mean=mean, rstd=rstd, dout=dout,
               dinp=inp.grad, dweight=weight.grad, dbias=bias.grad)
write_fixture(path, tensors)
print("wrote test/fixtures/layernorm.bin: %d tensors" % len(tensors))
