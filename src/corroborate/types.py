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


FactKind = Literal["money", "percent", "count", "date"]
FACT_KINDS: tuple[str, ...] = ("money", "percent", "count", "date")


@dataclass(frozen=True, slots=True)
class Fact:
    """A figure or a date stated in the article, with its span.

    ``value``/``value_high``: the amount (a range "20-25%" gives 20 and 25; a single figure leaves
    ``value_high`` None). ``unit``: ISO 4217 code for money ("USD", "GBP", "EUR"), "%" for percentages,
    the counted noun for counts ("insiders"). Dates: ``date_start``/``date_end`` is the window the
    expression denotes, normalised against the publication date ("late May or early June" published
    2025-04-02 -> 2025-05-21 .. 2025-06-10). ``future``: the window lies after the publication date
    (a deadline or a prediction). ``quantity``: what is measured, normalised ("cost of doge cuts"),
    used to find conflicts. ``linked``: index, in the article's facts, of the same amount given in
    another currency ("$277 million (£210 million)").
    """

    kind: FactKind
    span: Span
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    date_start: date | None = None
    date_end: date | None = None
    future: bool = False
    quantity: str | None = None
    linked: int | None = None

    def to_dict(self) -> dict:
        return {
            "kind": self.kind,
            "span": self.span.to_dict(),
            "value": self.value,
            "value_high": self.value_high,
            "unit": self.unit,
            "date_start": self.date_start.isoformat() if self.date_start else None,
            "date_end": self.date_end.isoformat() if self.date_end else None,
            "future": self.future,
            "quantity": self.quantity,
            "linked": self.linked,
        }


@dataclass(frozen=True, slots=True)
class Analysis:
    """Everything the pipeline found in one article."""

    article: Article
    boilerplate: tuple[Boilerplate, ...] = ()
    damage: tuple[DamageFlag, ...] = ()
    attributions: tuple[Attribution, ...] = field(default_factory=tuple)
    extractor: str = ""
    facts: tuple[Fact, ...] = ()


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


def format_iso_date(value: date | None) -> str | None:
    """A date as its ISO 8601 string; None for none."""
    return value.isoformat() if value else None
