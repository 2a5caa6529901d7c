"""Frozen dataclasses shared by every pipeline stage.

Every offset is a Python string index into the article text as stored (end exclusive).
Field names here are the names used in SQL columns, JSON keys and CLI flags.

:func:`to_json` is the one dataclass -> JSON conversion of the project: a field's name is its JSON key.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from enum import Enum
from functools import cache
from typing import Any, Literal

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


# --------------------------------------------------------------------------- JSON

#: Field metadata: the field is left out of :func:`to_json`.
omit: Mapping[str, Any] = {"json": False}


def json_as(convert: Callable[[Any], Any]) -> dict[str, Any]:
    """Field metadata: :func:`to_json` writes the field as ``to_json(convert(value))``."""
    return {"json": convert}


#: Field metadata: a tuple of ``(key, value)`` pairs written as one JSON object.
as_mapping: Mapping[str, Any] = json_as(dict)


def as_object(*keys: str) -> dict[str, Any]:
    """Field metadata: a tuple (or None) written as one object with these keys (``None`` stays null)."""
    return json_as(lambda value: None if value is None else dict(zip(keys, value, strict=True)))


def as_objects(*keys: str) -> dict[str, Any]:
    """Field metadata: a tuple of tuples written as a list of objects with these keys."""
    return json_as(lambda values: [dict(zip(keys, value, strict=True)) for value in values])


def as_keyed(key: str) -> dict[str, Any]:
    """Field metadata: ``(k, dataclass)`` pairs written as a list of the dataclasses' objects, each with
    ``key: k`` first (``(article_id, fact)`` -> ``{"article_id": ..., "kind": ..., ...}``)."""
    return json_as(lambda pairs: [{key: k, **to_json(v)} for k, v in pairs])


@cache
def _json_plan(cls: type) -> tuple[tuple[tuple[str, Any], ...], tuple[str, ...]]:
    """``((field name, metadata "json"), ...)`` of the written fields, and ``json_derived``."""
    written = tuple(
        (f.name, f.metadata.get("json", True))
        for f in dataclasses.fields(cls)
        if f.metadata.get("json", True) is not False
    )
    return written, tuple(getattr(cls, "json_derived", ()))


def to_json(value: Any) -> Any:
    """``value`` as plain JSON values (dicts, lists, str, numbers, bool, None).

    A dataclass instance becomes a dict of its fields in declaration order, then the names in its class
    attribute ``json_derived`` (properties, computed values). A field whose metadata has ``"json": False``
    (:data:`omit`) is left out; one with ``"json": fn`` is written as ``to_json(fn(value))``. Dates and
    datetimes become ISO 8601 strings, tuples, lists and sets lists, dict keys strings, enums their value.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        written, derived = _json_plan(type(value))
        out = {}
        for name, how in written:
            item = getattr(value, name)
            out[name] = to_json(item if how is True else how(item))
        for name in derived:
            out[name] = to_json(getattr(value, name))
        return out
    if isinstance(value, dict):
        return {str(k): to_json(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [to_json(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    return value


# --------------------------------------------------------------------------- the types


@dataclass(frozen=True, slots=True)
class Span:
    """A range of the stored article text, with that text copied for convenience."""

    start: int
    end: int
    text: str

    @classmethod
    def of(cls, text: str, start: int, end: int) -> Span:
        return cls(start, end, text[start:end])


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
class Entity:
    """Who a source is: the name the article knows it by ("Donald Trump" for "Mr. Trump", "he" or "the
    Republican nominee") and the offsets of the mention that carries that name."""

    name: str
    start: int
    end: int


def entity_of(value: Mapping[str, Any] | None) -> Entity | None:
    """An :class:`Entity` from its JSON object (``{"name", "start", "end"}``); None for null."""
    if not value:
        return None
    return Entity(str(value["name"]), int(value["start"]), int(value["end"]))


def is_anonymous(att: Attribution) -> bool:
    """An anonymous source: an anonymous kind (or none at all) and no named person or body resolved for
    it; "he" resolved to a named person is on record, whatever kind the pronoun took."""
    return att.source_kind in ANONYMOUS_KINDS and att.source_entity is None


def source_label(att: Attribution, shown: str | None = None) -> str:
    """The source as a reader sees it: its text, and the entity it names when the text does not say it
    already ("he (Donald Trump)", "the senator (Chuck Schumer)", but "Mr. Trump", not "Mr. Trump (Donald
    Trump)")."""
    text = att.source.text if shown is None and att.source is not None else (shown or "")
    entity = att.source_entity
    if entity is None or entity.name.split()[-1].lower() in text.lower():
        return text
    return f"{text} ({entity.name})" if text else entity.name


@dataclass(frozen=True, slots=True)
class Attribution:
    source: Span | None
    cue: Span | None
    content: Span | None
    source_kind: SourceKind
    channel: Span | None = None  # outlet the statement was given to ("told the Post")
    certainty: Certainty = "asserted"
    direct: bool = False
    source_entity: Entity | None = None  # the named person or body the source is (attribution.speakers)
    extractor: str = field(default="", metadata=omit)  # name@version of the extractor that produced it


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
