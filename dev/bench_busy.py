"""Issue 12.1's figures: ./train with one core kept busy by another program, and idle against an older binary.

Purpose: times the two targets of issue 12, item 1, which `make test` cannot time:
  busy: with a busy loop pinned to one core (taskset), ./train on its default threads takes
        <= 1.3x the time of the same command on 1 thread. Before the fix, the threads' spinning
        wait made it ~200x (issue 12: 38 s against 0.19 s).
  idle: with nothing else running, ./train on its default threads is no slower than an older
        binary (--old, e.g. a build of main before the fix) on the same commands.
Workloads: `run`, the issue's command (l2h2c64 B=4 T=64, 50 steps on Tiny Shakespeare, the whole
process timed); `sample`, `./train sample` of 120 tokens from a fresh l4h4c128 checkpoint (the
whole process); `step`, `./train bench tiny`'s ms per step (the step `make bench` times).
The cases run interleaved in rounds and each figure is the median over the rounds. Every child
runs without OMP_WAIT_POLICY, GOMP_SPINCOUNT and OMP_NUM_THREADS, so each binary picks its own
defaults; "1 thread" is OMP_NUM_THREADS=1, which old binaries understand too.
Command:  make train && /usr/bin/python3 dev/bench_busy.py --old /path/to/old/train
          [--rounds 5] [--skip-idle] [--old-busy]      (~1 minute; --old-busy adds up to 2)
          Run it alone: other programs on the machine make every figure noisy.
Files written: a temporary directory holding the sample checkpoint, removed at the end.
Expected printout: the machine and its load, then one line per figure, e.g.
  busy  run     default    0.213 s   1 thread   0.190 s   ratio 1.12  target <= 1.3   ok
  idle  step    this      14.200 ms  old       14.300 ms  ratio 0.99  target <= 1.05  ok
(idle's target is "no slower", with 5% for the noise between two runs of the same binary).
Read by: whoever reports on issue 12 (the closing note quotes the ratios).
"""
import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
TRAIN = os.path.join(ROOT, "train")
BUSY_TARGET, IDLE_TARGET = 1.3, 1.05
# the variables that choose OpenMP's threads and how they wait: each binary runs on its defaults
OMP_VARS = ("OMP_WAIT_POLICY", "GOMP_SPINCOUNT", "OMP_NUM_THREADS", "KMP_BLOCKTIME")


def corpus():
    """Tiny Shakespeare where make run finds it: $SCRATCHGPT_DATA, ../shared/data, cache/."""
    for path in (os.environ.get("SCRATCHGPT_DATA", ""), os.path.join(ROOT, "..", "shared", "data", "tinyshakespeare.txt"),
                 os.path.join(ROOT, "cache", "tinyshakespeare.txt")):
        if path and os.path.isfile(path):
            return path
    sys.exit("error: Tiny Shakespeare not found; HINT: make data, or set SCRATCHGPT_DATA=/path/to/input.txt")


def child_env(threads):
    """The environment of a timed child: no OpenMP settings, except 1 thread when asked."""
    env = {k: v for k, v in os.environ.items() if k not in OMP_VARS}
    if threads == 1:
        env["OMP_NUM_THREADS"] = "1"
    return env


def workloads(text, checkpoint):
    """name -> (arguments after the binary, unit): the whole process is timed unless unit is ms."""
    return {
        "run": (["-i", text, "-e", "l2h2c64", "-b", "4", "-t", "64", "-x", "50", "-v", "0", "-s", "0"], "s"),
        "sample": (["sample", "-e", checkpoint, "-g", "120", "--seed", "1"], "s"),
        "step": (["bench", "tiny", "--steps", "5", "--warmup", "1", "--ceiling", "0"], "ms"),
    }


def measure(binary, args, unit, threads, timeout):
    """One timing: seconds of the whole process, or the ms_per_step its bench line prints.
    A run past the timeout counts as the timeout (a lower bound)."""
    start = time.perf_counter()
    try:
        r = subprocess.run([binary] + args, env=child_env(threads), stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return float(timeout) if unit == "s" else float("inf")
    seconds = time.perf_counter() - start
    if r.returncode != 0:
        sys.exit("error: %s %s failed:\n%s" % (binary, " ".join(args), r.stderr.decode(errors="replace")))
    if unit == "s":
        return seconds
    m = re.search(r"ms_per_step=([0-9.]+)", r.stdout.decode(errors="replace"))
    if not m:
        sys.exit("error: %s bench printed no ms_per_step" % binary)
    return float(m.group(1))


def compare(label, cases, loads, rounds, target, timeout):
    """Times the two cases (name, binary, threads) on every workload, interleaved in rounds, and
    prints one line per workload with the medians and the ratio first/second."""
    times = {(w, c[0]): [] for w in loads for c in cases}
    for _ in range(rounds):
        for w, (args, unit) in loads.items():
            for name, binary, threads in cases:
                times[(w, name)].append(measure(binary, args, unit, threads, timeout))
    for w, (args, unit) in loads.items():
        a, b = (statistics.median(times[(w, c[0])]) for c in cases)
        ratio = a / b if b > 0 else float("inf")
        print("%-5s %-7s %-9s %9.3f %-2s  %-9s %9.3f %-2s  ratio %5.2f  target <= %.2f  %s" % (
            label, w, cases[0][0], a, unit, cases[1][0], b, unit, ratio, target,
            "ok" if ratio <= target else "MISSED"), flush=True)


class BusyCore:
    """A shell busy loop pinned to one core while the `with` block runs; killed after it."""

    def __init__(self, core):
        self.core = core

    def __enter__(self):
        self.proc = subprocess.Popen(["taskset", "-c", str(self.core), "sh", "-c", "while :; do :; done"])
        time.sleep(0.5)  # let it settle on its core
        return self

    def __exit__(self, *exc):
        self.proc.kill()
        self.proc.wait()


def main():
    ap = argparse.ArgumentParser(description="issue 12.1: ./train with a busy core, and idle against an older binary")
    ap.add_argument("--old", help="an older ./train to compare with on an idle machine (none: no idle figures)")
    ap.add_argument("--rounds", type=int, default=5, help="rounds; each figure is the median")
    ap.add_argument("--skip-idle", action="store_true", help="only the busy-core figures")
    ap.add_argument("--old-busy", action="store_true", help="also time --old with the busy core (slow: its 'before')")
    a = ap.parse_args()
    if not os.path.isfile(TRAIN):
        sys.exit("error: %s not found; HINT: make train" % TRAIN)
    if a.old and not os.access(a.old, os.X_OK):
        sys.exit("error: --old %s is not an executable" % a.old)
    if shutil.which("taskset") is None:
        sys.exit("error: taskset not found (util-linux); it pins the busy loop to one core")
    cores = sorted(os.sched_getaffinity(0))
    if len(cores) < 2:
        sys.exit("error: this benchmark needs 2 or more cores (one is kept busy); found %d" % len(cores))
    with open("/proc/loadavg") as f:
        load = f.read().split()[:3]
    print("machine: %d cores, load average %s (run alone: other programs make every figure noisy)" % (
        len(cores), " ".join(load)), flush=True)
    tmp = tempfile.mkdtemp(prefix="bench_busy-")
    try:
        checkpoint = os.path.join(tmp, "sample.bin")
        subprocess.run([TRAIN, "bench", "-e", "l4h4c128", "-b", "4", "-t", "64", "--block-size", "128", "--steps", "0",
                        "--ceiling", "0", "--save", checkpoint], stdout=subprocess.DEVNULL, check=True)
        loads = workloads(corpus(), checkpoint)
        print("busy: a shell loop pinned to core %d; this ./train on its default threads against 1 thread" % cores[-1])
        with BusyCore(cores[-1]):
            compare("busy", [("default", TRAIN, 0), ("1 thread", TRAIN, 1)], loads, a.rounds, BUSY_TARGET, 60)
            if a.old and a.old_busy:  # the 'before': one round, each run stopped at 40 s
                compare("busy", [("old", a.old, 0), ("1 thread", a.old, 1)], loads, 1, BUSY_TARGET, 40)
        if a.skip_idle:
            return
        if not a.old:
            print("idle: skipped (give --old PATH, an older ./train, to compare with)")
            return
        print("idle: this ./train against %s, both on their default threads" % a.old)
        compare("idle", [("this", TRAIN, 0), ("old", a.old, 0)], loads, a.rounds, IDLE_TARGET, 300)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
