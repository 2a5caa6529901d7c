"""Speed of `corroborate check` on a store of 10,000 articles (issue 19): p50/p95 of one check after warm-up,
and claims per second in the batch form.

    python scripts/bench_check.py --fnc ../shared/data/fnc1 --emergent ../shared/data/emergent [--articles 10000]

The store is synthetic, built from real articles: the 1,683 FNC-1 train bodies are analysed once
(``--mode fast``; the store of ``scripts/eval_check.py`` in ``build/eval-check`` is reused when present),
then each stored article is ``opening + "\\n" + body``, where the opening is the first sentence of
another real body. The body's analysis is moved by the opening's length, so every offset still points
into the stored text. That gives ``--articles`` distinct texts. About six of them share each body, which
makes the full-text query's pool and the stance model's work larger than in a store of distinct stories.
The store is kept in ``--work`` and reused.

Single checks: ``--queries`` Emergent claims, each run once in-process after ``--warmup`` checks, with
the model loaded before timing. Batch: `corroborate check --claims FILE --format jsonl` as a child process
over ``--batch`` claims, timed from start to exit (model loading included).
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import re
import subprocess
import sys
import time
from dataclasses import fields, is_dataclass, replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from eval_check import fill_store  # noqa: E402

from corroborate.types import Analysis, Article, Span  # noqa: E402

_FIRST = re.compile(r"^.+?[.!?](?=\s)", re.S)


def _shift(value, by: int):
    """``value`` (a dataclass holding Spans and offsets) with every offset moved by ``by``."""
    if isinstance(value, Span):
        return Span(value.start + by, value.end + by, value.text)
    if not is_dataclass(value):
        return value
    changes = {}
    for f in fields(value):
        item = getattr(value, f.name)
        if f.name in ("start", "end") and isinstance(item, int):
            changes[f.name] = item + by
        elif isinstance(item, Span) or (is_dataclass(item) and not isinstance(item, type)):
            changes[f.name] = _shift(item, by)
    return replace(value, **changes)


def synthetic(analysis: Analysis, opening: str, n: int) -> tuple[Article, Analysis]:
    prefix = opening.strip() + "\n"
    base = analysis.article
    article = Article(text=prefix + base.text, title=base.title, outlet=f"{base.outlet} #{n}",
                      url=f"{base.url}/{n}", published=base.published)  # fmt: skip
    by = len(prefix)
    moved = Analysis(
        article=article,
        boilerplate=tuple(_shift(b, by) for b in analysis.boilerplate),
        damage=tuple(_shift(d, by) for d in analysis.damage),
        attributions=tuple(_shift(a, by) for a in analysis.attributions),
        extractor=analysis.extractor,
        facts=tuple(_shift(f, by) for f in analysis.facts),
    )
    return article, moved


def build_store(db: Path, base_db: Path, articles: int) -> None:
    from corroborate.store.articles import open_store

    if db.exists():
        with open_store(str(db), create=False) as store:
            if store.count() == articles:
                print(f"store: reusing {db} ({articles} articles)")
                return
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()
    with open_store(str(base_db), create=False) as base:
        analysed = [a for _, a in base.iter_analyses()]
    openings = [m.group(0) if (m := _FIRST.match(a.article.text)) else a.article.text[:200] for a in analysed]
    with open_store(str(db)) as store:
        for n in range(articles):
            src = analysed[n % len(analysed)]
            opening = openings[(n * 7919 + 13) % len(openings)]
            store.save(*synthetic(src, opening, n))
    print(f"store: {articles} synthetic articles saved in {time.perf_counter() - t0:.0f}s")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--fnc", type=Path, required=True)
    ap.add_argument("--emergent", type=Path, required=True)
    ap.add_argument("--articles", type=int, default=10_000)
    ap.add_argument("--mode", default="fast")
    ap.add_argument("--queries", type=int, default=60)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--batch", type=int, default=100)
    ap.add_argument("--work", type=Path, default=Path("build/bench-check"))
    args = ap.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)

    from corroborate.app.check import CheckOptions, check
    from corroborate.corroboration.stance import load_model
    from corroborate.eval.stance import load_fnc
    from corroborate.store.articles import open_store

    base_db = Path("build/eval-check") / f"store-{args.mode}.db"
    fill_store(base_db, load_fnc(args.fnc).bodies, args.mode)
    db = args.work / f"store-{args.articles}.db"
    build_store(db, base_db, args.articles)

    with (args.emergent / "claims.csv").open(encoding="utf-8", newline="") as fh:
        claims = [r["claimHeadline"] for r in csv.DictReader(fh)]
    model = load_model()
    times, listed = [], []
    with open_store(str(db), create=False) as store:
        for claim in claims[-args.warmup :]:
            check(store, claim, CheckOptions(), model)
        for claim in claims[: args.queries]:
            t0 = time.perf_counter()
            result = check(store, claim, CheckOptions(), model)
            times.append(time.perf_counter() - t0)
            listed.append(len(result.articles))
    print(f"single check over {args.articles} articles ({len(times)} claims after {args.warmup} warm-up): "
          f"p50 {percentile(times, 0.5):.3f}s  p95 {percentile(times, 0.95):.3f}s  max {max(times):.3f}s  "
          f"(mean {sum(listed) / len(listed):.1f} articles listed)")  # fmt: skip

    batch = args.work / "claims.jsonl"
    with batch.open("w", encoding="utf-8") as fh:
        for n, claim in enumerate(claims[: args.batch]):
            fh.write(json.dumps({"id": n, "claim": claim}) + "\n")
    cmd = [
        sys.executable,
        "-m",
        "corroborate",
        "check",
        "--claims",
        str(batch),
        "--db",
        str(db),
        "--format",
        "jsonl",
    ]
    t0 = time.perf_counter()
    done = subprocess.run(cmd, capture_output=True, text=True, env=os.environ.copy(), check=False)
    seconds = time.perf_counter() - t0
    lines = len(done.stdout.splitlines())
    if done.returncode != 0 or lines != min(args.batch, len(claims)):
        print(done.stderr, file=sys.stderr)
        return 1
    print(f"batch: {lines} claims in {seconds:.1f}s (process start and model load included): "
          f"{lines / seconds:.2f} claims/s")  # fmt: skip
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
