"""The command line, driven through typer's CliRunner: every command and every exit code.

spaCy is loaded once per test session (``load_nlp`` is cached and CliRunner runs in-process).
"""

from __future__ import annotations

import csv
import io
import json
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from sqlalchemy import text
from typer.testing import CliRunner

import corroborate.analysis.pipeline
import corroborate.cli.articles
from corroborate._version import __version__
from corroborate.analysis.pipeline import extractor_version
from corroborate.cli.main import app
from corroborate.store.articles import open_store

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SCHEMA = json.loads(resources.files("corroborate").joinpath("schemas/report.schema.json").read_text("utf-8"))

EXTRACTOR_VERSION = extractor_version()  # the default (accurate) mode's model version


def _wrap_analyze_articles(monkeypatch: pytest.MonkeyPatch, before_batch) -> None:
    """Run ``before_batch(batch)`` ahead of every real ``pipeline.analyze_articles`` call."""
    real = corroborate.analysis.pipeline.analyze_articles

    def wrapped(batch, *args, **kwargs):
        batch = list(batch)
        before_batch(batch)
        return real(batch, *args, **kwargs)

    monkeypatch.setattr(corroborate.analysis.pipeline, "analyze_articles", wrapped)


def _fail_batches_containing(monkeypatch: pytest.MonkeyPatch, marker: str) -> None:
    """Make the analyser raise on any batch holding an article whose text contains ``marker``."""

    def check(batch) -> None:
        if any(marker in a.text for a in batch):
            raise RuntimeError("boom")

    _wrap_analyze_articles(monkeypatch, check)


MAYOR = 'Mayor Ana Ruiz said on Monday that the bridge would reopen in May. "We are on schedule," she told reporters.\n'
OFFICIALS = "Two officials, who asked not to be named, told the Gazette that the budget would be cut.\n"
PLAIN = "The river rose two metres overnight and the town hall stayed closed.\n"


@pytest.fixture(scope="module")
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def articles(tmp_path: Path) -> Path:
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "mayor.txt").write_text(MAYOR, encoding="utf-8")
    (folder / "officials.txt").write_text(OFFICIALS, encoding="utf-8")
    return folder


def _db(tmp_path: Path) -> str:
    return str(tmp_path / "news.db")


def _ingest(runner: CliRunner, *args: str):
    return runner.invoke(app, ["ingest", *args])


def _report_json(runner: CliRunner, db: str) -> dict:
    result = runner.invoke(app, ["report", "--db", db, "--format", "json"])
    assert result.exit_code == 0, result.stderr
    document = json.loads(result.stdout)
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
    return document


# --------------------------------------------------------------------------- --version, usage


def test_version(runner: CliRunner) -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout.strip() == f"corroborate {__version__}"


def test_ingest_without_a_path_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = _ingest(runner, "--db", _db(tmp_path))
    assert result.exit_code == 2
    assert "Missing argument" in result.stderr


def test_bad_published_date_is_a_usage_error_and_creates_nothing(
    runner: CliRunner, tmp_path: Path, articles: Path
) -> None:
    result = _ingest(runner, str(articles), "--db", _db(tmp_path), "--published", "last Tuesday")
    assert result.exit_code == 2
    assert result.stderr.startswith("error: --published: not an ISO 8601 date")
    assert not Path(_db(tmp_path)).exists()


def test_bad_database_url_is_a_usage_error(runner: CliRunner, articles: Path) -> None:
    result = _ingest(runner, str(articles), "--db", "nosuchdialect://host/news")
    assert result.exit_code == 2
    assert "error: --db: not a usable database URL" in result.stderr


def test_unknown_report_format_is_a_usage_error(runner: CliRunner, tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", "--db", _db(tmp_path), "--format", "pdf"])
    assert result.exit_code == 2


# --------------------------------------------------------------------------- ingest


def test_ingest_then_reingest_stores_nothing_twice(runner: CliRunner, db_url: str, articles: Path) -> None:
    db = db_url  # SQLite and PostgreSQL
    args = [str(articles), "--db", db, "--outlet", "The Gazette", "--published", "2025-04-10"]
    first = _ingest(runner, *args)
    assert first.exit_code == 0, first.stderr
    assert first.stdout == ""
    assert first.stderr.strip().splitlines()[-1] == "ingested 2, already stored 0, skipped 0"

    again = _ingest(runner, *args)
    assert again.exit_code == 0, again.stderr
    assert again.stderr.strip().splitlines()[-1] == "ingested 0, already stored 2, skipped 0"

    with open_store(db) as store:
        assert store.count() == 2
    document = _report_json(runner, db)
    assert {a["outlet"] for a in document["articles"]} == {"The Gazette"}
    assert {a["published"] for a in document["articles"]} == {"2025-04-10"}


def test_some_inputs_skipped_exits_3(runner: CliRunner, tmp_path: Path, articles: Path) -> None:
    (articles / "empty.txt").write_text("   \n", encoding="utf-8")
    (articles / "broken.jsonl").write_text(
        '{"text": "' + PLAIN.strip() + '"}\n{not json}\n', encoding="utf-8"
    )
    missing = tmp_path / "nowhere.txt"
    result = _ingest(runner, str(articles), str(missing), "--db", _db(tmp_path))
    assert result.exit_code == 3, result.stderr
    lines = result.stderr.strip().splitlines()
    assert f"skipped {articles / 'empty.txt'}: empty or whitespace-only text" in lines
    assert f"skipped {missing}: no such file or directory" in lines
    assert any(line.startswith(f"skipped {articles / 'broken.jsonl'}:2: ") for line in lines)
    assert lines[-1] == "ingested 3, already stored 0, skipped 3"
    assert result.stdout == ""


def test_nothing_ingested_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe\x00\x01 not text")
    result = _ingest(runner, str(bad), "--db", _db(tmp_path))
    assert result.exit_code == 1
    assert result.stderr.splitlines()[0].startswith(f"skipped {bad}: ")
    assert result.stderr.strip().splitlines()[-1] == "ingested 0, already stored 0, skipped 1"


def test_an_empty_directory_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    empty = tmp_path / "empty"
    empty.mkdir()
    result = _ingest(runner, str(empty), "--db", _db(tmp_path))
    assert result.exit_code == 1
    assert "ingested 0, already stored 0, skipped 0" in result.stderr
    assert "error: no articles found in the given paths" in result.stderr


def test_url_default_for_one_article(runner: CliRunner, tmp_path: Path, articles: Path) -> None:
    db = _db(tmp_path)
    result = _ingest(runner, str(articles / "mayor.txt"), "--db", db, "--url", "https://example.org/mayor")
    assert result.exit_code == 0, result.stderr
    (article,) = _report_json(runner, db)["articles"]
    assert article["url"] == "https://example.org/mayor"


def test_url_given_to_several_articles_is_a_usage_error(
    runner: CliRunner, tmp_path: Path, articles: Path
) -> None:
    db = _db(tmp_path)
    result = _ingest(runner, str(articles), "--db", db, "--url", "https://example.org/one")
    assert result.exit_code == 2
    assert "error: --url: 2 articles would get the url 'https://example.org/one'" in result.stderr
    assert not Path(db).exists()  # nothing was written


def test_url_default_only_fills_gaps(runner: CliRunner, tmp_path: Path, articles: Path) -> None:
    (articles / "officials.meta.json").write_text(json.dumps({"url": "https://example.org/officials"}))
    db = _db(tmp_path)
    result = _ingest(runner, str(articles), "--db", db, "--url", "https://example.org/mayor")
    assert result.exit_code == 0, result.stderr
    urls = sorted(a["url"] for a in _report_json(runner, db)["articles"])
    assert urls == ["https://example.org/mayor", "https://example.org/officials"]


def test_one_failing_article_does_not_stop_the_batch(
    runner: CliRunner, tmp_path: Path, articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (articles / "poison.txt").write_text(
        "This text makes the analyser EXPLODE on purpose.\n", encoding="utf-8"
    )
    _fail_batches_containing(monkeypatch, "EXPLODE")
    db = _db(tmp_path)
    result = _ingest(runner, str(articles), "--db", db)
    assert result.exit_code == 3, result.stderr
    assert f"skipped {articles / 'poison.txt'}: analysis failed (RuntimeError: boom)" in result.stderr
    assert result.stderr.strip().splitlines()[-1] == "ingested 2, already stored 0, skipped 1"


def test_a_file_that_is_not_a_database_exits_1(runner: CliRunner, tmp_path: Path, articles: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_text("not a database\n" * 100)
    result = _ingest(runner, str(articles), "--db", str(junk))
    assert result.exit_code == 1
    assert result.stderr.startswith("error: ")


def test_db_from_the_environment(
    runner: CliRunner, tmp_path: Path, articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    db = tmp_path / "env.db"
    monkeypatch.setenv("CORROBORATE_DB", str(db))
    assert _ingest(runner, str(articles / "mayor.txt")).exit_code == 0
    assert db.exists()


# --------------------------------------------------------------------------- report


@pytest.fixture
def filled_db(runner: CliRunner, tmp_path: Path, articles: Path) -> str:
    db = _db(tmp_path)
    result = _ingest(runner, str(articles), "--db", db, "--outlet", "The Gazette")
    assert result.exit_code == 0, result.stderr
    return db


def test_report_on_a_missing_database_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "absent.db"
    result = runner.invoke(app, ["report", "--db", str(db)])
    assert result.exit_code == 1
    assert "no database here; run `corroborate ingest` first" in result.stderr
    assert not db.exists()


def test_report_on_an_empty_database_exits_1(runner: CliRunner, db_url: str) -> None:
    db = db_url
    open_store(db).close()
    result = runner.invoke(app, ["report", "--db", db])
    assert result.exit_code == 1
    assert "no articles stored yet; run `corroborate ingest PATH...` first" in result.stderr
    assert result.stdout == ""


def test_report_markdown_to_a_pipe_is_plain_markdown(runner: CliRunner, filled_db: str) -> None:
    result = runner.invoke(app, ["report", "--db", filled_db])
    assert result.exit_code == 0
    assert result.stdout.startswith("# Sourcing report\n")
    assert "### Sourcing ledger" in result.stdout
    assert "\x1b[" not in result.stdout  # no terminal escapes


def test_report_markdown_on_a_terminal_is_rendered(
    runner: CliRunner, filled_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(corroborate.cli.articles, "stdout_is_terminal", lambda: True)
    result = runner.invoke(app, ["report", "--db", filled_db])
    assert result.exit_code == 0
    assert "Sourcing report" in result.stdout
    assert "# Sourcing report" not in result.stdout  # rendered by rich, not raw Markdown
    assert "|---|" not in result.stdout


def test_report_csv_has_one_row_per_attribution(runner: CliRunner, filled_db: str) -> None:
    total = sum(a["ledger"]["total"] for a in _report_json(runner, filled_db)["articles"])
    assert total > 0
    result = runner.invoke(app, ["report", "--db", filled_db, "--format", "csv"])
    assert result.exit_code == 0
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert len(rows) == total
    assert {row["outlet"] for row in rows} == {"The Gazette"}
    assert {row["extractor"] for row in rows} == {EXTRACTOR_VERSION}


def test_report_html_to_a_file(runner: CliRunner, filled_db: str, tmp_path: Path) -> None:
    out = tmp_path / "report.html"
    result = runner.invoke(app, ["report", "--db", filled_db, "--format", "html", "--out", str(out)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote html report on 2 articles to {out}" in result.stderr
    html = out.read_text(encoding="utf-8")
    assert html.startswith("<!DOCTYPE html>")
    lowered = html.lower()
    for needle in ("http://", "https://", "<script", "<link", " src="):
        assert needle not in lowered, needle
    assert 'class="source"' in html


def test_report_to_an_unwritable_place_exits_1(runner: CliRunner, filled_db: str, tmp_path: Path) -> None:
    result = runner.invoke(
        app, ["report", "--db", filled_db, "--out", str(tmp_path / "no" / "such" / "r.md")]
    )
    assert result.exit_code == 1
    assert "cannot write the report" in result.stderr


# --------------------------------------------------------------------------- reprocess


def test_reprocess(runner: CliRunner, db_url: str, articles: Path) -> None:
    filled_db = db_url  # SQLite and PostgreSQL
    assert _ingest(runner, str(articles), "--db", filled_db, "--outlet", "The Gazette").exit_code == 0
    fresh = runner.invoke(app, ["reprocess", "--db", filled_db])
    assert fresh.exit_code == 0
    assert f"nothing to reprocess: all 2 articles were analysed by {EXTRACTOR_VERSION}" in fresh.stderr

    with open_store(filled_db) as store, store.engine.begin() as conn:
        conn.execute(text("UPDATE articles SET extractor = 'rules@0' WHERE id = 1"))
        conn.execute(text("UPDATE attributions SET extractor = 'rules@0' WHERE article_id = 1"))
    before = _report_json(runner, filled_db)["articles"]
    stale = runner.invoke(app, ["reprocess", "--db", filled_db])
    assert stale.exit_code == 0, stale.stderr
    assert f"reprocessed 1 of 2 articles with {EXTRACTOR_VERSION}" in stale.stderr
    after = _report_json(runner, filled_db)["articles"]
    assert {a["extractor"] for a in after} == {EXTRACTOR_VERSION}
    assert [a["ledger"] for a in after] == [a["ledger"] for a in before]

    everything = runner.invoke(app, ["reprocess", "--db", filled_db, "--all"])
    assert everything.exit_code == 0
    assert f"reprocessed 2 of 2 articles with {EXTRACTOR_VERSION}" in everything.stderr
    with open_store(filled_db) as store:
        assert store.count() == 2


def test_reprocess_with_a_failing_article_exits_3(
    runner: CliRunner, filled_db: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    before = _report_json(runner, filled_db)["articles"]
    _fail_batches_containing(monkeypatch, "officials")
    result = runner.invoke(app, ["reprocess", "--db", filled_db, "--all"])
    assert result.exit_code == 3
    assert "failed article 2: analysis failed (RuntimeError: boom)" in result.stderr
    assert f"reprocessed 1 of 2 articles with {EXTRACTOR_VERSION}, failed 1" in result.stderr
    assert _report_json(runner, filled_db)["articles"] == before  # the failed one kept its analysis


def test_reprocess_an_empty_database_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    db = _db(tmp_path)
    open_store(db).close()
    result = runner.invoke(app, ["reprocess", "--db", db])
    assert result.exit_code == 1
    assert "no articles stored yet" in result.stderr


# --------------------------------------------------------------------------- progress and --quiet


def test_progress_on_a_terminal_and_quiet_turns_it_off(
    runner: CliRunner, tmp_path: Path, articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import corroborate.app.runner

    monkeypatch.setenv("FORCE_COLOR", "1")  # rich takes stderr for a terminal
    monkeypatch.setattr(corroborate.app.runner, "PROGRESS_DELAY_S", 0)
    shown = _ingest(runner, str(articles), "--db", _db(tmp_path))
    assert shown.exit_code == 0, shown.stderr
    assert "ingesting" in shown.stderr and "articles: " in shown.stderr

    missing = tmp_path / "nowhere.txt"
    quiet = _ingest(runner, str(articles), str(missing), "--db", str(tmp_path / "q.db"), "--quiet")
    assert quiet.exit_code == 3
    # Errors and the summary stay; nothing else (no bar, no escape codes) is written.
    assert quiet.stderr.splitlines() == [
        f"skipped {missing}: no such file or directory",
        "ingested 2, already stored 0, skipped 1",
    ]
    assert quiet.stdout == ""

    again = runner.invoke(app, ["reprocess", "--db", str(tmp_path / "q.db"), "--all", "-q"])
    assert again.exit_code == 0, again.stderr
    assert again.stderr.splitlines() == [f"reprocessed 2 of 2 articles with {EXTRACTOR_VERSION}"]


def test_progress_shows_count_rate_and_eta(monkeypatch: pytest.MonkeyPatch) -> None:
    import time

    from rich.console import Console

    import corroborate.app.runner
    from corroborate.app.runner import Progress

    monkeypatch.setattr(corroborate.app.runner, "PROGRESS_DELAY_S", 0)
    progress = Progress("reprocessing", total=10, unit="articles")
    progress.console = Console(file=io.StringIO(), force_terminal=True, width=150)
    with progress:
        for _ in range(5):
            time.sleep(0.02)
            progress.advance()
        progress._bar.refresh()
        shown = progress.console.file.getvalue()
    assert "articles: 5/10" in shown
    assert "articles/s" in shown
    assert "eta" in shown

    off = Progress("reprocessing", total=10, unit="articles", enabled=False)
    off.console = Console(file=io.StringIO(), force_terminal=True)
    with off:
        off.advance(3)
    assert off.console.file.getvalue() == ""


# --------------------------------------------------------------------------- attributions (no database)


def test_attributions_jsonl_keeps_stdout_clean_and_order(
    runner: CliRunner, tmp_path: Path, articles: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    crlf = tmp_path / "crlf.txt"
    crlf.write_bytes(MAYOR.replace("\n", "\r\n").encode("utf-8") * 2)
    missing = tmp_path / "missing.txt"
    paths = [str(articles / "officials.txt"), str(missing), str(crlf), str(articles / "mayor.txt")]

    calls = []
    _wrap_analyze_articles(monkeypatch, lambda batch: calls.append(len(batch)))
    result = runner.invoke(app, ["attributions", *paths, "--format", "jsonl"])
    assert result.exit_code == 3
    assert calls == [3]  # the readable files were parsed as one batch
    lines = result.stdout.splitlines()
    assert len(lines) == len(paths)
    records = [json.loads(line) for line in lines]
    assert [r["file"] for r in records] == paths
    assert records[1] == {"file": str(missing), "error": "no such file or directory", "attributions": []}
    assert f"skipped {missing}: no such file or directory" in result.stderr
    for path, record in zip(paths, records, strict=True):
        if path == str(missing):
            continue
        with open(path, encoding="utf-8") as handle:
            text = handle.read()
        assert "error" not in record
        for att in record["attributions"]:
            assert set(att) == {
                "source",
                "cue",
                "content",
                "source_kind",
                "channel",
                "certainty",
                "direct",
                "source_entity",
            }
            assert isinstance(att["direct"], bool)
            entity = att["source_entity"]
            if entity is not None:  # the offsets of a mention that carries the name
                assert text[entity["start"] : entity["end"]] in entity["name"]
            for role in ("source", "cue", "content", "channel"):
                if att[role] is not None:
                    assert text[att[role]["start"] : att[role]["end"]] == att[role]["text"]
    assert records[3]["attributions"], "the mayor's statement is an attribution"


def test_attributions_all_good_exits_0(runner: CliRunner, articles: Path) -> None:
    result = runner.invoke(app, ["attributions", str(articles / "mayor.txt")])
    assert result.exit_code == 0
    assert result.stderr == ""
    assert json.loads(result.stdout)["file"] == str(articles / "mayor.txt")


def test_attributions_none_readable_exits_1(runner: CliRunner, tmp_path: Path) -> None:
    latin1 = tmp_path / "latin1.txt"
    latin1.write_bytes("Caf\xe9 owners said prices rose.".encode("latin-1"))
    result = runner.invoke(app, ["attributions", str(latin1)])
    assert result.exit_code == 1
    record = json.loads(result.stdout)
    assert record["attributions"] == []
    assert record["error"].startswith("not valid UTF-8")


# --------------------------------------------------------------------------- the seed examples, end to end


def test_examples_end_to_end(runner: CliRunner, tmp_path: Path) -> None:
    db = _db(tmp_path)
    result = _ingest(runner, str(EXAMPLES), "--db", db)
    assert result.exit_code == 0, result.stderr
    assert result.stderr.strip().splitlines()[-1] == "ingested 2, already stored 0, skipped 0"
    articles = _report_json(runner, db)["articles"]
    assert [(a["outlet"], a["published"]) for a in articles] == [
        ("Outlet A (000)", "2025-04-10"),
        ("Outlet B (002)", "2025-04-02"),
    ]
    assert articles[0]["title"] == "Musk may be inching toward the White House exit"
    assert all(a["ledger"]["total"] > 0 for a in articles)
    for article in articles:
        text = article["text"]
        for att in article["attributions"]:
            for role in ("source", "cue", "content", "channel"):
                if att[role] is not None:
                    assert text[att[role]["start"] : att[role]["end"]] == att[role]["text"]
        for furniture in article["boilerplate"]:
            assert furniture["end"] > furniture["start"]
    md = runner.invoke(app, ["report", "--db", db, "--format", "md"]).stdout
    assert "Outlet A (000)" in md and "Outlet B (002)" in md
    for article in articles:
        for furniture in article["boilerplate"]:
            assert furniture["snippet"] not in md
