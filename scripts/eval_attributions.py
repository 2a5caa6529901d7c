"""Score the attribution extractor on a PolNeAR-style split (brat gold), per ../shared/README.md.

    python scripts/eval_attributions.py --data ../shared/data/polnear/dev [--mode accurate|fast]
        [--limit N] [--json out.json]

Runs ``corroborate.analysis.pipeline.analyze_articles`` in the given mode (default: the product's default), i.e.
exactly what ``corroborate attributions --mode MODE`` outputs.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Iterator
from pathlib import Path

from corroborate.analysis.modes import DEFAULT_MODE, MODES
from corroborate.eval.attributions import (
    Triple,
    format_table,
    load_gold,
    score_all,
    score_summary,
    triples_of,
)


def predict(texts: list[str], mode: str) -> Iterator[list[Triple]]:
    """Predicted triples per text, in input order."""
    from corroborate.analysis.pipeline import analyze_articles
    from corroborate.types import Article

    for analysis in analyze_articles((Article(text=t) for t in texts), mode=mode):
        yield triples_of(analysis.attributions)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="split folder holding text/ and attributions/")
    ap.add_argument("--mode", default=DEFAULT_MODE, choices=tuple(MODES))
    ap.add_argument("--limit", type=int, default=None, help="score only the first N articles")
    ap.add_argument("--json", type=Path, default=None, help="also write the numbers to this JSON file")
    args = ap.parse_args(argv)
    if not (args.data / "attributions").is_dir():
        print(f"no attributions/ under {args.data}; is ../shared present?", file=sys.stderr)
        return 2
    gold = load_gold(args.data, limit=args.limit)
    names = list(dict.fromkeys(name for name, _ in gold))
    texts = [(args.data / "text" / f"{n}.txt").read_text(encoding="utf-8") for n in names]
    t0 = time.perf_counter()
    predicted = dict(zip(names, predict(texts, args.mode), strict=True))
    elapsed = time.perf_counter() - t0
    scores = score_all((g, predicted[name]) for name, g in gold)
    title = f"{args.data} mode={args.mode}: {len(names)} articles, {len(gold)} gold documents, {elapsed:.1f}s"
    print(format_table(scores, title))
    if args.json:
        out = score_summary(scores) | {"mode": args.mode, "articles": len(names), "seconds": elapsed}
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
