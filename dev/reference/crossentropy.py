"""crossentropy.py: PyTorch reference for model/crossentropy.{h,cpp} (softmax over the first V of Vp
logits, then per-position cross-entropy: F.cross_entropy(logits[..., :V], targets, reduction='none')).

Purpose: the numbers test/model/test_crossentropy.cpp checks softmax_forward, crossentropy_forward and
crossentropy_softmax_backward against, including the padded vocabulary.
Command (from the repository root):  /usr/bin/python3 dev/reference/crossentropy.py
Writes:  test/fixtures/crossentropy.bin, in this order:
  logits (B,T,Vp) whose padded entries V..Vp-1 hold large junk values (+8) that must be ignored,
  targets (B,T) int32 < V, probs (B,T,Vp) with exact zeros at V..Vp-1, losses (B,T),
  dlosses (B,T) a random upstream gradient (the model uses 1/(B*T); random catches a swapped index),
  dlogits (B,T,Vp) what autograd computes for L = sum(losses * dlosses) (exact zeros at V..Vp-1).
Sizes B=2 T=3 V=10 Vp=16; seed 42.
Prints:  "wrote test/fixtures/crossentropy.bin: 6 tensors"
"""
import os

import torch
import torch.nn.functional as F

from fixture import write_fixture

B, T, V, Vp = 2, 3, 10, 16

torch.manual_seed(42)
logits = torch.randn(B, T, Vp) * 2
logits[..., V:] = 8.0  # junk in the padding: if it leaked into the softmax it would dominate
logits.requires_grad_()
targets = torch.randint(0, V, (B, T))
real = logits[..., :V]                                     # (B,T,V): the padded columns never enter
probs = torch.cat([torch.softmax(real, -1), torch.zeros(B, T, Vp - V)], dim=-1)
losses = F.cross_entropy(real.reshape(B * T, V), targets.view(-1), reduction="none").view(B, T)
dlosses = torch.randn(B, T)
(losses * dlosses).sum().backward()

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "crossentropy.bin")
tensors = dict(logits=logits, targets=targets, probs=probs, losses=losses, dlosses=dlosses, dlogits=logits.grad)
write_fixture(path, tensors)
print("wrote test/fixtures/crossentropy.bin: %d tensors" % len(tensors))
