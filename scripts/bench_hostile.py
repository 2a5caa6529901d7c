"""Analysis time against input length for hostile inputs (issue 20): is it linear, and under 10 s at 5 MB?

    python scripts/bench_hostile.py [--mode fast] [--lengths 100000,1000000,5000000]
        [--kinds letters,quotes,brackets,apostrophe_s,spaced_quotes,one_line,prose] [--json out.json]

Each input is ``corroborate.analyze(text, mode=...)`` once (after a warm-up on a short text), in this one
process, one after another:

- ``letters``: one word of ``a`` (the issue's baseline: 16,000 letters took 0.03 s);
- ``quotes``: ``"`` repeated (16,000 took 27 s and 50,000 took 248 s before the fix);
- ``brackets``: ``([`` repeated; ``apostrophe_s``: ``'s`` repeated (spaCy strips it as a suffix);
- ``spaced_quotes``: ``" "`` repeated (one token each to spaCy, were it not capped);
- ``one_line``: one line without whitespace mixing letters, quotes, brackets and commas;
- ``prose``: English sentences repeated (the real-text reference; a token every 5 characters).

Printed per input: seconds, seconds per MB (10^6 characters), the ratio to ``letters`` of the same
length measured in this run, and whether it met the target (<= 10 s). Linear time shows as a flat
seconds-per-MB column down the lengths of one kind.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from corroborate.analysis.modes import MODES

TARGET_S = 10.0
PROSE = (
    'Mayor Ana Ruiz said on Monday that the bridge would reopen in May. "We are on schedule," she told '
    "reporters. Two officials, who asked not to be named, said the repairs could cost $4 million. "
)


def _repeat(unit: str) -> Callable[[int], str]:
    return lambda n: (unit * (n // len(unit) + 1))[:n]


KINDS: dict[str, Callable[[int], str]] = {
    "letters": _repeat("a"),
    "quotes": _repeat('"'),
    "brackets": _repeat("(["),
    "apostrophe_s": _repeat("'s"),
    "spaced_quotes": _repeat('" '),
    "one_line": _repeat("ab'c\"(d)[e]-f,"),
    "prose": _repeat(PROSE),
}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--mode", default="fast", choices=tuple(MODES))
    ap.add_argument("--lengths", default="100000,1000000,5000000", help="characters, comma-separated")
    ap.add_argument("--kinds", default=",".join(k for k in KINDS if k != "prose"))
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    lengths = [int(x) for x in args.lengths.split(",")]
    kinds = args.kinds.split(",")
    if "letters" not in kinds:
        kinds.insert(0, "letters")  # the baseline of every ratio

    from corroborate import analyze
    from corroborate.text.nlp import load_nlp

    analyze("Mayor Ana Ruiz said the bridge will reopen in May.", mode=args.mode)  # load models
    rows = []
    baseline: dict[int, float] = {}
    print(f"mode {args.mode}: seconds per input (target <= {TARGET_S:g} s)", file=sys.stderr)
    print(f"{'kind':<14} {'chars':>9} {'s':>8} {'s/MB':>7} {'x letters':>9} {'tokens':>8}  target")
    for kind in kinds:
        for n in lengths:
            text = KINDS[kind](n)
            t0 = time.perf_counter()
            analysis = analyze(text, mode=args.mode)
            seconds = time.perf_counter() - t0
            if kind == "letters":
                baseline[n] = seconds
            ratio = seconds / baseline[n] if baseline.get(n) else float("nan")
            tokens = len(load_nlp().tokenizer(text))
            row = {
                "kind": kind,
                "chars": n,
                "seconds": round(seconds, 3),
                "seconds_per_mb": round(seconds / (n / 1e6), 3),
                "ratio_to_letters": round(ratio, 2),
                "tokens": tokens,
                "attributions": len(analysis.attributions),
                "met": seconds <= TARGET_S,
            }
            rows.append(row)
            print(
                f"{kind:<14} {n:>9,} {seconds:>8.2f} {row['seconds_per_mb']:>7.2f} {ratio:>9.2f} "
                f"{tokens:>8,}  {'met' if row['met'] else 'MISSED'}",
                flush=True,
            )
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps({"mode": args.mode, "rows": rows}, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
