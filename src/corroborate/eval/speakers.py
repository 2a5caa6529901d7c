"""Scoring speaker resolution (``source_entity``) against hand labels (``tests/data/speaker_labels.jsonl``).

Each label is a source span of PolNeAR dev (a pronoun or a description), with the name of the person or body
it refers to as the article gives it (a list of accepted spellings), or ``"none"`` when the article never
names one (an unnamed official, several people together, the writer). A prediction is right when it is
None for ``"none"`` and otherwise names the same entity (:func:`same_name`).
"""

from __future__ import annotations

import json
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

from corroborate.words import word_set

BARE_PRONOUNS = word_set("he she him her they them it i me we us")


@dataclass(frozen=True, slots=True)
class SpeakerLabel:
    doc: str
    start: int
    end: int
    text: str
    kind: str  # "pronoun" | "description"
    gold: tuple[str, ...] | None  # accepted names; None: the article names no one


def read_labels(path: Path) -> list[SpeakerLabel]:
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            gold = None if row["gold"] == "none" else tuple(row["gold"])
            out.append(SpeakerLabel(row["doc"], row["start"], row["end"], row["text"], row["kind"], gold))
    return out


def _tokens(name: str) -> list[str]:
    words = re.findall(r"[\w'\u2019-]+", name.replace(".", "").lower())
    return words[1:] if len(words) > 1 and words[0] == "the" else words


def same_name(predicted: str, gold: str) -> bool:
    """One entity: the same words; or the same last word with the same first word, or one name a single
    word ("Obama", "Barack Obama"), or one's words all in the other ("Court of Appeals for the District of
    Columbia Circuit" in "U.S. Court of ..."). "Bill Clinton" is not "Hillary Clinton"."""
    p, g = _tokens(predicted), _tokens(gold)
    if not p or not g:
        return False
    if p == g:
        return True
    if p[-1] != g[-1]:
        return False
    return len(p) == 1 or len(g) == 1 or p[0] == g[0] or set(g) <= set(p) or set(p) <= set(g)


def correct(label: SpeakerLabel, predicted: str | None) -> bool:
    if label.gold is None:
        return predicted is None
    return predicted is not None and any(same_name(predicted, g) for g in label.gold)


@dataclass
class SpeakerScore:
    by_group: Counter = field(default_factory=Counter)  # (group, right) -> count
    errors: list[tuple[SpeakerLabel, str | None]] = field(default_factory=list)
    attributions: int = 0
    bare_pronouns: int = 0

    def add(self, label: SpeakerLabel, predicted: str | None) -> None:
        right = correct(label, predicted)
        named = "named" if label.gold else "none"
        for group in ("all", label.kind, named):
            self.by_group[(group, right)] += 1
        if not right:
            self.errors.append((label, predicted))

    def accuracy(self, group: str = "all") -> tuple[int, int]:
        right = self.by_group[(group, True)]
        return right, right + self.by_group[(group, False)]


def is_bare_pronoun(source_text: str | None, entity) -> bool:
    """A source that is only a personal pronoun and names no one."""
    return source_text is not None and source_text.strip().lower() in BARE_PRONOUNS and entity is None


def format_score(score: SpeakerScore, title: str) -> str:
    lines = [title]
    for group in ("all", "pronoun", "description", "named", "none"):
        right, total = score.accuracy(group)
        if total:
            lines.append(f"  accuracy {group:<12} {right:4d}/{total:<4d} {100 * right / total:5.1f}%")
    if score.attributions:
        share = 100 * score.bare_pronouns / score.attributions
        lines.append(
            f"  bare pronoun sources: {score.bare_pronouns}/{score.attributions} attributions ({share:.1f}%)"
        )
    return "\n".join(lines)


def label_groups(labels: Sequence[SpeakerLabel]) -> dict[str, list[SpeakerLabel]]:
    out: dict[str, list[SpeakerLabel]] = {}
    for label in labels:
        out.setdefault(label.doc, []).append(label)
    return out
