"""Parse features for the encoder's wordpieces: what the uncased MiniLM cannot see for itself.

Each wordpiece gets, from the spaCy token it belongs to, six categorical features: its letter case, its
part of speech, its dependency label, its entity type, and the dependency label of the largest
constituent that starts at it (and of the largest one that ends at it). Constituent edges are where
attribution contents begin and end; case tells "PENCE:" and "Trump" from "pence" and "trump".

The vocabularies are stored in the model's ``meta.json`` (``features``), so a model keeps the ids it was
trained with; index 0 is "none or unknown". Pure functions over a parsed ``Doc``.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

SHAPES = ("lower", "title", "upper", "other")
POS = (
    "ADJ", "ADP", "ADV", "AUX", "CCONJ", "DET", "INTJ", "NOUN", "NUM", "PART", "PRON", "PROPN",
    "PUNCT", "SCONJ", "SPACE", "SYM", "VERB", "X",
)  # fmt: skip
DEP = (
    "ROOT", "acl", "acomp", "advcl", "advmod", "agent", "amod", "appos", "attr", "aux", "auxpass",
    "case", "cc", "ccomp", "compound", "conj", "csubj", "csubjpass", "dative", "dep", "det", "dobj",
    "expl", "intj", "mark", "meta", "neg", "nmod", "npadvmod", "nsubj", "nsubjpass", "nummod", "oprd",
    "parataxis", "pcomp", "pobj", "poss", "preconj", "predet", "prep", "prt", "punct", "quantmod",
    "relcl", "xcomp",
)  # fmt: skip
ENT = (
    "CARDINAL", "DATE", "EVENT", "FAC", "GPE", "LANGUAGE", "LAW", "LOC", "MONEY", "NORP", "ORDINAL",
    "ORG", "PERCENT", "PERSON", "PRODUCT", "QUANTITY", "TIME", "WORK_OF_ART",
)  # fmt: skip
NAMES = ("shape", "pos", "dep", "ent", "starts", "ends")


def vocabularies() -> dict[str, list[str]]:
    """The feature vocabularies written to ``meta.json`` (without the implicit "none" at index 0)."""
    return {
        "shape": list(SHAPES),
        "pos": list(POS),
        "dep": list(DEP),
        "ent": list(ENT),
        "starts": list(DEP),
        "ends": list(DEP),
    }


def sizes(vocab: dict[str, list[str]]) -> list[int]:
    """Embedding-table sizes per feature (index 0 included)."""
    return [len(vocab[name]) + 1 for name in NAMES]


def _shape(text: str) -> str:
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return "other"
    if all(c.isupper() for c in letters):
        return "upper" if len(letters) > 1 else "title"
    return "title" if letters[0].isupper() else "lower"


def _top(tok, edge: str):
    """The highest ancestor-or-self of ``tok`` whose subtree has ``tok`` at its ``edge``; None if the
    token's own subtree does not (it then sits inside a constituent)."""
    if getattr(tok, edge) != tok:
        return None
    top = tok
    while top.head.i != top.i and getattr(top.head, edge) == tok:
        top = top.head
    return top


def token_features(doc, vocab: dict[str, list[str]]) -> list[tuple[int, ...]]:
    """Per spaCy token, the feature ids in the order of :data:`NAMES`."""
    index = {name: {v: i + 1 for i, v in enumerate(vocab[name])} for name in NAMES}
    out = []
    for tok in doc:
        start, end = _top(tok, "left_edge"), _top(tok, "right_edge")
        out.append(
            (
                index["shape"].get(_shape(tok.text), 0),
                index["pos"].get(tok.pos_, 0),
                index["dep"].get(tok.dep_, 0),
                index["ent"].get(tok.ent_type_, 0),
                index["starts"].get(start.dep_, 0) if start is not None else 0,
                index["ends"].get(end.dep_, 0) if end is not None else 0,
            )
        )
    return out


def piece_features(
    doc, offsets: Sequence[tuple[int, int]], vocab: dict[str, list[str]]
) -> list[tuple[int, ...]]:
    """Per wordpiece (character ``offsets`` into ``doc.text``), the features of the token it sits in."""
    feats = token_features(doc, vocab)
    starts = [t.idx for t in doc]
    none = (0,) * len(NAMES)
    out = []
    for s, _ in offsets:
        k = bisect_right(starts, s) - 1
        out.append(feats[k] if 0 <= k < len(feats) else none)
    return out
