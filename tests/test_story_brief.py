"""The story brief renderers: Markdown, JSON and a standalone, escaped HTML page."""

from __future__ import annotations

import json
import re
from datetime import date

import pytest

from corroborate.corroboration.build import build_story
from corroborate.report.story_brief import render
from corroborate.types import to_json
from story_support import analysis, att, date_fact, member

HOSTILE = "<script>alert(1)</script>"


@pytest.fixture(scope="module")
def report():
    a_text = f"Officials said the mayor of Café {HOSTILE} will resign by the end of May."
    b_text = "An aide told Evil<script>News that the mayor would step down."
    fact = date_fact(a_text, "the end of May", date(2025, 5, 25), date(2025, 5, 31), date(2025, 4, 1))
    a = analysis(
        a_text,
        [
            att(
                a_text,
                "Officials",
                "said",
                f"the mayor of Café {HOSTILE} will resign by the end of May",
                "anonymous_group",
            )
        ],
        title=f"Mayor to quit {HOSTILE}",
        outlet=f"Gazette {HOSTILE}",
        facts=[fact],
    )
    b = analysis(
        b_text,
        [
            att(
                b_text,
                "An aide",
                "told",
                "that the mayor would step down",
                "anonymous_individual",
                channel="Evil<script>News",
            )
        ],
        outlet="Herald",
        published=date(2025, 4, 2),
    )
    return build_story("story-1", [member(1, a), member(2, b)])


def test_json_is_the_report_dict(report):
    out = render(report, "json")
    assert json.loads(out) == json.loads(json.dumps(to_json(report)))
    assert "Café" in out  # ensure_ascii=False
    assert out.startswith('{\n  "id": "story-1"')


def test_markdown_has_every_section(report):
    out = render(report, "md")
    for heading in (
        "# Story:",
        "## Articles",
        "## Claims",
        "## Conflicting figures",
        "## Relay graph",
        "## Predictions",
        "## Timeline",
    ):
        assert heading in out
    assert "| Claim | Status | Sourcing |" in out
    assert "corroborated" in out and "anonymous_only" in out
    assert re.search(r"- Herald → Evil\\<script\\>News ×1", out)
    assert "2025-05-25 – 2025-05-31" in out
    assert "<script>" not in out  # Markdown special characters are escaped


def test_html_is_standalone_and_escapes_hostile_text(report):
    out = render(report, "html")
    assert out.startswith("<!DOCTYPE html>") and out.rstrip().endswith("</html>")
    assert "<script" not in out.lower()
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in out
    assert "Evil&lt;script&gt;News" in out
    assert out.count("<svg") == 2  # relay graph and timeline
    assert "<style>" in out and not re.search(r"""(?:src|href)=["']?https?:""", out)
    assert "corroborated" in out and "Café" in out


def test_unknown_format_is_rejected(report):
    with pytest.raises(ValueError):
        render(report, "pdf")


def test_empty_story_renders():
    empty = build_story("empty", [])
    for fmt in ("md", "json", "html"):
        assert render(empty, fmt)
