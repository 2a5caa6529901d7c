"""Score story grouping on ECB+ (same-topic events kept apart), pairwise P/R/F1.

ECB+ topics each hold two different events of the same kind (two earthquakes, two signings). Records
have an opaque URL and the text only: no title, no date, no outlet. Grouping never reads the URL.

Split: parameters are tuned on the odd topics (``--split tune``) and reported on the even ones
(``--split report``, the default). All the articles of a split go into one index (or one store with
``--store``), in file order, and every pair of them is scored: precision is the share of predicted
same-story pairs that are gold same-story pairs, recall the reverse. ``same-topic`` scores only the
pairs inside one topic, where the hard decisions are.

    python scripts/eval_ecbplus.py [--data ../shared/data/ecbplus] [--split report|tune|all] [--store]
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from collections import Counter
from math import comb
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))
sys.path.insert(0, str(ROOT / "scripts"))

from eval_stories import cached_features, pairwise  # noqa: E402

from corroborate.types import Article  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "ecbplus"


def load(data: Path, split: str = "report") -> tuple[list[tuple[str, Article]], dict[str, str]]:
    """``(records, gold)``: (url, article) in file order for the split, and url -> gold story."""
    gold_all: dict[str, str] = {}
    with (data / "gold.tsv").open(encoding="utf-8") as fh:
        next(fh)
        for line in fh:
            url, story = line.rstrip("\n").split("\t")
            gold_all[url] = story
    records = []
    with (data / "articles.jsonl").open(encoding="utf-8") as fh:
        for line in fh:
            d = json.loads(line)
            topic = topic_of(gold_all[d["url"]])
            if split == "all" or (topic % 2 == 1) == (split == "tune"):
                records.append((d["url"], Article(text=d["text"])))  # the URL is only the key
    return records, {u: gold_all[u] for u, _ in records}


def topic_of(story: str) -> int:
    return int(story.rstrip("abcdefghijklmnopqrstuvwxyz"))


def same_topic_pairwise(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """Pairwise scores over pairs of articles of the same topic only."""
    by_topic: dict[int, list[str]] = {}
    for k, g in gold.items():
        by_topic.setdefault(topic_of(g), []).append(k)
    together = gold_pairs = pred_pairs = 0
    for keys in by_topic.values():
        cells = Counter((gold[k], predicted[k]) for k in keys)
        together += sum(comb(n, 2) for n in cells.values())
        gold_pairs += sum(comb(n, 2) for n in Counter(gold[k] for k in keys).values())
        pred_pairs += sum(comb(n, 2) for n in Counter(predicted[k] for k in keys).values())
    p = together / pred_pairs if pred_pairs else 1.0
    r = together / gold_pairs if gold_pairs else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def features(records: list[tuple[str, Article]], embed: bool = True, cache: Path | None = None) -> dict:
    """url -> StoryFeatures, computed as ingest computes them (spaCy entities, facts, embedding);
    with ``cache``, kept in that JSONL file between runs (only for tuning)."""
    return cached_features(dict(records), cache, embed=embed)


def predict_index(records: list[tuple[str, Article]], feats: dict, params=None) -> dict[str, str]:
    from corroborate.stories.index import DEFAULT_PARAMS, StoryIndex

    index = StoryIndex(params or DEFAULT_PARAMS)
    return {u: index.add(u, feats[u]).story_id for u, _ in records}


def predict_store(records: list[tuple[str, Article]], mode: str) -> dict[str, str]:
    """Ingest the records into a fresh SQLite store in file order, then read each article's story."""
    from corroborate.app.ingest import ingest_items
    from corroborate.ingest.records import IngestItem
    from corroborate.store.articles import open_store
    from corroborate.store.stories import story_of

    with tempfile.TemporaryDirectory() as tmp:
        store = open_store(str(Path(tmp) / "ecbplus.db"))
        items = [IngestItem(origin=u, article=a) for u, a in records]
        ingest_items(store, items, mode=mode)
        out = {}
        for u, a in records:
            out[u] = story_of(store, store.find(a)) or ""
        return out


def score_line(name: str, gold: dict[str, str], predicted: dict[str, str], seconds: float) -> str:
    p, r, f = pairwise(gold, predicted)
    sp, sr, sf = same_topic_pairwise(gold, predicted)
    return (
        f"ECB+ {name}: all pairs P {100 * p:.1f} R {100 * r:.1f} F1 {100 * f:.1f}; "
        f"same-topic pairs P {100 * sp:.1f} R {100 * sr:.1f} F1 {100 * sf:.1f}; "
        f"gold stories {len(set(gold.values()))} predicted {len(set(predicted.values()))} "
        f"articles {len(gold)} ({seconds:.1f}s)"
    )


def tune(data: Path, grid: dict[str, list[float]]) -> list[tuple[float, dict]]:
    """Grid search on the odd topics (same-topic F1 then all-pairs F1), best first."""
    import itertools
    from dataclasses import replace

    from corroborate.stories.index import DEFAULT_PARAMS

    records, gold = load(data, "tune")
    feats = features(records, cache=ROOT / "build" / "ecbplus-tune-features.jsonl")
    results = []
    names = sorted(grid)
    for values in itertools.product(*(grid[n] for n in names)):
        params = replace(DEFAULT_PARAMS, **dict(zip(names, values, strict=True)))
        predicted = predict_index(records, feats, params)
        f_all = pairwise(gold, predicted)[2]
        f_topic = same_topic_pairwise(gold, predicted)[2]
        results.append((f_all, dict(zip(names, values, strict=True))))
        print(f"all {f_all:.4f} same-topic {f_topic:.4f} {results[-1][1]}", flush=True)
    return sorted(results, key=lambda x: -x[0])


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--split", choices=("report", "tune", "all"), default="report")
    ap.add_argument("--store", action="store_true", help="through `ingest` into one SQLite store")
    ap.add_argument("--mode", default="fast", help="attribution mode for --store (grouping ignores it)")
    ap.add_argument("--no-embed", action="store_true", help="without the sentence-embedding signal")
    ap.add_argument(
        "--orders", type=int, default=1, help="also the mean over file order and N-1 seeded shuffles"
    )
    ap.add_argument("--tune", metavar="JSON", help='grid on the odd topics: {"join_threshold": [0.3, 0.4]}')
    args = ap.parse_args(argv)
    if not (args.data / "articles.jsonl").exists():
        print(f"no ECB+ data under {args.data}", file=sys.stderr)
        return 2
    if args.tune:
        best = tune(args.data, json.loads(args.tune))
        print("best:", best[0])
        return 0
    records, gold = load(args.data, args.split)
    start = time.perf_counter()
    if args.store:
        predicted = predict_store(records, args.mode)
    else:
        predicted = predict_index(records, features(records, embed=not args.no_embed))
    name = f"{args.split} topics" + (" (store)" if args.store else "")
    print(score_line(name, gold, predicted, time.perf_counter() - start))
    if args.orders > 1 and not args.store:
        import random

        feats = features(records, embed=not args.no_embed)
        scores = []
        for seed in range(1, args.orders):
            order = random.Random(seed).sample(records, len(records))
            scores.append(pairwise(gold, predict_index(order, feats))[2])
        every = [pairwise(gold, predicted)[2], *scores]
        print(
            f"ECB+ {name}: F1 over {len(every)} orders mean {100 * sum(every) / len(every):.1f} "
            f"(file order, then shuffles 1..{args.orders - 1}: {' '.join(f'{100 * f:.1f}' for f in every)})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
