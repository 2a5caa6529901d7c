"""`corroborate stories`, `facts` and `report --story` over a database holding the two seed articles."""

from __future__ import annotations

import csv
import io
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from corroborate.cli.main import app

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
runner = CliRunner()


def invoke(*args: str):
    return runner.invoke(app, list(args))


@pytest.fixture(scope="module")
def seeded(tmp_path_factory) -> str:
    db = str(tmp_path_factory.mktemp("stories") / "seeds.db")
    result = invoke("ingest", str(EXAMPLES), "--db", db)
    assert result.exit_code == 0, result.output
    return db


@pytest.fixture(scope="module")
def stories_json(seeded) -> dict:
    result = invoke("stories", "--db", seeded, "--format", "json")
    assert result.exit_code == 0, result.output
    return json.loads(result.stdout)


def test_seeds_make_one_story_with_both_articles(stories_json):
    (story,) = stories_json["stories"]
    assert {"id", "title", "first_published", "last_published", "articles", "claims"} <= set(story)
    assert story["first_published"] == "2025-04-02"
    assert story["last_published"] == "2025-04-10"
    assert [a["outlet"] for a in story["articles"]] == ["Outlet B (002)", "Outlet A (000)"]
    for article in story["articles"]:
        assert set(article) >= {"id", "url", "outlet", "title", "published", "copy_of"}
        assert article["url"] is None  # the sidecars give no URL
        assert article["copy_of"] is None


def test_departure_claim_rests_on_anonymous_sources_across_two_outlets(stories_json):
    (story,) = stories_json["stories"]
    departure = [
        c
        for c in story["claims"]
        if "Musk" in c["text"] and any(w in c["text"].lower() for w in ("step", "leave", "exit"))
    ]
    assert departure, [c["text"] for c in story["claims"]]
    claim = departure[0]
    assert claim["sourcing"] == "anonymous_only"
    assert claim["outlets"] == 2
    assert set(claim["stances"].values()) == {"discusses"}
    assert len(claim["stances"]) == 2


def test_story_ids_are_stable_across_runs(tmp_path, stories_json):
    copy = tmp_path / "examples"
    shutil.copytree(EXAMPLES, copy)
    db = str(tmp_path / "again.db")
    assert invoke("ingest", str(copy), "--db", db).exit_code == 0
    again = json.loads(invoke("stories", "--db", db, "--format", "json").stdout)
    assert [s["id"] for s in again["stories"]] == [s["id"] for s in stories_json["stories"]]


def test_stories_markdown_lists_the_story(seeded, stories_json):
    result = invoke("stories", "--db", seeded)
    assert result.exit_code == 0
    (story,) = stories_json["stories"]
    assert story["id"] in result.stdout
    assert "Outlet A (000)" in result.stdout and "Outlet B (002)" in result.stdout


def test_facts_json_has_linked_currencies_and_the_prediction_window(seeded):
    result = invoke("facts", "--db", seeded, "--format", "json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    by_text = {f["span"]["text"]: f for f in data["facts"]}
    usd, gbp = by_text["$277 million"], by_text["£210 million"]
    assert (usd["unit"], gbp["unit"]) == ("USD", "GBP")
    assert usd["article_id"] == gbp["article_id"]
    assert usd["linked"] == gbp["index"] and gbp["linked"] == usd["index"]
    window = by_text["late May or early June"]
    assert (window["date_start"], window["date_end"], window["future"]) == ("2025-05-21", "2025-06-10", True)
    assert data["conflicts"] == []


def test_facts_csv_and_story_filter(seeded, stories_json):
    story_id = stories_json["stories"][0]["id"]
    result = invoke("facts", "--db", seeded, "--story", story_id, "--format", "csv")
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(io.StringIO(result.stdout)))
    assert {"20-25%", "125%", "£16 million"} <= {r["text"] for r in rows}
    pct = next(r for r in rows if r["text"] == "20-25%")
    assert (float(pct["value"]), float(pct["value_high"]), pct["unit"]) == (20.0, 25.0, "%")


def test_facts_of_an_unknown_story_is_an_error(seeded):
    result = invoke("facts", "--db", seeded, "--story", "s-nonexistent")
    assert result.exit_code == 1
    assert "s-nonexistent" in result.stderr


@pytest.mark.parametrize("fmt", ["md", "json", "html"])
def test_report_story_brief(seeded, stories_json, fmt):
    story_id = stories_json["stories"][0]["id"]
    result = invoke("report", "--db", seeded, "--story", story_id, "--format", fmt)
    assert result.exit_code == 0, result.output
    if fmt == "json":
        brief = json.loads(result.stdout)
        assert brief["id"] == story_id
        relayed = {(r["from_outlet"], r["to_outlet"]) for r in brief["relays"]}
        assert {
            ("Outlet A (000)", "The Washington Post"),
            ("Outlet A (000)", "Rolling Stone"),
            ("Outlet A (000)", "Axios"),
        } <= relayed
        windows = [(p["window_start"], p["window_end"]) for p in brief["predictions"]]
        assert ("2025-05-21", "2025-06-10") in windows
    elif fmt == "html":
        assert result.stdout.lstrip().lower().startswith("<!doctype html")
        assert "<svg" in result.stdout
    else:
        assert "Washington Post" in result.stdout


def test_report_story_as_csv_is_a_usage_error(seeded, stories_json):
    story_id = stories_json["stories"][0]["id"]
    result = invoke("report", "--db", seeded, "--story", story_id, "--format", "csv")
    assert result.exit_code == 2
    assert "csv" in result.stderr


def test_stories_on_an_empty_database(tmp_path):
    db = str(tmp_path / "empty.db")
    result = invoke("stories", "--db", db, "--format", "json")
    assert result.exit_code == 1  # no database yet: nothing to list
    assert "ingest" in result.stderr
