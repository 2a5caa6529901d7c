"""Analysis in worker processes (``corroborate ingest --workers N``).

The parent process reads the inputs, hands batches of articles to N worker processes (``spawn``
start method: no state is inherited, so it behaves the same on Linux and macOS, and the parent's
threads and database connections are never forked) and writes every result to the store itself,
in input order: there is one writer, and whatever runs after the saves (story grouping) sees the
articles in the order they were given. Each worker loads the spaCy pipeline and the attribution
model once, in its initializer.

A batch that fails inside a worker is retried there one article at a time (``pipeline.analyze_batch``),
so one bad article is reported on its own. A worker that dies (killed, out of memory, a crash in
native code) breaks the pool: a new pool is started and the articles of the batches that were in
flight are analysed again one at a time, so only the article that kills its worker again is
reported as failed. The run never stops for a failed article; it stops only when the model cannot
be loaded (ModelError), as it does in-process.

No worker outlives the parent. Each worker asks the kernel for SIGKILL when its parent dies
(``PR_SET_PDEATHSIG`` on Linux) and also watches its parent's pid from a thread (everywhere), so a
SIGKILL of the parent takes the workers with it, and with them the multiprocessing resource tracker
(which exits once no process holds its pipe). While a pool is open, SIGTERM in the parent raises
:class:`Terminated` (a KeyboardInterrupt, as Ctrl-C is), which stops the workers and rolls back the
write in progress on its way out.
"""

from __future__ import annotations

import ctypes
import logging
import multiprocessing
import os
import signal
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from typing import TypeVar

from corroborate.analysis import pipeline
from corroborate.analysis.modes import ALIASES, DEFAULT_MODE, MODES
from corroborate.attribution.learned.encoder_onnx import THREADS_ENV
from corroborate.errors import AnalysisFailed, ModelError, Terminated, failure_message
from corroborate.text.nlp import load_nlp
from corroborate.types import Analysis, Article

log = logging.getLogger(__name__)

T = TypeVar("T")

WORKER_BATCH_SIZE = 8
"""Articles per task: small enough to keep N workers evenly busy, large enough for ``nlp.pipe``."""
IN_FLIGHT_PER_WORKER = 2
"""Batches submitted ahead per worker, so a worker never waits for the parent."""

PARENT_CHECK_S = 0.5
"""How often a worker's watchdog thread checks that its parent is still alive."""
PR_SET_PDEATHSIG = 1  # linux/prctl.h

Result = Analysis | Exception
AnalyzeBatch = Callable[[list[Article], str], list[Result]]


# --------------------------------------------------------------------------- inside a worker

_worker_state: dict[str, str] = {}


def _die_with_parent(parent: int) -> None:
    """End this process as soon as ``parent`` (the pid that started it) is gone, however it went."""
    if sys.platform.startswith("linux"):
        try:  # the kernel sends SIGKILL when the thread that started this process exits
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):
            log.debug("prctl(PR_SET_PDEATHSIG) is unavailable; the watchdog thread alone will do")
    if os.getppid() != parent:  # it died before we asked
        os._exit(1)

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(PARENT_CHECK_S)
        os._exit(1)

    threading.Thread(target=watch, name="corroborate-parent-watch", daemon=True).start()


def _init_worker(mode: str, log_level: int, warm_up: bool, parent: int | None = None) -> None:
    """Load the pipeline and model once per worker; a load error is raised by every task."""
    if parent is not None:
        _die_with_parent(parent)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    logging.basicConfig(level=log_level, format="%(levelname)s: %(name)s: %(message)s")
    os.environ[THREADS_ENV] = "1"  # one inference thread per worker: N workers already fill N cores
    spec = MODES.get(ALIASES.get(mode, mode))
    if spec is not None and spec.torch:
        try:
            import torch

            torch.set_num_threads(1)
        except ImportError:
            pass  # extractor_for reports the missing extra
    if not warm_up:
        return
    try:
        load_nlp()
        pipeline.extractor_for(mode)
    except ModelError as exc:
        _worker_state["model_error"] = str(exc)


def _analyze_task(articles: list[Article], mode: str, analyze: AnalyzeBatch | None) -> list[Result]:
    """Analyse one batch in a worker. Failures come back as picklable AnalysisFailed errors."""
    if "model_error" in _worker_state:
        raise ModelError(_worker_state["model_error"])
    if analyze is None:
        analyze = pipeline.analyze_batch
    results = analyze(articles, mode)
    return [r if isinstance(r, Analysis) else AnalysisFailed(failure_message(r)) for r in results]


# --------------------------------------------------------------------------- in the parent


class WorkerPool:
    """N spawned worker processes that analyse batches of articles; restartable after a crash."""

    def __init__(
        self,
        workers: int,
        mode: str = DEFAULT_MODE,
        *,
        analyze: AnalyzeBatch | None = None,
        warm_up: bool = True,
    ) -> None:
        if workers < 1:
            raise ValueError("workers must be at least 1")
        self.workers = workers
        self.mode = mode
        self.analyze = (
            analyze  # a module-level function (it is pickled by name); None: pipeline.analyze_batch
        )
        self.warm_up = warm_up
        self.restarts = 0
        self._executor: ProcessPoolExecutor | None = None
        self._sigterm: object = None  # the SIGTERM handler to put back on exit (None: not replaced)

    def __enter__(self) -> WorkerPool:
        if threading.current_thread() is threading.main_thread():
            self._sigterm = signal.signal(signal.SIGTERM, _raise_terminated)
        return self

    def __exit__(self, exc_type: object, *_: object) -> None:
        try:
            self.close(abort=exc_type is not None)
        finally:
            if self._sigterm is not None:
                signal.signal(signal.SIGTERM, self._sigterm)  # type: ignore[arg-type]
                self._sigterm = None

    def _pool(self) -> ProcessPoolExecutor:
        if self._executor is None:
            self._executor = ProcessPoolExecutor(
                max_workers=self.workers,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_init_worker,
                initargs=(self.mode, logging.getLogger().getEffectiveLevel(), self.warm_up, os.getpid()),
            )
        return self._executor

    def submit(self, articles: list[Article]) -> Future:
        return self._pool().submit(_analyze_task, articles, self.mode, self.analyze)

    def restart(self) -> None:
        """Drop a broken pool; the next submit starts a fresh one."""
        self.close(abort=True)
        self.restarts += 1

    def close(self, *, abort: bool = False) -> None:
        executor, self._executor = self._executor, None
        if executor is None:
            return
        if abort:  # interrupted or broken: do not wait for batches still being analysed
            for process in list(getattr(executor, "_processes", {}).values()):
                process.terminate()
        executor.shutdown(wait=True, cancel_futures=True)

    def one_by_one(self, articles: list[Article]) -> list[Result]:
        """Analyse each article as its own task, one at a time, so a crash is pinned on its article."""
        results: list[Result] = []
        for article in articles:
            try:
                (result,) = self.submit([article]).result()
            except BrokenProcessPool:
                self.restart()
                result = AnalysisFailed("analysis failed (the worker process analysing it died)")
            except ModelError:
                raise
            except Exception as exc:
                result = AnalysisFailed(failure_message(exc))
            results.append(result)
        return results


def _raise_terminated(signum: int, _frame: object) -> None:
    raise Terminated(f"terminated by signal {signum}")


def analyzed_batches(
    batches: Iterable[list[T]],
    article_of: Callable[[T], Article | None],
    mode: str = DEFAULT_MODE,
    workers: int = 1,
    *,
    analyze: AnalyzeBatch | None = None,
    warm_up: bool = True,
) -> Iterator[tuple[list[T], list[Result | None]]]:
    """``(batch, results)`` for every batch, in input order; ``results[i]`` is for ``batch[i]``.

    A result is an Analysis or the Exception that stopped its article; it is None for an item whose
    ``article_of`` is None (nothing to analyse: the caller knows it already), which is never sent to a
    worker. ``workers=1`` analyses in this process; more runs ``workers`` spawned processes with up to two
    batches each in flight. ``analyze(articles, mode)`` replaces ``pipeline.analyze_batch`` (with workers,
    it must be a module-level function).
    """
    if workers <= 1:
        if analyze is None:
            analyze = pipeline.analyze_batch
        for batch in batches:
            todo, where = _to_analyse(batch, article_of)
            yield batch, _placed(len(batch), where, analyze(todo, mode) if todo else [])
        return

    with WorkerPool(workers, mode, analyze=analyze, warm_up=warm_up) as pool:
        pending: deque[tuple[list[T], list[Article], list[int], Future]] = deque()
        source = iter(batches)
        exhausted = False
        while True:
            while not exhausted and len(pending) < workers * IN_FLIGHT_PER_WORKER:
                batch = next(source, None)
                if batch is None:
                    exhausted = True
                elif batch:
                    todo, where = _to_analyse(batch, article_of)
                    pending.append((batch, todo, where, pool.submit(todo) if todo else _done([])))
            if not pending:
                return
            batch, todo, where, future = pending.popleft()
            try:
                results = future.result()
            except BrokenProcessPool:
                # A worker died. Every batch in flight is lost with the pool: redo their articles
                # one at a time in a fresh pool, which isolates the article that kills its worker.
                log.warning("a worker process died; analysing the affected articles one at a time")
                redo = [(batch, todo, where), *((b, t, w) for b, t, w, _ in pending)]
                pending.clear()
                pool.restart()
                for lost, lost_todo, lost_where in redo:
                    yield lost, _placed(len(lost), lost_where, pool.one_by_one(lost_todo))
                continue
            except ModelError:
                raise
            except Exception:  # the batch could not be sent, or its results not sent back
                log.debug("worker batch failed; retrying its articles one at a time", exc_info=True)
                results = pool.one_by_one(todo)
            if len(results) != len(todo):
                results = [AnalysisFailed("analysis failed (the worker returned no result)")] * len(todo)
            yield batch, _placed(len(batch), where, results)


def _to_analyse(batch: list[T], article_of: Callable[[T], Article | None]) -> tuple[list[Article], list[int]]:
    """The articles of ``batch`` to analyse, and where each one sits in the batch."""
    found = [(i, article) for i, item in enumerate(batch) if (article := article_of(item)) is not None]
    return [article for _, article in found], [i for i, _ in found]


def _placed(size: int, where: list[int], results: list[Result]) -> list[Result | None]:
    placed: list[Result | None] = [None] * size
    for i, result in zip(where, results, strict=True):
        placed[i] = result
    return placed


def _done(value: object) -> Future:
    future: Future = Future()
    future.set_result(value)
    return future
