"""PyTorch peer of `./train bench`: the same GPT-2 training step, timed the same way.

Purpose: issue 6 asks for scratchgpt's step to be measured against PyTorch eager in the same
run. This script is a plain nanoGPT-style GPT-2 in PyTorch (1.13, Debian's python3-torch) that
reads one of the project's llm.c-format checkpoints (as written by `./train bench --save FILE`),
feeds the same synthetic tokens as model/cli/bench.cpp (token i = (i * 2654435761 mod 2^32) mod V),
and times forward + backward + gradient-norm clipping at 1.0 + AdamW (lr 1e-4, betas (0.9, 0.95),
eps 1e-8, weight decay 0.1 on the 2-D weights and embeddings), median over the timed steps: the
step `./train bench` times, which is the trainer's own (gpt2_train_step).
With --precision bf16 the forward and the loss run under torch.autocast("cpu", dtype=torch.bfloat16),
PyTorch's mixed precision recipe: fp32 master weights, gradients and AdamW, backward outside
autocast; its bf16 products go to oneDNN (Debian's libdnnl), not to OpenBLAS.

Command:  python3 dev/bench_pytorch.py CHECKPOINT -b B -t T [--steps 10] [--warmup 2] [--threads 2]
          [--intra-op N] [--name tiny] [--precision fp32|bf16]
--threads is the cores the program may use (OpenBLAS's own threads use them all); --intra-op is
PyTorch's OpenMP thread count for its non-GEMM ops (torch.set_num_threads, default --threads).
Files written: none.
Prints one line, e.g.
  bench: config=tiny program=pytorch precision=fp32 threads=2 intra_op=2 blas=openblas-pthreads ms_per_step=37.50 tok_per_s=20480 gflops=109.3 loss_first=5.597116 loss_last=...
loss_first must equal `./train bench`'s for the same checkpoint (to ~1e-5): the same model and tokens
(in bf16, ours and autocast's agree to about 1e-4 instead: see dev/reference/README.md).
Read by dev/bench_compare.py, which runs both programs and prints the ratio table.
For PyTorch's best speed (what dev/bench_compare.py sets, each measured on this machine):
  OPENBLAS_CORETYPE       the fastest of OpenBLAS's kernels on this CPU (dev/bench_compare.py measures
                          them: Debian's 0.3.21 falls back to its slowest, "Prescott", on a CPU it
                          does not know); OPENBLAS_L2_SIZE unset
      MALLOC_MMAP_MAX_=0 MALLOC_TRIM_THRESHOLD_=68719476736
                          glibc keeps freed large blocks instead of handing them back to the
                          kernel: every fresh tensor otherwise page-faults (124M: 2.5 s -> 1.3 s)
      OMP_WAIT_POLICY=passive
                          PyTorch's idle OpenMP threads sleep instead of spinning against
                          OpenBLAS's threads on the same 2 cores (tiny: ~110 ms -> ~55 ms)
and --intra-op 1 or 2, whichever is faster for the config; or, instead of OMP_WAIT_POLICY,
      LD_LIBRARY_PATH=/usr/lib/x86_64-linux-gnu/openblas-openmp   (Debian's libopenblas0-openmp)
                          OpenBLAS's GEMMs on PyTorch's own OpenMP threads: nothing competes
                          (small: ~1.2 s -> ~0.95 s). The driver tries all three and keeps the fastest.
"""
import argparse
import math
import statistics
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

HEADER_INTS = 256
MAGIC, VERSION = 20240326, 3


class Block(nn.Module):
    def __init__(self, C, NH, maxT):
        super().__init__()
        self.NH = NH
        self.ln_1 = nn.LayerNorm(C)
        self.c_attn = nn.Linear(C, 3 * C)
        self.c_proj = nn.Linear(C, C)
        self.ln_2 = nn.LayerNorm(C)
        self.c_fc = nn.Linear(C, 4 * C)
        self.mlp_proj = nn.Linear(4 * C, C)
        self.register_buffer("mask", torch.tril(torch.ones(maxT, maxT)).view(1, 1, maxT, maxT))

    def attn(self, x):
        B, T, C = x.shape
        q, k, v = self.c_attn(x).split(C, dim=2)
        q, k, v = (z.view(B, T, self.NH, C // self.NH).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) * (1.0 / math.sqrt(k.size(-1)))
        att = att.masked_fill(self.mask[:, :, :T, :T] == 0, float("-inf"))
        att = F.softmax(att, dim=-1)
        y = (att @ v).transpose(1, 2).contiguous().view(B, T, C)
        return self.c_proj(y)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp_proj(F.gelu(self.c_fc(self.ln_2(x)), approximate="tanh"))


class GPT(nn.Module):
    def __init__(self, maxT, V, L, NH, C):
        super().__init__()
        self.wte = nn.Embedding(V, C)
        self.wpe = nn.Embedding(maxT, C)
        self.h = nn.ModuleList(Block(C, NH, maxT) for _ in range(L))
        self.ln_f = nn.LayerNorm(C)

    def forward(self, idx, targets):
        T = idx.size(1)
        x = self.wte(idx) + self.wpe(torch.arange(T))
        for block in self.h:
            x = block(x)
        logits = F.linear(self.ln_f(x), self.wte.weight)  # lm_head tied to wte
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.view(-1))


def load_checkpoint(path):
    """An llm.c checkpoint: 256 int32 header, then every parameter in llm.c's order (wte padded to Vp rows)."""
    with open(path, "rb") as f:
        header = np.frombuffer(f.read(HEADER_INTS * 4), dtype=np.int32)
        if header[0] != MAGIC or header[1] != VERSION:
            raise SystemExit(f"{path}: not an llm.c checkpoint (magic {header[0]}, version {header[1]})")
        maxT, V, L, NH, C, Vp = (int(x) for x in header[2:8])
        params = np.frombuffer(f.read(), dtype=np.float32)
    model = GPT(maxT, V, L, NH, C)
    sizes = [("wte", Vp * C), ("wpe", maxT * C), ("ln1w", L * C), ("ln1b", L * C), ("qkvw", L * 3 * C * C),
             ("qkvb", L * 3 * C), ("attprojw", L * C * C), ("attprojb", L * C), ("ln2w", L * C), ("ln2b", L * C),
             ("fcw", L * 4 * C * C), ("fcb", L * 4 * C), ("fcprojw", L * C * 4 * C), ("fcprojb", L * C),
             ("lnfw", C), ("lnfb", C)]
    t, off = {}, 0
    for name, n in sizes:
        t[name] = torch.from_numpy(params[off:off + n].copy())
        off += n
    if off != params.size:
        raise SystemExit(f"{path}: {params.size} floats, expected {off}")
    with torch.no_grad():
        model.wte.weight.copy_(t["wte"].view(Vp, C)[:V])  # the real rows; padding never reaches the loss
        model.wpe.weight.copy_(t["wpe"].view(maxT, C))
        per_layer = {"ln1w": "ln_1.weight", "ln1b": "ln_1.bias", "qkvw": "c_attn.weight", "qkvb": "c_attn.bias",
                     "attprojw": "c_proj.weight", "attprojb": "c_proj.bias", "ln2w": "ln_2.weight",
                     "ln2b": "ln_2.bias", "fcw": "c_fc.weight", "fcb": "c_fc.bias", "fcprojw": "mlp_proj.weight",
                     "fcprojb": "mlp_proj.bias"}
        for l, block in enumerate(model.h):
            params_l = dict(block.named_parameters())
            for ours, theirs in per_layer.items():
                p = params_l[theirs]
                p.copy_(t[ours].view(L, -1)[l].view_as(p))
        model.ln_f.weight.copy_(t["lnfw"])
        model.ln_f.bias.copy_(t["lnfb"])
    return model, (maxT, V, L, NH, C)


def flops_per_token(V, L, C, maxT, T):
    """gpt2_flops_per_token: 6 N + 12 L C T, N the parameters without wpe (wte padded to Vp, as ours)."""
    Vp = (V + 127) // 128 * 128
    n = Vp * C + L * (12 * C * C + 13 * C) + 2 * C
    return 6.0 * n + 12.0 * L * C * T


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("checkpoint")
    ap.add_argument("-b", type=int, default=4)
    ap.add_argument("-t", type=int, default=64)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--intra-op", type=int, default=0, help="torch.set_num_threads (default: --threads)")
    ap.add_argument("--name", default="custom")
    ap.add_argument("--precision", choices=["fp32", "bf16"], default="fp32",
                    help="bf16: forward and loss under torch.autocast (fp32 weights, gradients, AdamW)")
    a = ap.parse_args()
    intra_op = a.intra_op or a.threads
    torch.set_num_threads(intra_op)
    model, (maxT, V, L, NH, C) = load_checkpoint(a.checkpoint)
    B, T = a.b, a.t
    i = np.arange(B * T + 1, dtype=np.uint64)
    tokens = torch.from_numpy(((i * np.uint64(2654435761)) % np.uint64(2**32) % np.uint64(V)).astype(np.int64))
    x, y = tokens[:-1].view(B, T), tokens[1:].view(B, T)
    decay = [p for p in model.parameters() if p.dim() >= 2]
    no_decay = [p for p in model.parameters() if p.dim() < 2]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
                            lr=1e-4, betas=(0.9, 0.95), eps=1e-8)
    ms, losses = [], []
    for step in range(a.warmup + a.steps):
        t0 = time.perf_counter()
        with torch.autocast("cpu", dtype=torch.bfloat16, enabled=a.precision == "bf16"):
            loss = model(x, y)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)  # the trainer's step clips at 1.0 (norm taken every step)
        opt.step()
        dt = 1000.0 * (time.perf_counter() - t0)
        losses.append(loss.item())
        if step >= a.warmup:
            ms.append(dt)
    step_ms = statistics.median(ms)
    tok_per_s = B * T / (step_ms / 1000.0)
    maps = open("/proc/self/maps").read()
    blas = "openblas-openmp" if "openblas-openmp" in maps else "openblas-pthreads" if "openblas" in maps else "other"
    print(f"bench: config={a.name} program=pytorch precision={a.precision} threads={a.threads} intra_op={intra_op} blas={blas} ms_per_step={step_ms:.2f} "
          f"tok_per_s={tok_per_s:.0f} gflops={flops_per_token(V, L, C, maxT, T) * tok_per_s / 1e9:.1f} "
          f"loss_first={losses[0]:.6f} loss_last={losses[-1]:.6f}", flush=True)


if __name__ == "__main__":
    main()
