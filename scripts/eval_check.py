"""Evaluate `corroborate check` on Emergent claims over the FNC-1 train bodies (issue 19).

    python scripts/eval_check.py --emergent ../shared/data/emergent --fnc ../shared/data/fnc1 [--mode fast]

1. The 1,683 FNC-1 train bodies are ingested into a store (``--mode``, default fast, for speed) with the URL
   ``https://fnc1.invalid/body/<Body ID>`` and the outlet ``body <Body ID>``; the store is kept in
   ``--work`` and reused when it already holds every body.
2. The 190 claims of ``fnc_train_body_claims.csv`` are split into ``--folds`` folds by claim (a hash of the
   claim id). For each fold a stance model is trained (``scripts/train_stance.py``'s settings) on the FNC-1
   pairs whose body reports none of the fold's claims and whose headline is none of the fold's claims'
   Emergent headlines, so the fold is scored by a model that never saw its claims or bodies.
3. The two retrieval thresholds (``min_rank``, ``min_coverage``: ``docs/check.md``) are chosen for each fold
   on the other folds' claims (nested: a grid, by retrieval F1 of the other folds' held-out predictions).
4. Each fold's claims are checked (``corroborate.app.check.check``: what `corroborate check --claims` runs)
   against the whole store with that fold's model and thresholds.

Reported: retrieval P/R/F1 over (claim, body) pairs (gold: the rows of ``fnc_train_body_claims.csv``;
predicted: the bodies in each claim's ``articles``); verdict accuracy and macro-F1 against the claims'
resolved truth (corroborated -> true, refuted or contested -> false, unverified -> unknown) with bootstrap
95% intervals over claims; the majority-class baseline; and, as a stance diagnostic, each fold model's FNC
relative score and macro-F1 on the pairs of its own held-out claims. Nothing is tuned on these claims.
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import json
import re
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent
sys.path.insert(0, str(ROOT))

from train_stance import train  # noqa: E402

from corroborate.app.check import POOL, CheckOptions, check, query_terms  # noqa: E402
from corroborate.corroboration.check import MIN_COVERAGE, MIN_RANK, claim_terms, coverage  # noqa: E402
from corroborate.corroboration.stance import STANCES, open_model, probability_matrix  # noqa: E402
from corroborate.eval.stance import FncData, Pair, load_fnc, scores  # noqa: E402

URL = "https://fnc1.invalid/body/{}"
TRUTH_OF = {"corroborated": "true", "refuted": "false", "contested": "false", "unverified": "unknown"}
LABELS = ("true", "false", "unknown")
GRID_RANK = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8)
GRID_COVERAGE = (0.0, 0.3, 0.4, 0.5, 0.6, 0.7)


def norm(text: str) -> str:
    return " ".join(re.sub(r"[^\w\s]", " ", text.lower()).split())


def fold_of(claim_id: str, folds: int) -> int:
    return int(hashlib.sha256(("check-fold:" + claim_id).encode()).hexdigest()[:8], 16) % folds


@dataclass(frozen=True)
class FoldData:
    """What ``train_stance.train`` reads: the bodies and the fold's training pairs (as its ``fit`` part)."""

    bodies: dict[str, str]
    pairs: tuple[Pair, ...]

    def split(self, name: str, scheme: str = "bodies") -> list[Pair]:
        return list(self.pairs)


def _csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def fill_store(db: Path, bodies: dict[str, str], mode: str) -> None:
    from corroborate.app.ingest import ingest_items
    from corroborate.ingest.records import IngestItem
    from corroborate.store.articles import open_store
    from corroborate.types import Article

    if db.exists():
        with open_store(str(db), create=False) as store:
            if store.count() == len(bodies):
                print(f"store: reusing {db} ({len(bodies)} bodies)")
                return
        for suffix in ("", "-wal", "-shm"):
            Path(str(db) + suffix).unlink(missing_ok=True)
    t0 = time.perf_counter()
    items = [
        IngestItem(f"body {b}", Article(text=text, url=URL.format(b), outlet=f"body {b}"))
        for b, text in sorted(bodies.items(), key=lambda kv: int(kv[0]))
    ]
    with open_store(str(db)) as store:
        counts = ingest_items(store, items, mode=mode)
    print(f"store: ingested {counts.ingested} bodies (--mode {mode}) in {time.perf_counter() - t0:.0f}s")


def prf(gold: set, predicted: set) -> tuple[float, float, float]:
    tp = len(gold & predicted)
    p = tp / len(predicted) if predicted else 0.0
    r = tp / len(gold) if gold else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def macro_f1(gold: list[str], pred: list[str]) -> float:
    f1s = []
    for label in LABELS:
        tp = sum(1 for g, p in zip(gold, pred, strict=True) if g == p == label)
        fp = sum(1 for g, p in zip(gold, pred, strict=True) if p == label and g != label)
        fn = sum(1 for g, p in zip(gold, pred, strict=True) if g == label and p != label)
        f1s.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return sum(f1s) / len(f1s)


def bootstrap(gold: list[str], pred: list[str], n: int, seed: int) -> dict[str, tuple[float, float]]:
    rng = np.random.default_rng(seed)
    acc, mf1 = [], []
    idx = np.arange(len(gold))
    for _ in range(n):
        s = rng.choice(idx, size=len(idx), replace=True)
        g, p = [gold[i] for i in s], [pred[i] for i in s]
        acc.append(sum(a == b for a, b in zip(g, p, strict=True)) / len(g))
        mf1.append(macro_f1(g, p))
    return {
        "accuracy": (float(np.percentile(acc, 2.5)), float(np.percentile(acc, 97.5))),
        "macro_f1": (float(np.percentile(mf1, 2.5)), float(np.percentile(mf1, 97.5))),
    }


def candidate_features(
    store, claim: str, model, urls: dict[int, str]
) -> list[tuple[str, bool, float, float]]:
    """(body id, related by the model, rank, coverage) of the claim's full-text pool, as ``check`` sees it
    (``urls``: each stored article's URL, which ends with its body id)."""
    from corroborate.store.search import candidate_ids, candidate_rows

    rows = candidate_rows(store, candidate_ids(store, query_terms(claim), limit=POOL))
    if not rows:
        return []
    probs = probability_matrix([(claim, r.text) for r in rows], model)
    terms = claim_terms(claim)
    unrelated = STANCES.index("unrelated")
    return [
        (urls[r.id].rsplit("/", 1)[1], int(p.argmax()) != unrelated, r.rank,
         coverage(terms, f"{r.title or ''}\n{r.text}"))
        for r, p in zip(rows, probs, strict=True)
    ]  # fmt: skip


def select(features: dict[str, list], gold: set, claims: list[str]) -> tuple[float, float, float]:
    """The (min_rank, min_coverage) of the grid with the best retrieval F1 over ``claims``, and that F1."""
    best = (-1.0, 0.0, 0.0)
    wanted = {(c, b) for c, b in gold if c in set(claims)}
    for a in GRID_RANK:
        for b in GRID_COVERAGE:
            pred = {
                (c, body)
                for c in claims
                for body, rel, rank, cov in features[c]
                if rel and rank >= a and cov >= b
            }
            f = prf(wanted, pred)[2]
            if f > best[0] + 1e-12:
                best = (f, a, b)
    return best[1], best[2], best[0]


def select_fixed(features: dict[str, list], gold: set, claims: list[str], a: float, b: float) -> float:
    pred = {
        (c, body) for c in claims for body, rel, rank, cov in features[c] if rel and rank >= a and cov >= b
    }
    return prf(gold, pred)[2]


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--emergent", type=Path, required=True)
    ap.add_argument("--fnc", type=Path, required=True)
    ap.add_argument("--mode", default="fast", help="extraction mode for ingesting the bodies (default fast)")
    ap.add_argument("--folds", type=int, default=5)
    ap.add_argument("--work", type=Path, default=Path("build/eval-check"))
    ap.add_argument("--bootstrap", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=0)
    args = ap.parse_args(argv)
    for folder in (args.emergent, args.fnc):
        if not folder.is_dir():
            print(f"error: {folder}: no such directory", file=sys.stderr)
            return 2
    args.work.mkdir(parents=True, exist_ok=True)

    data: FncData = load_fnc(args.fnc)
    truth = {r["claimId"]: (r["claimHeadline"], r["claimTruth"]) for r in _csv(args.emergent / "claims.csv")}
    gold_pairs = {(r["claimId"], r["Body ID"]) for r in _csv(args.emergent / "fnc_train_body_claims.csv")}
    claims = sorted({c for c, _ in gold_pairs})
    headline_claims: dict[str, set[str]] = {}
    for r in _csv(args.emergent / "articles.csv"):
        headline_claims.setdefault(norm(r["articleHeadline"]), set()).add(r["claimId"])
    body_claims: dict[str, set[str]] = {}
    for c, b in gold_pairs:
        body_claims.setdefault(b, set()).add(c)
    print(f"{len(claims)} claims, {len(gold_pairs)} gold (claim, body) pairs, {len(data.bodies)} bodies")

    db = args.work / f"store-{args.mode}.db"
    fill_store(db, data.bodies, args.mode)

    from corroborate.store.articles import open_store

    results: dict[str, dict] = {}
    stance_gold: list[str] = []
    stance_pred: list[str] = []
    check_seconds: list[float] = []
    models = {}
    features: dict[str, list] = {}
    with open_store(str(db), create=False) as store:
        urls = {i: a.url or "" for i, a in store.iter_articles()}
        for k in range(args.folds):
            fold_claims = {c for c in claims if fold_of(c, args.folds) == k}
            out = args.work / f"stance-fold{k}-of{args.folds}"

            def held(p: Pair, fold_claims=fold_claims) -> tuple[bool, bool]:
                body = bool(body_claims.get(p.body_id, set()) & fold_claims)
                head = bool(headline_claims.get(norm(p.claim), set()) & fold_claims)
                return body, head

            train_pairs = tuple(p for p in data.pairs if not any(held(p)))
            test_pairs = [p for p in data.pairs if all(held(p))]
            if not (out / "meta.json").exists():
                t0 = time.perf_counter()
                train(FoldData(data.bodies, train_pairs), out, scheme="bodies", n_terms=5000, hidden=100,
                      epochs=30, seed=0)  # fmt: skip
                print(f"fold {k}: trained on {len(train_pairs)} pairs in {time.perf_counter() - t0:.0f}s")
            model = models[k] = open_model(out)
            for c in sorted(fold_claims):
                features[c] = candidate_features(store, truth[c][0], model, urls)
            if test_pairs:
                probs = probability_matrix([(p.claim, data.bodies[p.body_id]) for p in test_pairs], model)
                stance_gold += [p.stance for p in test_pairs]
                stance_pred += [STANCES[int(i)] for i in probs.argmax(axis=1)]
            print(f"fold {k}: {len(test_pairs)} held-out stance pairs")
        chosen = {}
        for k in range(args.folds):
            fold_claims = {c for c in claims if fold_of(c, args.folds) == k}
            a, b, f = select(features, gold_pairs, [c for c in claims if c not in fold_claims])
            chosen[k] = (a, b)
            print(
                f"fold {k}: min_rank {a}, min_coverage {b} chosen on the other folds (retrieval F1 there {f:.3f})"
            )
            for c in sorted(fold_claims):
                t0 = time.perf_counter()
                options = CheckOptions(min_rank=a, min_coverage=b)
                result = check(store, truth[c][0], options, models[k])
                check_seconds.append(time.perf_counter() - t0)
                bodies = [
                    a.url.rsplit("/", 1)[1]
                    for a in result.articles
                    if a.url and a.url.startswith("https://fnc1")
                ]
                results[c] = {"verdict": result.verdict, "bodies": bodies, "fold": k}

    with (args.work / "results.jsonl").open("w", encoding="utf-8") as fh:
        for c in claims:
            fh.write(
                json.dumps({"claimId": c, "claim": truth[c][0], "truth": truth[c][1], **results[c]}) + "\n"
            )

    predicted = {(c, b) for c in claims for b in results[c]["bodies"]}
    p, r, f = prf(gold_pairs, predicted)
    gold = [truth[c][1] for c in claims]
    pred = [TRUTH_OF[results[c]["verdict"]] for c in claims]
    acc = sum(a == b for a, b in zip(gold, pred, strict=True)) / len(gold)
    mf1 = macro_f1(gold, pred)
    ci = bootstrap(gold, pred, args.bootstrap, args.seed)
    majority, n_major = Counter(gold).most_common(1)[0]
    print()
    print(
        f"## Claim check on Emergent x FNC-1 train bodies ({len(claims)} claims, {args.folds} folds by claim)"
    )
    print(
        f"retrieval: P {p:.3f}  R {r:.3f}  F1 {f:.3f}  ({len(predicted)} predicted pairs, {len(gold_pairs)} gold)"
    )
    print(f"verdict: accuracy {acc:.3f} (95% CI {ci['accuracy'][0]:.3f}-{ci['accuracy'][1]:.3f})  "
          f"macro-F1 {mf1:.3f} (95% CI {ci['macro_f1'][0]:.3f}-{ci['macro_f1'][1]:.3f})")  # fmt: skip
    a, b, f = select(features, gold_pairs, claims)
    print(f"thresholds chosen on all folds: min_rank {a}, min_coverage {b} (the shipped defaults are "
          f"{MIN_RANK}, {MIN_COVERAGE}); unfiltered pool: retrieval F1 "
          f"{select_fixed(features, gold_pairs, claims, 0.0, 0.0):.3f}")  # fmt: skip
    print(f"majority class ({majority}): accuracy {n_major / len(gold):.3f}")
    print("verdicts:", dict(Counter(results[c]["verdict"] for c in claims)))
    print("confusion (rows truth, columns predicted true/false/unknown):")
    for g in LABELS:
        print(
            f"  {g:8s}",
            [sum(1 for a, b in zip(gold, pred, strict=True) if a == g and b == q) for q in LABELS],
        )
    if stance_gold:
        s = scores(stance_gold, stance_pred)
        print(f"stance on each fold's held-out claims ({len(stance_gold)} pairs, F1 by class " + ", ".join(f"{k} {v:.3f}" for k, v in s['f1'].items()) + f"): relative {s['fnc_relative']:.4f}  "
              f"macro-F1 {s['macro_f1']:.4f}")  # fmt: skip
    secs = sorted(check_seconds)
    print(f"check time per claim: p50 {secs[len(secs) // 2]:.3f}s  p95 {secs[int(len(secs) * 0.95)]:.3f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
