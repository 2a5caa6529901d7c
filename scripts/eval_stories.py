"""Score story grouping (``corroborate.stories.index``) and copy detection on FNC-1 bodies.

Gold stories: bodies linked by a headline with a related stance (agree, disagree, discuss), joined
transitively (union-find); a body with no related headline is a singleton. Each body is an article
with no title and no date, added in Body ID order. Scores are pairwise: precision is the share of
predicted same-story body pairs that are gold same-story pairs, recall the reverse.

The thresholds were tuned on fold 0 and are reported on fold 1. A fold is a set of whole gold
stories (sha1 of the story's smallest Body ID, even or odd), so no gold pair is split between folds;
each fold is grouped on its own.

    python scripts/eval_stories.py [--data ../shared/data/fnc1] [--fold 0|1|all] [--tune] [--copies N] [--bench N]
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import sys
import time
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass, replace
from datetime import date, timedelta
from math import comb
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from corroborate.stories.copies import CopyIndex, jaccard  # noqa: E402
from corroborate.stories.index import DEFAULT_PARAMS, StoryIndex, StoryParams, story_features  # noqa: E402
from corroborate.stories.text import sentences  # noqa: E402
from corroborate.types import Article  # noqa: E402

DEFAULT_DATA = ROOT.parent / "shared" / "data" / "fnc1"
RELATED = frozenset({"agree", "disagree", "discuss"})


@dataclass(frozen=True)
class Scores:
    precision: float
    recall: float
    f1: float
    gold_stories: int
    predicted_stories: int
    articles: int
    seconds: float
    cpu_seconds: float

    def line(self) -> str:
        rate = self.articles / self.cpu_seconds if self.cpu_seconds else 0.0
        return (
            f"P {100 * self.precision:.1f}  R {100 * self.recall:.1f}  F1 {100 * self.f1:.1f}  "
            f"gold stories {self.gold_stories}  predicted stories {self.predicted_stories}  "
            f"articles {self.articles}  {self.seconds:.2f}s wall, {self.cpu_seconds:.2f}s CPU "
            f"({rate:.0f} articles per CPU second)"
        )


def load_fnc(data: Path) -> tuple[dict[str, str], dict[str, str]]:
    """``(bodies, gold)``: Body ID -> text in file order, and Body ID -> gold story label."""
    with (data / "train_bodies.csv").open(encoding="utf-8", newline="") as fh:
        bodies = {row["Body ID"]: row["articleBody"] for row in csv.DictReader(fh)}
    parent = {b: b for b in bodies}

    def find(x: str) -> str:
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    by_headline: dict[str, list[str]] = defaultdict(list)
    with (data / "train_stances.csv").open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            if row["Stance"] in RELATED and row["Body ID"] in bodies:
                by_headline[row["Headline"]].append(row["Body ID"])
    for linked in by_headline.values():
        for b in linked[1:]:
            ra, rb = find(linked[0]), find(b)
            if ra != rb:
                parent[max(ra, rb, key=_id_order)] = min(ra, rb, key=_id_order)
    return bodies, {b: find(b) for b in bodies}


def _id_order(body_id: str) -> tuple[int, str]:
    return (int(body_id), body_id) if body_id.isdigit() else (sys.maxsize, body_id)


def fold_of(gold_label: str, gold: dict[str, str]) -> int:
    """0 or 1 for a whole gold story, from the smallest Body ID in it."""
    first = min((b for b, g in gold.items() if g == gold_label), key=_id_order)
    return hashlib.sha1(first.encode("utf-8")).digest()[0] % 2


def pairwise(gold: dict[str, str], predicted: dict[str, str]) -> tuple[float, float, float]:
    """Pairwise (precision, recall, F1) of a predicted clustering against gold, over the same keys."""
    cells = Counter((gold[k], predicted[k]) for k in gold)
    together = sum(comb(n, 2) for n in cells.values())
    gold_pairs = sum(comb(n, 2) for n in Counter(gold.values()).values())
    pred_pairs = sum(comb(n, 2) for n in Counter(predicted[k] for k in gold).values())
    p = together / pred_pairs if pred_pairs else 1.0
    r = together / gold_pairs if gold_pairs else 1.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def cached_features(articles: dict[str, Article], cache: Path | None = None, embed: bool = True) -> dict:
    """key -> StoryFeatures of each article, computed as ingest computes them (spaCy entities, facts, the
    lead's embedding); with ``cache``, kept in that JSONL file between runs (tuning). Shared with
    eval_ecbplus.py."""
    from corroborate.stories.features import FEATURES_VERSION, StoryFeatures, features_for

    if cache is not None and cache.exists():
        rows = [json.loads(line) for line in cache.read_text(encoding="utf-8").splitlines()]
        found = {
            r["key"]: StoryFeatures.from_json(r["features"])
            for r in rows
            if r.get("version") == FEATURES_VERSION and "key" in r
        }
        if all(k in found for k in articles):
            return {k: found[k] for k in articles}
    keys = list(articles)
    feats = dict(zip(keys, features_for([articles[k] for k in keys], embed=embed), strict=True))
    if cache is not None:
        cache.parent.mkdir(parents=True, exist_ok=True)
        lines = (
            json.dumps({"key": k, "version": f.version, "features": f.to_json()}) for k, f in feats.items()
        )
        cache.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return feats


def featurise(bodies: dict[str, str], cache: Path | None = None) -> dict:
    """Body ID -> StoryFeatures, each body an untitled, undated article."""
    return cached_features({b: Article(text=text) for b, text in bodies.items()}, cache)


def predict(keys: list[str], features: dict, params: StoryParams = DEFAULT_PARAMS) -> dict[str, str]:
    """Body ID -> predicted story id, adding the bodies in Body ID order."""
    index = StoryIndex(params)
    return {k: index.add(k, features[k]).story_id for k in sorted(keys, key=_id_order)}


def shuffled_f1(data: Path, fold: str, orders: int, features: dict | None = None) -> list[float]:
    """F1 of the fold grouped in ``orders - 1`` seeded shuffles of Body ID order (order sensitivity)."""
    import random

    bodies, gold = load_fnc(data)
    labels = {g: fold_of(g, gold) for g in set(gold.values())}
    keys = [b for b in bodies if fold == "all" or labels[gold[b]] == int(fold)]
    feats = features or featurise({b: bodies[b] for b in keys})
    out = []
    for seed in range(1, orders):
        index = StoryIndex()
        order = random.Random(seed).sample(sorted(keys, key=_id_order), len(keys))
        out.append(
            pairwise({b: gold[b] for b in keys}, {b: index.add(b, feats[b]).story_id for b in order})[2]
        )
    return out


def evaluate(
    data: Path, fold: str = "1", params: StoryParams = DEFAULT_PARAMS, features: dict | None = None
) -> Scores:
    """Group one fold ("0", "1") or every body ("all") and score it; the time includes features."""
    bodies, gold = load_fnc(data)
    if fold != "all":
        wanted = int(fold)
        labels = {g: fold_of(g, gold) for g in set(gold.values())}
        bodies = {b: t for b, t in bodies.items() if labels[gold[b]] == wanted}
        gold = {b: gold[b] for b in bodies}
    story_features(Article(text="Warm-up: load the word-frequency table."))
    start, cpu = time.perf_counter(), time.process_time()
    if features is None:
        features = featurise(bodies)
    predicted = predict(list(bodies), features, params)
    seconds, cpu = time.perf_counter() - start, time.process_time() - cpu
    p, r, f = pairwise(gold, predicted)
    n_gold, n_pred = len(set(gold.values())), len(set(predicted.values()))
    return Scores(p, r, f, n_gold, n_pred, len(bodies), seconds, cpu)


def tune(data: Path, grid: dict[str, list[float]], fold: str = "0") -> list[tuple[float, StoryParams]]:
    """Grid search on one fold: (F1, params), best first."""
    bodies, _ = load_fnc(data)
    features = featurise(bodies, cache=ROOT / "build" / "fnc1-features.jsonl")
    names = sorted(grid)
    results = []
    for values in itertools.product(*(grid[n] for n in names)):
        params = replace(DEFAULT_PARAMS, **dict(zip(names, values, strict=True)))
        s = evaluate(data, fold, params, features)
        results.append((s.f1, params))
        print(
            f"{s.f1:.4f} P {s.precision:.3f} R {s.recall:.3f} {dict(zip(names, values, strict=True))}",
            flush=True,
        )
    return sorted(results, key=lambda x: -x[0])


def bench(data: Path, n: int, seed: int = 0) -> dict:
    """Speed on ``n`` synthetic dated articles: each is most of one FNC-1 body's sentences plus a few
    from other bodies, dated over a year and added in date order. Features and index timed apart."""
    import random

    bodies, _ = load_fnc(data)
    texts = list(bodies.values())
    split = [sentences(t) for t in texts]
    rng = random.Random(seed)
    articles = []
    for i in range(n):
        own = [s for s in split[rng.randrange(len(texts))] if rng.random() < 0.8]
        other = [rng.choice(split[rng.randrange(len(texts))] or [""]) for _ in range(2)]
        day = date(2025, 1, 1) + timedelta(days=rng.randrange(365))
        articles.append((f"syn-{i}", Article(text=" ".join(own + other), published=day)))
    articles.sort(key=lambda kv: kv[1].published)
    story_features(Article(text="Warm-up: load the word-frequency table."))
    cpu = time.process_time()
    features = [(k, story_features(a)) for k, a in articles]
    feature_cpu = time.process_time() - cpu
    index = StoryIndex()
    cpu = time.process_time()
    copies = sum(index.add(k, f).copy_of is not None for k, f in features)
    index_cpu = time.process_time() - cpu
    return {
        "articles": n,
        "stories": index.story_count,
        "copies": copies,
        "feature_cpu_s": round(feature_cpu, 2),
        "index_cpu_s": round(index_cpu, 2),
        "articles_per_cpu_s": round(n / (feature_cpu + index_cpu), 1),
        "index_adds_per_cpu_s": round(n / index_cpu, 1),
    }


def copy_report(data: Path, show: int = 5) -> dict:
    """Copy detection over every body in Body ID order: counts, pairs and a few examples."""
    bodies, gold = load_fnc(data)
    start = time.perf_counter()
    features = featurise(bodies)
    index = CopyIndex()
    copies = {}
    for b in sorted(bodies, key=_id_order):
        match = index.add(b, features[b].fingerprint)
        if match is not None:
            copies[b] = match
    seconds = time.perf_counter() - start
    same_story = sum(1 for b, m in copies.items() if gold[b] == gold[m.original])
    examples = []
    for b, m in sorted(copies.items(), key=lambda kv: _id_order(kv[0]))[:show]:
        j = jaccard(features[b].fingerprint, features[m.original].fingerprint)
        examples.append(
            {"copy": b, "original": m.original, "reason": m.reason, "jaccard": round(j, 3),
             "copy_start": bodies[b][:120], "original_start": bodies[m.original][:120]}
        )  # fmt: skip
    return {
        "bodies": len(bodies),
        "copies": len(copies),
        "originals_copied": len({m.original for m in copies.values()}),
        "reasons": dict(Counter(m.reason for m in copies.values())),
        "copies_in_same_gold_story": same_story,
        "credits": dict(Counter(f.credit for f in features.values() if f.credit)),
        "seconds": round(seconds, 2),
        "examples": examples,
    }


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--fold", choices=("0", "1", "all"), default="1", help="1 = the held-out half (default)")
    ap.add_argument("--tune", metavar="JSON", help='grid on fold 0, e.g. {"join_threshold": [0.3, 0.35]}')
    ap.add_argument("--orders", type=int, default=1, help="also the mean over Body ID order and N-1 shuffles")
    ap.add_argument("--copies", type=int, metavar="N", default=None, help="copy report with N examples")
    ap.add_argument("--bench", type=int, metavar="N", default=None, help="speed on N synthetic articles")
    args = ap.parse_args(argv)
    if not (args.data / "train_bodies.csv").exists():
        print(f"no FNC-1 data under {args.data}", file=sys.stderr)
        return 2
    if args.tune:
        best = tune(args.data, json.loads(args.tune))
        print("best:", best[0][0], asdict(best[0][1]))
        return 0
    if args.bench is not None:
        print(json.dumps(bench(args.data, args.bench)))
        return 0
    if args.copies is not None:
        print(json.dumps(copy_report(args.data, args.copies), indent=2, ensure_ascii=False))
        return 0
    scores = evaluate(args.data, args.fold)
    print(f"FNC-1 stories, fold {args.fold}: {scores.line()}")
    if args.orders > 1:
        every = [scores.f1, *shuffled_f1(args.data, args.fold, args.orders)]
        print(
            f"FNC-1 stories, fold {args.fold}: F1 over {len(every)} orders mean {100 * sum(every) / len(every):.1f} "
            f"(Body ID order, then shuffles 1..{args.orders - 1}: {' '.join(f'{100 * f:.1f}' for f in every)})"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
