"""encoder.py: PyTorch reference for model/encoder.{h,cpp} (token + position embedding, nanoGPT's
`tok_emb = wte(idx); pos_emb = wpe(pos); x = tok_emb + pos_emb`).

Purpose: the numbers test/model/test_encoder.cpp checks encoder_forward/_backward against.
Command (from the repository root):  /usr/bin/python3 dev/reference/encoder.py
Writes:  test/fixtures/encoder.bin, in this order:
  inp (B,T) int32 token ids < V, wte (Vp,C), wpe (maxT,C), out (B,T,C), dout (B,T,C) a random
  upstream gradient, then what autograd computes for L = sum(out * dout): dwte (Vp,C), dwpe (maxT,C).
Sizes are tiny and distinct (B=2 T=3 C=40, V=10 Vp=16, maxT=5 > T); C=40 is two full 16-channel slices
and a partial one, as encoder_backward splits channels across threads; seed 42. One token id appears
twice, so dwte must add both contributions; padded rows of dwte and rows >= T of dwpe stay 0.
Prints:  "wrote test/fixtures/encoder.bin: 7 tensors"
"""
import os

import torch
import torch.nn.functional as F

from fixture import write_fixture

B, T, C, V, Vp, maxT = 2, 3, 40, 10, 16, 5

torch.manual_seed(42)
inp = torch.randint(0, V, (B, T))
inp[1, 2] = inp[0, 1]  # a repeated token: its dwte row gets two contributions
wte = torch.randn(Vp, C).requires_grad_()
wpe = torch.randn(maxT, C).requires_grad_()
out = F.embedding(inp, wte) + wpe[:T].unsqueeze(0)   # (B,T,C)
dout = torch.randn(B, T, C)
(out * dout).sum().backward()

path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "test", "fixtures", "encoder.bin")
tensors = dict(inp=inp, wte=wte, wpe=wpe, out=out, dout=dout, dwte=wte.grad, dwpe=wpe.grad)
write_fixture(path, tensors)
print("wrote test/fixtures/encoder.bin: %d tensors" % len(tensors))
