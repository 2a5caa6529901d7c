"""Train the attribution CRFs (cue, source, content) on PolNeAR train; optionally score on dev.

    python scripts/train_attributions.py --data ../shared/data/polnear/train \
        [--dev ../shared/data/polnear/dev] [--out src/corroborate/models/attributions] [--cache scratch]

Deterministic: documents in sorted order, L-BFGS (no random sampling), fixed hyper-parameters. Parsed
docs are cached as DocBin under ``--cache`` (default ``scratch/``, gitignored) and reused.
The defaults rebuild the committed model: the cue CRF on base + predicate-context + tok2vec-cluster
features (k-means 64 and 256 on the pipeline's tok2vec vectors, 100 L-BFGS iterations); the source and
content CRFs on base + cue-relative features with the GOLD cues as anchors (150 iterations, no clusters).
``--only cue`` / ``--only source,content`` retrain a part (same settings give the same files).
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path

from corroborate.attribution.learned.crf import (
    MODEL_VERSION,
    attributions_from_spans,
    open_models,
    predict_token_spans,
)
from corroborate.attribution.learned.crf_features import (
    base_features,
    cue_features,
    doc_info,
    spans_to_bio,
    stage2_features,
)
from corroborate.eval.attributions import (
    GoldDocument,
    format_table,
    load_gold,
    score_all,
    score_summary,
    triples_of,
)

ROOT = Path(__file__).resolve().parents[1]


def parsed_docs(data: Path, cache: Path, names: list[str]) -> dict:
    """spaCy docs for ``names`` (cached DocBin keyed by split folder name)."""
    from spacy.tokens import DocBin

    from corroborate.text.nlp import load_nlp

    nlp = load_nlp()
    key = data.resolve().name
    bin_path, names_path = cache / f"{key}.spacy", cache / f"{key}.names"
    if bin_path.exists() and names_path.exists():
        cached = names_path.read_text(encoding="utf-8").split("\n")
        if set(names) <= set(cached):
            docs = list(DocBin().from_disk(bin_path).get_docs(nlp.vocab))
            # DocBin does not keep tok2vec tensors: recompute them (the tok2vec depends on the tokens only)
            docs = list(nlp.get_pipe("tok2vec").pipe(docs, batch_size=32))
            return dict(zip(cached, docs, strict=True))
    all_names = sorted(p.stem for p in (data / "text").glob("*.txt"))
    texts = [(data / "text" / f"{n}.txt").read_text(encoding="utf-8") for n in all_names]
    t0 = time.perf_counter()
    docs = list(nlp.pipe(texts, batch_size=32))
    print(f"parsed {len(docs)} docs in {time.perf_counter() - t0:.0f}s", flush=True)
    cache.mkdir(parents=True, exist_ok=True)
    db = DocBin(store_user_data=False)
    for d in docs:
        db.add(d)
    db.to_disk(bin_path)
    names_path.write_text("\n".join(all_names), encoding="utf-8")
    return dict(zip(all_names, docs, strict=True))


def token_spans(doc, gold: GoldDocument, label: str) -> list[tuple[int, int]]:
    out = []
    for lab, s, e in gold.spans:
        if lab != label:
            continue
        span = doc.char_span(s, e, alignment_mode="expand")
        if span is not None and len(span):
            out.append((span.start, span.end))
    return sorted(out)


def kmeans(vectors, k: int, seed: int = 0, sample: int = 80_000, iters: int = 25):
    """Plain Lloyd k-means on a seeded sample of the tok2vec vectors (deterministic)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    data = vectors[rng.choice(len(vectors), min(sample, len(vectors)), replace=False)].astype(np.float64)
    cent = data[rng.choice(len(data), k, replace=False)].copy()
    sq = (data * data).sum(1)[:, None]
    for _ in range(iters):
        assign = (sq - 2 * data @ cent.T + (cent * cent).sum(1)[None]).argmin(1)
        for j in range(k):
            members = data[assign == j]
            if len(members):
                cent[j] = members.mean(0)
    return cent.astype(np.float32)


def train_one(xs: list, ys: list, path: Path, c1: float, c2: float, iters: int) -> None:
    import pycrfsuite

    trainer = pycrfsuite.Trainer(verbose=False)
    for x, y in zip(xs, ys, strict=True):
        trainer.append(x, y)
    trainer.set_params(
        {
            "c1": c1,
            "c2": c2,
            "max_iterations": iters,
            "feature.possible_transitions": True,
            "feature.minfreq": 1,
        }
    )
    t0 = time.perf_counter()
    trainer.train(str(path))
    print(f"  trained {path.name}: {len(xs)} sequences, {time.perf_counter() - t0:.0f}s", flush=True)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--data", required=True, type=Path)
    ap.add_argument("--dev", type=Path, default=None, help="score the new model on this split")
    ap.add_argument("--out", type=Path, default=ROOT / "src" / "corroborate" / "models" / "attributions")
    ap.add_argument("--cache", type=Path, default=ROOT / "scratch")
    ap.add_argument("--c1", type=float, default=0.05)
    ap.add_argument("--c2", type=float, default=0.01)
    ap.add_argument("--cue-iters", type=int, default=100)
    ap.add_argument("--stage2-iters", type=int, default=150, help="L-BFGS iterations, source/content")
    ap.add_argument("--limit", type=int, default=None, help="train on the first N articles only")
    ap.add_argument("--only", default="cue,source,content", help="which models to (re)train")
    ap.add_argument("--json", type=Path, default=None)
    ap.add_argument(
        "--cue-dropout",
        type=float,
        default=0.0,
        help="share of gold cues hidden (seeded) from the source/content anchor features during training",
    )
    ap.add_argument("--cue-extra", action=argparse.BooleanOptionalAction, default=True)
    ap.add_argument("--clusters", default="64,256", help="k of each tok2vec centroid table ('' for none)")
    ap.add_argument(
        "--stage2-clusters",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="also give the cluster features to the source/content models",
    )
    args = ap.parse_args(argv)
    if not (args.data / "attributions").is_dir():
        print(f"no attributions/ under {args.data}; is ../shared present?", file=sys.stderr)
        return 2
    import numpy as np

    t_start = time.perf_counter()
    only = [lab for lab in ("cue", "source", "content") if lab in args.only.split(",")]
    gold = load_gold(args.data, limit=args.limit)
    docs = parsed_docs(args.data, args.cache, sorted({n for n, _ in gold}))
    args.out.mkdir(parents=True, exist_ok=True)
    ks = [int(k) for k in args.clusters.split(",") if k]
    centroids: tuple = ()
    if ks:
        vectors = np.concatenate([docs[n].tensor for n in sorted(docs) if len(docs[n])])
        centroids = tuple(kmeans(vectors, k) for k in ks)
        if "cue" in only:
            np.savez(args.out / "clusters.npz", **{f"k{i}": c for i, c in enumerate(centroids)})
        print(f"k-means {ks} on {len(vectors)} tok2vec vectors", flush=True)
    infos: dict = {}
    xs_cue, ys_cue, xs2, ys_src, ys_con = [], [], [], [], []
    for name, g in gold:
        doc = docs[name]
        if name not in infos:
            with_c = doc_info(doc, centroids)
            no_c = doc_info(doc) if not args.stage2_clusters else with_c
            infos[name] = (with_c, base_features(with_c), no_c, base_features(no_c))
        info_c, base_c, info2, base2 = infos[name]
        cues = token_spans(doc, g, "cue")
        if "cue" in only:
            xs_cue.append(cue_features(info_c, base_c, args.cue_extra))
            ys_cue.append(spans_to_bio(info_c.n, cues))
        if "source" in only or "content" in only:
            rng = random.Random(f"{name}/{g.name}")  # deterministic per gold document
            anchors = [c for c in cues if rng.random() >= args.cue_dropout]
            xs2.append(stage2_features(info2, base2, anchors))
            ys_src.append(spans_to_bio(info2.n, token_spans(doc, g, "source")))
            ys_con.append(spans_to_bio(info2.n, token_spans(doc, g, "content")))
    print(f"features for {len(gold)} gold documents in {time.perf_counter() - t_start:.0f}s", flush=True)
    meta_path = args.out / "meta.json"
    meta = json.loads(meta_path.read_text(encoding="utf-8")) if meta_path.exists() else {}
    models_meta = meta.get("models", {})
    jobs = {"cue": (xs_cue, ys_cue), "source": (xs2, ys_src), "content": (xs2, ys_con)}
    for lab in only:
        t0 = time.perf_counter()
        iters = args.cue_iters if lab == "cue" else args.stage2_iters
        train_one(*jobs[lab], args.out / f"{lab}.crfsuite", args.c1, args.c2, iters)
        settings = {
            "c1": args.c1,
            "c2": args.c2,
            "iters": iters,
            "train_seconds": round(time.perf_counter() - t0),
        }
        if lab == "cue":
            settings |= {"clusters": ks, "cue_extra": args.cue_extra}
        else:
            settings |= {"clusters": ks if args.stage2_clusters else [], "cue_dropout": args.cue_dropout}
        models_meta[lab] = settings
    train_s = time.perf_counter() - t_start
    meta = {
        "version": MODEL_VERSION,
        "trained_on": str(args.data.name),
        "gold_documents": len(gold),
        "models": models_meta,
        "cue_extra": models_meta.get("cue", {}).get("cue_extra", False),
    }
    meta_path.write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    print(f"model written to {args.out} in {train_s:.0f}s", flush=True)
    if args.dev:
        models = open_models(args.out)
        dev_gold = load_gold(args.dev)
        dev_docs = parsed_docs(args.dev, args.cache, sorted({n for n, _ in dev_gold}))
        preds = {}
        for name in sorted({n for n, _ in dev_gold}):
            info = doc_info(dev_docs[name], models.centroids)
            spans = predict_token_spans(info, models)
            preds[name] = triples_of(attributions_from_spans(dev_docs[name], info, spans))
        scores = score_all((g, preds[n]) for n, g in dev_gold)
        print(format_table(scores, f"dev {args.dev}"))
        if args.json:
            args.json.write_text(
                json.dumps(score_summary(scores) | {"meta": meta}, indent=2) + "\n", encoding="utf-8"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
