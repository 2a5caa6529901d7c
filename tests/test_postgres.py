"""PostgreSQL-specific behaviour, against the real throwaway server of conftest.py (never a mock).

The generic store and CLI tests already run on PostgreSQL through ``db_url``; these cover what
only a server database has: racing first-time migrations, a concurrent writer of the same
article, the full-text index's size limit, connection errors, and the CLI end to end.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from pathlib import Path

import psycopg
import pytest
from sqlalchemy import inspect, text
from typer.testing import CliRunner

from conftest import run_at_once
from corroborate.cli.main import app
from corroborate.errors import StoreError
from corroborate.store.articles import identity_key, open_store
from corroborate.store.database import MIGRATIONS_DIR, schema_revision
from corroborate.types import Analysis

pytestmark = pytest.mark.usefixtures("pg_server")

TABLES = {"articles", "boilerplate", "damage", "attributions", "facts", "stories", "story_articles", "feeds"}


def _head() -> str:
    from alembic.config import Config
    from alembic.script import ScriptDirectory

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    return ScriptDirectory.from_config(cfg).get_current_head()


def open_and_report_revision(url: str) -> str:
    """Runs in a spawned process: open (creating the schema) at the same moment as the others."""
    try:
        with open_store(url) as store:
            return schema_revision(store) or "none"
    except StoreError as exc:
        return f"error: {exc}"


# --------------------------------------------------------------------------- schema


def test_the_schema_migrates_to_head(pg_url: str) -> None:
    with open_store(pg_url) as store:
        assert store.engine.dialect.name == "postgresql"
        assert store.engine.dialect.driver == "psycopg"
        assert schema_revision(store) == _head()
        with store.engine.connect() as conn:
            assert set(inspect(conn).get_table_names()) >= TABLES
            indexes = {ix["name"] for ix in inspect(conn).get_indexes("articles")}
            assert "ix_articles_fts" in indexes
            checks = {ck["name"] for ck in inspect(conn).get_check_constraints("attributions")}
            assert {"ck_attributions_source_kind", "ck_attributions_certainty"} <= checks


def test_migrations_go_down_and_up_again(db_url: str, sample_analysis: Analysis) -> None:
    from alembic import command
    from alembic.config import Config

    with open_store(db_url) as store:
        cfg = Config()
        cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
        with store.engine.begin() as conn:
            cfg.attributes["connection"] = conn
            command.downgrade(cfg, "base")
        assert schema_revision(store) is None
    with open_store(db_url) as store:
        assert schema_revision(store) == _head()
        assert store.save(sample_analysis.article, sample_analysis)[1] is True


def test_first_opens_from_several_processes_do_not_race(pg_url: str) -> None:
    revisions = run_at_once(open_and_report_revision, [(pg_url,)] * 4)
    assert revisions == [_head()] * 4


def test_open_without_create_leaves_an_empty_database_empty(pg_url: str) -> None:
    result = CliRunner().invoke(app, ["report", "--db", pg_url])
    assert result.exit_code == 1
    assert "no corroborate tables here; run `corroborate ingest` first" in result.stderr
    with psycopg.connect(pg_url) as conn:
        tables = conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()
    assert tables == (0,)


# --------------------------------------------------------------------------- writing


def test_a_concurrent_writer_of_the_same_article(pg_url: str, sample_analysis: Analysis) -> None:
    """Another process inserts the same article first: save waits for it, then reports it as stored."""
    article = sample_analysis.article
    with open_store(pg_url) as store:
        other = psycopg.connect(pg_url)
        try:
            other_id = other.execute(
                "INSERT INTO articles (text, text_sha256, identity_key, extractor, ingested_at) "
                "VALUES (%s, 'x', %s, 'rules@1', now()) RETURNING id",
                (article.text, identity_key(article)),
            ).fetchone()[0]
            outcome: list = []
            saving = threading.Thread(target=lambda: outcome.append(store.save(article, sample_analysis)))
            saving.start()
            time.sleep(0.5)
            assert saving.is_alive()  # blocked on the other transaction's unique key
            other.commit()
            saving.join(10)
        finally:
            other.close()
        assert outcome == [(other_id, False)]
        assert store.count() == 1


def test_long_articles_are_stored_and_searchable(pg_url: str, analysis_factory) -> None:
    """A tsvector holds 1 MB at most; articles may hold 5,000,000 characters."""
    from corroborate.store.stories import matching_article_ids

    rng = __import__("random").Random(7)
    words = (
        "".join(rng.choice("abcdefghijklmnopqrstuvwxyz") for _ in range(rng.randint(4, 9)))
        for _ in range(400_000)
    )
    long_text = "Zanzibar ferry strike. " + " ".join(words)
    assert len(long_text) > 2_000_000
    long_one = analysis_factory(long_text, outlet="Long")
    with open_store(pg_url) as store:
        article_id, created = store.save(long_one.article, long_one)
        assert created
        assert store.load(article_id).article.text == long_text
        with store.engine.connect() as conn:
            found = conn.execute(matching_article_ids(conn, "zanzibar ferries")).scalars().all()
        assert found == [article_id]


def test_text_round_trips_exactly(pg_url: str, analysis_factory) -> None:
    """Offsets index the stored text: it must come back byte for byte (CRLF, tabs, astral characters)."""
    tricky = "Café\r\nLine two\twith a tab — and 𝔘𝔫𝔦𝔠𝔬𝔡𝔢 🎉.\u2028 Mayor Ana Ruiz said the bridge will reopen in May.\n"
    analysis = analysis_factory(tricky)
    with open_store(pg_url) as store:
        article_id, _ = store.save(analysis.article, analysis)
        assert store.load(article_id) == analysis


# --------------------------------------------------------------------------- the command line


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_an_unreachable_server_is_one_line_and_hides_the_password() -> None:
    url = f"postgresql://someone:s3cret@127.0.0.1:{_closed_port()}/news"
    result = CliRunner().invoke(app, ["report", "--db", url])
    assert result.exit_code == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1
    assert lines[0].startswith("error: postgresql://someone:***@127.0.0.1:")
    assert "database error: connection" in lines[0]
    assert "s3cret" not in result.stderr


def test_the_command_line_round_trip(pg_url: str, tmp_path: Path) -> None:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "mayor.txt").write_text(
        'Mayor Ana Ruiz said on Monday that the bridge would reopen in May. "We are on schedule," she said.\n',
        encoding="utf-8",
    )
    (folder / "officials.txt").write_text(
        "Two officials, who asked not to be named, told the Gazette that the budget would be cut.\n",
        encoding="utf-8",
    )
    runner = CliRunner()
    libpq_style = pg_url.replace("postgresql://", "postgres://")
    first = runner.invoke(app, ["ingest", str(folder), "--db", libpq_style, "--workers", "2", "-q"])
    assert first.exit_code == 0, first.stderr
    assert first.stderr.strip().splitlines()[-1] == "ingested 2, already stored 0, skipped 0"
    again = runner.invoke(app, ["ingest", str(folder), "--db", pg_url])
    assert again.exit_code == 0, again.stderr
    assert again.stderr.strip().splitlines()[-1] == "ingested 0, already stored 2, skipped 0"

    report = runner.invoke(app, ["report", "--db", pg_url, "--format", "json"])
    assert report.exit_code == 0, report.stderr
    articles = json.loads(report.stdout)["articles"]
    assert len(articles) == 2
    assert sum(a["ledger"]["total"] for a in articles) >= 2

    with open_store(pg_url) as store, store.engine.begin() as conn:
        conn.execute(text("UPDATE articles SET extractor = 'rules@0'"))
    redo = runner.invoke(app, ["reprocess", "--db", pg_url, "-q"])
    assert redo.exit_code == 0, redo.stderr
    assert "reprocessed 2 of 2 articles" in redo.stderr
    after = json.loads(runner.invoke(app, ["report", "--db", pg_url, "--format", "json"]).stdout)["articles"]
    assert [a["ledger"] for a in after] == [a["ledger"] for a in articles]
