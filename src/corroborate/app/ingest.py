"""The one ingest use case: find what is stored, analyse the rest (in this process or in workers), save
each in input order, group the new articles into stories.

The CLI (``ingest``), feeds, the web form and the JSON API all come through :func:`ingest_each`:
``ingest_items`` counts its outcomes for a run of many inputs, ``ingest_article`` returns the one
outcome of a single article. Re-analysis of stored articles (``reprocess``) is here too.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass, field

from corroborate.analysis.modes import DEFAULT_MODE
from corroborate.analysis.pipeline import analyze_batch
from corroborate.analysis.workers import WORKER_BATCH_SIZE, analyzed_batches
from corroborate.app.runner import BATCH_SIZE, Progress, chunked
from corroborate.errors import CorroborateError, UsageError, failure_message
from corroborate.ingest.records import IngestFailure, IngestItem
from corroborate.store.articles import Store
from corroborate.store.stories import group_pending, story_of
from corroborate.types import Article, omit

log = logging.getLogger(__name__)


@dataclass
class IngestCounts:
    ingested: int = 0
    already_stored: int = 0
    skipped: int = 0


@dataclass(frozen=True, slots=True)
class IngestResult:
    """One stored article: its id, its story, how many attributions it has, and whether it is new."""

    id: int
    story_id: str | None
    attributions: int
    created: bool = field(metadata=omit)


@dataclass(frozen=True, slots=True)
class Stored:
    """The outcome of one input that reached the store: its id, whether it is new, its attributions."""

    article_id: int
    created: bool
    attributions: int


def ingest_each(
    store: Store, items: Iterable[IngestItem], mode: str = DEFAULT_MODE, workers: int = 1
) -> Iterator[tuple[IngestItem, Stored | Exception]]:
    """``(item, outcome)`` for every item, in input order. Each batch is first looked up in the store: an
    article whose identity is already stored is not analysed again and comes back with ``created=False``
    (so re-running an ingest costs a lookup per article). The others are analysed (in ``workers``
    processes when more than one), then saved, each in its own transaction, by this process alone (the one
    writer; ``save`` checks the identity again inside its transaction). An outcome that is an Exception is
    why that article was skipped; the run goes on. Stories are grouped by the callers, once the saves are
    done."""

    def looked_up(batch: list[IngestItem]) -> list[tuple[IngestItem, int | None]]:
        return list(zip(batch, store.find_many([item.article for item in batch]), strict=True))

    def to_analyse(pair: tuple[IngestItem, int | None]) -> Article | None:
        return pair[0].article if pair[1] is None else None

    batches = map(looked_up, chunked(items, BATCH_SIZE if workers <= 1 else WORKER_BATCH_SIZE))
    with closing(analyzed_batches(batches, to_analyse, mode, workers)) as analysed:
        for batch, analyses in analysed:  # leaving early (an error) stops the workers at once
            for (item, stored_id), analysis in zip(batch, analyses, strict=True):
                if stored_id is not None:
                    yield item, Stored(stored_id, False, store.attribution_count(stored_id))
                    continue
                if analysis is None:  # cannot happen: only stored articles are left unanalysed
                    raise AssertionError(f"{item.origin} was neither stored nor analysed")
                if isinstance(analysis, Exception):
                    yield item, analysis
                    continue
                try:
                    article_id, created = store.save(item.article, analysis)
                except CorroborateError as exc:
                    yield item, exc
                    continue
                count = len(analysis.attributions) if created else store.attribution_count(article_id)
                yield item, Stored(article_id, created, count)


def ingest_items(
    store: Store,
    items: Iterable[IngestItem | IngestFailure],
    progress: Progress | None = None,
    mode: str = DEFAULT_MODE,
    workers: int = 1,
) -> IngestCounts:
    """Ingest many inputs (``corroborate ingest``, feeds): each ``IngestFailure`` and each article that
    cannot be analysed or saved is reported on its own line and skipped; then new articles are grouped."""
    counts = IngestCounts()
    say = progress.say if progress else (lambda m: log.warning("%s", m))

    def articles_only() -> Iterator[IngestItem]:
        for item in items:
            if isinstance(item, IngestFailure):
                counts.skipped += 1
                say(f"skipped {item.origin}: {failure_reason(item.origin, item.error)}")
                if progress:
                    progress.advance()
            else:
                yield item

    for item, outcome in ingest_each(store, articles_only(), mode, workers):
        if progress:
            progress.advance()
        if isinstance(outcome, Exception):
            counts.skipped += 1
            say(f"skipped {item.origin}: {failure_message(outcome)}")
        elif outcome.created:
            counts.ingested += 1
            log.info("stored %s as article %d", item.origin, outcome.article_id)
        else:
            counts.already_stored += 1
            log.info("%s is already stored as article %d", item.origin, outcome.article_id)
    group_pending(store)
    return counts


def ingest_article(store: Store, article: Article, mode: str = DEFAULT_MODE) -> IngestResult:
    """Ingest one article synchronously (the web form and the API): analyse, save, group into a story.

    An article already stored is not analysed again: its stored id, story and count come back with
    ``created=False``. A failed analysis is raised."""
    ((_, outcome),) = ingest_each(store, [IngestItem(origin=article.url or "article", article=article)], mode)
    if isinstance(outcome, Exception):
        raise outcome
    group_pending(store)
    return IngestResult(
        outcome.article_id, story_of(store, outcome.article_id), outcome.attributions, outcome.created
    )


def check_url_default(items: list[IngestItem | IngestFailure], url: str) -> list[IngestItem | IngestFailure]:
    """``--url`` is a default for one article: a UsageError if several articles would carry it."""
    carrying = [item.origin for item in items if isinstance(item, IngestItem) and item.article.url == url]
    if len(carrying) > 1:
        shown = ", ".join(carrying[:3]) + (f" and {len(carrying) - 3} more" if len(carrying) > 3 else "")
        raise UsageError(
            f"{len(carrying)} articles would get the url {url!r} ({shown}); --url names one article, "
            "so give each input its own url (NAME.meta.json sidecar or a `url` field in the record)",
            input_name="--url",
        )
    return items


def reprocess_store(
    store: Store, ids: Sequence[int], progress: Progress | None = None, mode: str = DEFAULT_MODE
) -> tuple[int, int]:
    """Re-analyse the articles ``ids``; each one's analysis is replaced in its own transaction."""
    done = failed = 0
    say = progress.say if progress else (lambda m: log.warning("%s", m))
    for chunk in chunked(ids):
        stored = list(store.iter_articles(chunk))
        analyses = analyze_batch([article for _, article in stored], mode)
        for (article_id, _), analysis in zip(stored, analyses, strict=True):
            if progress:
                progress.advance()
            if isinstance(analysis, Exception):
                failed += 1
                say(f"failed article {article_id}: {failure_message(analysis)}")
                continue
            try:
                store.replace_analysis(article_id, analysis)
            except CorroborateError as exc:
                failed += 1
                say(f"failed article {article_id}: {exc.message}")
                continue
            done += 1
    return done, failed


def failure_reason(origin: str, error: BaseException) -> str:
    """The error as one line, without repeating ``origin`` when the message starts with it."""
    text = " ".join(str(error).split())
    prefix = origin + ": "
    return text[len(prefix) :] if text.startswith(prefix) else text
