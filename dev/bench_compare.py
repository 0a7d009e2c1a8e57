"""Issues 6 and 13's speed tables: scratchgpt's step next to PyTorch eager, fp32 and bf16, one run.

Purpose: runs `./train bench` (default Eigen build and BLAS=openblas build; fp32, and bf16 with
--precision bf16) and dev/bench_pytorch.py (fp32, and bf16 under torch.autocast) on the three configs
of issue 6 (tiny, small, GPT-2 124M B4 T64), with the same checkpoint and tokens for every program,
and prints two tables: issue 6's fp32 table (ratios against its targets) and issue 13's fp32/bf16 table.
Command:  python3 dev/bench_compare.py [--threads 2] [--steps 10] [--rounds 3] [--no-build] [--only tiny ...]
          [--precisions fp32 bf16] [--coretype auto|unset|NAME]
          (or: make bench)
Files written: cache/bench/train-eigen, cache/bench/train-openblas (the two builds, unless
--no-build), cache/bench/{tiny,small,124m}.bin (the checkpoints every program reads).
OpenBLAS (PyTorch's fp32 GEMMs, and ours with BLAS=openblas): Debian's 0.3.21 picks its kernels
from the CPU model, and on a CPU it does not know it falls back to its generic "Prescott" ones
(measured on a Xeon with AMX: sgemm 2048^3 at 30-43 GFLOP/s instead of ~195). So before anything
runs, --coretype auto times a 1024^3 sgemm (numpy, the same libopenblas) under each of
OPENBLAS_CORETYPE unset, SkylakeX, Cooperlake, Haswell and Zen, reads the kernel each really got
from OPENBLAS_VERBOSE=2's "Core: ..." line, and every OpenBLAS program then runs with the fastest
(unset unless another is 10% faster). OPENBLAS_L2_SIZE is unset for all.
PyTorch also runs at its best setting found here: glibc keeping freed blocks, and the fastest of
OpenBLAS's pthreads build with passive OpenMP threads and 1 or --threads intra-op threads, or
Debian's OpenMP build of OpenBLAS (libopenblas0-openmp, if installed) with --threads intra-op
threads (see dev/bench_pytorch.py); in bf16 the same settings are tried (its products run in
oneDNN, whose kernel the probe at the start names).
Ours in bf16 needs `./train bench --precision`; a build without it shows n/a in the bf16 columns.
The programs are interleaved in rounds and each figure is the median over the rounds, because
this machine's speed drifts while a benchmark runs.
Expected printout: the CPU (from /proc/cpuinfo, with its bf16 units), the OpenBLAS kernel chosen
and why, PyTorch's bf16 kernel, each program's `bench:` line, then issue 6's table of ms per step,
speedups (target: 1.5x / 1.25x / 1.3x PyTorch, 4x llm.c), peak_frac (target 0.75 at small), memory
against the model card (target 1.2x) and 2-vs-1-thread scaling (target 1.8x); then issue 13's table:
ms per step of ours fp32 / bf16 and PyTorch fp32 / bf16, and the two bf16 ratios (targets with AMX:
PyTorch bf16 / ours bf16 >= 1.8x at small, 1.5x at 124M; with AVX512-BF16 only: ours fp32 / ours
bf16 >= 1.5x at small).
llm.c is not built here: its figures are issue 6's, not measured in this run. Runs ~14 minutes (3 rounds).
Read by: whoever reports on issues 6 and 13 (the README's speed section quotes the tables).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
CACHE = os.path.join(ROOT, "cache", "bench")
# name: descriptor, V, maxT, B, T, llm.c's ms from issue 6 (not measured here), speedup target vs PyTorch
CONFIGS = [
    ("tiny", "l4h4c128", 256, 64, 12, 64, 110.0, 1.5),
    ("small", "l6h6c384", 256, 256, 8, 256, 4491.0, 1.25),
    ("124m", "d12", 50257, 1024, 4, 64, 4631.0, 1.3),
]


# Debian's OpenBLAS built on OpenMP (package libopenblas0-openmp): PyTorch's GEMMs then run on
# PyTorch's own OpenMP threads instead of OpenBLAS's pthreads competing with them.
OPENBLAS_OPENMP = "/usr/lib/x86_64-linux-gnu/openblas-openmp"


def pytorch_settings(threads):
    """The settings tried for PyTorch; the table keeps the fastest (see dev/bench_pytorch.py)."""
    common = {"OPENBLAS_NUM_THREADS": str(threads),
              "MALLOC_MMAP_MAX_": "0",  # glibc keeps large freed blocks: fresh tensors do not page-fault
              "MALLOC_TRIM_THRESHOLD_": str(1 << 36)}
    passive = dict(common, OMP_WAIT_POLICY="passive")  # idle OpenMP threads do not spin against OpenBLAS's
    settings = [("pthreads,intra%d" % k, passive, k) for k in sorted({1, threads})]
    if os.path.isdir(OPENBLAS_OPENMP):
        settings.append(("openmp,intra%d" % threads, dict(common, LD_LIBRARY_PATH=OPENBLAS_OPENMP), threads))
    return settings


def blas_env(coretype, extra_env=None):
    """This process's environment with OpenBLAS's kernel set to `coretype` (None: OpenBLAS picks),
    OPENBLAS_L2_SIZE unset, then extra_env."""
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)
    env.pop("OPENBLAS_L2_SIZE", None)
    if coretype:
        env["OPENBLAS_CORETYPE"] = coretype
    env.update(extra_env or {})
    return env


# ----------------------------------------------------------------------------
# the machine: the CPU, OpenBLAS's kernel, PyTorch's bf16 kernel

def cpu_description():
    """The CPU's model name and bf16 units, from /proc/cpuinfo."""
    name, flags = "unknown CPU", set()
    try:
        for line in open("/proc/cpuinfo"):
            key, _, value = line.partition(":")
            if key.strip() == "model name" and name == "unknown CPU":
                name = value.strip()
            elif key.strip() == "flags" and not flags:
                flags = set(value.split())
    except OSError:
        pass
    units = [u for f, u in (("amx_bf16", "AMX-BF16"), ("avx512_bf16", "AVX512-BF16"), ("avx512f", "AVX-512"))
             if f in flags]
    return f"{name} ({', '.join(units) or 'no AVX-512'})"


# One OpenBLAS probe: the best of 5 sgemm 1024^3 (numpy links Debian's libopenblas, as PyTorch and
# BLAS=openblas do); OPENBLAS_VERBOSE=2 makes the library print "Core: NAME" as it loads.
SGEMM_PROBE = """
import time, numpy as np
a = np.random.default_rng(0).random((1024, 1024), dtype=np.float32); b = a.copy(); a @ b
best = min((lambda t0: (a @ b, time.perf_counter() - t0)[1])(time.perf_counter()) for _ in range(5))
print("gflops %.1f" % (2 * 1024**3 / best / 1e9))
"""
CORETYPE_CANDIDATES = [None, "SkylakeX", "Cooperlake", "Haswell", "Zen"]


def probe_sgemm(coretype, threads):
    """(the kernel OpenBLAS used, whether it knew the name asked for, GFLOP/s) under OPENBLAS_CORETYPE=coretype."""
    out = subprocess.run([sys.executable, "-c", SGEMM_PROBE], capture_output=True, text=True,
                         env=blas_env(coretype, {"OPENBLAS_VERBOSE": "2", "OPENBLAS_NUM_THREADS": str(threads)}))
    text = out.stdout + out.stderr
    core = re.search(r"^Core: (\S+)", text, re.M)
    gflops = re.search(r"gflops (\S+)", text)
    if out.returncode != 0 or not core or not gflops:
        return None, False, 0.0
    return core.group(1), "Core not found" not in text, float(gflops.group(1))


def choose_coretype(threads, rounds=5):
    """The OPENBLAS_CORETYPE every OpenBLAS program runs with: the fastest kernel on this CPU, timed in
    interleaved rounds (best of each kernel, whichever names reached it), unset unless another kernel
    is 10% faster than the one OpenBLAS picks itself. Prints what it found."""
    seen = {}  # candidate -> (kernel used, whether 0.3.21 knew the name)
    fastest = {}  # kernel -> best GFLOP/s
    for _ in range(rounds):
        for c in CORETYPE_CANDIDATES:
            core, known, g = probe_sgemm(c, threads)
            if core is None:
                print("OpenBLAS probe failed (is python3-numpy installed?): OPENBLAS_CORETYPE left unset", flush=True)
                return None
            seen[c] = (core, known)
            fastest[core] = max(fastest.get(core, 0.0), g)
    print(f"OpenBLAS {threads}-thread sgemm 1024^3 by OPENBLAS_CORETYPE (kernel used, best of {rounds} rounds "
          f"over every name that reached it):")
    for c, (core, known) in seen.items():
        note = "" if known else f" (0.3.21 does not know the name: it picked {core} itself)"
        print(f"  {c or 'unset':10s} -> {core:10s} {fastest[core]:6.1f} GFLOP/s{note}")
    own = seen[None][0]
    best = max(fastest, key=fastest.get)
    if fastest[best] < 1.1 * fastest[own]:
        print(f"chosen: OPENBLAS_CORETYPE unset (OpenBLAS's own pick, {own}, is within 10% of the fastest)")
        return None
    name = next(c for c, (core, known) in seen.items() if c and known and core == best)
    print(f"chosen: OPENBLAS_CORETYPE={name} ({fastest[best] / fastest[own]:.2f}x OpenBLAS's own pick, {own}): "
          f"for PyTorch and for BLAS=openblas")
    return name


def pytorch_bf16_kernel():
    """What runs PyTorch's bf16 products: oneDNN's verbose line for one autocast product."""
    code = ("import torch\na = torch.ones(64, 64)\n"
            "with torch.autocast('cpu', dtype=torch.bfloat16):\n    a @ a\n")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=blas_env(None, {"ONEDNN_VERBOSE": "1", "DNNL_VERBOSE": "1"}))
    version = re.search(r"info,(oneDNN v\S+)", out.stdout)
    impl = re.search(r"exec,cpu,matmul,([^,]+)", out.stdout)
    if not impl:
        return "not oneDNN (no oneDNN matmul seen)"
    return f"{version.group(1) if version else 'oneDNN'} {impl.group(1)}"


def ours_has_bf16(binary):
    """True if this ./train's bench takes --precision (the bf16 path of issue 13)."""
    out = subprocess.run([binary, "bench", "--help"], capture_output=True, text=True)
    return "--precision" in out.stdout + out.stderr


def run(cmd, env):
    """Runs a command, echoes and returns its first bench: line with a time, parsed as a dict."""
    out = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True)
    if out.returncode != 0:
        sys.exit(f"failed ({out.returncode}): {' '.join(cmd)}\n{out.stderr}")
    rows = []
    for line in out.stdout.splitlines():
        if line.startswith("bench:"):
            print("  " + line, flush=True)
            rows.append(dict(re.findall(r"(\w+)=(\S+)", line)))
    timed = [r for r in rows if "ms_per_step" in r]
    return timed[0] if timed else None


def build(blas):
    subprocess.run(["make", "-j2", "train"] + (["BLAS=openblas"] if blas else []), cwd=ROOT, check=True,
                   stdout=subprocess.DEVNULL)
    dst = os.path.join(CACHE, "train-openblas" if blas else "train-eigen")
    shutil.copy(os.path.join(ROOT, "train"), dst)
    return dst


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--steps", type=int, default=10)
    ap.add_argument("--rounds", type=int, default=3, help="interleaved rounds; each figure is the median over them")
    ap.add_argument("--no-build", action="store_true", help="reuse cache/bench/train-{eigen,openblas}")
    ap.add_argument("--only", nargs="*", help="run only these configs (e.g. tiny small), for a quick look")
    ap.add_argument("--precisions", nargs="+", choices=["fp32", "bf16"], default=["fp32", "bf16"],
                    help="which precisions to time (default both)")
    ap.add_argument("--coretype", default="auto",
                    help="OPENBLAS_CORETYPE for every OpenBLAS program: auto (the fastest, measured), unset, or a name")
    a = ap.parse_args()
    configs = [c for c in CONFIGS if not a.only or c[0] in a.only]
    os.makedirs(CACHE, exist_ok=True)
    if a.no_build:
        bins = {"eigen": os.path.join(CACHE, "train-eigen"), "openblas": os.path.join(CACHE, "train-openblas")}
    else:
        bins = {"eigen": build(False), "openblas": build(True)}
    th = a.threads
    print(f"machine: {cpu_description()}, {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    coretype = {"auto": None, "unset": None}.get(a.coretype, a.coretype)
    if a.coretype == "auto":
        coretype = choose_coretype(th)
    env = blas_env(coretype)
    fp32, bf16 = "fp32" in a.precisions, "bf16" in a.precisions
    ours_bf16 = bf16 and ours_has_bf16(bins["eigen"])
    if bf16:
        print(f"PyTorch's bf16 products: {pytorch_bf16_kernel()}")
        if not ours_bf16:
            print("ours in bf16: n/a (this ./train bench has no --precision flag yet)")
    steps = ["--steps", str(a.steps), "--warmup", "2", "--threads", str(th)]
    # This machine's speed drifts by about +-15% within minutes (a shared host), so no program is
    # timed in one block: each round runs every program once, config by config, and each
    # figure below is the median over the rounds.
    runs = {}  # (config, program) -> [bench dicts, one per round]
    for rnd in range(a.rounds):
        print(f"round {rnd + 1} of {a.rounds}", flush=True)
        for name, desc, V, maxT, B, T, llmc_ms, target in configs:
            ckpt = os.path.join(CACHE, name + ".bin")
            if not os.path.exists(ckpt):  # the one checkpoint every program reads
                run([bins["eigen"], "bench", "-e", desc, "--vocab", str(V), "--block-size", str(maxT), "-b", str(B),
                     "-t", str(T), "--save", ckpt, "--steps", "0", "--ceiling", "0"], env)
            shape = ["-b", str(B), "-t", str(T), "--name", name]
            todo = []
            for prec in a.precisions:  # program names: pytorch_fp32_<setting>, pytorch_bf16_<setting>
                todo += [(f"pytorch_{prec}_{label}", [sys.executable, "dev/bench_pytorch.py", ckpt] + shape + steps +
                          ["--intra-op", str(k), "--precision", prec], dict(env, **extra))
                         for label, extra, k in pytorch_settings(th)]
            if fp32:
                for b, path in bins.items():
                    todo.append((b, [path, "bench", "-e", ckpt] + shape + steps, env))
                    if name == "small":  # the scaling target: the same at 1 thread
                        todo.append((b + "_1t", [path, "bench", "-e", ckpt] + shape +
                                     ["--steps", "5", "--warmup", "1", "--threads", "1", "--ceiling", "0"], env))
            if ours_bf16:  # bf16's products are our own kernels whatever the BLAS: the Eigen build only
                todo.append(("eigen_bf16", [bins["eigen"], "bench", "-e", ckpt] + shape + steps +
                             ["--precision", "bf16"], env))
            for prog, cmd, prog_env in todo:
                runs.setdefault((name, prog), []).append(run(cmd, prog_env))

    def med(name, prog, key="ms_per_step"):
        return statistics.median(float(r[key]) for r in runs[(name, prog)])

    def best_pytorch(name, prec):  # (ms, setting) of PyTorch's fastest setting in this precision
        pts = {prog: med(name, prog) for (n, prog) in runs if n == name and prog.startswith(f"pytorch_{prec}_")}
        best = min(pts, key=pts.get)
        return pts[best], best.replace(f"pytorch_{prec}_", "")

    print(f"\nload average {os.getloadavg()[0]:.2f} at end; figures are medians over {a.rounds} round(s); "
          f"OPENBLAS_CORETYPE {coretype or 'unset'}\n")
    if fp32:
        print("| config | GFLOP/step | PyTorch ms (best setting) | ours Eigen ms | ours OpenBLAS ms |"
              " vs PyTorch (Eigen / OpenBLAS), target | llm.c ms (issue, not measured) |"
              " vs llm.c (Eigen / OpenBLAS), target 4x | peak_frac (Eigen / OpenBLAS) |"
              " mem_ratio, without the process's own (OpenBLAS) |")
        print("|---|---|---|---|---|---|---|---|---|---|")
        for name, desc, V, maxT, B, T, llmc_ms, target in configs:
            pt, best = best_pytorch(name, "fp32")
            e, o = med(name, "eigen"), med(name, "openblas")
            gflop = float(runs[(name, "eigen")][0]["gflops"]) * float(runs[(name, "eigen")][0]["ms_per_step"]) / 1000.0
            last = runs[(name, "openblas")][-1]
            print(f"| {name} | {gflop:.1f} | {pt:.1f} ({best}) | {e:.1f} | {o:.1f} |"
                  f" {pt / e:.2f}x / {pt / o:.2f}x, {target}x | {llmc_ms:.0f} | {llmc_ms / e:.1f}x / {llmc_ms / o:.1f}x |"
                  f" {med(name, 'eigen', 'peak_frac'):.3f} / {med(name, 'openblas', 'peak_frac'):.3f} |"
                  f" {last['mem_ratio']}, {last['model_mem_ratio']} |")
        if any(n == "small" for n, _ in runs):
            for b in bins:
                one, two = med("small", b + "_1t"), med("small", b)
                print(f"scaling at small, {b}: 1 thread {one:.1f} ms, {th} threads {two:.1f} ms: "
                      f"{one / two:.2f}x (target 1.8x)")
    if fp32 and bf16:
        print_bf16_table(configs, med, best_pytorch, ours_bf16, runs)
    elif bf16:
        print("(issue 13's table sets bf16 beside fp32: run with --precisions fp32 bf16 to get it)")
    for name, *_ in configs:  # same model, same tokens: the first loss must agree (bf16: to ~1e-4)
        first = {prog: rs[0]["loss_first"] for (n, prog), rs in runs.items() if n == name and "_1t" not in prog}
        print(f"loss_first {name}: " + " ".join(f"{k} {v}" for k, v in first.items()))


def print_bf16_table(configs, med, best_pytorch, ours_bf16, runs):
    """Issue 13's table: ms per step in both precisions, and the two bf16 ratios (higher is better for us)."""
    print("\n| config | ours fp32 ms (Eigen) | ours bf16 ms (kernel) | PyTorch fp32 ms (best setting) |"
          " PyTorch bf16 autocast ms (best setting) | llm.c ms (issue 6, not measured) |"
          " PyTorch bf16 / ours bf16 (target with AMX: 1.8x small, 1.5x 124m) |"
          " ours fp32 / ours bf16 (target with AVX512-BF16: 1.5x small) | ours bf16 peak_frac |")
    print("|---|---|---|---|---|---|---|---|---|")
    for name, desc, V, maxT, B, T, llmc_ms, target in configs:
        e = med(name, "eigen")
        p32, s32 = best_pytorch(name, "fp32")
        p16, s16 = best_pytorch(name, "bf16")
        if ours_bf16:
            o16 = med(name, "eigen_bf16")
            kernel = runs[(name, "eigen_bf16")][0].get("gemm", "?")
            ours = f"{o16:.1f} ({kernel})"
            ratios = f"{p16 / o16:.2f}x | {e / o16:.2f}x | {med(name, 'eigen_bf16', 'peak_frac'):.3f}"
        else:
            ours, ratios = "n/a", "n/a | n/a | n/a"
        print(f"| {name} | {e:.1f} | {ours} | {p32:.1f} ({s32}) | {p16:.1f} ({s16}) | {llmc_ms:.0f} | {ratios} |")


if __name__ == "__main__":
    main()
