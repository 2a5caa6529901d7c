"""Hand-built analyses for the story tests (claims, corroboration, relay, predictions, brief)."""

from __future__ import annotations

import re
from collections.abc import Sequence
from datetime import date

from corroborate.corroboration.model import StoryMember
from corroborate.types import Analysis, Article, Attribution, Fact, Span


def span(text: str, needle: str, nth: int = 0) -> Span:
    """The ``nth`` whole-word occurrence of ``needle`` in ``text`` as a Span (fails loudly when absent)."""
    pattern = (
        (r"\b" if needle[:1].isalnum() else "") + re.escape(needle) + (r"\b" if needle[-1:].isalnum() else "")
    )
    found = [m.start() for m in re.finditer(pattern, text)]
    if len(found) <= nth:
        raise ValueError(f"{needle!r} not in {text!r}")
    return Span.of(text, found[nth], found[nth] + len(needle))


def att(
    text: str,
    source: str | None,
    cue: str,
    content: str,
    kind: str,
    certainty: str = "asserted",
    channel: str | None = None,
) -> Attribution:
    """An attribution whose spans are the first occurrences of the given strings."""
    return Attribution(
        source=span(text, source) if source else None,
        cue=span(text, cue),
        content=span(text, content),
        source_kind=kind,  # type: ignore[arg-type]
        certainty=certainty,  # type: ignore[arg-type]
        channel=span(text, channel) if channel else None,
    )


def date_fact(text: str, needle: str, start: date, end: date, published: date) -> Fact:
    return Fact(
        kind="date", span=span(text, needle), date_start=start, date_end=end, future=start > published
    )


def analysis(
    text: str,
    attributions: Sequence[Attribution] = (),
    *,
    title: str | None = None,
    outlet: str | None = "Outlet",
    published: date | None = date(2025, 4, 1),
    url: str | None = None,
    facts: Sequence[Fact] = (),
) -> Analysis:
    article = Article(text=text, title=title, outlet=outlet, url=url, published=published)
    return Analysis(article=article, attributions=tuple(attributions), facts=tuple(facts))


def member(article_id: int, a: Analysis, copy_of: int | None = None) -> StoryMember:
    return StoryMember(article_id, a, copy_of)
