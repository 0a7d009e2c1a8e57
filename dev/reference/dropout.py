"""dropout.py: PyTorch reference for model/dropout.{h,cpp} (inverted dropout, F.dropout(x, p, training=True)).

Purpose: pins down PyTorch's dropout semantics for test/model/test_dropout.cpp. Our mask comes from a
counter-based hash of (seed, index), so it cannot equal PyTorch's random mask; what must agree is the
rule given a mask: kept elements are scaled by 1/(1-p), dropped ones are exactly 0, and backward
routes dout through the same mask with the same scale. The test checks that rule on PyTorch's
numbers here, then on ours with our mask.
Command (from the repository root):  /usr/bin/python3 dev/reference/dropout.py
Writes:  test/fixtures/dropout.bin, in this order:
  p (1), inp (B,T,C), dout (B,T,C) a random upstream gradient, mask (B,T,C) int32 PyTorch's kept
  elements, out (B,T,C), dinp (B,T,C) what autograd computes for L = sum(out * dout).
Sizes B=2 T=3 C=8, p=0.25; seed 42.
Prints:  "wrote test/fixtures/dropout.bin: 6 tensors (k of 48 kept)"
"""
import os

import torch
import torch.nn.functional as F

from fixture import write_fixture

B, T, C, P = 2, 3, 8, 0.25

torch.manual_seed(42)
inp = torch.randn(B, T, C).requires_grad_()
dout = torch.randn(B, T, C)
out = F.dropout(inp, P, training=True)
(out * dout).sum().backward()
mask = (out != 0).int()  # inp is never exactly 0, so out == 0 exactly where the element was dropped

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "dropout.bin")
tensors = dict(p=torch.tensor([P]), inp=inp, dout=dout, mask=mask, out=out, dinp=inp.grad)
write_fixture(path, tensors)
print("wrote test/fixtures/dropout.bin: %d tensors (%d of %d kept)" % (len(tensors), mask.sum(), mask.numel()))
