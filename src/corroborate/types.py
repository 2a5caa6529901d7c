"""Frozen dataclasses shared by every pipeline stage.

Every offset is a Python string index into the article text as stored (end exclusive).
Field names here are the names used in SQL columns, JSON keys and CLI flags.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Literal

SourceKind = Literal[
    "person",
    "organization",
    "outlet",
    "anonymous_individual",
    "anonymous_group",
    "document",
    "unattributed",
]
SOURCE_KINDS: tuple[str, ...] = (
    "person",
    "organization",
    "outlet",
    "anonymous_individual",
    "anonymous_group",
    "document",
    "unattributed",
)
ANONYMOUS_KINDS: frozenset[str] = frozenset({"anonymous_individual", "anonymous_group", "unattributed"})

#: Extraction modes: ``accurate`` = the CRF model trained on PolNeAR; ``fast`` = dependency-parse rules.
MODES: tuple[str, ...] = ("accurate", "fast")
DEFAULT_MODE = "accurate"

Certainty = Literal["asserted", "hedged", "denied"]
CERTAINTIES: tuple[str, ...] = ("asserted", "hedged", "denied")


@dataclass(frozen=True, slots=True)
class Span:
    """A range of the stored article text, with that text copied for convenience."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start, end, text[start:end])

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text}


@dataclass(frozen=True, slots=True)
class Article:
    """An article as ingested. ``text`` is never rewritten after reading/extraction."""

    text: str
    title: str | None = None
    outlet: str | None = None
    url: str | None = None
    published: date | None = None


@dataclass(frozen=True, slots=True)
class Boilerplate:
    """Page furniture that survived extraction (kept in the text, excluded from analysis)."""

    kind: str  # e.g. "read_more", "read_also", "related_links", "breaking_follow", "share_prompt"
    start: int
    end: int
    snippet: str


@dataclass(frozen=True, slots=True)
class DamageFlag:
    """Extraction damage, flagged and never repaired."""

    kind: str  # "dropped_slot", "glued_words", "truncated_sentence"
    start: int
    end: int
    snippet: str


@dataclass(frozen=True, slots=True)
class Attribution:
    source: Span | None
    cue: Span | None
    content: Span | None
    source_kind: SourceKind
    certainty: Certainty = "asserted"
    direct: bool = False
    channel: Span | None = None  # outlet the statement was given to ("told the Post")
    extractor: str = ""  # name@version of the extractor that produced it

    def to_dict(self) -> dict:
        def s(x: Span | None) -> dict | None:
            return None if x is None else x.to_dict()

        return {
            "source": s(self.source),
            "cue": s(self.cue),
            "content": s(self.content),
            "source_kind": self.source_kind,
            "channel": s(self.channel),
            "certainty": self.certainty,
            "direct": self.direct,
        }


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the pipeline found in one article."""

    article: Article
    boilerplate: tuple[Boilerplate, ...] = ()
    damage: tuple[DamageFlag, ...] = ()
    attributions: tuple[Attribution, ...] = field(default_factory=tuple)
    extractor: str = ""


def parse_iso_date(value: str | date | datetime | None) -> date | None:
    """An ISO 8601 date or datetime (string or object) as a date; None for empty. Raises ValueError."""
    if value is None or value == "":
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if not isinstance(value, str):
        raise ValueError(f"not an ISO 8601 string: {value!r}")
    try:
        return datetime.fromisoformat(value.strip().replace("Z", "+00:00")).date()
    except ValueError:
        return date.fromisoformat(value.strip()[:10])
