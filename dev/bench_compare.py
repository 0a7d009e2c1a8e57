"""Issue 6's speed table: scratchgpt's step next to PyTorch eager, both builds, one run.

Purpose: runs `./train bench` (default Eigen build and BLAS=openblas build) and
dev/bench_pytorch.py on the three configs of issue 6 (tiny, small, GPT-2 124M B4 T64), with the
same checkpoint and tokens for every program, and prints the ratios against the targets.
Command:  python3 dev/bench_compare.py [--threads 2] [--steps 10] [--rounds 3] [--no-build] [--only tiny ...]
          (or: make bench)
Files written: cache/bench/train-eigen, cache/bench/train-openblas (the two builds, unless
--no-build), cache/bench/{tiny,small,124m}.bin (the checkpoints every program reads).
Every program runs with OpenBLAS's AVX-512 kernels (OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE unset);
PyTorch also at its best setting found here: glibc keeping freed blocks, and the fastest of
OpenBLAS's pthreads build with passive OpenMP threads and 1 or --threads intra-op threads, or
Debian's OpenMP build of OpenBLAS (libopenblas0-openmp, if installed) with --threads intra-op
threads (see dev/bench_pytorch.py).
The programs are interleaved in rounds and each figure is the median over the rounds, because
this machine's speed drifts while a benchmark runs.
Expected printout: the machine and load, each program's `bench:` line, then a table of ms per
step, speedups (target: 1.5x / 1.25x / 1.3x PyTorch, 4x llm.c), peak_frac (target 0.75 at
small), memory against the model card (target 1.2x) and 2-vs-1-thread scaling (target 1.8x).
llm.c is not built here: its figures are the issue's, not measured in this run. Runs ~9 minutes (3 rounds).
Read by: whoever reports on issue 6 (the README's speed section quotes its table).
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


def run(cmd, extra_env=None):
    """Runs a command, echoes and returns its first bench: line with a time, parsed as a dict."""
    env = dict(os.environ)
    env.pop("OPENBLAS_CORETYPE", None)  # the default forces AVX2 kernels and halves sgemm
    env.pop("OPENBLAS_L2_SIZE", None)
    env.update(extra_env or {})  # ours needs nothing else: it allocates once, and its OpenMP threads are the only ones
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
    a = ap.parse_args()
    configs = [c for c in CONFIGS if not a.only or c[0] in a.only]
    os.makedirs(CACHE, exist_ok=True)
    if a.no_build:
        bins = {"eigen": os.path.join(CACHE, "train-eigen"), "openblas": os.path.join(CACHE, "train-openblas")}
    else:
        bins = {"eigen": build(False), "openblas": build(True)}
    cpu = subprocess.run(["sh", "-c", "lscpu | sed -n 's/^Model name: *//p'"], capture_output=True, text=True).stdout
    print(f"machine: {cpu.strip()}, {os.cpu_count()} cores; load average {os.getloadavg()[0]:.2f} at start; "
          f"{time.strftime('%Y-%m-%d %H:%M UTC', time.gmtime())}", flush=True)
    th = a.threads
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
                     "-t", str(T), "--save", ckpt, "--steps", "0", "--ceiling", "0"])
            shape = ["-b", str(B), "-t", str(T), "--name", name]
            todo = [("pytorch_" + label, [sys.executable, "dev/bench_pytorch.py", ckpt] + shape + steps +
                     ["--intra-op", str(k)], env) for label, env, k in pytorch_settings(th)]
            for b, path in bins.items():
                todo.append((b, [path, "bench", "-e", ckpt] + shape + steps, None))
                if name == "small":  # the scaling target: the same at 1 thread
                    todo.append((b + "_1t", [path, "bench", "-e", ckpt] + shape +
                                 ["--steps", "5", "--warmup", "1", "--threads", "1", "--ceiling", "0"], None))
            for prog, cmd, env in todo:
                runs.setdefault((name, prog), []).append(run(cmd, env))

    def med(name, prog, key="ms_per_step"):
        return statistics.median(float(r[key]) for r in runs[(name, prog)])

    print(f"\nload average {os.getloadavg()[0]:.2f} at end; figures are medians over {a.rounds} round(s)\n")
    print("| config | GFLOP/step | PyTorch ms (best setting) | ours Eigen ms | ours OpenBLAS ms |"
          " vs PyTorch (Eigen / OpenBLAS), target | llm.c ms (issue, not measured) |"
          " vs llm.c (Eigen / OpenBLAS), target 4x | peak_frac (Eigen / OpenBLAS) |"
          " mem_ratio, without the process's own (OpenBLAS) |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name, desc, V, maxT, B, T, llmc_ms, target in configs:
        pts = {prog: med(name, prog) for (n, prog) in runs if n == name and prog.startswith("pytorch")}
        best = min(pts, key=pts.get)
        pt, e, o = pts[best], med(name, "eigen"), med(name, "openblas")
        gflop = float(runs[(name, "eigen")][0]["gflops"]) * float(runs[(name, "eigen")][0]["ms_per_step"]) / 1000.0
        last = runs[(name, "openblas")][-1]
        print(f"| {name} | {gflop:.1f} | {pt:.1f} ({best.replace('pytorch_', '')}) | {e:.1f} | {o:.1f} |"
              f" {pt / e:.2f}x / {pt / o:.2f}x, {target}x | {llmc_ms:.0f} | {llmc_ms / e:.1f}x / {llmc_ms / o:.1f}x |"
              f" {med(name, 'eigen', 'peak_frac'):.3f} / {med(name, 'openblas', 'peak_frac'):.3f} |"
              f" {last['mem_ratio']}, {last['model_mem_ratio']} |")
    if any(n == "small" for n, _ in runs):
        for b in bins:
            one, two = med("small", b + "_1t"), med("small", b)
            print(f"scaling at small, {b}: 1 thread {one:.1f} ms, {th} threads {two:.1f} ms: "
                  f"{one / two:.2f}x (target 1.8x)")
    for name, *_ in configs:  # same model, same tokens: the first loss must agree
        first = {prog: rs[0]["loss_first"] for (n, prog), rs in runs.items() if n == name and "_1t" not in prog}
        print(f"loss_first {name}: " + " ".join(f"{k} {v}" for k, v in first.items()))


if __name__ == "__main__":
    main()
