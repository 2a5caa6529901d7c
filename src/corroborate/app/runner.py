"""Run plumbing shared by the surfaces: exit codes, batching, the progress bar, and ``attributions``
(attribution lines for text files, no database). Articles are analysed through
``pipeline.analyze_batch``, which isolates a bad article so the run goes on."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from typing import TypeVar

from corroborate.analysis.modes import DEFAULT_MODE
from corroborate.analysis.pipeline import analyze_batch
from corroborate.errors import failure_message
from corroborate.types import Article, to_json

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
                errors[index] = failure_message(analysis)
            if index in errors:
                yield path, {"file": path, "error": errors[index], "attributions": []}, errors[index]
            else:
                yield path, {"file": path, "attributions": to_json(analysis.attributions)}, None
