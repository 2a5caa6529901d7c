"""Train the stance model on FNC-1 and export it as JSON + .npz (read back with numpy alone).

    python scripts/train_stance.py --data ../shared/data/fnc1 [--out src/corroborate/models/stance]

The model is trained on the ``fit`` part of the split (every body outside the held-out 20%; see
``corroborate.eval.stance``) and then scored on the held-out part through the exported files, the same
code path as ``corroborate.corroboration.stance.predict_stances``. Deterministic: pairs in file order, vocabulary in a
fixed order, one BLAS thread, fixed seed and a fixed number of epochs (no early stopping).

Defaults rebuild the committed model: 5,000 terms per side, one hidden layer of 100 ReLU units, Adam
(scikit-learn's MLPClassifier, L2 1e-4, batches of 500, 30 epochs, seed 0), class weights supports 1.5,
refutes 3, discusses 1, unrelated 1. ``--min-claims N`` keeps only the terms found in the bodies of at
least N claim groups in the bag of words (a model less tied to FNC-1's own stories; see docs/stance.md).
``--split claims`` trains for the unseen-claims diagnostic split (write it elsewhere with ``--out``).
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
import zipfile
from pathlib import Path

import numpy as np

from corroborate.corroboration.stance import (
    MODEL_VERSION,
    STANCES,
    open_model,
    predict_stances,
    probability_matrix,
)
from corroborate.corroboration.stance_features import (
    HAND_FEATURES,
    Vocabulary,
    build_vocabulary,
    hand_matrix,
    prepare,
    term_rows,
    tokenize,
)
from corroborate.eval.stance import SCHEMES, FncData, Pair, claim_groups, format_table, load_fnc, scores

ROOT = Path(__file__).resolve().parents[1]
DEFAULT_OUT = ROOT / "src" / "corroborate" / "models" / "stance"
BATCH = 500
CLASS_WEIGHTS = {"supports": 1.5, "refutes": 3.0, "discusses": 1.0, "unrelated": 1.0}


def save_npz(path: Path, **arrays: np.ndarray) -> None:
    """Like ``np.savez_compressed``, with fixed timestamps: the same arrays give the same bytes."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for key, array in arrays.items():
            info = zipfile.ZipInfo(f"{key}.npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            with archive.open(info, "w") as fh:
                np.lib.format.write_array(fh, np.ascontiguousarray(array), allow_pickle=False)


def generic_first(
    vocab: Vocabulary, data: FncData, pairs: list[Pair], min_claims: int
) -> tuple[Vocabulary, int]:
    """The vocabulary reordered: first the terms found in the bodies of at least ``min_claims`` claim
    groups (words not tied to one story), then the others; and the number of the former."""
    group = claim_groups(pairs)
    seen: dict[str, set[str]] = {}
    for body in {p.body_id for p in pairs}:
        for term in set(tokenize(data.bodies[body])):
            seen.setdefault(term, set()).add(group["b:" + body])
    generic = [i for i, t in enumerate(vocab.terms) if len(seen.get(t, ())) >= min_claims]
    rest = [i for i, t in enumerate(vocab.terms) if len(seen.get(t, ())) < min_claims]
    order = generic + rest
    return Vocabulary.of([vocab.terms[i] for i in order], vocab.idf[order]), len(generic)


def train(
    data: FncData,
    out: Path,
    *,
    scheme: str,
    n_terms: int,
    hidden: int,
    epochs: int,
    seed: int,
    min_claims: int = 0,
) -> dict:
    """Fit on the ``fit`` pairs of ``scheme``, write ``meta.json``, ``vocab.json``, ``weights.npz`` to ``out``."""
    import scipy.sparse as sp
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.neural_network import MLPClassifier
    from threadpoolctl import threadpool_limits

    t0 = time.perf_counter()
    pairs = data.split("fit", scheme)
    if not pairs:
        raise SystemExit("error: no training pairs in this split")
    bodies = sorted({p.body_id for p in pairs}, key=lambda b: (len(b), b))
    claims = sorted({p.claim for p in pairs})
    vocab = build_vocabulary([tokenize(data.bodies[b]) for b in bodies] + [tokenize(c) for c in claims])
    if min_claims:
        vocab, n_generic = generic_first(vocab, data, pairs, min_claims)
        n_terms = min(n_terms, n_generic)
    n_terms = min(n_terms, len(vocab.terms))
    prepared_bodies = {b: prepare(data.bodies[b], vocab, body=True) for b in bodies}
    prepared_claims = {c: prepare(c, vocab, body=False) for c in claims}
    prepared = [(prepared_claims[p.claim], prepared_bodies[p.body_id]) for p in pairs]
    hand = hand_matrix(prepared)
    mean, scale = hand.mean(axis=0), hand.std(axis=0) + 1e-6
    terms = sp.csr_matrix(term_rows(prepared, n_terms), shape=(len(pairs), 2 * n_terms))
    x = sp.hstack([terms, sp.csr_matrix((hand - mean) / scale)], format="csr", dtype=np.float32)
    y = np.array([STANCES.index(p.stance) for p in pairs])
    weight = np.array([CLASS_WEIGHTS[p.stance] for p in pairs])
    t_features = time.perf_counter() - t0
    print(
        f"{len(pairs)} pairs, {len(bodies)} bodies, {len(vocab.terms)} terms: features in {t_features:.0f}s"
    )

    net = MLPClassifier(
        hidden_layer_sizes=(hidden,),
        alpha=1e-4,
        batch_size=min(BATCH, len(pairs)),
        max_iter=epochs,
        random_state=seed,
    )
    with warnings.catch_warnings(), threadpool_limits(limits=1):
        warnings.simplefilter("ignore", ConvergenceWarning)  # a fixed number of epochs, on purpose
        net.fit(x, y, sample_weight=weight)
    if list(net.classes_) != list(range(len(STANCES))):
        raise SystemExit("error: every stance must occur in the training pairs")
    t_train = time.perf_counter() - t0
    print(f"trained in {t_train - t_features:.0f}s (loss {net.loss_:.4f})")

    out.mkdir(parents=True, exist_ok=True)
    (out / "vocab.json").write_text(
        json.dumps({"terms": list(vocab.terms)}, ensure_ascii=False), encoding="utf-8"
    )
    save_npz(
        out / "weights.npz",
        idf=vocab.idf.astype(np.float32),
        mean=mean.astype(np.float32),
        scale=scale.astype(np.float32),
        w1=net.coefs_[0].astype(np.float32),
        b1=net.intercepts_[0].astype(np.float32),
        w2=net.coefs_[1].astype(np.float32),
        b2=net.intercepts_[1].astype(np.float32),
    )
    meta = {
        "version": MODEL_VERSION,
        "classes": list(STANCES),
        "n_terms": n_terms,
        "min_claims": min_claims,
        "hand_features": list(HAND_FEATURES),
        "trained_on": {
            "data": "FNC-1 train_stances.csv",
            "split": scheme,
            "part": "fit",
            "pairs": len(pairs),
        },
        "training": {
            "estimator": "sklearn MLPClassifier",
            "hidden": hidden,
            "alpha": 1e-4,
            "batch_size": min(BATCH, len(pairs)),
            "epochs": epochs,
            "seed": seed,
            "class_weights": CLASS_WEIGHTS,
        },
    }
    (out / "meta.json").write_text(json.dumps(meta, indent=2) + "\n", encoding="utf-8")
    # the exported files, read back with numpy, must give scikit-learn's probabilities
    sample = slice(0, min(256, len(pairs)))
    exported = probability_matrix([(p.claim, data.bodies[p.body_id]) for p in pairs[sample]], open_model(out))
    gap = float(np.abs(exported - net.predict_proba(x[sample])).max())
    if gap > 1e-4:
        raise SystemExit(f"error: exported model differs from the trained one (max gap {gap:.2e})")
    return meta


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument(
        "--data", type=Path, required=True, help="FNC-1 folder (train_bodies.csv, train_stances.csv)"
    )
    parser.add_argument(
        "--out", type=Path, default=DEFAULT_OUT, help="model folder (default: the committed one)"
    )
    parser.add_argument("--split", choices=SCHEMES, default="bodies", help="split scheme (default: bodies)")
    parser.add_argument("--terms", type=int, default=5000, help="terms per side in the bag of words")
    parser.add_argument("--hidden", type=int, default=100, help="hidden units")
    parser.add_argument(
        "--min-claims",
        type=int,
        default=0,
        metavar="N",
        help="bag of words only over terms found in the bodies of at least N claim groups (default 0: all)",
    )
    parser.add_argument("--epochs", type=int, default=30)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args(argv)

    data = load_fnc(args.data)
    meta = train(
        data,
        args.out,
        scheme=args.split,
        n_terms=args.terms,
        hidden=args.hidden,
        epochs=args.epochs,
        seed=args.seed,
        min_claims=args.min_claims,
    )
    held_out = data.split("held_out", args.split)
    if held_out:
        model = open_model(args.out)
        predicted = predict_stances([(p.claim, data.bodies[p.body_id]) for p in held_out], model)
        result = scores([p.stance for p in held_out], predicted)
        print(format_table(result, f"held-out ({args.split} split)"))
    size = sum(f.stat().st_size for f in args.out.iterdir() if f.is_file())
    print(f"wrote {meta['version']} to {args.out} ({size / 1e6:.1f} MB)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
