"""Precision and source kinds on real news beyond PolNeAR: emitted attributions against hand labels.

The labels (``tests/data/fnc1_heldout_attributions.tsv``: body id, source offsets, kind, cue offsets; no
text) cover every attribution of the FNC-1 train bodies listed in ``fnc1_heldout_bodies.txt`` (Body ID
divisible by 20, kept out of every training set). An emitted source is an attribution when it overlaps a
labelled source, or its cue overlaps a labelled cue; otherwise it is not an attribution. Its kind is right
when it equals the kind of the labelled source it overlaps most.
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

Range = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Label:
    body_id: int
    source: Range | None
    kind: str
    cue: Range


@dataclass(frozen=True, slots=True)
class Emitted:
    source: Range
    kind: str
    cue: Range | None


@dataclass
class RealNewsScore:
    emitted: int = 0  # emitted sources
    not_attributions: int = 0
    kind_checked: int = 0  # emitted sources that overlap a labelled source
    kind_right: int = 0
    labelled_sources: int = 0
    labelled_found: int = 0
    confusions: Counter = field(default_factory=Counter)  # (gold kind, emitted kind) when they differ

    @property
    def not_attribution_share(self) -> float:
        return self.not_attributions / self.emitted if self.emitted else 0.0

    @property
    def kind_accuracy(self) -> float:
        return self.kind_right / self.kind_checked if self.kind_checked else 0.0

    @property
    def source_recall(self) -> float:
        return self.labelled_found / self.labelled_sources if self.labelled_sources else 0.0


def read_labels(path: Path) -> list[Label]:
    with path.open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh, delimiter="\t"))
    return [
        Label(
            body_id=int(r["body_id"]),
            source=(int(r["source_start"]), int(r["source_end"])) if r["source_start"] else None,
            kind=r["kind"],
            cue=(int(r["cue_start"]), int(r["cue_end"])),
        )
        for r in rows
    ]


def _overlap(a: Range, b: Range) -> int:
    return max(0, min(a[1], b[1]) - max(a[0], b[0]))


def score_body(labels: Sequence[Label], emitted: Iterable[Emitted], into: RealNewsScore) -> RealNewsScore:
    """Add one body's emitted sources, scored against all of that body's labels, to ``into``."""
    sourced = [lab for lab in labels if lab.source is not None]
    into.labelled_sources += len(sourced)
    found: set[int] = set()
    for em in emitted:
        into.emitted += 1
        best = max(range(len(sourced)), key=lambda i: _overlap(em.source, sourced[i].source), default=None)
        if best is not None and _overlap(em.source, sourced[best].source) > 0:
            found.add(best)
            into.kind_checked += 1
            gold = sourced[best].kind
            if gold == em.kind:
                into.kind_right += 1
            else:
                into.confusions[(gold, em.kind)] += 1
        elif em.cue is None or not any(_overlap(em.cue, lab.cue) for lab in labels):
            into.not_attributions += 1
    into.labelled_found += len(found)
    return into


def format_score(score: RealNewsScore, title: str = "") -> str:
    lines = [title] if title else []
    lines += [
        f"emitted sources: {score.emitted}; not attributions: {score.not_attributions} "
        f"({100 * score.not_attribution_share:.1f}%)",
        f"source kind right: {score.kind_right} of {score.kind_checked} ({100 * score.kind_accuracy:.1f}%)",
        f"labelled sources found: {score.labelled_found} of {score.labelled_sources} "
        f"({100 * score.source_recall:.1f}%)",
    ]
    for (gold, got), n in score.confusions.most_common(8):
        lines.append(f"  {gold} called {got}: {n}")
    return "\n".join(lines)
