"""plot.py: draw a training run's main.log as one PNG (loss, learning rate, gradient norm).

Purpose: see at a glance how a run went: train and val loss (val bits per byte on a twin axis),
  the learning-rate schedule, and the gradient norm, one panel each, sharing the step axis.
  Reads the llm.c log format that ./train writes with -o DIR, one "key:value" line per event:
    s:STEP trl:LOSS lr:LR norm:NORM     after each optimizer step (train loss)
    s:STEP tel:LOSS bpb:BPB             at each validation (val loss; bpb = bits per byte)
  llm.c's own logs also load: their tel lines have no bpb, older ones have no lr/norm either;
  a missing series is left out of the figure, and unknown keys (e.g. llm.c's eval:) are ignored.
Command (from the repository root):  /usr/bin/python3 dev/plot.py out/main.log [-o out/main.png]
  (needs matplotlib: Debian python3-matplotlib; no display needed)
Writes:  the PNG, by default next to the log with the same name: out/main.log -> out/main.png.
Prints:  one line, e.g. after `./train -i ../shared/data/tinyshakespeare.txt -e d2 -b 4 -t 64 -x 60 -v 10 -m 4 -s 0
  -o /tmp/plotrun` (numbers vary with the machine's build):
    wrote /tmp/plotrun/main.png: 60 train steps, 7 val points, last train loss 3.1028, best val loss 3.2554 at step 60
  It exits 1 with a one-line error if the log is missing or has no s:STEP trl:/tel: lines.
Who reads it: you, after `make run` (out/v1024/main.log) or any ./train -o DIR run; the PNG is not committed.
"""
import argparse
import os
import sys

import matplotlib

matplotlib.use("Agg")  # write files only; never needs a display
import matplotlib.pyplot as plt  # noqa: E402  (after the backend is chosen)


def read_log(path):
    """Returns {"train": {"s": [...], "trl": [...], "lr": [...], "norm": [...]}, "val": {"s", "tel", "bpb"}}.

    A line belongs to train if it has trl:, to val if it has tel:. Each series keeps only the lines that have
    its key, with their own step list, so a log where some lines lack lr: still plots what it has.
    """
    series = {"train": {}, "val": {}}
    with open(path) as f:
        for lineno, line in enumerate(f, 1):
            fields = dict(kv.split(":", 1) for kv in line.split() if ":" in kv)
            if "s" not in fields:
                continue
            kind = "train" if "trl" in fields else "val" if "tel" in fields else None
            if kind is None:
                continue  # e.g. llm.c's "s:STEP eval:ACC" (HellaSwag): not drawn here
            try:
                step = int(fields.pop("s"))
                for key, value in fields.items():
                    series[kind].setdefault(key, []).append((step, float(value)))
            except ValueError:
                sys.exit(f"error: {path}:{lineno}: cannot read {line.strip()!r} (expected s:STEP key:NUMBER ...)")
    return series


def xy(points):
    return [s for s, _ in points], [v for _, v in points]


def main():
    ap = argparse.ArgumentParser(description="Plot a scratchgpt / llm.c main.log to a PNG.")
    ap.add_argument("log", help="the main.log written by ./train -o DIR (or by llm.c)")
    ap.add_argument("-o", "--output", help="the PNG to write (default: the log's path with .png)")
    args = ap.parse_args()
    out = args.output or os.path.splitext(args.log)[0] + ".png"

    try:
        series = read_log(args.log)
    except OSError as e:
        sys.exit(f"error: {args.log}: {e.strerror}; HINT: ./train ... -o out writes out/main.log")
    train, val = series["train"], series["val"]
    if "trl" not in train and "tel" not in val:
        sys.exit(f"error: {args.log}: no 's:STEP trl:' or 's:STEP tel:' lines; is this a main.log?")

    # one panel per quantity; lr and norm only when the log has them
    panels = ["loss"] + [k for k in ("lr", "norm") if k in train]
    ratios = [2] + [1] * (len(panels) - 1)  # the loss panel twice as tall
    fig, axes = plt.subplots(len(panels), 1, sharex=True, figsize=(8, 2 + 2 * sum(ratios)), squeeze=False,
                             gridspec_kw={"height_ratios": ratios})
    axes = {name: ax for name, ax in zip(panels, axes[:, 0])}

    ax = axes["loss"]
    lines = []
    if "trl" in train:
        lines += ax.plot(*xy(train["trl"]), lw=1, color="tab:blue", label="train loss")
    if "tel" in val:
        lines += ax.plot(*xy(val["tel"]), "o-", ms=3, color="tab:orange", label="val loss")
    ax.set_ylabel("loss (nats/token)")
    ax.grid(alpha=0.3)
    if "bpb" in val:
        # bits per byte is loss / ln 2 * tokens/bytes: its own scale, so a twin y axis
        ax2 = ax.twinx()
        lines += ax2.plot(*xy(val["bpb"]), "s--", ms=3, lw=1, color="tab:green", label="val bits/byte")
        ax2.set_ylabel("val bits per byte")
    ax.legend(lines, [l.get_label() for l in lines], loc="upper right")
    ax.set_title(args.log)

    if "lr" in axes:
        axes["lr"].plot(*xy(train["lr"]), lw=1, color="tab:purple")
        axes["lr"].set_ylabel("learning rate")
        axes["lr"].ticklabel_format(axis="y", style="sci", scilimits=(-2, 2))
        axes["lr"].set_ylim(bottom=0)  # from zero, so warmup and decay show at their true scale
        axes["lr"].grid(alpha=0.3)
    if "norm" in axes:
        axes["norm"].plot(*xy(train["norm"]), lw=1, color="tab:red")
        axes["norm"].set_ylabel("grad norm (before clip)")
        axes["norm"].set_yscale("log")  # a spike (clipped or not) would flatten the trend on a linear axis
        axes["norm"].grid(alpha=0.3)
    axes[panels[-1]].set_xlabel("step")
    fig.tight_layout()
    fig.savefig(out, dpi=100)

    # the one-line summary
    summary = f"wrote {out}: {len(train.get('trl', []))} train steps, {len(val.get('tel', []))} val points"
    if "trl" in train:
        summary += f", last train loss {train['trl'][-1][1]:.4f}"
    if "tel" in val:
        best_step, best = min(val["tel"], key=lambda p: p[1])
        summary += f", best val loss {best:.4f} at step {best_step}"
    print(summary)


if __name__ == "__main__":
    main()
