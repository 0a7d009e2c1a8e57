"""gpt2_bf16.py: the reference for --precision bf16: gpt2.py's GPT-2 with bf16 matrix products.

Purpose: the proof that `--precision bf16` computes mixed precision as the issue defines it (issue
13): every matrix product (the four linear layers, the classifier against wte, attention's q k^T
and att v, in forward AND backward) takes its two inputs rounded to bf16 (round to nearest even)
and sums in fp32 with an fp32 result; everything else (LayerNorm, softmax, GELU, the loss, the
gradients, AdamW and its moments) stays fp32. PyTorch has no such op, so bf16_matmul below builds
it: a custom autograd function that rounds its inputs, and in backward rounds the incoming
gradient and the saved inputs, then multiplies in fp32. That is model/gemm_bf16.h's contract up to
the order of the fp32 sums. Also recorded, for comparison only: the same model under
torch.autocast("cpu", dtype=torch.bfloat16), which differs from ours on purpose (see below).

It starts where test_gpt2.cpp does: gpt2_v256.bin's parameters and batch (L=2 NH=4 C=48 V=256,
B=4 T=32), and trains 20 AdamW steps on that batch with the project's default hyperparameters
(lr 3e-4, warmup 2, cosine to 10% over the 20 steps, betas 0.9/0.95, wd 0.1, clip 1.0).

Command (from the repository root, Debian's python3-torch 1.13, ~5 s):
  /usr/bin/python3 dev/reference/gpt2_bf16.py            writes test/fixtures/gpt2_bf16.bin (~420 KB)
  /usr/bin/python3 dev/reference/gpt2_bf16.py --study    also prints how far each variant (a different
      summation order, fp32, a forgotten rounding, autocast) lands from the reference: the table
      in dev/reference/README.md that test/model/test_gpt2_bf16.cpp's tolerances are set from.
File written: test/fixtures/gpt2_bf16.bin with config (maxT V Vp L NH C B T steps), params_fingerprint
(of gpt2_v256.bin's params, which the test starts from), the step-0 logits (B,T,V), loss and grads
of the bf16 reference, and three 20-step loss curves: losses_bf16 (the reference), losses_fp32
(gpt2.py's fp32 model, same steps) and losses_autocast (torch.autocast).
Deterministic (one thread, OpenBLAS's kernel pinned): the same bytes on every run on a CPU with AVX2.
Prints one line per curve. Read by test/model/test_gpt2_bf16.cpp.

torch.autocast in 1.13 on the CPU is not our numerics: each product's RESULT is bf16 too (rounded,
2^-9 relative), and the ops that follow a bf16 result run in bf16 (the 1/sqrt(hs) scale, the
masked_fill and the softmax of the attention scores: 1.13's CPU autocast has no fp32 list for
them; the bias adds promote back to fp32, so LayerNorm and GELU see fp32 here). Check with:
  python3 -c "import torch; x=torch.randn(4,4); print(torch.autocast('cpu',dtype=torch.bfloat16).__enter__() or (x@x).softmax(-1).dtype)"
"""
import argparse
import os
import sys

# subtle: the file's bits depend on which sgemm kernel OpenBLAS picks (its summation order: see
# --study); pinned here, before numpy and torch load OpenBLAS, so that any x86 CPU with AVX2 writes
# the same bytes. (The values differ by rounding noise only: SkylakeX's kernel moves the 20 losses
# by up to 6e-5 relative, the "k-order" row of the study.)
os.environ["OPENBLAS_CORETYPE"] = "Haswell"

import numpy as np  # noqa: E402 (after the pin)
import torch  # noqa: E402

from fixture import read_fixture, write_fixture  # noqa: E402
from gpt2 import GPT2, HYPER, PARAM_NAMES, ROOT, fingerprint, train  # noqa: E402

STEPS = 20


def round_bf16(x):
    """x rounded to the nearest bf16 (ties to even), as fp32: what model/bf16.h's bf16_round gives."""
    return x.to(torch.bfloat16).to(torch.float32)


class Bf16Product(torch.autograd.Function):
    """c = bf16(a) @ bf16(b) in fp32, and its backward with bf16 inputs too:
    da = bf16(dc) @ bf16(b)^T, db = bf16(a)^T @ bf16(dc), each summed in fp32 with an fp32 result.
    (Casting with .to() inside autograd would round the wrong thing: the backward of
    .to(bfloat16).to(float32) rounds the OUTGOING gradient, not the incoming one.)"""

    sums = "fp32"  # --study also tries "float64" and "k-order": the same products summed in other orders

    @staticmethod
    def forward(ctx, a, b):
        a, b = round_bf16(a), round_bf16(b)
        ctx.save_for_backward(a, b)
        return Bf16Product.product(a, b)

    @staticmethod
    def backward(ctx, dc):
        a, b = ctx.saved_tensors
        dc = round_bf16(dc)
        return Bf16Product.product(dc, b.transpose(-2, -1)), Bf16Product.product(a.transpose(-2, -1), dc)

    @staticmethod
    def product(a, b):
        if Bf16Product.sums == "float64":  # gemm_bf16_naive's sums
            return torch.matmul(a.double(), b.double()).float()
        if Bf16Product.sums == "k-order":  # the portable kernel's: acc += a[:, k] b[k, :] for k = 0, 1, ...
            acc = torch.zeros(a.shape[:-1] + b.shape[-1:])
            for k in range(a.shape[-1]):
                acc = acc + a[..., :, k:k + 1] * b[..., k:k + 1, :]  # the product of two bf16 is exact in fp32
            return acc
        return torch.matmul(a, b)  # PyTorch's fp32 GEMM (OpenBLAS sgemm), its own order


def bf16_matmul(a, b):
    """GPT2.forward's matmul in bf16. A linear layer's product, (B,T,C) @ (C,OC), is taken as one
    (BT,C) @ (C,OC) product, so its weight gradient is one product too, as in matmul.cpp."""
    if b.dim() == 2:
        return Bf16Product.apply(a.reshape(-1, a.shape[-1]), b).view(*a.shape[:-1], b.shape[-1])
    return Bf16Product.apply(a, b)  # attention: (B,NH,T,hs) @ (B,NH,hs,T), (B,NH,T,T) @ (B,NH,T,hs)


def autocast_loss(model):
    """The forward and loss under torch.autocast, as PyTorch's AMP recipe has it (backward outside)."""
    def loss_of(inputs, targets):
        with torch.autocast("cpu", dtype=torch.bfloat16):
            return model(inputs, targets)[1]
    return loss_of


# ----------------------------------------------------------------------------
# the reference and its variants

def start(ref):
    """gpt2_v256.bin's model and batch."""
    maxT, V, Vp, L, NH, C, B, T = (int(x) for x in ref["config"])
    model = GPT2(maxT, V, L, NH, C, Vp)
    model.load_flat(torch.from_numpy(ref["params"]).reshape(-1))
    inputs = torch.from_numpy(ref["inputs"]).long()
    targets = torch.from_numpy(ref["targets"]).long()
    return model, inputs, targets


def run(ref, matmul=torch.matmul, autocast=False):
    """Step 0's logits, loss and gradients, then the losses of STEPS default-hyperparameter steps."""
    model, inputs, targets = start(ref)
    if autocast:
        with torch.autocast("cpu", dtype=torch.bfloat16):
            logits, loss = model(inputs, targets)
    else:
        logits, loss = model(inputs, targets, matmul=matmul)
    loss.backward()
    out = {"logits": logits.detach().float(), "loss": loss.detach().reshape(1), "grads": model.flat(grads=True)}
    model, inputs, targets = start(ref)
    loss_of = autocast_loss(model) if autocast else (lambda i, t: model(i, t, matmul=matmul)[1])
    out["losses"] = np.array(train(model, lambda step: (inputs, targets), HYPER["default"], STEPS, loss_of),
                             dtype=np.float32)
    return out


def forward_only_matmul(a, b):
    """A bug to catch: bf16 inputs in forward, but backward's products in fp32 from the fp32 gradient."""
    return torch.matmul(round_bf16(a), round_bf16(b))


def linears_only_matmul(a, b):
    """A bug to catch: attention's two products left in fp32."""
    return bf16_matmul(a, b) if b.dim() == 2 else torch.matmul(a, b)


def differences(got, want, model_shapes):
    """Relative differences from the reference: the 20 losses (max, each to its own value), step 0's
    loss, step 0's logits (max |diff| over max |logit|, as test/check.h's check_tensor measures, and
    the L2 norm of the difference over the L2 norm of the logits), and the gradients (the worst
    tensor by check_tensor's measure, and the L2 norm over all of them, relative)."""
    rel_max = lambda g, w: float(np.max(np.abs(g - w)) / np.max(np.abs(w)))
    rel_l2 = lambda g, w: float(np.linalg.norm(g - w) / np.linalg.norm(w))
    losses = float(np.max(np.abs(got["losses"] - want["losses"]) / np.abs(want["losses"])))
    loss0 = abs(got["loss"].item() - want["loss"].item()) / want["loss"].item()
    g, w = got["logits"].numpy(), want["logits"].numpy()
    logits = (rel_max(g, w), rel_l2(g, w))
    grad_worst, off = 0.0, 0
    for _, numel in model_shapes:
        grad_worst = max(grad_worst, rel_max(got["grads"][off:off + numel].numpy(),
                                             want["grads"][off:off + numel].numpy()))
        off += numel
    return losses, loss0, logits[0], logits[1], grad_worst, rel_l2(got["grads"].numpy(), want["grads"].numpy())


def study(ref, want):
    model, _, _ = start(ref)
    shapes = [(n, getattr(model, n).numel()) for n in PARAM_NAMES]
    variants = []
    for sums in ("float64", "k-order"):
        Bf16Product.sums = sums
        variants.append(("bf16, sums in %s (another summation order)" % sums, run(ref, bf16_matmul)))
    Bf16Product.sums = "fp32"
    variants += [("fp32 (no rounding at all)", run(ref)),
                 ("bf16 forward only (backward's products in fp32)", run(ref, forward_only_matmul)),
                 ("bf16 linears, attention's products in fp32", run(ref, linears_only_matmul)),
                 ("torch.autocast (bf16 results, bf16 softmax)", run(ref, autocast=True))]
    print("\nvariants vs the bf16 reference, relative differences (see differences()):")
    print("| variant | 20 losses, max | step-0 loss | logits, max | logits, L2 | grads, worst tensor max |"
          " grads, L2 |\n|---|---|---|---|---|---|---|")
    for name, got in variants:
        print("| %s | %.1e | %.1e | %.1e | %.1e | %.1e | %.1e |" % ((name,) + differences(got, want, shapes)))


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--study", action="store_true", help="also print the variants' distances from the reference")
    a = ap.parse_args()
    torch.set_num_threads(1)  # deterministic reductions
    src = os.path.join(ROOT, "test", "fixtures", "gpt2_v256.bin")
    if not os.path.exists(src):
        sys.exit("%s is missing; HINT: /usr/bin/python3 dev/reference/gpt2.py fixtures" % src)
    ref = read_fixture(src)
    want = run(ref, bf16_matmul)
    fp32 = run(ref)
    autocast = run(ref, autocast=True)
    out = {"config": np.append(ref["config"], STEPS).astype(np.int32),
           "params_fingerprint": np.array([fingerprint(torch.from_numpy(ref["params"]).reshape(-1))],
                                          dtype=np.uint32).view(np.int32),
           "logits": want["logits"], "loss": want["loss"], "grads": want["grads"],
           "losses_bf16": want["losses"], "losses_fp32": fp32["losses"], "losses_autocast": autocast["losses"]}
    path = os.path.join(ROOT, "test", "fixtures", "gpt2_bf16.bin")
    write_fixture(path, out)
    print("%s: %d KB" % (os.path.normpath(path), os.path.getsize(path) // 1024))
    for name in ("losses_bf16", "losses_fp32", "losses_autocast"):
        print("%-16s %s" % (name, " ".join("%.6f" % x for x in out[name])))
    if a.study:
        study(ref, want)


if __name__ == "__main__":
    main()
