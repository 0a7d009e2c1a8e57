"""hf_gpt2.py: GPT-2 with Hugging Face's names and Conv1D layout, and a safetensors reader/writer.

Purpose: the proof that `-e DIR` (model/train/hf_checkpoint.h) reads Hugging Face's GPT-2 and that
`./train export --hf DIR` writes one that transformers' GPT2LMHeadModel computes the same logits
with. transformers is not used (nor installed): the module below is GPT2LMHeadModel's math and
state_dict names written out in torch (Conv1D keeps a weight as (in, out): y = x @ W + b), and the
.safetensors reader/writer are written from the format's public specification with json + numpy
(https://github.com/huggingface/safetensors, "Format": an 8-byte little-endian header length, the
JSON header {name: {dtype, shape, data_offsets}, "__metadata__": {...}}, then the tensors' bytes).

Commands (from the repository root; /usr/bin/python3 is Debian's python3-torch):
  /usr/bin/python3 dev/reference/hf_gpt2.py fixtures
      writes test/fixtures/hf_gpt2/ (config.json for L=2 NH=2 C=16 V=50 maxT=16, and three weight
      files of the same model: model.safetensors in F32 with "transformer." names as
      save_pretrained writes them; model_f16.safetensors in F16 without the prefix, with the F32
      causal-mask buffers attn.bias / attn.masked_bias and a tied lm_head.weight, as older Hub
      files have them; model_bf16.safetensors in BF16 without the prefix) and test/fixtures/
      hf_gpt2.bin: inputs (B=2 T=8), logits_f32 / logits_f16 / logits_bf16 (B,T,V), each computed
      from that file's weights converted to fp32, and params (the F32 weights in llm.c's layout,
      wte padded to Vp=128 rows). Prints one line per file. Read by test/model/train/test_hf_checkpoint.cpp.
  /usr/bin/python3 dev/reference/hf_gpt2.py check DIR
      loads DIR/config.json + DIR/model.safetensors (e.g. written by
      `./train export --hf DIR -e test/fixtures/hf_gpt2/model.safetensors`), runs the fixture's
      inputs and prints the largest difference from logits_f32 ("check: max |diff| 1.2e-07 ... OK"),
      exit status 1 if above 1e-5. For a transformers user, the same directory loads with
      GPT2LMHeadModel.from_pretrained(DIR).
"""
import json
import math
import os
import struct
import sys

import numpy as np
import torch

from fixture import write_fixture, read_fixture

ROOT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
FIXTURE_DIR = os.path.join(ROOT, "test", "fixtures", "hf_gpt2")

# ----------------------------------------------------------------------------
# safetensors, from the specification

DTYPE_BYTES = {"F32": 4, "F16": 2, "BF16": 2}


def to_bf16_bits(a):
    """float32 array -> bf16 bits (uint16), rounded to nearest even as torch does."""
    return torch.from_numpy(np.ascontiguousarray(a, dtype=np.float32)).to(torch.bfloat16).view(torch.int16).numpy().view(np.uint16)


def from_bits(raw, dtype, shape):
    """A tensor's bytes -> float32 numpy array of shape."""
    if dtype == "F32":
        a = np.frombuffer(raw, dtype="<f4")
    elif dtype == "F16":
        a = np.frombuffer(raw, dtype="<f2").astype(np.float32)
    elif dtype == "BF16":
        a = (np.frombuffer(raw, dtype="<u2").astype(np.uint32) << 16).view(np.float32)
    else:
        raise SystemExit("unsupported dtype %s" % dtype)
    return a.reshape(shape).astype(np.float32)


def read_safetensors(path):
    """dict name -> float32 numpy array, checking the offsets as the spec demands."""
    with open(path, "rb") as f:
        data = f.read()
    (n,) = struct.unpack("<Q", data[:8])
    assert 8 + n <= len(data), "%s: header length beyond the file" % path
    header = json.loads(data[8:8 + n])
    body = data[8 + n:]
    out, spans = {}, []
    for name, e in header.items():
        if name == "__metadata__":
            continue
        begin, end = e["data_offsets"]
        assert end - begin == int(np.prod(e["shape"], dtype=np.int64)) * DTYPE_BYTES[e["dtype"]], name
        spans.append((begin, end))
        out[name] = from_bits(body[begin:end], e["dtype"], e["shape"])
    covered = 0
    for begin, end in sorted(spans):
        assert begin == covered, "%s: gap or overlap at %d" % (path, begin)
        covered = end
    assert covered == len(body), "%s: bytes after the last tensor" % path
    return out


def write_safetensors(path, tensors, metadata=None):
    """tensors: dict name -> (float32 numpy array, "F32" | "F16" | "BF16"), written in dict order."""
    header, blobs, offset = {}, [], 0
    if metadata is not None:
        header["__metadata__"] = metadata
    for name, (a, dtype) in tensors.items():
        a = np.ascontiguousarray(a, dtype=np.float32)
        raw = {"F32": lambda: a.astype("<f4").tobytes(), "F16": lambda: a.astype("<f2").tobytes(),
               "BF16": lambda: to_bf16_bits(a).astype("<u2").tobytes()}[dtype]()
        header[name] = {"dtype": dtype, "shape": list(a.shape), "data_offsets": [offset, offset + len(raw)]}
        blobs.append(raw)
        offset += len(raw)
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * (-len(h) % 8)  # the spec allows trailing spaces; 8-byte aligned data
    with open(path, "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))


# ----------------------------------------------------------------------------
# GPT2LMHeadModel, with its state_dict names

class Conv1D(torch.nn.Module):
    """GPT-2's linear layer: weight (in, out), the transpose of nn.Linear's. y = x @ W + b."""

    def __init__(self, n_in, n_out):
        super().__init__()
        self.weight = torch.nn.Parameter(torch.zeros(n_in, n_out))
        self.bias = torch.nn.Parameter(torch.zeros(n_out))

    def forward(self, x):
        return x @ self.weight + self.bias


def gelu_new(x):
    """GPT-2's GELU (tanh approximation), as transformers' "gelu_new"."""
    return 0.5 * x * (1.0 + torch.tanh(math.sqrt(2.0 / math.pi) * (x + 0.044715 * x ** 3)))


class Attention(torch.nn.Module):
    def __init__(self, C, NH):
        super().__init__()
        self.NH = NH
        self.c_attn = Conv1D(C, 3 * C)
        self.c_proj = Conv1D(C, C)

    def forward(self, x):
        B, T, C = x.shape
        hs = C // self.NH
        q, k, v = self.c_attn(x).split(C, dim=2)                          # (B,T,C) each
        q, k, v = (t.view(B, T, self.NH, hs).transpose(1, 2) for t in (q, k, v))  # (B,NH,T,hs)
        att = (q @ k.transpose(-2, -1)) / math.sqrt(hs)                   # (B,NH,T,T)
        mask = torch.tril(torch.ones(T, T, dtype=torch.bool))
        att = att.masked_fill(~mask, float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(B, T, C)
        return self.c_proj(y)


class MLP(torch.nn.Module):
    def __init__(self, C):
        super().__init__()
        self.c_fc = Conv1D(C, 4 * C)
        self.c_proj = Conv1D(4 * C, C)

    def forward(self, x):
        return self.c_proj(gelu_new(self.c_fc(x)))


class Block(torch.nn.Module):
    def __init__(self, C, NH):
        super().__init__()
        self.ln_1 = torch.nn.LayerNorm(C, eps=1e-5)
        self.attn = Attention(C, NH)
        self.ln_2 = torch.nn.LayerNorm(C, eps=1e-5)
        self.mlp = MLP(C)

    def forward(self, x):
        x = x + self.attn(self.ln_1(x))
        return x + self.mlp(self.ln_2(x))


class Transformer(torch.nn.Module):
    def __init__(self, cfg):
        super().__init__()
        C = cfg["n_embd"]
        self.wte = torch.nn.Embedding(cfg["vocab_size"], C)
        self.wpe = torch.nn.Embedding(cfg["n_positions"], C)
        self.h = torch.nn.ModuleList([Block(C, cfg["n_head"]) for _ in range(cfg["n_layer"])])
        self.ln_f = torch.nn.LayerNorm(C, eps=1e-5)


class GPT2LMHeadModel(torch.nn.Module):
    """Its state_dict has transformers' names: transformer.wte.weight, transformer.h.0.attn.c_attn.weight, ...
    lm_head is tied to wte, so it is no parameter of its own."""

    def __init__(self, cfg):
        super().__init__()
        self.transformer = Transformer(cfg)

    def forward(self, idx):
        t = self.transformer
        B, T = idx.shape
        x = t.wte(idx) + t.wpe(torch.arange(T))
        for block in t.h:
            x = block(x)
        return t.ln_f(x) @ t.wte.weight.t()                               # (B,T,V)


def load_hf(model, tensors):
    """Fills model from a read_safetensors dict, names with or without "transformer."; mask buffers
    and the tied lm_head.weight are skipped, as transformers does."""
    sd = model.state_dict()
    for name, a in tensors.items():
        if name.endswith(".attn.bias") or name.endswith(".attn.masked_bias") or name == "lm_head.weight":
            continue
        key = name if name in sd else "transformer." + name
        sd[key].copy_(torch.from_numpy(a))


def llmc_params(model, Vp):
    """The weights in llm.c's layout (model/tensors.h): 16 tensors, layers stacked, Conv1D weights
    transposed to (out, in), wte padded to Vp rows with zeros; one float32 vector."""
    t = model.transformer
    V, C = t.wte.weight.shape
    wte = torch.zeros(Vp, C)
    wte[:V] = t.wte.weight
    per_layer = lambda f: torch.stack([f(b) for b in t.h])
    parts = [wte, t.wpe.weight,
             per_layer(lambda b: b.ln_1.weight), per_layer(lambda b: b.ln_1.bias),
             per_layer(lambda b: b.attn.c_attn.weight.t()), per_layer(lambda b: b.attn.c_attn.bias),
             per_layer(lambda b: b.attn.c_proj.weight.t()), per_layer(lambda b: b.attn.c_proj.bias),
             per_layer(lambda b: b.ln_2.weight), per_layer(lambda b: b.ln_2.bias),
             per_layer(lambda b: b.mlp.c_fc.weight.t()), per_layer(lambda b: b.mlp.c_fc.bias),
             per_layer(lambda b: b.mlp.c_proj.weight.t()), per_layer(lambda b: b.mlp.c_proj.bias),
             t.ln_f.weight, t.ln_f.bias]
    return torch.cat([p.detach().reshape(-1) for p in parts])


# ----------------------------------------------------------------------------
# commands

CONFIG = {"architectures": ["GPT2LMHeadModel"], "model_type": "gpt2", "vocab_size": 50, "n_positions": 16,
          "n_embd": 16, "n_layer": 2, "n_head": 2, "n_inner": None, "activation_function": "gelu_new",
          "layer_norm_epsilon": 1e-05, "tie_word_embeddings": True}


def fixtures():
    torch.manual_seed(17)
    cfg = CONFIG
    model = GPT2LMHeadModel(cfg)
    with torch.no_grad():
        # every tensor random, biases and LayerNorm weights away from 0/1, so a swapped one shows
        for name, p in model.state_dict().items():
            p.copy_(torch.randn(p.shape) * (0.5 if "wte" in name or "wpe" in name else 0.2))
            if "ln" in name and name.endswith("weight"):
                p.add_(1.0)
    os.makedirs(FIXTURE_DIR, exist_ok=True)
    with open(os.path.join(FIXTURE_DIR, "config.json"), "w") as f:
        json.dump(cfg, f, indent=2)
    sd = {k: v.numpy().copy() for k, v in model.state_dict().items()}
    bare = lambda k: k[len("transformer."):]
    L, T = cfg["n_layer"], cfg["n_positions"]
    files = {
        "model.safetensors": ({k: (a, "F32") for k, a in sd.items()}, {"format": "pt"}),
        "model_f16.safetensors": (dict([(bare(k), (a, "F16")) for k, a in sd.items()]
                                       + [("h.%d.attn.bias" % l, (np.tril(np.ones((T, T), np.float32)).reshape(1, 1, T, T), "F32")) for l in range(L)]
                                       + [("h.%d.attn.masked_bias" % l, (np.array(-1e4, np.float32), "F32")) for l in range(L)]
                                       + [("lm_head.weight", (sd["transformer.wte.weight"], "F16"))]), {"format": "pt"}),
        "model_bf16.safetensors": ({bare(k): (a, "BF16") for k, a in sd.items()}, None),
    }
    inputs = torch.randint(0, cfg["vocab_size"], (2, 8))
    out = {"inputs": inputs}
    for fname, (tensors, meta) in files.items():
        path = os.path.join(FIXTURE_DIR, fname)
        write_safetensors(path, tensors, meta)
        m = GPT2LMHeadModel(cfg)
        load_hf(m, read_safetensors(path))  # the weights as the file holds them, then fp32
        with torch.no_grad():
            logits = m(inputs)
        key = {"model.safetensors": "logits_f32", "model_f16.safetensors": "logits_f16", "model_bf16.safetensors": "logits_bf16"}[fname]
        out[key] = logits
        print("%s: %d bytes, logits[0,0,:3] %s" % (os.path.relpath(path, ROOT), os.path.getsize(path), logits[0, 0, :3].tolist()))
    out["params"] = llmc_params(model, (cfg["vocab_size"] + 127) // 128 * 128)
    write_fixture(os.path.join(ROOT, "test", "fixtures", "hf_gpt2.bin"), out)
    print("test/fixtures/hf_gpt2.bin: inputs, logits_f32/f16/bf16, params (%d floats)" % out["params"].numel())


def check(d):
    with open(os.path.join(d, "config.json")) as f:
        cfg = json.load(f)
    model = GPT2LMHeadModel(cfg)
    load_hf(model, read_safetensors(os.path.join(d, "model.safetensors")))
    fx = read_fixture(os.path.join(ROOT, "test", "fixtures", "hf_gpt2.bin"))
    with torch.no_grad():
        logits = model(torch.from_numpy(fx["inputs"]).long()).numpy()
    diff = float(np.abs(logits - fx["logits_f32"]).max())
    ok = diff <= 1e-5 * float(np.abs(fx["logits_f32"]).max())
    print("check: %s: max |diff| %.3g against logits_f32 (scale %.3g) %s"
          % (d, diff, float(np.abs(fx["logits_f32"]).max()), "OK" if ok else "FAILED"))
    return 0 if ok else 1


if __name__ == "__main__":
    torch.set_num_threads(1)
    if len(sys.argv) == 2 and sys.argv[1] == "fixtures":
        fixtures()
    elif len(sys.argv) == 3 and sys.argv[1] == "check":
        sys.exit(check(sys.argv[2]))
    else:
        sys.exit(__doc__)
