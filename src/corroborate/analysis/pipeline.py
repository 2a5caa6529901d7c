"""Glue: clean -> parse (batched) -> attributions. Pure over the article text; no I/O."""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import replace
from datetime import date, datetime

from corroborate.analysis.modes import DEFAULT_MODE, Extractor, mode_named
from corroborate.attribution.speakers import resolve_speakers
from corroborate.errors import ModelError, UsageError
from corroborate.facts.figures import extract_facts
from corroborate.text import clean
from corroborate.text.nlp import pipe_with_context
from corroborate.text.tokens import Squeezed, hostile_chunks
from corroborate.types import Analysis, Article, Attribution, Span, parse_iso_date

log = logging.getLogger(__name__)


def extractor_for(mode: str = DEFAULT_MODE) -> tuple[Extractor, str]:
    """The attribution extractor of ``mode`` and its version string (recorded with every attribution).
    The extractor names its sources' entities (:func:`corroborate.attribution.speakers.resolve_speakers`)."""
    extract, version = mode_named(mode).load()

    def extract_and_resolve(doc) -> tuple[Attribution, ...]:
        return resolve_speakers(doc, tuple(extract(doc)))

    return extract_and_resolve, version


def extractor_version(mode: str = DEFAULT_MODE) -> str:
    return extractor_for(mode)[1]


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


def _reslice(att: Attribution, text: str, version: str) -> Attribution:
    def fix(span: Span | None) -> Span | None:
        return None if span is None else Span.of(text, span.start, span.end)

    return replace(
        att,
        source=fix(att.source),
        cue=fix(att.cue),
        content=fix(att.content),
        channel=fix(att.channel),
        extractor=att.extractor or version,
    )


def analyze_articles(
    articles: Iterable[Article], batch_size: int = 32, mode: str = DEFAULT_MODE
) -> Iterator[Analysis]:
    """Analyse many articles, parsing them batched with ``nlp.pipe``; yields in input order."""
    extract_attributions, version = extractor_for(mode)

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
        attributions = tuple(_reslice(a, article.text, version) for a in found)
        yield Analysis(
            article=article,
            boilerplate=tuple(furniture),
            damage=tuple(damage),
            attributions=attributions,
            extractor=version,
            facts=_facts(article, furniture),
        )


def _facts(article: Article, furniture: Iterable) -> tuple:
    """The article's figures and dates (page furniture and hostile stretches skipped: no fact lies in a
    5 MB run of quote marks, and the fact patterns would search it all); a failure never stops the batch."""
    text = article.text
    skip = [(b.start, b.end) for b in furniture]
    try:
        if not hostile_chunks(text):
            return extract_facts(text, article.published, skip)
        squeezed = Squeezed(text)
        found = extract_facts(
            squeezed.text, article.published, [(squeezed.squeezed(s), squeezed.squeezed(e)) for s, e in skip]
        )
        at = squeezed.original
        return tuple(replace(f, span=Span.of(text, at(f.span.start), at(f.span.end))) for f in found)
    except Exception:
        log.exception("fact extraction failed for article %r", article.url or article.title)
        return ()


def analyze(
    text: str,
    *,
    title: str | None = None,
    outlet: str | None = None,
    published: str | date | None = None,
    url: str | None = None,
    mode: str = DEFAULT_MODE,
) -> Analysis:
    """Analyse one article text. Offsets in the result index ``text``.

    ``mode`` names a registered extraction mode (:data:`corroborate.analysis.modes.MODES`): ``"encoder"``
    (the default), ``"crf"``, ``"fast"`` or ``"large"`` (optional extra)."""
    article = Article(text=text, title=title, outlet=outlet, url=url, published=parse_published(published))
    return next(analyze_articles([article], mode=mode))


def analyze_batch(articles: Sequence[Article], mode: str = DEFAULT_MODE) -> list[Analysis | Exception]:
    """Analyse ``articles`` in one batch; on failure retry one by one so a bad article is isolated."""
    if not articles:
        return []
    try:
        found: list[Analysis | Exception] = list(
            analyze_articles(list(articles), batch_size=len(articles), mode=mode)
        )
        if len(found) == len(articles):
            return found
        log.warning(
            "the pipeline returned %d analyses for %d articles; retrying one by one",
            len(found),
            len(articles),
        )
    except ModelError:
        raise
    except Exception as exc:
        if len(articles) == 1:
            log.debug("analysis failed", exc_info=True)
            return [exc]
        log.info("batch of %d articles failed; retrying one by one", len(articles), exc_info=True)
    results: list[Analysis | Exception] = []
    for article in articles:
        try:
            results.append(next(iter(analyze_articles([article], batch_size=1, mode=mode))))
        except ModelError:
            raise
        except Exception as exc:  # one bad article never stops the run
            log.debug("analysis failed", exc_info=True)
            results.append(exc)
    return results
