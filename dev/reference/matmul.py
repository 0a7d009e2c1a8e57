"""matmul.py: PyTorch reference for model/matmul.{h,cpp} (nn.Linear: out = inp @ weight^T + bias).

Purpose: the numbers test/model/test_matmul.cpp checks matmul_forward/_backward against, with and without bias.
Command (from the repository root):  /usr/bin/python3 dev/reference/matmul.py
Writes:  test/fixtures/matmul.bin, in this order:
  inp (B,T,C), weight (OC,C) PyTorch layout, bias (OC), dout (B,T,OC) a random upstream gradient;
  with bias:    out (B,T,OC), dinp (B,T,C), dweight (OC,C), dbias (OC)   for L = sum(out * dout);
  without bias: out_nobias, dinp_nobias, dweight_nobias                  for L = sum(out_nobias * dout).
Sizes are tiny and distinct (B=2 T=3 C=8 OC=12) so a swapped dimension fails; seed 42.
Prints:  "wrote test/fixtures/matmul.bin: 11 tensors"
"""
import os

import torch
import torch.nn.functional as F

from fixture import write_fixture

B, T, C, OC = 2, 3, 8, 12

torch.manual_seed(42)
inp = torch.randn(B, T, C)
weight = torch.randn(OC, C)
bias = torch.randn(OC)
dout = torch.randn(B, T, OC)


def run(with_bias):
    """forward + autograd backward on fresh leaf copies; returns out and the leaves."""
    x = inp.clone().requires_grad_()
    w = weight.clone().requires_grad_()
    b = bias.clone().requires_grad_() if with_bias else None
    out = F.linear(x, w, b)
    (out * dout).sum().backward()
    return out, x, w, b


out, x, w, b = run(True)
out_nb, x_nb, w_nb, _ = run(False)

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "matmul.bin")
tensors = dict(inp=inp, weight=weight, bias=bias, dout=dout,
               out=out, dinp=x.grad, dweight=w.grad, dbias=b.grad,
               out_nobias=out_nb, dinp_nobias=x_nb.grad, dweight_nobias=w_nb.grad)
write_fixture(path, tensors)
print("wrote test/fixtures/matmul.bin: %d tensors" % len(tensors))
