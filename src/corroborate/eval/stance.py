"""FNC-1 data, the by-body split and the scores of the stance model (used by the train/eval scripts).

FNC-1 ships ``train_bodies.csv`` (``Body ID``, ``articleBody``) and ``train_stances.csv`` (``Headline``,
``Body ID``, ``Stance``). Stances are mapped to :data:`corroborate.corroboration.stance.STANCES`.

The split is by body, so no article text is both trained on and scored: a body belongs to the
held-out split when ``sha256("fnc1-stance:" + body_id)``, read as an integer from its first 8 hex digits,
is ``< 20`` modulo 100 (about 20% of the bodies), to the model-selection ``dev`` part of the training
bodies when it is 20 to 29, and to ``train`` otherwise (``fit`` is train + dev). Headlines (claims) are not
split: FNC-1 pairs each claim with many bodies, so a held-out pair's headline has usually been seen with
other bodies.

A harder diagnostic split, ``claims``, holds out whole claims: headlines and bodies joined by a related
pair (agree, disagree, discuss) form a group; the same hashing rule, on ``"fnc1-claims:"`` and the
group's smallest body id, sends each group to held_out, dev or train, and a pair is kept only when its
headline and its body fall in the same part (FNC-1's competition test set was built the same way, from
claims not in the training data).

Score (the FNC-1 rule): a pair earns 0.25 when related vs unrelated is right, plus 0.75 when a related
pair gets its exact label; the relative score is the total as a share of the best possible total.
"""

from __future__ import annotations

import csv
import hashlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from corroborate.corroboration.stance import STANCES
from corroborate.errors import UsageError

FNC_LABELS = {"agree": "supports", "disagree": "refutes", "discuss": "discusses", "unrelated": "unrelated"}
HELD_OUT_PERCENT = 20
DEV_PERCENT = 10
SCHEMES = ("bodies", "claims")


@dataclass(frozen=True, slots=True)
class Pair:
    claim: str
    body_id: str
    stance: str  # one of STANCES


@dataclass(frozen=True, slots=True)
class FncData:
    bodies: dict[str, str]
    pairs: tuple[Pair, ...]

    def split(self, name: str, scheme: str = "bodies") -> list[Pair]:
        """``held_out``, ``dev``, ``train`` (without dev) or ``fit`` (train + dev) pairs, in file order."""
        wanted = {"fit": ("train", "dev")}.get(name, (name,))
        if scheme == "bodies":
            return [p for p in self.pairs if split_of(p.body_id) in wanted]
        if scheme != "claims":
            raise UsageError(f"unknown split scheme {scheme!r} (expected one of {', '.join(SCHEMES)})")
        group = claim_groups(self.pairs)
        out = []
        for p in self.pairs:
            part = split_of(group["b:" + p.body_id], prefix="fnc1-claims")
            if part in wanted and part == split_of(group["h:" + p.claim], prefix="fnc1-claims"):
                out.append(p)
        return out


def claim_groups(pairs: Sequence[Pair]) -> dict[str, str]:
    """``"h:" + headline`` and ``"b:" + body id`` to the smallest body id of their claim group."""
    parent: dict[str, str] = {}

    def root(x: str) -> str:
        parent.setdefault(x, x)
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    for p in pairs:
        h, b = root("h:" + p.claim), root("b:" + p.body_id)
        if p.stance != "unrelated" and h != b:
            parent[h] = b
    members: dict[str, list[str]] = {}
    for node in list(parent):
        members.setdefault(root(node), []).append(node)
    out = {}
    for nodes in members.values():
        bodies = sorted((n[2:] for n in nodes if n.startswith("b:")), key=lambda b: (len(b), b))
        key = bodies[0] if bodies else min(nodes)
        out.update(dict.fromkeys(nodes, key))
    return out


def split_of(body_id: str, prefix: str = "fnc1-stance") -> str:
    """``held_out``, ``dev`` or ``train`` for an FNC-1 body id (the hashing rule in the module docstring)."""
    bucket = int(hashlib.sha256(f"{prefix}:{body_id}".encode()).hexdigest()[:8], 16) % 100
    if bucket < HELD_OUT_PERCENT:
        return "held_out"
    if bucket < HELD_OUT_PERCENT + DEV_PERCENT:
        return "dev"
    return "train"


def _rows(path: Path, columns: Sequence[str]) -> list[dict[str, str]]:
    if not path.is_file():
        raise UsageError("not found (expected an FNC-1 folder)", input_name=str(path))
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.DictReader(fh)
        missing = [c for c in columns if c not in (reader.fieldnames or ())]
        if missing:
            raise UsageError(f"missing column(s) {', '.join(missing)}", input_name=str(path))
        return list(reader)


def load_fnc(folder: Path) -> FncData:
    """Read ``train_bodies.csv`` and ``train_stances.csv`` from ``folder``."""
    folder = Path(folder)
    bodies = {
        r["Body ID"]: r["articleBody"] for r in _rows(folder / "train_bodies.csv", ("Body ID", "articleBody"))
    }
    pairs = []
    for n, r in enumerate(_rows(folder / "train_stances.csv", ("Headline", "Body ID", "Stance")), start=2):
        if r["Stance"] not in FNC_LABELS or r["Body ID"] not in bodies:
            raise UsageError(
                f"line {n}: unknown stance or body id", input_name=str(folder / "train_stances.csv")
            )
        pairs.append(Pair(r["Headline"], r["Body ID"], FNC_LABELS[r["Stance"]]))
    return FncData(bodies, tuple(pairs))


# --------------------------------------------------------------------------- scores


def fnc_score(gold: Sequence[str], predicted: Sequence[str]) -> tuple[float, float]:
    """(score, best possible score) under the FNC-1 rule."""
    score = best = 0.0
    for g, p in zip(gold, predicted, strict=True):
        related_g, related_p = g != "unrelated", p != "unrelated"
        best += 1.0 if related_g else 0.25
        if related_g == related_p:
            score += 0.25
            if related_g and g == p:
                score += 0.75
    return score, best


def confusion(gold: Sequence[str], predicted: Sequence[str]) -> list[list[int]]:
    """Counts ``[gold][predicted]`` in :data:`STANCES` order."""
    index = {s: i for i, s in enumerate(STANCES)}
    table = [[0] * len(STANCES) for _ in STANCES]
    for g, p in zip(gold, predicted, strict=True):
        table[index[g]][index[p]] += 1
    return table


def per_class_f1(table: list[list[int]]) -> list[float]:
    out = []
    for i in range(len(table)):
        tp = table[i][i]
        fp = sum(table[j][i] for j in range(len(table))) - tp
        fn = sum(table[i]) - tp
        out.append(2 * tp / (2 * tp + fp + fn) if tp else 0.0)
    return out


def scores(gold: Sequence[str], predicted: Sequence[str]) -> dict:
    """FNC score, relative score, accuracy, macro-F1, per-class F1 and the confusion matrix."""
    table = confusion(gold, predicted)
    f1 = per_class_f1(table)
    score, best = fnc_score(gold, predicted)
    return {
        "pairs": len(gold),
        "fnc_score": score,
        "fnc_max": best,
        "fnc_relative": score / best if best else 0.0,
        "accuracy": sum(table[i][i] for i in range(len(table))) / max(1, len(gold)),
        "macro_f1": sum(f1) / len(f1),
        "f1": dict(zip(STANCES, f1, strict=True)),
        "confusion": table,
    }


def format_table(result: dict, title: str = "held-out") -> str:
    """A plain-text table of :func:`scores`'s result."""
    lines = [
        f"{title}: {result['pairs']} pairs",
        f"FNC score {result['fnc_score']:.2f} of {result['fnc_max']:.2f}: relative {result['fnc_relative']:.4f}",
        f"accuracy {result['accuracy']:.4f}  macro-F1 {result['macro_f1']:.4f}",
        "per-class F1: " + "  ".join(f"{s} {v:.4f}" for s, v in result["f1"].items()),
        "confusion (rows gold, columns predicted):",
        f"{'':>12}" + "".join(f"{s:>12}" for s in STANCES),
    ]
    for s, row in zip(STANCES, result["confusion"], strict=True):
        lines.append(f"{s:>12}" + "".join(f"{v:>12}" for v in row))
    return "\n".join(lines)
