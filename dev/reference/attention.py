"""attention.py: PyTorch reference for model/attention.{h,cpp} (causal multi-head self-attention,
nanoGPT's CausalSelfAttention between c_attn and c_proj, written out as llm.c caches it).

Purpose: the numbers test/model/test_attention.cpp checks attention_forward/_backward against.
Command (from the repository root):  /usr/bin/python3 dev/reference/attention.py
Writes:  test/fixtures/attention.bin, in this order:
  inp (B,T,3C) the qkv activation [q | k | v], lse (B,NH,T) the log-sum-exp of each query's scaled
  scores over the keys it sees (what the C++ forward keeps instead of the (B,NH,T,T) softmax
  weights), out (B,T,C), dout (B,T,C) a random upstream gradient, and dinp (B,T,3C) what autograd
  computes for L = sum(out * dout).
Sizes are tiny and distinct (B=2 T=3 C=8 NH=2, so hs=4); seed 42.
Prints:  "wrote test/fixtures/attention.bin: 5 tensors"
"""
import math
import os

import torch

from fixture import write_fixture

B, T, C, NH = 2, 3, 8, 2
hs = C // NH

torch.manual_seed(42)
inp = torch.randn(B, T, 3 * C).requires_grad_()
q, k, v = inp.split(C, dim=2)                              # each (B,T,C)
q = q.view(B, T, NH, hs).transpose(1, 2)                   # (B,NH,T,hs)
k = k.view(B, T, NH, hs).transpose(1, 2)
v = v.view(B, T, NH, hs).transpose(1, 2)
preatt = q @ k.transpose(-2, -1) * (1.0 / math.sqrt(hs))   # (B,NH,T,T)
causal = torch.tril(torch.ones(T, T, dtype=torch.bool))
preatt = preatt.masked_fill(~causal, float("-inf"))
att = torch.softmax(preatt, dim=-1)
lse = torch.logsumexp(preatt, dim=-1)                      # (B,NH,T): log sum_t2<=t exp(preatt)
y = att @ v                                                # (B,NH,T,hs)
out = y.transpose(1, 2).contiguous().view(B, T, C)         # heads side by side again
dout = torch.randn(B, T, C)
(out * dout).sum().backward()

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "attention.bin")
tensors = dict(inp=inp, lse=lse, out=out, dout=dout, dinp=inp.grad)
write_fixture(path, tensors)
print("wrote test/fixtures/attention.bin: %d tensors" % len(tensors))
