"""Shared by the claim-check tests: a store holding tests/fixtures/check/articles.jsonl (written for these
tests: a claim two outlets support, with a copy; a claim denied on record; an unrelated article)."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

ROOT = Path(__file__).resolve().parent
ARTICLES = ROOT / "fixtures" / "check" / "articles.jsonl"
SCHEMA = json.loads(resources.files("corroborate").joinpath("schemas/check.json").read_text("utf-8"))

LIBRARY = "Brookhaven will close its central library in March"
RESIGNED = "Mayor Jane Ortiz resigned"
NO_COVERAGE = "Volcano erupts beneath the Antarctic ice sheet"


def fill_store(path: Path) -> str:
    """Ingest the fixture articles (fast mode) into a new SQLite file; returns its path."""
    from typer.testing import CliRunner

    from corroborate.cli.main import app

    result = CliRunner().invoke(app, ["ingest", str(ARTICLES), "--db", str(path), "--mode", "fast", "-q"])
    assert result.exit_code == 0, result.output
    return str(path)


def validate(document: dict) -> None:
    import jsonschema

    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)
