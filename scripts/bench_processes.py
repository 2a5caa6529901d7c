"""Whole processes, as a user runs them: ``corroborate attributions`` over the texts against a process that
loads the same spaCy pipeline and runs ``nlp.pipe`` over the same texts. Both in this run, each the best of
``--repeat``; start-up and model loading included. Also peak RSS and articles per second of each.

    python scripts/bench_processes.py --data ../shared/data/polnear/dev [--mode MODE] [--repeat 3] [--json OUT]

The ratio ``attributions / bare`` is the number the default mode keeps at most 2.5 (moonshot 2.0).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

from corroborate.analysis.modes import DEFAULT_MODE, MODES

BARE = """
import sys
from corroborate.text.nlp import BATCH_SIZE, load_nlp
texts = [open(p, encoding="utf-8").read() for p in sys.argv[1:]]
for _ in load_nlp().pipe(texts, batch_size=BATCH_SIZE):
    pass
"""


def run(argv: list[str]) -> tuple[float, int]:
    """Wall seconds and peak RSS (bytes) of one child process; its stdout is discarded."""
    t0 = time.perf_counter()
    child = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    _, status, usage = os.wait4(child.pid, 0)
    elapsed = time.perf_counter() - t0
    if os.waitstatus_to_exitcode(status) != 0:
        raise RuntimeError(f"{argv[:4]} failed: {child.stderr.read().decode()[-2000:]}")
    return elapsed, usage.ru_maxrss * 1024


def best(argv: list[str], repeat: int) -> tuple[float, int]:
    runs = [run(argv) for _ in range(repeat)]
    return min(t for t, _ in runs), max(r for _, r in runs)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="split folder holding text/")
    ap.add_argument("--mode", default=DEFAULT_MODE, choices=tuple(MODES))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    paths = [str(p) for p in sorted((args.data / "text").glob("*.txt"))[: args.limit]]
    if not paths:
        print(f"no texts under {args.data}/text; is ../shared present?", file=sys.stderr)
        return 2
    cli = [sys.executable, "-m", "corroborate", "attributions", *paths, "--format", "jsonl", "-q"]
    t_bare, rss_bare = best([sys.executable, "-c", BARE, *paths], args.repeat)
    t_full, rss_full = best([*cli, "--mode", args.mode], args.repeat)
    n = len(paths)
    out = {
        "mode": args.mode,
        "articles": n,
        "bare_s": round(t_bare, 2),
        "attributions_s": round(t_full, 2),
        "ratio": round(t_full / t_bare, 2),
        "articles_per_s": round(n / t_full, 2),
        "bare_peak_rss_mb": round(rss_bare / 2**20),
        "attributions_peak_rss_mb": round(rss_full / 2**20),
        "repeat": args.repeat,
    }
    print(
        f"mode={args.mode}: {n} articles; bare nlp.pipe process {t_bare:.1f}s ({out['bare_peak_rss_mb']} MB), "
        f"corroborate attributions {t_full:.1f}s ({out['attributions_peak_rss_mb']} MB, "
        f"{out['articles_per_s']} articles/s): {out['ratio']:.2f}x (best of {args.repeat})"
    )
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
