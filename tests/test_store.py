"""The store: migrations, WAL, idempotent saves, atomic writes, reprocessing support.

Tests taking ``db_url`` run against SQLite and a real PostgreSQL server (see conftest.py); the
rest are about SQLite itself (WAL, files). PostgreSQL-only behaviour is in test_postgres.py.
"""

from __future__ import annotations

import random
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest
from sqlalchemy import text

from conftest import run_at_once
from corroborate.errors import StoreError, UsageError
from corroborate.store.articles import Store, identity_key, open_store
from corroborate.store.database import MIGRATIONS_DIR, resolve_db_url, schema_revision
from corroborate.types import Analysis, Article, Attribution, Span


def head_revision() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


def _rows(store: Store, table: str) -> int:
    with store.engine.connect() as conn:
        return conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()


def save_in_another_process(url: str, outlets: list[str]) -> list[bool]:
    """Runs in a spawned process: open the store and save one article per outlet."""
    from conftest import build_analysis

    with open_store(url) as store:
        return [store.save(a.article, a)[1] for a in (build_analysis(outlet=o) for o in outlets)]


def _bad_attribution(analysis: Analysis) -> Analysis:
    """An analysis whose last attribution the database refuses (source_kind outside the schema)."""
    text = analysis.article.text
    bogus = Attribution(source=Span.of(text, 0, 5), cue=None, content=None, source_kind="celebrity")  # type: ignore[arg-type]
    return replace(analysis, attributions=(*analysis.attributions, bogus))


# --------------------------------------------------------------------------- creating and migrating


def test_new_database_is_created_migrated_and_in_wal_mode(tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    with open_store(str(db)) as store:
        assert store.count() == 0
        assert schema_revision(store) == head_revision()
        with store.engine.connect() as conn:
            assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
            assert conn.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 1000
    with sqlite3.connect(db) as raw:
        assert raw.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert raw.execute("SELECT version_num FROM alembic_version").fetchall() == [(head_revision(),)]
        tables = {name for (name,) in raw.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"articles", "boilerplate", "damage", "attributions", "alembic_version"} <= tables


def test_reopening_keeps_data_and_does_not_remigrate(db_url: str, sample_analysis: Analysis) -> None:
    with open_store(db_url) as store:
        store.save(sample_analysis.article, sample_analysis)
    with open_store(db_url) as store:
        assert store.count() == 1
        assert schema_revision(store) == head_revision()


def test_open_without_create_refuses_a_database_without_tables(db_url: str) -> None:
    with pytest.raises(StoreError, match="run `corroborate ingest` first"):
        open_store(db_url, create=False)
    with open_store(db_url) as store:  # ... and created nothing: a later ingest migrates from scratch
        assert schema_revision(store) == head_revision()


def test_open_without_create_refuses_a_missing_file(tmp_path: Path) -> None:
    db = tmp_path / "absent.db"
    with pytest.raises(StoreError, match="no database"):
        open_store(str(db), create=False)
    assert not db.exists()


def test_a_file_that_is_not_a_database_is_a_store_error(tmp_path: Path) -> None:
    junk = tmp_path / "notes.db"
    junk.write_text("these are my notes, not a database\n" * 50)
    with pytest.raises(StoreError):
        open_store(str(junk))


def test_resolve_db_url(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'corroborate.db'}"
    assert resolve_db_url("sub/x.db") == f"sqlite:///{tmp_path / 'sub' / 'x.db'}"
    assert resolve_db_url("sqlite:///rel.db") == "sqlite:///rel.db"
    assert resolve_db_url("postgresql://u:p@localhost/news") == "postgresql://u:p@localhost/news"
    assert resolve_db_url("postgres://u@localhost/news") == "postgresql://u@localhost/news"
    monkeypatch.setenv("CORROBORATE_DB", str(tmp_path / "env.db"))
    assert resolve_db_url(None) == f"sqlite:///{tmp_path / 'env.db'}"
    assert resolve_db_url("explicit.db") == f"sqlite:///{tmp_path / 'explicit.db'}"
    with pytest.raises(UsageError):
        resolve_db_url("nosuchdialect://host/db")


# --------------------------------------------------------------------------- saving and loading


def test_save_then_load_round_trips_everything(db_url: str, sample_analysis: Analysis) -> None:
    with open_store(db_url) as store:
        article_id, created = store.save(sample_analysis.article, sample_analysis)
        assert created is True
        assert store.load(article_id) == sample_analysis
        assert [(i, a) for i, a in store.iter_analyses()] == [(article_id, sample_analysis)]
        assert list(store.iter_articles()) == [(article_id, sample_analysis.article)]


def test_resaving_is_idempotent(db_url: str, sample_analysis: Analysis) -> None:
    with open_store(db_url) as store:
        first = store.save(sample_analysis.article, sample_analysis)
        again = store.save(sample_analysis.article, sample_analysis)
        assert first == (1, True)
        assert again == (1, False)
        assert store.count() == 1
        assert _rows(store, "attributions") == len(sample_analysis.attributions)
        assert _rows(store, "boilerplate") == 1
        assert _rows(store, "damage") == 1


def test_article_identity(db_url: str, analysis_factory) -> None:
    same_text_a = analysis_factory(outlet="Outlet A")
    same_text_b = analysis_factory(outlet="Outlet B")
    url_1 = analysis_factory(url="https://example.org/1")
    url_2 = analysis_factory(url="https://example.org/2")
    url_1_edited = analysis_factory("A corrected version, updated later.", url="https://example.org/1")
    assert identity_key(url_1.article) == "url:https://example.org/1"
    assert identity_key(same_text_a.article).startswith("text:Outlet A:")
    with open_store(db_url) as store:
        ids = [store.save(a.article, a) for a in (same_text_a, same_text_b, url_1, url_2, url_1_edited)]
        assert [created for _, created in ids] == [True, True, True, True, False]
        assert ids[4][0] == ids[2][0]
        assert store.count() == 4


def test_a_failure_mid_transaction_leaves_nothing_behind(db_url: str, sample_analysis: Analysis) -> None:
    with open_store(db_url) as store:
        with pytest.raises(StoreError, match="ck_attributions_source_kind") as failure:
            store.save(sample_analysis.article, _bad_attribution(sample_analysis))
        assert "\n" not in str(failure.value)  # one line, even from PostgreSQL
        assert store.count() == 0
        for table in ("articles", "boilerplate", "damage", "attributions"):
            assert _rows(store, table) == 0, table
        # ... and the same article can then be saved normally (PostgreSQL does not reuse the id).
        article_id, created = store.save(sample_analysis.article, sample_analysis)
        assert created
        assert store.load(article_id) == sample_analysis


def test_readers_are_not_blocked_by_an_open_write_transaction(
    tmp_path: Path, sample_analysis: Analysis
) -> None:
    db = tmp_path / "wal.db"
    with open_store(str(db)) as store:
        store.save(sample_analysis.article, sample_analysis)
        writer = sqlite3.connect(db, timeout=0.2, isolation_level=None)
        writer.execute("BEGIN IMMEDIATE")
        writer.execute("DELETE FROM attributions")
        writer.execute("DELETE FROM boilerplate")
        writer.execute("DELETE FROM damage")
        writer.execute("DELETE FROM articles")
        try:
            # The writer holds the write lock; the store still reads the committed state.
            assert store.count() == 1
            assert store.load(1) == sample_analysis
        finally:
            writer.execute("ROLLBACK")
            writer.close()


def test_a_writer_commits_while_a_reader_holds_a_snapshot(tmp_path: Path, sample_analysis: Analysis) -> None:
    db = tmp_path / "wal2.db"
    with open_store(str(db)) as store:
        store.save(sample_analysis.article, sample_analysis)
        with store.engine.connect() as reading, reading.begin():
            assert reading.exec_driver_sql("SELECT count(*) FROM articles").scalar() == 1
            # In rollback-journal mode this commit would fail with "database is locked".
            writer = sqlite3.connect(db, timeout=0.2, isolation_level=None)
            try:
                writer.execute("BEGIN IMMEDIATE")
                writer.execute("DELETE FROM attributions")
                writer.execute("DELETE FROM boilerplate")
                writer.execute("DELETE FROM damage")
                writer.execute("DELETE FROM articles")
                writer.execute("COMMIT")
            finally:
                writer.close()
            assert reading.exec_driver_sql("SELECT count(*) FROM articles").scalar() == 1
        assert store.count() == 0


def test_concurrent_runs_store_each_article_once(db_url: str) -> None:
    """Three processes create the schema and save the same ten articles at the same moment."""
    outlets = [f"Outlet {i}" for i in range(10)]
    orders = [random.Random(seed).sample(outlets, len(outlets)) for seed in range(3)]
    created = run_at_once(save_in_another_process, [(db_url, order) for order in orders])
    assert sum(flag for flags in created for flag in flags) == 10
    with open_store(db_url) as store:
        assert store.count() == 10
        assert _rows(store, "attributions") == 10 * 3
        assert sorted(a.article.outlet for _, a in store.iter_analyses()) == sorted(outlets)


def test_load_of_a_missing_article_is_a_store_error(db_url: str) -> None:
    with open_store(db_url) as store, pytest.raises(StoreError, match="no article with id 7"):
        store.load(7)


# --------------------------------------------------------------------------- reprocessing support


def test_stale_lists_articles_from_other_extractor_versions(db_url: str, analysis_factory) -> None:
    old = analysis_factory(outlet="Old", extractor="rules@0")
    new = analysis_factory(outlet="New", extractor="rules@1")
    empty_old = analysis_factory("Nothing cited here at all.", outlet="Quiet", extractor="rules@0")
    assert empty_old.attributions == ()
    with open_store(db_url) as store:
        ids = [store.save(a.article, a)[0] for a in (old, new, empty_old)]
        assert store.stale("rules@1") == [ids[0], ids[2]]
        assert store.stale("rules@0") == [ids[1]]


def test_replace_analysis_swaps_atomically(db_url: str, analysis_factory) -> None:
    old = analysis_factory(extractor="rules@0")
    with open_store(db_url) as store:
        article_id, _ = store.save(old.article, old)
        newer = replace(
            old,
            attributions=tuple(replace(a, extractor="rules@1") for a in old.attributions[:1]),
            damage=(),
            extractor="rules@1",
        )
        with pytest.raises(StoreError):
            store.replace_analysis(article_id, _bad_attribution(newer))
        assert store.load(article_id) == old  # the failed replacement changed nothing

        store.replace_analysis(article_id, newer)
        assert store.load(article_id) == newer
        assert store.stale("rules@1") == []
        assert store.count() == 1
        assert _rows(store, "attributions") == 1
        assert _rows(store, "damage") == 0


def test_replace_analysis_of_a_missing_article(db_url: str, sample_analysis: Analysis) -> None:
    with open_store(db_url) as store, pytest.raises(StoreError, match="no article with id 3"):
        store.replace_analysis(3, sample_analysis)


def test_iter_analyses_is_ordered_by_id(db_url: str, analysis_factory) -> None:
    outlets = [f"Outlet {i}" for i in range(5)]
    with open_store(db_url) as store:
        for outlet in outlets:
            a = analysis_factory(outlet=outlet)
            store.save(a.article, a)
        got = list(store.iter_analyses())
    assert [i for i, _ in got] == [1, 2, 3, 4, 5]
    assert [a.article.outlet for _, a in got] == outlets


def test_articles_without_metadata_are_stored(db_url: str) -> None:
    bare = Analysis(article=Article(text="Plain words."), extractor="rules@1")
    with open_store(db_url) as store:
        article_id, created = store.save(bare.article, bare)
        assert created
        assert store.load(article_id) == bare
