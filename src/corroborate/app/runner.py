"""What the CLI commands do, as importable functions: batched analysis, saving, progress.

Articles are parsed in batches (``pipeline.analyze_articles``); a batch that fails is retried
article by article so that one bad article is reported and skipped, never the whole run.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import closing
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

from corroborate.errors import CorroborateError, ModelError, UsageError
from corroborate.types import DEFAULT_MODE, Analysis, Article

if TYPE_CHECKING:
    from corroborate.ingest.files import IngestFailure, IngestItem
    from corroborate.store.articles import Store

log = logging.getLogger(__name__)

T = TypeVar("T")

EXIT_OK = 0
EXIT_FAILED = 1
EXIT_USAGE = 2
EXIT_PARTIAL = 3
BATCH_SIZE = 32
PROGRESS_DELAY_S = 1.0


def exit_code(*, done: int, failed: int) -> int:
    """0 if nothing failed (and something was done), 3 if some failed, 1 if nothing was done."""
    if done == 0:
        return EXIT_FAILED
    return EXIT_PARTIAL if failed else EXIT_OK


def chunked(items: Iterable[T], size: int = BATCH_SIZE) -> Iterator[list[T]]:
    chunk: list[T] = []
    for item in items:
        chunk.append(item)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


# --------------------------------------------------------------------------- progress on stderr


class Progress:
    """A rich progress bar on stderr, shown only on a terminal and only once work passes 1 s.

    It shows the count, the rate and, when ``total`` is known, a bar and the time left. With
    ``enabled=False`` (``--quiet``) there is no bar; :meth:`say` still prints.
    """

    def __init__(
        self, description: str, *, total: int | None = None, unit: str = "items", enabled: bool = True
    ) -> None:
        from rich.console import Console

        self.description = description
        self.total = total
        self.unit = unit
        self.enabled = enabled
        self.done = 0
        self.console = Console(stderr=True)
        self._bar = None
        self._task = None
        self._lock = threading.Lock()
        self._timer: threading.Timer | None = None

    def __enter__(self) -> Progress:
        if self.enabled and self.console.is_terminal:
            self._timer = threading.Timer(PROGRESS_DELAY_S, self._start)
            self._timer.daemon = True
            if PROGRESS_DELAY_S > 0:
                self._timer.start()
            else:
                self._start()
        return self

    def __exit__(self, *exc: object) -> None:
        with self._lock:
            if self._timer is not None:
                self._timer.cancel()
            if self._bar is not None:
                self._bar.stop()
                self._bar = None

    def _start(self) -> None:
        from rich.progress import BarColumn, SpinnerColumn, TextColumn, TimeElapsedColumn, TimeRemainingColumn
        from rich.progress import Progress as RichProgress

        with self._lock:
            if self._timer is None or self._bar is not None:
                return
            columns = [SpinnerColumn(), TextColumn("{task.description}")]
            if self.total is not None:
                columns.append(BarColumn())
            of_total = f"/{self.total}" if self.total else ""
            columns.append(TextColumn(f"{self.unit}: {{task.completed}}{of_total}"))
            columns.append(_rate_column(self.unit))
            columns.append(TimeElapsedColumn())
            if self.total is not None:
                columns += [TextColumn("eta"), TimeRemainingColumn()]
            self._bar = RichProgress(*columns, console=self.console, transient=True)
            self._task = self._bar.add_task(self.description, total=self.total, completed=self.done)
            self._bar.start()

    def advance(self, n: int = 1) -> None:
        with self._lock:
            self.done += n
            if self._bar is not None:
                self._bar.update(self._task, completed=self.done)

    def say(self, message: str) -> None:
        """One line on stderr that does not break the bar."""
        with self._lock:
            if self._bar is not None:
                self._bar.console.print(message, markup=False, highlight=False, soft_wrap=True)
                return
        import typer

        typer.echo(message, err=True)


def _rate_column(unit: str):
    """A rich column with the rate, e.g. ``3.2 articles/s`` (blank until rich can estimate it)."""
    from rich.progress import ProgressColumn
    from rich.text import Text

    class RateColumn(ProgressColumn):
        def render(self, task) -> Text:
            speed = task.finished_speed or task.speed
            return Text("" if speed is None else f"{speed:.1f} {unit}/s", style="progress.data.speed")

    return RateColumn()


# --------------------------------------------------------------------------- analysis


def analyze_batch(articles: Sequence[Article], mode: str = DEFAULT_MODE) -> list[Analysis | Exception]:
    """Analyse ``articles`` in one batch; on failure retry one by one so a bad article is isolated."""
    from corroborate.analysis.pipeline import analyze_articles

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


def _reason(exc: BaseException) -> str:
    if isinstance(exc, CorroborateError):
        return exc.message
    return f"analysis failed ({type(exc).__name__}: {exc})"


# --------------------------------------------------------------------------- ingest


@dataclass
class IngestCounts:
    ingested: int = 0
    already_stored: int = 0
    skipped: int = 0


def check_url_default(items: list[IngestItem | IngestFailure], url: str) -> list[IngestItem | IngestFailure]:
    """``--url`` is a default for one article: a UsageError if several articles would carry it."""
    from corroborate.ingest.files import IngestItem as Item

    carrying = [item.origin for item in items if isinstance(item, Item) and item.article.url == url]
    if len(carrying) > 1:
        shown = ", ".join(carrying[:3]) + (f" and {len(carrying) - 3} more" if len(carrying) > 3 else "")
        raise UsageError(
            f"{len(carrying)} articles would get the url {url!r} ({shown}); --url names one article, "
            "so give each input its own url (NAME.meta.json sidecar or a `url` field in the record)",
            input_name="--url",
        )
    return items


def ingest_items(
    store: Store,
    items: Iterable[IngestItem | IngestFailure],
    progress: Progress | None = None,
    mode: str = DEFAULT_MODE,
    workers: int = 1,
) -> IngestCounts:
    """Analyse the ``IngestItem``s in batches and save each; report each ``IngestFailure``.

    With ``workers`` > 1 the analysis runs in that many processes (``corroborate.analysis.workers``); this
    process alone writes to the store, in input order either way.
    """
    from corroborate.analysis.workers import WORKER_BATCH_SIZE, analyzed_batches
    from corroborate.ingest.files import IngestFailure as Failure

    counts = IngestCounts()
    say = progress.say if progress else (lambda m: log.warning("%s", m))

    def articles_only() -> Iterator[IngestItem]:
        for item in items:
            if isinstance(item, Failure):
                counts.skipped += 1
                say(f"skipped {item.origin}: {failure_reason(item.origin, item.error)}")
                if progress:
                    progress.advance()
            else:
                yield item

    batches = chunked(articles_only(), BATCH_SIZE if workers <= 1 else WORKER_BATCH_SIZE)
    with closing(analyzed_batches(batches, lambda item: item.article, mode, workers)) as analysed:
        for batch, analyses in analysed:  # leaving early (an error) stops the workers at once
            for item, analysis in zip(batch, analyses, strict=True):
                if progress:
                    progress.advance()
                if isinstance(analysis, Exception):
                    counts.skipped += 1
                    say(f"skipped {item.origin}: {_reason(analysis)}")
                    continue
                try:
                    article_id, created = store.save(item.article, analysis)
                except CorroborateError as exc:
                    counts.skipped += 1
                    say(f"skipped {item.origin}: {exc.message}")
                    continue
                if created:
                    counts.ingested += 1
                    log.info("stored %s as article %d", item.origin, article_id)
                else:
                    counts.already_stored += 1
                    log.info("%s is already stored as article %d", item.origin, article_id)
    group_stories(store, progress)
    return counts


def group_stories(store: Store, progress: Progress | None = None) -> int:
    """Group every stored article without a story (published order, then ingest order)."""
    from corroborate.store.stories import group_pending

    return len(group_pending(store))


# --------------------------------------------------------------------------- reprocess


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
                say(f"failed article {article_id}: {_reason(analysis)}")
                continue
            try:
                store.replace_analysis(article_id, analysis)
            except CorroborateError as exc:
                failed += 1
                say(f"failed article {article_id}: {exc.message}")
                continue
            done += 1
    return done, failed


# --------------------------------------------------------------------------- attributions (no database)


def read_utf8(path: str) -> str:
    """The file's text exactly as ``open(path, encoding="utf-8").read()`` gives it."""
    with open(path, encoding="utf-8") as handle:
        return handle.read()


def _read_problem(exc: Exception) -> str:
    if isinstance(exc, UnicodeDecodeError):
        return f"not valid UTF-8 (byte {exc.start})"
    if isinstance(exc, OSError):
        return (exc.strerror or str(exc)).lower()
    return f"{type(exc).__name__}: {exc}"


def attribution_lines(
    paths: Sequence[str],
    progress: Progress | None = None,
    reader: Callable[[str], str] = read_utf8,
    mode: str = DEFAULT_MODE,
) -> Iterator[tuple[str, dict, str | None]]:
    """``(path, JSON line object, error or None)`` per path, in input order, parsed in batches."""
    for chunk in chunked(paths):
        texts: dict[int, str] = {}
        errors: dict[int, str] = {}
        for index, path in enumerate(chunk):
            try:
                texts[index] = reader(path)
            except (OSError, UnicodeDecodeError, ValueError) as exc:
                errors[index] = _read_problem(exc)
        order = sorted(texts)
        analyses = dict(zip(order, analyze_batch([Article(text=texts[i]) for i in order], mode), strict=True))
        for index, path in enumerate(chunk):
            if progress:
                progress.advance()
            analysis = analyses.get(index)
            if isinstance(analysis, Exception):
                errors[index] = _reason(analysis)
            if index in errors:
                yield path, {"file": path, "error": errors[index], "attributions": []}, errors[index]
            else:
                yield path, {"file": path, "attributions": [a.to_dict() for a in analysis.attributions]}, None


def failure_reason(origin: str, error: BaseException) -> str:
    """The error as one line, without repeating ``origin`` when the message starts with it."""
    text = " ".join(str(error).split())
    prefix = origin + ": "
    return text[len(prefix) :] if text.startswith(prefix) else text
