"""`corroborate batch` (PySpark on local[2]) and `batch.load_batch`.

The Spark tests share one module-scoped SparkSession and two batch runs (Spark start-up is slow);
they are skipped, with the reason, when pyspark, pyarrow or Java is missing.
"""

from __future__ import annotations

import json
import os
import shutil
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corroborate.batch import job as batch
from corroborate.batch.io import SparkUnavailable, article_id
from corroborate.cli.main import app
from corroborate.errors import UsageError
from corroborate.types import Article

ENGLISH = (
    "Mayor Ana Ruiz said on Tuesday that the bridge will reopen in May. "
    '"We are on schedule," she told reporters.\n'
    "Officials, who asked not to be named, told the Gazette the date may slip. "
    "The repairs cost $4 million, according to a city report.\n"
)
FRENCH = (
    "Le maire a déclaré mardi que le pont rouvrira en mai, selon un communiqué de la ville. "
    "Les travaux ont coûté quatre millions d'euros et les habitants attendent depuis des mois. "
    "Plusieurs responsables, qui ont demandé à ne pas être nommés, ont dit que la date pourrait glisser. "
    "La circulation reste difficile dans le centre et les commerçants se plaignent de la situation.\n"
)
HTML = """<html><head><title>Storm hits coast</title></head><body><article><h1>Storm hits coast</h1>
<p>The storm hit the coast on Sunday, the weather service said in a statement to reporters.</p>
<p>Thousands of homes lost power, according to the utility company, which said repairs would take days.</p>
</article></body></html>
"""
ARTICLE_COLUMNS = {"article_id", "origin", "url", "outlet", "title", "published", "text", "extractor"}
ATTRIBUTION_COLUMNS = {
    "article_id",
    "seq",
    *(f"{p}_{x}" for p in ("source", "cue", "content", "channel") for x in ("start", "end", "text")),
    "source_kind",
    "certainty",
    "direct",
    *(f"source_entity_{x}" for x in ("name", "start", "end")),
    "extractor",
}
FACT_COLUMNS = {
    "article_id",
    "seq",
    "kind",
    "start",
    "end",
    "text",
    "value",
    "value_high",
    "unit",
    "date_start",
    "date_end",
    "future",
    "quantity",
    "linked",
}
ERROR_COLUMNS = {"origin", "article_id", "stage", "error", "code", "reason"}


def _spark_missing() -> str | None:
    for module in ("pyspark", "pyarrow"):
        try:
            __import__(module)
        except ImportError:
            return f"{module} is not installed (pip install 'corroborate[spark]')"
    if not (shutil.which("java") or os.environ.get("JAVA_HOME")):
        return "Java is not installed (Spark needs Java 17 or newer on PATH or in JAVA_HOME)"
    return None


def _write_inputs(root: Path) -> Path:
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(ENGLISH, encoding="utf-8")
    (root / "a.meta.json").write_text(json.dumps({"outlet": "Gazette", "url": "https://gz.example/a"}))
    (root / "sub" / "b.txt").write_text(
        "The company said profits rose 20% last year, according to Reuters.\n", encoding="utf-8"
    )
    lines = [
        json.dumps({"text": "The minister said the tax would rise by 2 percent.", "url": "https://ex.com/1"}),
        "{not json",
        json.dumps({"text": "Police said three people were arrested on Friday.", "url": "https://ex.com/2"}),
        json.dumps({"text": "The minister said it again.", "url": "https://ex.com/1"}),  # same URL
    ]
    (root / "c.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    records = [
        {"text": "The governor announced the plan on Monday, officials said.", "published": "2024-03-01"},
        {"title": "no text at all"},
    ]
    (root / "d.json").write_text(json.dumps(records), encoding="utf-8")
    (root / "e.html").write_text(HTML, encoding="utf-8")
    (root / "bad.txt").write_bytes(b"\x00\x01\x02 binary \x00")
    (root / "fr.txt").write_text(FRENCH, encoding="utf-8")
    (root / "notes.md").write_text("not an article format\n", encoding="utf-8")
    return root


# articles: a.txt, sub/b.txt, c.jsonl:1, c.jsonl:3, d.json[0], e.html
EXPECTED_ARTICLES = 6
# errors: bad.txt, c.jsonl:2, c.jsonl:4 (duplicate), d.json[1], fr.txt, notes.md
EXPECTED_ERRORS = {
    "bad.txt": "BinaryInput",
    "c.jsonl:2": "BadRecord",
    "c.jsonl:4": "DuplicateArticle",
    "d.json[1]": "BadRecord",
    "fr.txt": "NotEnglish",
    "notes.md": "UnsupportedFormat",
}


@pytest.fixture(scope="module")
def spark():
    reason = _spark_missing()
    if reason:
        pytest.skip(reason)
    session = batch.spark_session("local[2]")
    yield session
    session.stop()


@pytest.fixture(scope="module")
def inputs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return _write_inputs(tmp_path_factory.mktemp("batch-in"))


@pytest.fixture(scope="module")
def first_run(spark, inputs: Path, tmp_path_factory: pytest.TempPathFactory):
    out = tmp_path_factory.mktemp("batch-out") / "run1"
    result = batch.run_batch(str(inputs / "**"), str(out), mode="fast")
    return result, out


def _table(out: Path, name: str):
    import pyarrow.parquet as pq

    return pq.read_table(out / name)


# --------------------------------------------------------------------------- with Spark


def test_tables_have_the_rows_and_columns(first_run) -> None:
    result, out = first_run
    articles, atts, facts, errors = (_table(out, n) for n in ("articles", "attributions", "facts", "errors"))
    assert articles.num_rows == result.articles == EXPECTED_ARTICLES
    assert errors.num_rows == result.errors == len(EXPECTED_ERRORS)
    assert result.duplicates == 1 and result.files == 8
    assert atts.num_rows == result.attributions > 0
    assert facts.num_rows == result.facts > 0
    assert set(articles.column_names) >= ARTICLE_COLUMNS
    assert set(atts.column_names) == ATTRIBUTION_COLUMNS
    assert set(facts.column_names) == FACT_COLUMNS
    assert set(errors.column_names) >= ERROR_COLUMNS
    ids = set(articles.column("article_id").to_pylist())
    assert len(ids) == EXPECTED_ARTICLES
    assert set(atts.column("article_id").to_pylist()) <= ids
    assert set(facts.column("article_id").to_pylist()) <= ids
    by_origin = {Path(row["origin"]).name: row for row in articles.to_pylist()}
    assert by_origin["a.txt"]["url"] == "https://gz.example/a" and by_origin["a.txt"]["outlet"] == "Gazette"
    assert str(by_origin["d.json[0]"]["published"]) == "2024-03-01"


def test_bad_records_land_in_errors_with_reasons(first_run) -> None:
    _, out = first_run
    rows = _table(out, "errors").to_pylist()
    found = {Path(r["origin"]).name: r for r in rows}
    assert {k: r["error"] for k, r in found.items()} == EXPECTED_ERRORS
    assert all(r["reason"] for r in rows)
    assert "malformed JSON" in found["c.jsonl:2"]["reason"]
    assert "c.jsonl:1" in found["c.jsonl:4"]["reason"] and found["c.jsonl:4"]["stage"] == "duplicate"
    assert found["fr.txt"]["stage"] == "ingest" and found["fr.txt"]["code"] == "E106"


def test_load_batch_rebuilds_the_analyses(first_run) -> None:
    _, out = first_run
    loaded = list(batch.load_batch(out))
    assert len(loaded) == EXPECTED_ARTICLES
    assert loaded[0][0].url == "https://gz.example/a"  # input order: a.txt comes first
    assert sum(len(a.attributions) for _, a in loaded) == first_run[0].attributions
    assert sum(len(a.facts) for _, a in loaded) == first_run[0].facts
    for article, analysis in loaded:
        assert analysis.article is article and analysis.extractor
        spans = [s for a in analysis.attributions for s in (a.source, a.cue, a.content, a.channel) if s]
        spans += [f.span for f in analysis.facts]
        assert all(article.text[s.start : s.end] == s.text for s in spans)


def test_cli_overwrite_reruns_with_the_same_ids(first_run, inputs: Path, tmp_path: Path) -> None:
    out = tmp_path / "run2"
    out.mkdir()
    (out / "stale.txt").write_text("old")
    args = [
        "batch",
        "--input",
        str(inputs / "**"),
        "--output",
        str(out),
        "--master",
        "local[2]",
        "--mode",
        "fast",
    ]
    refused = CliRunner().invoke(app, args)
    assert refused.exit_code == 2 and "--overwrite" in refused.output
    result = CliRunner().invoke(app, [*args, "--overwrite"])
    assert result.exit_code == 3, result.output  # some records were bad
    assert "wrote 6 articles" in result.output
    first = _table(first_run[1], "articles").select(["origin", "article_id"]).to_pylist()
    second = _table(out, "articles").select(["origin", "article_id"]).to_pylist()
    assert sorted(map(str, first)) == sorted(map(str, second))
    assert sorted(_table(first_run[1], "facts").column("article_id").to_pylist()) == sorted(
        _table(out, "facts").column("article_id").to_pylist()
    )


# --------------------------------------------------------------------------- without Spark


def test_existing_output_is_refused_before_spark_starts(inputs: Path, tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="already exists"):
        batch.run_batch(str(inputs / "*.txt"), str(tmp_path))
    (tmp_path / "file").write_text("x")
    with pytest.raises(UsageError, match="not a directory"):
        batch.run_batch(str(inputs / "*.txt"), str(tmp_path / "file"), overwrite=True)


def test_missing_pyspark_is_a_typed_error(
    monkeypatch: pytest.MonkeyPatch, inputs: Path, tmp_path: Path
) -> None:
    monkeypatch.setitem(sys.modules, "pyspark", None)
    with pytest.raises(SparkUnavailable, match=r"pip install 'corroborate\[spark\]'"):
        batch.run_batch(str(inputs / "*.txt"), str(tmp_path / "out"))
    result = CliRunner().invoke(
        app, ["batch", "--input", str(inputs / "*.txt"), "--output", str(tmp_path / "o")]
    )
    assert result.exit_code == 1 and "corroborate[spark]" in result.output


def test_expand_inputs_sorts_expands_and_dedupes(inputs: Path) -> None:
    found = batch.expand_inputs(str(inputs / "**"))
    names = [os.path.relpath(p, inputs) for p, problem in found]
    assert names == sorted(names) and len(names) == len(set(names))
    assert "a.meta.json" not in names and os.path.join("sub", "b.txt") in names
    assert all(problem is None for _, problem in found)
    with pytest.raises(UsageError, match="no files match"):
        batch.expand_inputs(str(inputs / "*.nothing"))


def test_article_ids_are_deterministic() -> None:
    assert article_id(Article(text="a", url="https://x/1")) == article_id(
        Article(text="b", url="https://x/1")
    )
    assert article_id(Article(text="a", outlet="O")) != article_id(Article(text="a", outlet="P"))
    assert len(article_id(Article(text="a"))) == 24


def test_load_batch_refuses_other_folders(tmp_path: Path) -> None:
    pytest.importorskip("pyarrow")
    with pytest.raises(UsageError, match="not a `corroborate batch` output"):
        list(batch.load_batch(tmp_path))


def test_story_features_come_from_the_executors_and_group_as_ingest_does(spark, tmp_path: Path) -> None:
    """Spark computes story features (entities, facts, embedding) in parallel; the store's single
    writer only assigns stories, to the same stories as a single-process ingest."""
    from corroborate.app.ingest import ingest_items
    from corroborate.ingest.inputs import iter_inputs
    from corroborate.store.articles import open_store
    from corroborate.store.schema import story_features_table
    from corroborate.store.stories import group_pending, story_of

    fixtures = Path(__file__).parent / "fixtures" / "stories"
    src = tmp_path / "in"
    src.mkdir()
    for i, name in enumerate(["quake_hualien", "quake_chiayi", "unrelated", "quake_hualien_followup"]):
        shutil.copy(fixtures / f"{name}.txt", src / f"{i}_{name}.txt")
    out = tmp_path / "out"
    batch.run_batch(str(src / "*.txt"), str(out), mode="fast", partitions=2)
    loaded = list(batch.load_batch(out, story_features=True))
    assert len(loaded) == 4 and all(features for _, _, features in loaded)

    runner = CliRunner()
    db = tmp_path / "spark.db"
    result = runner.invoke(app, ["stories", "--db", str(db), "--from-batch", str(out), "--format", "json"])
    assert result.exit_code == 0, result.output
    single = open_store(str(tmp_path / "single.db"))
    ingest_items(
        single, iter_inputs([str(src / f) for f in sorted(p.name for p in src.iterdir())]), mode="fast"
    )
    with open_store(str(db), create=False) as spark_store:
        with spark_store.read() as conn:
            stored = {r.article_id: r.features for r in conn.execute(story_features_table.select())}
        by_text = {}
        for article_id, article in spark_store.iter_articles():
            by_text[article.text] = story_of(spark_store, article_id)
    group_pending(single)
    expected = {article.text: story_of(single, i) for i, article in single.iter_articles()}
    assert len(stored) == 4 and {t: expected[t] for t in by_text} == by_text
    hualien, chiayi, _, followup = (
        by_text[(fixtures / f"{n}.txt").read_text(encoding="utf-8")]
        for n in ["quake_hualien", "quake_chiayi", "unrelated", "quake_hualien_followup"]
    )
    assert hualien == followup != chiayi
