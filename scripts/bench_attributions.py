"""Throughput of the attribution stage vs a bare ``nlp.pipe`` of the same spaCy pipeline, same texts, same run.

    python scripts/bench_attributions.py --data ../shared/data/polnear/dev [--mode accurate|fast]
        [--repeat 3] [--limit N] [--json out.json]

Measured (after one warm-up pass of each), best of ``--repeat`` runs:
- ``bare``: ``nlp.pipe`` over the texts (the spaCy pipeline alone);
- ``full``: the product path, ``pipeline.analyze_articles(mode=...)``: clean + parse + extract;
- ``extract``: the mode's extractor alone over already-parsed docs.
The ratio ``full / bare`` is the number to keep <= 2.0.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path

from corroborate.analysis.modes import DEFAULT_MODE, MODES


def _best(fn: Callable[[], object], repeat: int) -> float:
    fn()  # warm-up
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t0)
    return min(times)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path, help="split folder holding text/")
    ap.add_argument("--mode", default=DEFAULT_MODE, choices=tuple(MODES))
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--limit", type=int, default=None)
    ap.add_argument("--json", type=Path, default=None)
    args = ap.parse_args(argv)
    paths = sorted((args.data / "text").glob("*.txt"))[: args.limit]
    if not paths:
        print(f"no texts under {args.data}/text; is ../shared present?", file=sys.stderr)
        return 2
    texts = [p.read_text(encoding="utf-8") for p in paths]

    from corroborate.analysis.pipeline import analyze_articles, extractor_for
    from corroborate.text.nlp import BATCH_SIZE, load_nlp
    from corroborate.types import Article

    nlp = load_nlp()
    extract, _ = extractor_for(args.mode)

    def bare() -> None:
        for _ in nlp.pipe(texts, batch_size=BATCH_SIZE):
            pass

    def full() -> None:
        for _ in analyze_articles((Article(text=t) for t in texts), mode=args.mode):
            pass

    docs = list(nlp.pipe(texts, batch_size=BATCH_SIZE))

    def extract_only() -> None:
        for doc in docs:
            extract(doc)

    t_bare = _best(bare, args.repeat)
    t_full = _best(full, args.repeat)
    t_extract = _best(extract_only, args.repeat)
    n = len(texts)
    words = sum(len(d) for d in docs)
    out = {
        "mode": args.mode,
        "articles": n,
        "tokens": words,
        "bare_s": t_bare,
        "full_s": t_full,
        "extract_s": t_extract,
        "bare_articles_per_s": n / t_bare,
        "full_articles_per_s": n / t_full,
        "extract_articles_per_s": n / t_extract if t_extract else float("inf"),
        "ratio_full_to_bare": t_full / t_bare,
    }
    print(f"{args.data} mode={args.mode}: {n} articles, {words} tokens, best of {args.repeat}")
    print(f"  bare nlp.pipe     {t_bare:7.2f}s  {n / t_bare:7.1f} articles/s")
    print(f"  full ({args.mode:<8}) {t_full:7.2f}s  {n / t_full:7.1f} articles/s")
    print(f"  extractor only    {t_extract:7.2f}s  {out['extract_articles_per_s']:7.1f} articles/s")
    print(f"  ratio full / bare {t_full / t_bare:7.2f}x  (target <= 2.0)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
