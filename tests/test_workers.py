"""``ingest --workers N``: analysis in spawned worker processes, results saved in input order.

The pool tests use stand-in analysers (module-level functions, so the spawned workers can import
them by name) and skip loading spaCy in the workers; one test runs the real CLI with 2 workers.
"""

from __future__ import annotations

import json
import os
import random
import time
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corroborate.analysis.workers import WorkerPool, analyzed_batches
from corroborate.cli.main import app
from corroborate.errors import AnalysisFailed, ModelError
from corroborate.types import Analysis, Article

# --------------------------------------------------------------------------- stand-in analysers (run in workers)


def _fake_pipeline(articles, batch_size: int = 32, mode: str = "accurate"):
    for article in articles:
        if "BOOM" in article.text:
            raise RuntimeError("boom")
        yield Analysis(article=article, extractor=f"fake@{os.getpid()}")


def analyze_with_failing_pipeline(articles: list[Article], mode: str) -> list:
    """The real ``runner.analyze_batch`` over a pipeline that raises on any batch holding "BOOM"."""
    import corroborate.analysis.pipeline
    from corroborate.analysis.pipeline import analyze_batch

    corroborate.analysis.pipeline.analyze_articles = _fake_pipeline  # this worker process only
    time.sleep(random.uniform(0, 0.05))  # batches finish out of order
    return analyze_batch(articles, mode)


def analyze_or_die(articles: list[Article], mode: str) -> list:
    """Kills its worker process outright on an article holding "DIE" (as a crash in native code would)."""
    if any("DIE" in a.text for a in articles):
        os._exit(3)
    return [Analysis(article=a, extractor="fake@1") for a in articles]


def analyze_without_model(articles: list[Article], mode: str) -> list:
    raise ModelError("cannot load the attribution model: gone", input_name="accurate mode")


def _articles(n: int, **marked: int) -> list[Article]:
    texts = [f"Article number {i} says little." for i in range(n)]
    for marker, index in marked.items():
        texts[index] = f"Article number {index} says {marker}."
    return [Article(text=t, outlet="Test") for t in texts]


def _run(batches, workers: int, analyze) -> list[tuple[list[Article], list]]:
    return list(analyzed_batches(batches, lambda a: a, "fast", workers, analyze=analyze, warm_up=False))


# --------------------------------------------------------------------------- the pool


def test_results_come_back_in_input_order_and_a_failing_batch_is_split() -> None:
    articles = _articles(30, BOOM=17)
    batches = [articles[i : i + 4] for i in range(0, 30, 4)]
    got = _run(batches, 2, analyze_with_failing_pipeline)
    assert [batch for batch, _ in got] == batches
    results = [r for _, found in got for r in found]
    assert len(results) == 30
    for i, (article, result) in enumerate(zip(articles, results, strict=True)):
        if i == 17:
            assert isinstance(result, AnalysisFailed)
            assert result.message == "analysis failed (RuntimeError: boom)"
        else:
            assert isinstance(result, Analysis) and result.article == article
    assert len({r.extractor for r in results if isinstance(r, Analysis)}) >= 1
    assert all(r.extractor != f"fake@{os.getpid()}" for r in results if isinstance(r, Analysis))


def test_a_worker_that_dies_costs_only_its_article() -> None:
    articles = _articles(20, DIE=9)
    batches = [articles[i : i + 5] for i in range(0, 20, 5)]
    got = _run(batches, 2, analyze_or_die)
    assert [batch for batch, _ in got] == batches
    results = [r for _, found in got for r in found]
    failed = [i for i, r in enumerate(results) if not isinstance(r, Analysis)]
    assert failed == [9]
    assert "worker process" in str(results[9])


def test_a_model_that_cannot_load_stops_the_run() -> None:
    with pytest.raises(ModelError, match="cannot load the attribution model"):
        _run([_articles(3)], 2, analyze_without_model)


def test_one_worker_runs_in_process() -> None:
    seen: list[int] = []

    def analyze(articles: list[Article], mode: str) -> list:
        seen.append(os.getpid())
        return [Analysis(article=a, extractor="here@1") for a in articles]

    got = _run([_articles(2), _articles(1)], 1, analyze)
    assert seen == [os.getpid(), os.getpid()]
    assert [len(found) for _, found in got] == [2, 1]


def test_pool_rejects_zero_workers() -> None:
    with pytest.raises(ValueError):
        WorkerPool(0)


# --------------------------------------------------------------------------- the command line


def test_ingest_with_two_workers_stores_what_one_worker_stores(tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    texts = [
        'Mayor Ana Ruiz said on Monday that the bridge would reopen in May. "We are on schedule," she said.\n',
        "Two officials, who asked not to be named, told the Gazette that the budget would be cut.\n",
        "The river rose two metres overnight, the agency reported.\n",
    ]
    for i, text in enumerate(texts * 3):  # 9 articles: more than one worker batch
        (folder / f"a{i}.txt").write_text(f"Story {i}. {text}", encoding="utf-8")
    runner = CliRunner()
    reports = {}
    for workers in ("1", "2"):
        db = str(tmp_path / f"w{workers}.db")
        result = runner.invoke(app, ["ingest", str(folder), "--db", db, "--workers", workers, "--quiet"])
        assert result.exit_code == 0, result.stderr
        assert result.stderr.strip().splitlines()[-1] == "ingested 9, already stored 0, skipped 0"
        report = runner.invoke(app, ["report", "--db", db, "--format", "json"])
        assert report.exit_code == 0, report.stderr
        articles = json.loads(report.stdout)["articles"]
        for article in articles:
            article.pop("ingested_at", None)
        reports[workers] = articles
    assert [a["title"] or a["text"][:9] for a in reports["2"]] == [
        a["title"] or a["text"][:9] for a in reports["1"]
    ]
    assert reports["2"] == reports["1"]


def test_workers_must_be_positive(tmp_path: Path) -> None:
    result = CliRunner().invoke(
        app, ["ingest", str(tmp_path), "--db", str(tmp_path / "x.db"), "--workers", "0"]
    )
    assert result.exit_code == 2
