"""Throughput of the attribution stage vs a bare ``nlp.pipe`` of the same spaCy pipeline, same texts, same run.

    python scripts/bench_attributions.py --data ../shared/data/polnear/dev [--mode accurate|fast]
        [--repeat 3] [--limit N] [--json out.json]

Measured (after one warm-up pass of each), best of ``--repeat`` runs:
- ``bare``: ``nlp.pipe`` over the texts (the spaCy pipeline alone);
- ``full``: the product path, ``pipeline.analyze_articles(mode=...)``: clean + parse + extract;
- ``extract``: the mode's extractor alone over already-parsed docs (speaker resolution included);
- ``resolve``: speaker resolution alone (``attribution.speakers.resolve_speakers``, its per-document cache
  cleared each time) over the extractor's attributions, against the extractor without it (``extract_raw``).
The ratio ``full / bare`` is the number to keep <= 2.0; ``resolve / extract_raw`` is kept <= 0.10.
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

    from corroborate.analysis.modes import mode_named
    from corroborate.analysis.pipeline import analyze_articles, extractor_for
    from corroborate.attribution.speakers import resolve_speakers
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

    raw_extract, _ = mode_named(args.mode).load()
    found = [tuple(raw_extract(doc)) for doc in docs]

    def extract_raw() -> None:  # as in the pipeline: nothing cached on the parsed document yet
        for doc in docs:
            for key in [k for k in doc.user_data if str(k).startswith("corroborate_")]:
                del doc.user_data[key]
            raw_extract(doc)

    def resolve_only() -> None:  # after the extractor, whose look-ups (quotations, mentions) it shares
        for doc, atts in zip(docs, found, strict=True):
            doc.user_data.pop("corroborate_named_mentions", None)
            resolve_speakers(doc, atts)

    t_bare = _best(bare, args.repeat)
    t_full = _best(full, args.repeat)
    t_extract = _best(extract_only, args.repeat)
    t_raw = _best(extract_raw, args.repeat)
    found = [tuple(raw_extract(doc)) for doc in docs]
    t_resolve = _best(resolve_only, args.repeat)
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
        "extract_raw_s": t_raw,
        "resolve_s": t_resolve,
        "ratio_resolve_to_extract_raw": t_resolve / t_raw if t_raw else float("inf"),
    }
    print(f"{args.data} mode={args.mode}: {n} articles, {words} tokens, best of {args.repeat}")
    print(f"  bare nlp.pipe     {t_bare:7.2f}s  {n / t_bare:7.1f} articles/s")
    print(f"  full ({args.mode:<8}) {t_full:7.2f}s  {n / t_full:7.1f} articles/s")
    print(f"  extractor only    {t_extract:7.2f}s  {out['extract_articles_per_s']:7.1f} articles/s")
    print(f"  ratio full / bare {t_full / t_bare:7.2f}x  (target <= 2.0)")
    print(f"  extractor without speaker resolution {t_raw:7.2f}s; resolution alone {t_resolve:7.3f}s")
    print(f"  ratio resolution / extractor {out['ratio_resolve_to_extract_raw']:7.1%}  (target <= 10%)")
    if args.json:
        args.json.write_text(json.dumps(out, indent=2) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
