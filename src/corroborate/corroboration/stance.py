"""An article's stance toward a claim: ``supports``, ``refutes``, ``discusses`` or ``unrelated``.

The four stances are FNC-1's agree, disagree, discuss and unrelated. The model is a small neural network
(one hidden layer of ReLU units, softmax output) over the features of :mod:`corroborate.corroboration.stance_features`:
term frequencies of the claim and of the text, and similarity and lexicon features of the pair. It was
trained with scikit-learn (``scripts/train_stance.py``) and exported to plain files, read here with
numpy alone:

* ``meta.json``: model version, number of terms per side, the names of the hand features, the class order;
* ``vocab.json``: the terms, most frequent first;
* ``weights.npz``: ``idf`` (one per term), ``mean`` and ``scale`` (hand-feature standardisation),
  ``w1``, ``b1``, ``w2``, ``b2`` (the network).

The committed model lives in ``corroborate/models/stance/`` and is loaded once per process.
See ``docs/stance.md`` for the data, the split and the held-out scores.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

import numpy as np

from corroborate.corroboration.stance_features import (
    HAND_FEATURES,
    Prepared,
    Vocabulary,
    hand_matrix,
    prepare,
    term_rows,
)
from corroborate.errors import ModelError

__all__ = [
    "MODEL_VERSION",
    "STANCES",
    "StanceModel",
    "load_model",
    "open_model",
    "predict_stances",
    "probability_matrix",
    "stance_probabilities",
]

STANCES = ("supports", "refutes", "discusses", "unrelated")
MODEL_VERSION = "fnc1-mlp@1"
CHUNK = 256  # pairs turned into one dense feature block at a time (about 10 MB with 5,000 terms a side)
_CLAIM_CACHE = 4 * CHUNK  # prepared claims kept across chunks before the cache is emptied
_ARRAYS = ("idf", "mean", "scale", "w1", "b1", "w2", "b2")


@dataclass(frozen=True, slots=True)
class StanceModel:
    vocab: Vocabulary
    n_terms: int
    mean: np.ndarray
    scale: np.ndarray
    w1: np.ndarray
    b1: np.ndarray
    w2: np.ndarray
    b2: np.ndarray
    meta: dict


def open_model(folder: Path) -> StanceModel:
    """Read a stance model from ``folder``; :class:`ModelError` if a file is missing or does not fit."""
    folder = Path(folder)
    name = str(folder)
    try:
        meta = json.loads((folder / "meta.json").read_text(encoding="utf-8"))
        terms = json.loads((folder / "vocab.json").read_text(encoding="utf-8"))["terms"]
        with np.load(folder / "weights.npz", allow_pickle=False) as data:
            arrays = {k: data[k].astype(np.float32) for k in _ARRAYS}
    except FileNotFoundError as exc:
        raise ModelError(
            f"stance model file missing: {Path(exc.filename or '?').name} (run `make train-stance`)",
            input_name=name,
        ) from exc
    except (OSError, ValueError, KeyError, TypeError, zipfile.BadZipFile) as exc:
        raise ModelError(f"stance model is unreadable or corrupt: {exc}", input_name=name) from exc
    if meta.get("version") != MODEL_VERSION:
        raise ModelError(
            f"stance model version {meta.get('version')!r} does not match the code's {MODEL_VERSION!r}",
            input_name=name,
        )
    if tuple(meta.get("hand_features", ())) != HAND_FEATURES or tuple(meta.get("classes", ())) != STANCES:
        raise ModelError("stance model was trained with other features or classes", input_name=name)
    n_terms = int(meta.get("n_terms", -1))
    width = 2 * n_terms + len(HAND_FEATURES)
    hidden = arrays["b1"].shape[0] if arrays["b1"].ndim == 1 else -1
    expected = {
        "idf": (len(terms),),
        "mean": (len(HAND_FEATURES),),
        "scale": (len(HAND_FEATURES),),
        "w1": (width, hidden),
        "w2": (hidden, len(STANCES)),
        "b2": (len(STANCES),),
    }
    for key, shape in expected.items():
        if arrays[key].shape != shape:
            raise ModelError(
                f"stance model array {key} has shape {arrays[key].shape}, expected {shape}", input_name=name
            )
    if not 0 < n_terms <= len(terms) or not all(np.isfinite(a).all() for a in arrays.values()):
        raise ModelError("stance model has bad sizes or non-finite weights", input_name=name)
    return StanceModel(
        vocab=Vocabulary.of(terms, arrays["idf"]),
        n_terms=n_terms,
        mean=arrays["mean"],
        scale=arrays["scale"],
        w1=arrays["w1"],
        b1=arrays["b1"],
        w2=arrays["w2"],
        b2=arrays["b2"],
        meta=meta,
    )


@lru_cache(maxsize=1)
def load_model() -> StanceModel:
    """The committed model, read once from the installed package (no network)."""
    root = resources.files("corroborate") / "models" / "stance"
    with resources.as_file(root) as folder:
        return open_model(Path(folder))


def _check(pairs: Sequence[tuple[str, str]]) -> None:
    for n, pair in enumerate(pairs):
        if len(pair) != 2 or not isinstance(pair[0], str) or not isinstance(pair[1], str):
            raise TypeError(f"pair {n}: expected a (claim, text) tuple of two strings")


def _probabilities(prepared: Sequence[tuple[Prepared, Prepared]], model: StanceModel) -> np.ndarray:
    """Softmax outputs, one row per prepared pair."""
    n = model.n_terms
    data, indices, indptr = term_rows(prepared, n)
    x = np.zeros((len(prepared), 2 * n + len(HAND_FEATURES)), dtype=np.float32)
    rows = np.repeat(np.arange(len(prepared)), np.diff(indptr))
    x[rows, indices] = data
    x[:, 2 * n :] = (hand_matrix(prepared) - model.mean) / model.scale
    hidden = np.maximum(x @ model.w1 + model.b1, 0.0)
    logits = hidden @ model.w2 + model.b2
    logits -= logits.max(axis=1, keepdims=True)
    odds = np.exp(logits)
    return odds / odds.sum(axis=1, keepdims=True)


def probability_matrix(pairs: Sequence[tuple[str, str]], model: StanceModel | None = None) -> np.ndarray:
    """``len(pairs) x 4`` probabilities in :data:`STANCES` order (pairs are processed in chunks)."""
    _check(pairs)
    model = model or load_model()
    out = np.zeros((len(pairs), len(STANCES)), dtype=np.float64)
    claims: dict[str, Prepared] = {}
    for start in range(0, len(pairs), CHUNK):
        chunk = pairs[start : start + CHUNK]
        texts: dict[str, Prepared] = {}  # texts are long: prepared once per chunk, not kept
        prepared = []
        for claim, text in chunk:
            if claim not in claims:
                if len(claims) >= _CLAIM_CACHE:
                    claims.clear()
                claims[claim] = prepare(claim, model.vocab, body=False)
            if text not in texts:
                texts[text] = prepare(text, model.vocab, body=True)
            prepared.append((claims[claim], texts[text]))
        out[start : start + len(chunk)] = _probabilities(prepared, model)
    return out


def stance_probabilities(
    pairs: Sequence[tuple[str, str]], model: StanceModel | None = None
) -> list[dict[str, float]]:
    """For each (claim, article text) pair, the probability of each stance (they sum to 1)."""
    return [dict(zip(STANCES, map(float, row), strict=True)) for row in probability_matrix(pairs, model)]


def predict_stances(pairs: Sequence[tuple[str, str]], model: StanceModel | None = None) -> list[str]:
    """The most probable stance of each (claim, article text) pair, one of :data:`STANCES`."""
    return [STANCES[int(i)] for i in probability_matrix(pairs, model).argmax(axis=1)]
