"""Reports over hand-built analyses: JSON (schema-valid), CSV, Markdown, HTML."""

from __future__ import annotations

import csv
import io
import json
import re
from dataclasses import replace
from importlib import resources

import jsonschema
import pytest

from corroborate._version import __version__
from corroborate.report.common import ledger, shorten
from corroborate.report.render import CSV_COLUMNS, render
from corroborate.types import SOURCE_KINDS, Analysis, Article, Attribution, Span

SCHEMA = json.loads(resources.files("corroborate").joinpath("schemas/report.schema.json").read_text("utf-8"))


def _validate(document: dict) -> None:
    jsonschema.Draft202012Validator(SCHEMA, format_checker=jsonschema.FormatChecker()).validate(document)


def _two(analysis_factory) -> list[tuple[int, Analysis]]:
    quiet = analysis_factory("Nothing is cited in this one.", title=None, outlet=None, published=None)
    return [(1, analysis_factory(url="https://example.org/bridge")), (2, quiet)]


def test_schema_is_valid_draft_2020_12() -> None:
    jsonschema.Draft202012Validator.check_schema(SCHEMA)
    assert SCHEMA["$schema"] == "https://json-schema.org/draft/2020-12/schema"


def test_json_report_validates_and_carries_full_offsets(analysis_factory) -> None:
    document = json.loads(render(_two(analysis_factory), "json"))
    _validate(document)
    assert document["schema_version"] == 1
    assert document["generated_by"] == f"corroborate {__version__}"
    first, second = document["articles"]
    assert (first["id"], first["outlet"], first["published"], first["extractor"]) == (
        1,
        "The Gazette",
        "2025-04-10",
        "rules@1",
    )
    assert first["url"] == "https://example.org/bridge"
    text = first["text"]
    spans = [a[k] for a in first["attributions"] for k in ("source", "cue", "content", "channel") if a[k]]
    assert len(spans) == 9
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]
    assert first["attributions"][1]["channel"]["text"] == "the Gazette"
    assert first["attributions"][2]["source"] is None
    assert [b["kind"] for b in first["boilerplate"]] == ["read_more"]
    assert text[first["boilerplate"][0]["start"] : first["boilerplate"][0]["end"]].startswith("READ MORE")
    assert first["damage"] == [{"kind": "dropped_slot", "start": 183, "end": 193, "snippet": "$4 million"}]
    assert (second["title"], second["outlet"], second["published"]) == (None, None, None)


def test_ledger_counts_every_kind_and_the_anonymous_share(analysis_factory) -> None:
    document = json.loads(render(_two(analysis_factory), "json"))
    full, quiet = (a["ledger"] for a in document["articles"])
    assert list(full["by_source_kind"]) == list(SOURCE_KINDS)
    assert full["by_source_kind"] == {
        "person": 1,
        "organization": 0,
        "outlet": 0,
        "anonymous_individual": 0,
        "anonymous_group": 1,
        "document": 0,
        "unattributed": 1,
    }
    assert (full["total"], full["anonymous"], full["anonymous_share"]) == (3, 2, 0.6667)
    assert quiet == {
        "total": 0,
        "by_source_kind": dict.fromkeys(SOURCE_KINDS, 0),
        "anonymous": 0,
        "anonymous_share": None,
        "entities": [],
    }


def test_anonymous_share_counts_individuals_groups_and_unattributed() -> None:
    def att(kind: str) -> Attribution:
        return Attribution(source=None, cue=None, content=None, source_kind=kind)  # type: ignore[arg-type]

    kinds = [
        "anonymous_individual",
        "anonymous_group",
        "unattributed",
        "person",
        "document",
        "outlet",
        "organization",
        "person",
    ]
    counts = ledger([att(k) for k in kinds])
    assert counts["anonymous"] == 3
    assert counts["anonymous_share"] == 0.375


def test_csv_has_one_row_per_attribution(analysis_factory) -> None:
    analyses = _two(analysis_factory)
    text = render(analyses, "csv")
    rows = list(csv.DictReader(io.StringIO(text)))
    assert tuple(rows[0].keys()) == CSV_COLUMNS
    assert len(rows) == 3  # the second article has none
    person, group, unattributed = rows
    assert person["article_id"] == "1"
    assert (person["source_text"], person["source_kind"], person["cue_text"]) == (
        "Mayor Ana Ruiz",
        "person",
        "said",
    )
    assert (group["channel_text"], group["certainty"], group["direct"]) == ("the Gazette", "hedged", "false")
    assert unattributed["source_text"] == unattributed["source_start"] == ""
    article_text = analyses[0][1].article.text
    for row in rows:
        start, end = int(row["content_start"]), int(row["content_end"])
        assert article_text[start:end] == row["content_text"]
        assert row["extractor"] == "rules@1"


def test_csv_round_trips_commas_quotes_and_newlines(analysis_factory) -> None:
    text = 'He said "no, never,"\nand left.'
    att = Attribution(
        source=Span.of(text, 0, 2),
        cue=Span.of(text, 3, 7),
        content=Span.of(text, 8, 30),
        source_kind="person",
    )
    analysis = Analysis(
        article=Article(text=text, title='A, "quoted" title'), attributions=(att,), extractor="x@1"
    )
    (row,) = csv.DictReader(io.StringIO(render([(4, analysis)], "csv")))
    assert row["content_text"] == '"no, never,"\nand left.'
    assert row["title"] == 'A, "quoted" title'
    assert row["extractor"] == "x@1"


def test_markdown_report_is_readable(analysis_factory) -> None:
    md = render(_two(analysis_factory), "md")
    assert md.startswith("# Sourcing report")
    assert "## [1] Bridge to reopen" in md
    assert "## [2] (untitled)" in md
    for kind in SOURCE_KINDS:
        assert re.search(rf"^\| {kind} \| \d+ \|$", md, re.MULTILINE), kind
    assert "**Anonymous share:** 67% (2 of 3 attributions" in md
    assert "**Anonymous share:** n/a (no attributions)" in md
    assert (
        "| 2 | Officials, who asked not to be named | anonymous_group | told | the Gazette | hedged | no |"
        in md
    )
    assert "dropped\\_slot at 183–193" in md
    assert "READ MORE" not in md  # boilerplate is hidden
    assert "Boilerplate hidden: 1 range (read\\_more)" in md
    assert "No attributions found." in md


def test_markdown_escapes_table_breaking_text(analysis_factory) -> None:
    analysis = analysis_factory(title="Left | Right *bold*", outlet="A|B")
    md = render([(1, analysis)], "md")
    assert "## [1] Left \\| Right \\*bold\\*" in md
    assert "**Outlet:** A\\|B" in md


def test_long_content_is_shortened_with_an_ellipsis(analysis_factory) -> None:
    words = " ".join(["word"] * 80)
    text = f"Mayor Ana Ruiz said {words}."
    att = Attribution(
        source=Span.of(text, 0, 14),
        cue=Span.of(text, 15, 19),
        content=Span.of(text, 20, len(text)),
        source_kind="person",
    )
    analysis = Analysis(article=Article(text=text), attributions=(att,), extractor="rules@1")
    md = render([(1, analysis)], "md")
    row = next(line for line in md.splitlines() if line.startswith("| 1 |"))
    content_cell = row.rstrip(" |").rsplit(" | ", 1)[1]
    assert content_cell.endswith("…")
    assert len(content_cell) <= 120
    assert (
        json.loads(render([(1, analysis)], "json"))["articles"][0]["attributions"][0]["content"]["text"]
        == text[20:]
    )
    assert shorten("short enough") == "short enough"
    assert shorten("a  b\n c") == "a b c"


def test_displayed_content_leaves_out_boilerplate_inside_it(sample_analysis: Analysis) -> None:
    text = sample_analysis.article.text
    spanning = replace(
        sample_analysis.attributions[0],
        content=Span.of(text, text.index("the bridge"), text.index("told") - 1),
    )
    analysis = replace(sample_analysis, attributions=(spanning,))
    md = render([(1, analysis)], "md")
    html = render([(1, analysis)], "html")
    assert "Ten bridges" not in md
    assert "Ten bridges" not in html


def test_html_is_standalone_escaped_and_highlighted(analysis_factory) -> None:
    evil = analysis_factory(title="<script>alert(1)</script>", outlet='"Quotes" & <tags>')
    html = render([(1, evil), (2, analysis_factory(outlet="Other"))], "html")
    assert html.startswith("<!DOCTYPE html>")
    assert "<style>" in html
    lowered = html.lower()
    for needle in ("<script", "<link", " src=", "@import", "url("):
        assert needle not in lowered, needle
    assert not re.search(r"""(src|href)=["']?https?://(?!example\.org)""", lowered)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert "&quot;Quotes&quot; &amp; &lt;tags&gt;" in html
    assert re.search(r'<span class="source"[^>]*>Mayor Ana Ruiz</span>', html)
    assert re.search(r'<span class="cue"[^>]*>said</span>', html)
    assert re.search(r'<span class="content"[^>]*>the bridge will reopen in May</span>', html)
    assert re.search(r'<span class="channel"[^>]*>the Gazette</span>', html)
    assert "READ MORE" not in html and "Ten bridges" not in html
    assert "boilerplate hidden: read_more" in html
    assert "dropped_slot at 183–193" in html
    assert html.count("<article ") == 2


def test_unknown_format_is_rejected(sample_analysis: Analysis) -> None:
    with pytest.raises(ValueError, match="unknown report format"):
        render([(1, sample_analysis)], "pdf")  # type: ignore[arg-type]
