"""Re-ingest: an article already stored is found before analysis, so running an ingest again costs a
lookup per article, not a second analysis (issue 20, item 8)."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from corroborate.analysis import pipeline
from corroborate.analysis.workers import WorkerPool
from corroborate.cli.main import app
from corroborate.store.articles import open_store

TEXTS = [
    'Mayor Ana Ruiz said on Monday that the bridge would reopen in May. "We are on schedule," she said.\n',
    "Two officials, who asked not to be named, told the Gazette that the budget would be cut.\n",
    "The river rose two metres overnight, the agency reported.\n",
]


def _ingest(folder: Path, db: Path, *extra: str) -> str:
    result = CliRunner().invoke(
        app, ["ingest", str(folder), "--db", str(db), "--mode", "fast", "--quiet", *extra]
    )
    assert result.exit_code == 0, result.stderr
    return result.stderr.strip().splitlines()[-1]


def _stored(db: Path) -> list[tuple[int, str, int]]:
    with open_store(str(db)) as store:
        return [(i, a.article.text, len(a.attributions)) for i, a in store.iter_analyses()]


@pytest.fixture
def analysed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The texts handed to analysis from now on (in this process or to the workers)."""
    seen: list[str] = []
    real = pipeline.analyze_batch

    def counting(articles, mode):
        seen.extend(a.text for a in articles)
        return real(articles, mode)

    def refuse_workers(self, articles):
        seen.extend(a.text for a in articles)
        raise AssertionError("a stored article was sent to a worker")

    monkeypatch.setattr(pipeline, "analyze_batch", counting)
    monkeypatch.setattr(WorkerPool, "submit", refuse_workers)
    return seen


@pytest.mark.parametrize("workers", ["1", "2"])
def test_a_rerun_analyses_nothing_already_stored(tmp_path: Path, workers: str, request) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i, text in enumerate(TEXTS):
        (folder / f"a{i}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "store.db"
    assert _ingest(folder, db) == "ingested 3, already stored 0, skipped 0"
    before = _stored(db)

    analysed = request.getfixturevalue("analysed")
    assert _ingest(folder, db, "--workers", workers) == "ingested 0, already stored 3, skipped 0"
    assert analysed == []
    assert _stored(db) == before


def test_a_rerun_with_one_new_article_analyses_only_that_one(tmp_path: Path, analysed: list[str]) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    for i, text in enumerate(TEXTS[:2]):
        (folder / f"a{i}.txt").write_text(text, encoding="utf-8")
    db = tmp_path / "store.db"
    assert _ingest(folder, db) == "ingested 2, already stored 0, skipped 0"
    assert sorted(analysed) == sorted(TEXTS[:2])
    analysed.clear()

    (folder / "a2.txt").write_text(TEXTS[2], encoding="utf-8")
    assert _ingest(folder, db) == "ingested 1, already stored 2, skipped 0"
    assert analysed == [TEXTS[2]]
    assert [text for _, text, _ in _stored(db)] == TEXTS
