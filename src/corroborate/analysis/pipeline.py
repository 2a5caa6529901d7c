"""Glue: clean -> parse (batched) -> attributions. Pure over the article text; no I/O."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import date, datetime

from corroborate.errors import ModelError, UsageError
from corroborate.text import clean
from corroborate.text.nlp import pipe_with_context
from corroborate.types import DEFAULT_MODE, MODES, Analysis, Article, Attribution, Span, parse_iso_date

log = logging.getLogger(__name__)

Extractor = Callable[[object], tuple[Attribution, ...]]


def extractor_for(mode: str = DEFAULT_MODE) -> tuple[Extractor, str]:
    """The attribution extractor of ``mode`` and its version string (recorded with every attribution)."""
    if mode == "fast":
        from corroborate.attribution.rules import EXTRACTOR_VERSION, extract_attributions

        return extract_attributions, EXTRACTOR_VERSION
    if mode == "accurate":
        from corroborate.attribution.learned.crf import MODEL_VERSION, extract_attributions_model, load_models

        try:
            load_models()
        except Exception as exc:  # a missing or damaged model file
            raise ModelError(f"cannot load the attribution model: {exc}", input_name="accurate mode") from exc
        return extract_attributions_model, MODEL_VERSION
    if mode == "encoder":
        from corroborate.attribution.learned import encoder

        return _torch_mode(
            encoder.load_encoder, encoder.extract_attributions_encoder, encoder.MODEL_VERSION, mode
        )
    if mode == "large":
        from corroborate.attribution.learned import large as large

        return _torch_mode(large.load_large, large.extract_attributions_large, large.MODEL_VERSION, mode)
    raise UsageError(f"unknown mode {mode!r}; choose one of {', '.join(MODES)}", input_name="--mode")


def _torch_mode(load, extract, version: str, mode: str):
    """An optional-extra mode's extractor, its model loaded now: a missing extra stays its own ModelError,
    any other load failure (a missing or damaged weights file) becomes one naming the mode."""
    try:
        load()
    except ModelError:
        raise
    except Exception as exc:
        raise ModelError(f"cannot load the {mode} model: {exc}", input_name=f"{mode} mode") from exc
    return extract, version


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
    """The article's figures and dates (page furniture skipped); a failure never stops the batch."""
    from corroborate.facts.figures import extract_facts

    try:
        return extract_facts(article.text, article.published, [(b.start, b.end) for b in furniture])
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

    ``mode`` is ``"accurate"`` (the CRF model, the default), ``"fast"`` (dependency rules) or ``"encoder"``
    (the fine-tuned MiniLM, optional extra)."""
    article = Article(text=text, title=title, outlet=outlet, url=url, published=parse_published(published))
    return next(analyze_articles([article], mode=mode))
