"""Glue: clean -> parse (batched) -> attributions. Pure over the article text; no I/O."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime

from . import clean
from .attribution import EXTRACTOR_VERSION, extract_attributions
from .errors import UsageError
from .nlp import pipe_with_context
from .types import Analysis, Article, Attribution, Span, parse_iso_date

log = logging.getLogger(__name__)


def parse_published(value: str | date | datetime | None) -> date | None:
    """Accept an ISO 8601 date or datetime (string or object); a bad value is a UsageError."""
    try:
        return parse_iso_date(value)
    except ValueError as exc:
        raise UsageError(f"not an ISO 8601 date or datetime: {value!r}", input_name="published") from exc


def mask(text: str, ranges: Iterable[tuple[int, int]]) -> str:
    """Blank out ``ranges`` with spaces (newlines kept) so that offsets stay valid."""
    chars = list(text)
    for start, end in ranges:
        for i in range(start, end):
            if chars[i] not in "\n\r":
                chars[i] = " "
    return "".join(chars)


def _reslice(att: Attribution, text: str) -> Attribution:
    def fix(span: Span | None) -> Span | None:
        return None if span is None else Span.of(text, span.start, span.end)

    return replace(
        att,
        source=fix(att.source),
        cue=fix(att.cue),
        content=fix(att.content),
        channel=fix(att.channel),
        extractor=att.extractor or EXTRACTOR_VERSION,
    )


def analyze_articles(articles: Iterable[Article], batch_size: int = 32) -> Iterator[Analysis]:
    """Analyse many articles, parsing them batched with ``nlp.pipe``; yields in input order."""

    def prepared() -> Iterator[tuple[str, tuple[Article, tuple, tuple]]]:
        for article in articles:
            furniture = clean.find_boilerplate(article.text)
            damage = clean.find_damage(article.text, furniture)
            masked = mask(article.text, ((b.start, b.end) for b in furniture))
            yield masked, (article, furniture, damage)

    for doc, (article, furniture, damage) in pipe_with_context(prepared(), batch_size=batch_size):
        try:
            found = extract_attributions(doc)
        except Exception:  # a bad article never stops the batch
            log.exception("attribution extraction failed for article %r", article.url or article.title)
            found = ()
        attributions = tuple(_reslice(a, article.text) for a in found)
        yield Analysis(
            article=article,
            boilerplate=tuple(furniture),
            damage=tuple(damage),
            attributions=attributions,
            extractor=EXTRACTOR_VERSION,
        )


def analyze(
    text: str,
    *,
    title: str | None = None,
    outlet: str | None = None,
    published: str | date | None = None,
    url: str | None = None,
) -> Analysis:
    """Analyse one article text. Offsets in the result index ``text``."""
    article = Article(text=text, title=title, outlet=outlet, url=url, published=parse_published(published))
    return next(analyze_articles([article]))
