"""Scoring attribution spans against PolNeAR-style brat gold, following the shared protocol.

Protocol (``../shared/README.md``):

- each ``.ann`` file is one gold document (an article annotated twice counts twice);
- a discontinuous gold span (``s e;s e``) runs from its first start to its last end;
- gold and predicted spans are compared after trimming surrounding whitespace;
- a span serving several attributions counts once: ``(label, start, end)`` is deduplicated per document,
  for gold and for predictions alike;
- exact match = identical offsets; overlap match = same label and character Jaccard >= 0.5, matched one
  to one (greedily, highest Jaccard first; ties broken by offsets);
- P/R/F1 are micro-averaged over all documents, separately for source, cue and content.

"source found | cue found": among gold attributions (``E`` lines) that have a source and a cue and whose
cue some predicted attribution reproduces exactly, the share for which one of those predicted attributions
(same exact cue) also has the exact gold source (``strict``). ``loose`` relaxes this to "the exact gold
source is among the document's predicted sources".

Pure functions; the only I/O helpers are :func:`read_ann` and :func:`load_gold`.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Protocol

LABELS: tuple[str, ...] = ("source", "cue", "content")
BRAT_LABELS = {"Source": "source", "Cue": "cue", "Content": "content"}
T_LINE = re.compile(r"^(T\d+)\t(\S+) (\d+ \d+(?:;\d+ \d+)*)(?:\t|$)")
_E_LINE = re.compile(r"^(E\d+)\t(.*)$")

Range = tuple[int, int]
Triple = tuple[Range | None, Range | None, Range | None]  # (source, cue, content)


class _SpanLike(Protocol):
    start: int
    end: int


class _AttributionLike(Protocol):
    source: _SpanLike | None
    cue: _SpanLike | None
    content: _SpanLike | None


@dataclass(frozen=True, slots=True)
class GoldDocument:
    """One annotator's gold for one article; offsets already trimmed."""

    name: str
    text: str
    spans: frozenset[tuple[str, int, int]]  # (label, start, end), deduplicated
    attributions: tuple[Triple, ...]


def trim(text: str, start: int, end: int) -> Range:
    """Shrink ``[start, end)`` past surrounding whitespace (never below an empty range)."""
    start, end = max(0, start), min(len(text), end)
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


def parse_ann(ann: str, text: str, name: str = "") -> GoldDocument:
    """Parse brat standoff. Unknown labels, notes and continuation lines of multi-line spans are ignored."""
    ranges: dict[str, tuple[str, Range]] = {}
    spans: set[tuple[str, int, int]] = set()
    relations: list[str] = []
    for line in ann.splitlines():
        m = T_LINE.match(line)
        if m:
            tid, brat_label, offsets = m.groups()
            pieces = [tuple(int(x) for x in part.split()) for part in offsets.split(";")]
            start, end = trim(text, pieces[0][0], pieces[-1][1])
            ranges[tid] = (brat_label, (start, end))
            label = BRAT_LABELS.get(brat_label)
            if label is not None and end > start:
                spans.add((label, start, end))
            continue
        m = _E_LINE.match(line)
        if m:
            relations.append(m.group(2))
    triples: list[Triple] = []
    for rel in relations:
        slots: dict[str, Range] = {}
        for arg in rel.split():
            role, _, tid = arg.partition(":")
            base = role.rstrip("0123456789").lower()
            if base in LABELS and tid in ranges and base not in slots:
                slots[base] = ranges[tid][1]
        if slots:
            triples.append((slots.get("source"), slots.get("cue"), slots.get("content")))
    return GoldDocument(name=name, text=text, spans=frozenset(spans), attributions=tuple(triples))


def article_name(ann_path: Path) -> str:
    """``NAME_XXXX.ann`` (XXXX = annotator id) -> ``NAME``."""
    stem = ann_path.stem
    return stem.rsplit("_", 1)[0] if "_" in stem else stem


def read_ann(ann_path: Path, text_dir: Path) -> GoldDocument:
    """Read one ``.ann`` and its article ``text_dir/NAME.txt`` (UTF-8)."""
    name = article_name(ann_path)
    text = (text_dir / f"{name}.txt").read_text(encoding="utf-8")
    return parse_ann(ann_path.read_text(encoding="utf-8"), text, name=ann_path.stem)


def load_gold(data_dir: Path, limit: int | None = None) -> list[tuple[str, GoldDocument]]:
    """All gold documents of a split (``DIR/attributions/*.ann`` + ``DIR/text``) as ``(article, gold)``,
    sorted by file name. ``limit`` keeps the gold of the first ``limit`` articles."""
    data_dir = Path(data_dir)
    out: list[tuple[str, GoldDocument]] = []
    articles: list[str] = []
    for ann_path in sorted((data_dir / "attributions").glob("*.ann")):
        name = article_name(ann_path)
        if name not in articles:
            if limit is not None and len(articles) >= limit:
                break
            articles.append(name)
        out.append((name, read_ann(ann_path, data_dir / "text")))
    return out


def triples_of(attributions: Iterable[_AttributionLike]) -> list[Triple]:
    """Predicted attributions (anything with ``.source/.cue/.content`` spans) -> offset triples."""

    def r(span: _SpanLike | None) -> Range | None:
        return None if span is None else (span.start, span.end)

    return [(r(a.source), r(a.cue), r(a.content)) for a in attributions]


def _trimmed(text: str, rng: Range | None) -> Range | None:
    if rng is None:
        return None
    s, e = trim(text, *rng)
    return (s, e) if e > s else None


def _jaccard(a: Range, b: Range) -> float:
    inter = min(a[1], b[1]) - max(a[0], b[0])
    if inter <= 0:
        return 0.0
    return inter / (max(a[1], b[1]) - min(a[0], b[0]))


def overlap_matches(gold: Iterable[Range], pred: Iterable[Range], threshold: float = 0.5) -> int:
    """Number of one-to-one gold/pred pairs with Jaccard >= threshold (greedy, best pairs first)."""
    gold_l, pred_l = sorted(set(gold)), sorted(set(pred))
    pairs: list[tuple[float, int, int]] = []
    for i, g in enumerate(gold_l):
        for j, p in enumerate(pred_l):
            if p[0] >= g[1]:
                break
            jac = _jaccard(g, p)
            if jac >= threshold:
                pairs.append((-jac, i, j))
    pairs.sort()
    used_g: set[int] = set()
    used_p: set[int] = set()
    for _, i, j in pairs:
        if i not in used_g and j not in used_p:
            used_g.add(i)
            used_p.add(j)
    return len(used_g)


@dataclass(slots=True)
class Counts:
    gold: int = 0
    pred: int = 0
    exact: int = 0
    overlap: int = 0

    def prf(self, kind: str = "exact") -> tuple[float, float, float]:
        tp = self.exact if kind == "exact" else self.overlap
        p = tp / self.pred if self.pred else 0.0
        r = tp / self.gold if self.gold else 0.0
        f = 2 * p * r / (p + r) if p + r else 0.0
        return p, r, f


@dataclass(slots=True)
class Scores:
    counts: dict[str, Counts] = field(default_factory=lambda: {lab: Counts() for lab in LABELS})
    documents: int = 0
    cue_found: int = 0  # gold attributions (with source and cue) whose cue was predicted exactly
    source_found_strict: int = 0
    source_found_loose: int = 0

    def source_given_cue(self, strict: bool = True) -> float:
        num = self.source_found_strict if strict else self.source_found_loose
        return num / self.cue_found if self.cue_found else 0.0


def score_summary(scores: Scores) -> dict:
    """The scores as a JSON report: documents, exact and overlap P/R/F1 per label, source|cue."""
    out: dict = {"documents": scores.documents}
    for lab, c in scores.counts.items():
        ep, er, ef = c.prf("exact")
        op, orr, of = c.prf("overlap")
        out[lab] = {
            "gold": c.gold,
            "pred": c.pred,
            "exact": {"tp": c.exact, "p": ep, "r": er, "f1": ef},
            "overlap": {"tp": c.overlap, "p": op, "r": orr, "f1": of},
        }
    out["source_given_cue"] = {
        "cue_found": scores.cue_found,
        "strict": scores.source_given_cue(True),
        "loose": scores.source_given_cue(False),
    }
    return out


def score_document(gold: GoldDocument, predicted: Sequence[Triple], into: Scores | None = None) -> Scores:
    """Add one gold document's counts to ``into`` (a fresh :class:`Scores` if None) and return it."""
    scores = into if into is not None else Scores()
    text = gold.text
    preds = [tuple(_trimmed(text, r) for r in triple) for triple in predicted]
    scores.documents += 1
    for k, lab in enumerate(LABELS):
        g = {(s, e) for (lb, s, e) in gold.spans if lb == lab}
        p = {t[k] for t in preds if t[k] is not None}
        c = scores.counts[lab]
        c.gold += len(g)
        c.pred += len(p)
        c.exact += len(g & p)
        c.overlap += overlap_matches(g, p)
    pred_sources = {t[0] for t in preds if t[0] is not None}
    for g_source, g_cue, _ in gold.attributions:
        if g_source is None or g_cue is None:
            continue
        same_cue = [t for t in preds if t[1] == g_cue]
        if not same_cue:
            continue
        scores.cue_found += 1
        if any(t[0] == g_source for t in same_cue):
            scores.source_found_strict += 1
        if g_source in pred_sources:
            scores.source_found_loose += 1
    return scores


def score_all(pairs: Iterable[tuple[GoldDocument, Sequence[Triple]]]) -> Scores:
    """Micro-averaged scores over ``(gold document, predicted triples)`` pairs."""
    scores = Scores()
    for gold, predicted in pairs:
        score_document(gold, predicted, scores)
    return scores


def format_table(scores: Scores, title: str = "") -> str:
    """A plain-text table of exact and overlap P/R/F1 per label, plus source|cue."""
    lines = [title] if title else []
    lines.append(
        f"{'label':<8} {'gold':>6} {'pred':>6} | {'exact P':>7} {'R':>6} {'F1':>6} | {'ovl P':>6} {'R':>6} {'F1':>6}"
    )
    for lab in LABELS:
        c = scores.counts[lab]
        ep, er, ef = (100 * x for x in c.prf("exact"))
        op, orr, of = (100 * x for x in c.prf("overlap"))
        lines.append(
            f"{lab:<8} {c.gold:>6} {c.pred:>6} | {ep:>7.1f} {er:>6.1f} {ef:>6.1f} | {op:>6.1f} {orr:>6.1f} {of:>6.1f}"
        )
    lines.append(
        f"source found | cue found: {100 * scores.source_given_cue(True):.1f}% strict, "
        f"{100 * scores.source_given_cue(False):.1f}% loose (n={scores.cue_found}); documents={scores.documents}"
    )
    return "\n".join(lines)
