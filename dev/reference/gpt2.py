"""gpt2.py: GPT-2 in PyTorch with llm.c's parameter layout; writes the whole-model reference.

Purpose: the proof that scratchgpt's C++ model is GPT-2. The model below keeps its
parameters exactly as an llm.c checkpoint stores them (16 tensors, layers stacked,
wte padded to Vp rows), so reading or writing a checkpoint is one copy; the forward
pass is written out in plain torch ops (pre-LN, eps 1e-5, causal attention scaled by
1/sqrt(hs), GELU tanh, lm head tied to the first V rows of wte, mean cross-entropy).

Commands (from the repository root; /usr/bin/python3 is Debian's python3-torch):
  /usr/bin/python3 dev/reference/gpt2.py fixtures
      writes test/fixtures/gpt2_v256.bin (V=256, L=2 NH=4 C=48, B=4 T=32), gpt2_v200.bin
      (V=200 padded to 256, L=1 NH=2 C=32, B=2 T=16) and gpt2_init.bin (the seed-42 init
      of "d2" with maxT=64 V=300, fingerprinted, and 10 training steps from it; the init of
      "l7h1c8" with maxT=8 V=50, fingerprinted).
      Per model fixture: config, params, inputs, targets, logits, loss, grads, then 10 AdamW
      steps on the same batch with the project's default hyperparameters (losses_default,
      params_default) and with llm.c's (losses_llmc, params_llmc), and 10 steps on
      sequential batches of shard_tokens with llm.c's settings (losses_shard), which is what
      `./train -e model.bin -i train.bin -l 1e-4 --beta2 0.999 -c 0 ...` must print.
      Prints one line per file with its loss. Read by test/model/test_gpt2.cpp; ~1.7 MB in all.
  /usr/bin/python3 dev/reference/gpt2.py load --checkpoint model.bin --tokens train.bin [-b 4 -t 64]
      loads a checkpoint written by ./train and prints its loss on the first batch of a shard.
  /usr/bin/python3 dev/reference/gpt2.py export --checkpoint model.bin --out model.pt
      writes a PyTorch state_dict with nanoGPT's names (transformer.wte.weight, ...,
      lm_head.weight tied to wte) so a run can continue in nanoGPT (model_args: n_layer=L,
      n_head=NH, n_embd=C, block_size=maxT, vocab_size=V, bias=True; load with strict=False
      since nanoGPT's causal-mask buffers are not parameters). Prints the file and the names.
  /usr/bin/python3 dev/reference/gpt2.py interop --out DIR
      writes DIR/model.bin (llm.c checkpoint, L=2 NH=4 C=48 V=256) and DIR/train.bin (llm.c
      shard), then prints the ./train command with llm.c's settings and the 10 losses it must
      print (to 1e-4 relative), as computed by PyTorch.
  /usr/bin/python3 dev/reference/gpt2.py shard --tokens in.txt --out train.bin
      writes whitespace-separated token ids as an llm.c token shard.
File formats: llm.c checkpoint = 256 int32 {20240326, 3, maxT, V, L, NH, C, Vp} + float32
params; llm.c token shard = 256 int32 {20240520, 1, count} + uint16 tokens.
"""
import argparse
import math
import os
import sys

import numpy as np
import torch
import torch.nn.functional as F

from fixture import write_fixture

CHECKPOINT_MAGIC, CHECKPOINT_VERSION = 20240326, 3
SHARD_MAGIC, SHARD_VERSION = 20240520, 1
ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")

# llm.c's parameter order; shapes in terms of the config (see model/tensors.h)
PARAM_NAMES = ["wte", "wpe", "ln1w", "ln1b", "qkvw", "qkvb", "attprojw", "attprojb",
               "ln2w", "ln2b", "fcw", "fcb", "fcprojw", "fcprojb", "lnfw", "lnfb"]
# the ones AdamW decays in the project's default set: 2-D weights and embeddings
DECAYED = {"wte", "wpe", "qkvw", "attprojw", "fcw", "fcprojw"}


def param_shapes(maxT, V, Vp, L, NH, C):
    return {"wte": (Vp, C), "wpe": (maxT, C), "ln1w": (L, C), "ln1b": (L, C),
            "qkvw": (L, 3 * C, C), "qkvb": (L, 3 * C), "attprojw": (L, C, C), "attprojb": (L, C),
            "ln2w": (L, C), "ln2b": (L, C), "fcw": (L, 4 * C, C), "fcb": (L, 4 * C),
            "fcprojw": (L, C, 4 * C), "fcprojb": (L, C), "lnfw": (C,), "lnfb": (C,)}


class GPT2(torch.nn.Module):
    """GPT-2 whose 16 parameters are llm.c's tensors, in llm.c's order."""

    def __init__(self, maxT, V, L, NH, C, Vp=None):
        super().__init__()
        self.maxT, self.V, self.L, self.NH, self.C = maxT, V, L, NH, C
        self.Vp = Vp if Vp is not None else (V + 127) // 128 * 128
        for name, shape in param_shapes(maxT, V, self.Vp, L, NH, C).items():
            self.register_parameter(name, torch.nn.Parameter(torch.zeros(shape)))

    def config(self):
        return [self.maxT, self.V, self.Vp, self.L, self.NH, self.C]

    def flat(self, grads=False):
        """All parameters (or their gradients) as one float32 vector in llm.c order."""
        ts = [getattr(self, n).grad if grads else getattr(self, n).data for n in PARAM_NAMES]
        return torch.cat([t.reshape(-1) for t in ts]).detach().clone()

    def load_flat(self, flat):
        off = 0
        for n in PARAM_NAMES:
            p = getattr(self, n)
            p.data.copy_(flat[off:off + p.numel()].view_as(p))
            off += p.numel()
        assert off == flat.numel()

    def init_weights(self, seed):
        """GPT-2 init with torch's generator, one normal_ per tensor in llm.c order (model_api.md)."""
        torch.manual_seed(seed)
        std_proj = 0.02 / math.sqrt(2 * self.L)  # residual projections, GPT-2 paper
        with torch.no_grad():
            for n in PARAM_NAMES:
                p = getattr(self, n)
                p.zero_()
                if n == "wte":
                    p[:self.V].normal_(0.0, 0.02)  # the real rows only; padded rows stay 0
                elif n in ("wpe", "qkvw", "fcw"):
                    p.normal_(0.0, 0.02)
                elif n in ("attprojw", "fcprojw"):
                    p.normal_(0.0, std_proj)
                elif n in ("ln1w", "ln2w", "lnfw"):
                    p.fill_(1.0)

    def forward(self, idx, targets=None, matmul=torch.matmul):
        """idx (B,T) int64 -> logits (B,T,V); with targets also the mean cross-entropy loss.
        matmul(a, b) computes every matrix product (a @ b); gpt2_bf16.py passes a bf16 one."""
        B, T = idx.shape
        C, NH = self.C, self.NH
        hs = C // NH
        x = self.wte[idx] + self.wpe[:T]                              # (B,T,C)
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        for l in range(self.L):
            h = F.layer_norm(x, (C,), self.ln1w[l], self.ln1b[l], eps=1e-5)
            qkv = matmul(h, self.qkvw[l].t()) + self.qkvb[l]           # (B,T,3C)
            q, k, v = qkv.split(C, dim=2)
            q = q.view(B, T, NH, hs).transpose(1, 2)                   # (B,NH,T,hs)
            k = k.view(B, T, NH, hs).transpose(1, 2)
            v = v.view(B, T, NH, hs).transpose(1, 2)
            att = matmul(q, k.transpose(-2, -1)) * (1.0 / math.sqrt(hs))  # (B,NH,T,T)
            att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
            y = matmul(att, v).transpose(1, 2).reshape(B, T, C)        # (B,T,C)
            x = x + matmul(y, self.attprojw[l].t()) + self.attprojb[l]
            h = F.layer_norm(x, (C,), self.ln2w[l], self.ln2b[l], eps=1e-5)
            h = F.gelu(matmul(h, self.fcw[l].t()) + self.fcb[l], approximate="tanh")  # (B,T,4C)
            x = x + matmul(h, self.fcprojw[l].t()) + self.fcprojb[l]
        x = F.layer_norm(x, (C,), self.lnfw, self.lnfb, eps=1e-5)
        logits = matmul(x, self.wte[:self.V].t())                      # (B,T,V)
        loss = None
        if targets is not None:
            loss = F.cross_entropy(logits.reshape(-1, self.V), targets.reshape(-1))
        return logits, loss


# ----------------------------------------------------------------------------
# llm.c files

def read_checkpoint(path):
    with open(path, "rb") as f:
        header = np.frombuffer(f.read(256 * 4), dtype=np.int32)
        if header[0] != CHECKPOINT_MAGIC or header[1] != CHECKPOINT_VERSION:
            sys.exit("%s: not an llm.c checkpoint (magic %d version %d, want %d %d)"
                     % (path, header[0], header[1], CHECKPOINT_MAGIC, CHECKPOINT_VERSION))
        maxT, V, L, NH, C, Vp = (int(x) for x in header[2:8])
        model = GPT2(maxT, V, L, NH, C, Vp)
        n = sum(getattr(model, p).numel() for p in PARAM_NAMES)
        data = np.frombuffer(f.read(n * 4), dtype=np.float32)
        if data.size != n:
            sys.exit("%s: truncated (%d of %d floats)" % (path, data.size, n))
    model.load_flat(torch.from_numpy(data.copy()))
    return model


def write_checkpoint(model, path):
    header = np.zeros(256, dtype=np.int32)
    header[:8] = [CHECKPOINT_MAGIC, CHECKPOINT_VERSION, model.maxT, model.V, model.L, model.NH, model.C, model.Vp]
    with open(path, "wb") as f:
        f.write(header.tobytes())
        f.write(model.flat().numpy().astype(np.float32).tobytes())


def read_shard(path):
    with open(path, "rb") as f:
        header = np.frombuffer(f.read(256 * 4), dtype=np.int32)
        if header[0] != SHARD_MAGIC or header[1] != SHARD_VERSION:
            sys.exit("%s: not an llm.c token shard (magic %d version %d)" % (path, header[0], header[1]))
        return np.frombuffer(f.read(), dtype=np.uint16)[:header[2]].astype(np.int64)


def write_shard(tokens, path):
    header = np.zeros(256, dtype=np.int32)
    header[:3] = [SHARD_MAGIC, SHARD_VERSION, len(tokens)]
    with open(path, "wb") as f:
        f.write(header.tobytes())
        f.write(np.asarray(tokens, dtype=np.uint16).tobytes())


# ----------------------------------------------------------------------------
# training: torch.optim.AdamW, the same batch each step (like llm.c's test_gpt2.c)

def learning_rate(lr, warmup, total, final_frac, step):
    """llm.c's get_learning_rate with cosine decay; step is 0-based."""
    if step < warmup:
        return lr * (step + 1) / warmup
    decay = (step - warmup) / (total - warmup)
    lr_min = lr * final_frac
    return lr_min + 0.5 * (1.0 + math.cos(math.pi * decay)) * (lr - lr_min)


HYPER = {
    # the project's defaults: warmup + cosine, betas 0.9/0.95, wd 0.1 on 2-D weights, clip at 1.0
    "default": dict(lr=3e-4, warmup=2, final_frac=0.1, betas=(0.9, 0.95), eps=1e-8, wd=0.1, clip=1.0),
    # llm.c's train_gpt2.c: constant lr 1e-4, betas 0.9/0.999, no weight decay, no clipping
    "llmc": dict(lr=1e-4, warmup=0, final_frac=1.0, betas=(0.9, 0.999), eps=1e-8, wd=0.0, clip=0.0),
}


def train(model, batches, hp, steps=10, loss_of=None):
    """Runs `steps` AdamW steps; batches(step) -> (inputs, targets). Returns the losses.
    loss_of(inputs, targets) -> loss is the forward (default: the model's, in fp32)."""
    loss_of = loss_of or (lambda inputs, targets: model(inputs, targets)[1])
    decay = [getattr(model, n) for n in PARAM_NAMES if n in DECAYED]
    no_decay = [getattr(model, n) for n in PARAM_NAMES if n not in DECAYED]
    opt = torch.optim.AdamW([{"params": decay, "weight_decay": hp["wd"]},
                             {"params": no_decay, "weight_decay": 0.0}],
                            lr=hp["lr"], betas=hp["betas"], eps=hp["eps"], foreach=False)
    losses = []
    for step in range(steps):
        inputs, targets = batches(step)
        lr = learning_rate(hp["lr"], hp["warmup"], steps, hp["final_frac"], step)
        for g in opt.param_groups:
            g["lr"] = lr
        opt.zero_grad()
        loss = loss_of(inputs, targets)
        loss.backward()
        if hp["clip"] > 0:
            torch.nn.utils.clip_grad_norm_(model.parameters(), hp["clip"])
        opt.step()
        losses.append(loss.item())
    return losses


# ----------------------------------------------------------------------------
# fixtures

def make_model_fixture(name, maxT, V, L, NH, C, B, T, seed):
    """One test/fixtures/<name>.bin: forward, backward and 3 short trainings of a small model."""
    model = GPT2(maxT, V, L, NH, C)
    model.init_weights(seed)
    # perturb the init so biases and layernorm affine parameters are not 0/1 and the
    # forward exercises every term (a test on a zero bias cannot tell + from -)
    g = torch.Generator().manual_seed(seed + 1)
    with torch.no_grad():
        for n in PARAM_NAMES:
            p = getattr(model, n)
            if n.endswith("b"):
                p.add_(0.05 * torch.randn(p.shape, generator=g))
            elif n in ("ln1w", "ln2w", "lnfw"):
                p.add_(0.1 * torch.randn(p.shape, generator=g))
            else:
                p.mul_(3.0)  # larger weights: sharper attention and logits than a fresh init
        model.wte[V:].zero_()
    params = model.flat()
    inputs = torch.randint(0, V, (B, T), generator=g)
    targets = torch.randint(0, V, (B, T), generator=g)
    shard_tokens = torch.randint(0, V, (10 * B * T + 1,), generator=g)

    logits, loss = model(inputs, targets)
    loss.backward()
    grads = model.flat(grads=True)
    out = {"config": np.array([maxT, V, model.Vp, L, NH, C, B, T], dtype=np.int32),
           "params": params, "inputs": inputs, "targets": targets,
           "logits": logits.detach(), "loss": loss.detach().reshape(1), "grads": grads}
    for set_name, hp in HYPER.items():
        model.load_flat(params)
        losses = train(model, lambda step: (inputs, targets), hp)
        out["losses_" + set_name] = np.array(losses, dtype=np.float32)
        out["params_" + set_name] = model.flat()
    # llm.c's own loop: sequential batches from a token shard (batch k starts at token k*B*T)
    model.load_flat(params)
    def shard_batch(step):
        w = shard_tokens[step * B * T: step * B * T + B * T + 1]
        return w[:-1].view(B, T), w[1:].view(B, T)
    out["shard_tokens"] = shard_tokens
    out["losses_shard"] = np.array(train(model, shard_batch, HYPER["llmc"]), dtype=np.float32)
    path = os.path.join(ROOT, "test", "fixtures", name + ".bin")
    write_fixture(path, out)
    print("%s: loss %.6f, default-set losses %.4f .. %.4f, %d KB"
          % (path, loss.item(), out["losses_default"][0], out["losses_default"][-1], os.path.getsize(path) // 1024))


def fingerprint(t):
    """An exact, order-sensitive 32-bit fingerprint of a float32 tensor, without storing it:
    sum over i of bits[i] * (2654435761*i + 1), modulo 2^32 (test_gpt2.cpp computes the same)."""
    bits = t.contiguous().numpy().astype(np.float32).view(np.uint32).astype(np.uint64)
    i = np.arange(bits.size, dtype=np.uint64)
    weights = (i * np.uint64(2654435761) + np.uint64(1)) & np.uint64(0xFFFFFFFF)
    return int(((bits * weights) & np.uint64(0xFFFFFFFF)).sum() & np.uint64(0xFFFFFFFF))


def make_init_fixture(maxT, V, L, NH, C, seed):
    """test/fixtures/gpt2_init.bin: PyTorch's init for seed 42, per tensor a fingerprint + 16 values,
    then the losses of 10 default-hyperparameter steps from that init (same loss curve from scratch)."""
    model = GPT2(maxT, V, L, NH, C)
    model.init_weights(seed)
    out = {"config": np.array([maxT, V, model.Vp, L, NH, C, seed], dtype=np.int32)}
    hashes = []
    for n in PARAM_NAMES:
        p = getattr(model, n).data.reshape(-1)
        hashes.append(fingerprint(p))
        out["head_" + n] = p[:16].clone()
    out["fingerprint"] = np.array(hashes, dtype=np.uint32).view(np.int32)
    # a from-scratch run: 10 steps with the default hyperparameters on sequential batches
    B, T = 2, 32
    g = torch.Generator().manual_seed(seed + 1)
    tokens = torch.randint(0, V, (10 * B * T + 1,), generator=g)
    def batch(step):
        w = tokens[step * B * T: step * B * T + B * T + 1]
        return w[:-1].view(B, T), w[1:].view(B, T)
    out["scratch_BT"] = np.array([B, T], dtype=np.int32)
    out["scratch_tokens"] = tokens
    out["losses_scratch"] = np.array(train(model, batch, HYPER["default"]), dtype=np.float32)
    # and "l7h1c8" (maxT=8, V=50): with 7 layers, 0.02/sqrt(2L) computed in float32 rounds
    # differently from PyTorch's double, which this catches
    small = GPT2(8, 50, 7, 1, 8)
    small.init_weights(seed)
    out["l7h1c8_config"] = np.array([8, 50, small.Vp, 7, 1, 8, seed], dtype=np.int32)
    out["l7h1c8_fingerprint"] = np.array([fingerprint(getattr(small, n).data.reshape(-1)) for n in PARAM_NAMES],
                                         dtype=np.uint32).view(np.int32)
    path = os.path.join(ROOT, "test", "fixtures", "gpt2_init.bin")
    write_fixture(path, out)
    print("%s: seed %d, wte[0] %.9g, from-scratch losses %.4f .. %.4f"
          % (path, seed, out["head_wte"][0].item(), out["losses_scratch"][0], out["losses_scratch"][-1]))


def cmd_fixtures(_args):
    torch.set_num_threads(1)  # deterministic reductions
    make_model_fixture("gpt2_v256", maxT=32, V=256, L=2, NH=4, C=48, B=4, T=32, seed=1337)
    make_model_fixture("gpt2_v200", maxT=16, V=200, L=1, NH=2, C=32, B=2, T=16, seed=7)
    make_init_fixture(maxT=64, V=300, L=2, NH=2, C=128, seed=42)  # "d2" with V=300


# ----------------------------------------------------------------------------
# checkpoint tools

def cmd_load(args):
    model = read_checkpoint(args.checkpoint)
    tokens = torch.from_numpy(read_shard(args.tokens))
    B, T = args.b, args.t
    if len(tokens) < B * T + 1:
        sys.exit("%s: %d tokens, need %d for one batch" % (args.tokens, len(tokens), B * T + 1))
    w = tokens[:B * T + 1]
    _, loss = model(w[:-1].view(B, T), w[1:].view(B, T))
    print("%s: maxT %d V %d L %d NH %d C %d; loss on the first batch (B=%d T=%d): %.6f"
          % (args.checkpoint, model.maxT, model.V, model.L, model.NH, model.C, B, T, loss.item()))


def nanogpt_state_dict(model):
    """nanoGPT's names for our tensors; the per-layer slices are views of the stacked ones."""
    sd = {"transformer.wte.weight": model.wte.data[:model.V].clone(),
          "transformer.wpe.weight": model.wpe.data.clone()}
    per_layer = {"ln_1.weight": "ln1w", "ln_1.bias": "ln1b", "attn.c_attn.weight": "qkvw",
                 "attn.c_attn.bias": "qkvb", "attn.c_proj.weight": "attprojw", "attn.c_proj.bias": "attprojb",
                 "ln_2.weight": "ln2w", "ln_2.bias": "ln2b", "mlp.c_fc.weight": "fcw", "mlp.c_fc.bias": "fcb",
                 "mlp.c_proj.weight": "fcprojw", "mlp.c_proj.bias": "fcprojb"}
    for l in range(model.L):
        for ngpt, ours in per_layer.items():
            sd["transformer.h.%d.%s" % (l, ngpt)] = getattr(model, ours).data[l].clone()
    sd["transformer.ln_f.weight"] = model.lnfw.data.clone()
    sd["transformer.ln_f.bias"] = model.lnfb.data.clone()
    sd["lm_head.weight"] = sd["transformer.wte.weight"]  # tied, as in nanoGPT
    return sd


def nanogpt_loss(sd, n_head, idx, targets):
    """nanoGPT's forward written against the exported names alone (nn.Linear = x @ W.T + b),
    as a check that every name, shape and orientation in the export is right."""
    B, T = idx.shape
    C = sd["transformer.wte.weight"].shape[1]
    x = sd["transformer.wte.weight"][idx] + sd["transformer.wpe.weight"][:T]
    lin = lambda x, p: F.linear(x, sd[p + ".weight"], sd[p + ".bias"])
    ln = lambda x, p: F.layer_norm(x, (C,), sd[p + ".weight"], sd[p + ".bias"], eps=1e-5)
    l = 0
    while "transformer.h.%d.ln_1.weight" % l in sd:
        h = "transformer.h.%d." % l
        q, k, v = lin(ln(x, h + "ln_1"), h + "attn.c_attn").split(C, dim=2)
        q, k, v = (t.view(B, T, n_head, C // n_head).transpose(1, 2) for t in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(C // n_head)
        att = att.masked_fill(torch.ones(T, T).tril() == 0, float("-inf")).softmax(-1)
        x = x + lin((att @ v).transpose(1, 2).reshape(B, T, C), h + "attn.c_proj")
        x = x + lin(F.gelu(lin(ln(x, h + "ln_2"), h + "mlp.c_fc"), approximate="tanh"), h + "mlp.c_proj")
        l += 1
    logits = F.linear(ln(x, "transformer.ln_f"), sd["lm_head.weight"])
    return F.cross_entropy(logits.reshape(-1, logits.size(-1)), targets.reshape(-1))


def cmd_export(args):
    model = read_checkpoint(args.checkpoint)
    sd = nanogpt_state_dict(model)
    torch.save(sd, args.out)
    # the export must compute what the checkpoint computes
    g = torch.Generator().manual_seed(0)
    T = min(model.maxT, 16)
    idx, targets = (torch.randint(0, model.V, (2, T), generator=g) for _ in range(2))
    with torch.no_grad():
        ours, theirs = model(idx, targets)[1].item(), nanogpt_loss(sd, model.NH, idx, targets).item()
    print("loss on a random batch: checkpoint %.6f, nanoGPT-named export %.6f" % (ours, theirs))
    if abs(ours - theirs) > 1e-5 * abs(ours):
        sys.exit("export check failed: the exported state_dict does not compute the checkpoint's loss")
    print("%s: %d tensors (%s ... lm_head.weight); nanoGPT model_args: n_layer=%d n_head=%d n_embd=%d "
          "block_size=%d vocab_size=%d bias=True" % (args.out, len(sd), next(iter(sd)), model.L, model.NH,
                                                      model.C, model.maxT, model.V))


def cmd_interop(args):
    """Writes an llm.c checkpoint and train shard in args.out and prints the losses an llm.c-settings
    run on them must print (PyTorch, the same steps as test_gpt2.cpp's "llm.c interop")."""
    torch.set_num_threads(1)
    model = GPT2(32, 256, 2, 4, 48)
    model.init_weights(1337)
    os.makedirs(args.out, exist_ok=True)
    B, T = 4, 32
    tokens = torch.randint(0, 256, (10 * B * T + 1,), generator=torch.Generator().manual_seed(1))
    write_checkpoint(model, os.path.join(args.out, "model.bin"))
    write_shard(tokens.numpy(), os.path.join(args.out, "train.bin"))
    def batch(step):
        w = tokens[step * B * T: step * B * T + B * T + 1]
        return w[:-1].view(B, T), w[1:].view(B, T)
    losses = train(model, batch, HYPER["llmc"])
    print("./train -e %s/model.bin -i %s/train.bin -b %d -t %d -l 1e-4 --beta2 0.999 -c 0 --grad-clip 0 "
          "-k constant -x 10 -v 0 -s 0   must print:" % (args.out, args.out, B, T))
    for step, loss in enumerate(losses):
        print("step %d: train loss %.6f" % (step + 1, loss))


def cmd_shard(args):
    with open(args.tokens) as f:
        tokens = [int(x) for x in f.read().split()]
    write_shard(tokens, args.out)
    print("%s: %d tokens" % (args.out, len(tokens)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    sub = ap.add_subparsers(dest="cmd", required=True)
    sub.add_parser("fixtures").set_defaults(fn=cmd_fixtures)
    p = sub.add_parser("load")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--tokens", required=True)
    p.add_argument("-b", type=int, default=4)
    p.add_argument("-t", type=int, default=64)
    p.set_defaults(fn=cmd_load)
    p = sub.add_parser("export")
    p.add_argument("--checkpoint", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(fn=cmd_export)
    p = sub.add_parser("interop")
    p.add_argument("--out", required=True)
    p.set_defaults(fn=cmd_interop)
    p = sub.add_parser("shard")
    p.add_argument("--tokens", required=True)
    p.add_argument("--out", required=True)
    p.set_defaults(fn=cmd_shard)
    args = ap.parse_args()
    args.fn(args)


if __name__ == "__main__":
    main()
