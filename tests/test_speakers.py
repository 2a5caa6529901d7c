"""Speaker resolution (``source_entity``): golden sentences for the hard cases, scoring, and the store."""

from __future__ import annotations

import re
import sqlite3
from dataclasses import replace
from pathlib import Path

import pytest

from conftest import build_analysis
from corroborate.analysis.pipeline import analyze
from corroborate.eval.speakers import SpeakerLabel, correct, same_name
from corroborate.store.articles import open_store
from corroborate.store.database import Database, create_db_engine, migrate
from corroborate.types import Entity, to_json

# (text, source as written, which occurrence of it (0 = first), the name it must resolve to or None)
GOLDEN = [
    pytest.param(  # two men in one paragraph: the subject of the sentence before, not its object
        "Sen. Chuck Schumer met Mitch McConnell on Tuesday. He said the talks had gone well.",
        "He",
        0,
        "Chuck Schumer",
        id="two-men-one-paragraph",
    ),
    pytest.param(  # two men, and the second is the one who speaks
        "Mitch McConnell waited outside. Sen. Chuck Schumer left the meeting early, and he said it had failed.",
        "he",
        0,
        "Chuck Schumer",
        id="two-men-the-later-subject",
    ),
    pytest.param(  # a quotation that runs over paragraphs: the speaker goes on, a title and a surname
        "President Donald Trump spoke in Ohio on Friday.\n\n"
        "\u201cI could do the wall over a longer period of time,\u201d Mr. Trump said.\n\n"
        "\u201cI didn\u2019t need to do this,\u201d he said. \u201cI want to get it done faster.\u201d",
        "he",
        0,
        "Donald Trump",
        id="quote-over-paragraphs",
    ),
    pytest.param(
        "President Donald Trump spoke in Ohio on Friday.\n\n"
        "\u201cI could do the wall over a longer period of time,\u201d Mr. Trump said.",
        "Mr. Trump",
        0,
        "Donald Trump",
        id="title-and-surname-to-full-name",
    ),
    pytest.param(  # "they" for a group: a named body is taken up
        "The Republican National Committee filed a complaint on Monday. They said the rules had been broken.",
        "They",
        0,
        "Republican National Committee",
        id="they-for-a-body",
    ),
    pytest.param(  # "they" for people taken together: no one entity, no invented name
        "Senators Charles Grassley and Patrick Leahy wrote to the leaders. They said the program was flawed.",
        "They",
        0,
        None,
        id="they-for-two-people-stays-null",
    ),
    pytest.param(  # the name first appears after the pronoun
        "\u201cWe will not back down,\u201d she said on Tuesday.\n\n"
        "Elizabeth Warren, who chairs the panel, spoke for an hour.",
        "she",
        0,
        "Elizabeth Warren",
        id="name-after-the-pronoun",
    ),
    pytest.param(  # a spokesman for a named organization speaks for it
        "A spokesman for the Justice Department said the case was closed.",
        "A spokesman for the Justice Department",
        0,
        "Justice Department",
        id="spokesman-for-a-named-organization",
    ),
    pytest.param(  # a definite description: the role the article gave a name
        "Sen. Chuck Schumer spoke on Monday. The senator said the bill would pass.",
        "The senator",
        0,
        "Chuck Schumer",
        id="the-senator",
    ),
    pytest.param(  # gender agreement picks the woman over the nearer man
        "Hillary Clinton met Bill de Blasio in the city. She said the visit went well.",
        "She",
        0,
        "Hillary Clinton",
        id="she-agrees-in-gender",
    ),
    pytest.param(  # an anonymous source stays null
        "A senior official said the talks had stalled.",
        "A senior official",
        0,
        None,
        id="anonymous-stays-null",
    ),
]


def _source(analysis, written: str, occurrence: int):
    found = re.finditer(rf"\b{re.escape(written)}\b", analysis.article.text)
    start = [m.start() for m in found][occurrence]
    for att in analysis.attributions:
        if att.source is not None and att.source.start == start:
            return att
    raise AssertionError(f"no attribution with source {written!r} at {start}: {analysis.attributions}")


@pytest.mark.parametrize(("text", "written", "occurrence", "name"), GOLDEN)
def test_golden_sentences(text: str, written: str, occurrence: int, name: str | None) -> None:
    att = _source(analyze(text, mode="fast"), written, occurrence)
    if name is None:
        assert att.source_entity is None
    else:
        assert att.source_entity is not None and att.source_entity.name == name
        # the offsets are those of a mention that carries the name
        mention = text[att.source_entity.start : att.source_entity.end]
        assert mention and set(mention.split()) <= set(name.split())


def test_entity_json_is_name_start_end() -> None:
    analysis = analyze("Sen. Chuck Schumer met reporters. He said the talks went well.", mode="fast")
    assert to_json(analysis.attributions[0])["source_entity"] == {
        "name": "Chuck Schumer",
        "start": 5,
        "end": 18,
    }


@pytest.mark.parametrize(
    ("predicted", "gold", "same"),
    [
        ("Obama", "Barack Obama", True),
        ("Donald J. Trump", "Donald Trump", True),
        ("Bill Clinton", "Hillary Clinton", False),
        (
            "U.S. Court of Appeals for the District of Columbia Circuit",
            "Court of Appeals for the District of Columbia Circuit",
            True,
        ),
        ("Trump", "Trump campaign", False),
        ("the S.E.C.", "SEC", True),
    ],
)
def test_same_name(predicted: str, gold: str, same: bool) -> None:
    assert same_name(predicted, gold) is same


def test_none_labels_want_no_entity() -> None:
    label = SpeakerLabel("doc", 0, 2, "he", "pronoun", None)
    assert correct(label, None) and not correct(label, "Donald Trump")


# --------------------------------------------------------------------------- the store


def _with_entity():
    analysis = build_analysis()
    first = analysis.attributions[0]
    entity = Entity("Ana Ruiz", first.source.start + 6, first.source.end)
    return replace(analysis, attributions=(replace(first, source_entity=entity), *analysis.attributions[1:]))


def test_source_entity_round_trips_through_the_store(db_url: str) -> None:
    analysis = _with_entity()
    with open_store(db_url) as store:
        article_id, _ = store.save(analysis.article, analysis)
        loaded = store.load(article_id)
    assert loaded == analysis
    assert loaded.attributions[0].source_entity == Entity("Ana Ruiz", 6, 14)
    assert loaded.attributions[1].source_entity is None


def test_migration_0003_adds_the_source_entity_column(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    url = f"sqlite:///{path}"
    db = Database(create_db_engine(url), url)
    try:
        migrate(db, "0002")
        with sqlite3.connect(path) as raw:
            before = [row[1] for row in raw.execute("PRAGMA table_info(attributions)")]
        migrate(db, "0003")
    finally:
        db.close()
    with sqlite3.connect(path) as raw:
        after = [row[1] for row in raw.execute("PRAGMA table_info(attributions)")]
        version = raw.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    assert "source_entity" not in before and "source_entity" in after and version == "0003"


# --------------------------------------------------------------------------- reports


def test_reports_show_the_entity_and_count_a_resolved_pronoun_on_record() -> None:
    from corroborate.report.common import ledger
    from corroborate.report.render import render

    text = (
        "Sen. Chuck Schumer spoke on Monday. He said the bill would pass. A senior aide said it would fail."
    )
    analysis = analyze(text, mode="fast")
    he = _source(analysis, "He", 0)
    assert he.source_entity.name == "Chuck Schumer"
    counts = ledger(analysis.attributions)
    assert counts["entities"] == [{"name": "Chuck Schumer", "attributions": 1}]
    assert counts["anonymous"] == 1  # the aide; "He" is on record as Chuck Schumer
    assert "He (Chuck Schumer)" in render([(1, analysis)], "md")
    page = render([(1, analysis)], "html")
    assert 'data-start="5" data-end="18"' in page and "He (Chuck Schumer)" in page
    assert "Sources by entity:</strong> Chuck Schumer (1)" in page


# --------------------------------------------------------------------------- the web page


def test_article_page_shows_the_entity_and_marks_its_mention(tmp_path: Path) -> None:
    from web_support import client

    text = "Sen. Chuck Schumer spoke on Monday. He said the bill would pass."
    analysis = analyze(text, mode="fast")
    url = "sqlite:///" + str(tmp_path / "web.db")
    with open_store(url) as store:
        article_id, _ = store.save(analysis.article, analysis)
    with client(url) as web:
        page = web.get(f"/articles/{article_id}").text
        api = web.get(f"/api/v1/articles/{article_id}").json()
    assert "He (Chuck Schumer)" in page
    assert re.search(r'<span class="[^"]*\bante\b[^"]*"[^>]*data-ante="1"[^>]*>Chuck Schumer</span>', page)
    assert api["attributions"][0]["source_entity"] == {"name": "Chuck Schumer", "start": 5, "end": 18}


# --------------------------------------------------------------------------- counting by entity


def test_one_entity_across_outlets_is_one_source_and_a_resolved_he_is_on_record() -> None:
    from corroborate.corroboration.build import build_story
    from corroborate.corroboration.entities import entity_keys
    from story_support import analysis, att, member

    first = "Donald Trump spoke in Ohio. He said the mayor will resign."
    second = "President Trump said the mayor will resign."
    he = replace(
        att(first, "He", "said", "the mayor will resign", "person"),
        source_entity=Entity("Donald Trump", 0, 12),
    )
    trump = replace(
        att(second, "President Trump", "said", "the mayor will resign", "person"),
        source_entity=Entity("Trump", 10, 15),
    )
    report = build_story(
        "s",
        [
            member(1, analysis(first, [he], outlet="Gazette")),
            member(2, analysis(second, [trump], outlet="Herald")),
        ],
    )
    (claim,) = [c for c in report.claims if "resign" in c.text]
    keys = {s.independent_key for s in claim.sources if not s.own_voice}
    assert keys == {"named:donald trump"}  # one source, not two: "Trump" and "he" (Donald Trump) are one man
    assert claim.status == "on_record" and claim.sourcing == "named"
    assert [s.source_entity.name for s in claim.sources if s.source_entity] == ["Donald Trump", "Trump"]
    assert (
        entity_keys(["Bill Clinton", "Hillary Clinton", "Clinton"])["Bill Clinton"]
        != entity_keys(["Bill Clinton", "Hillary Clinton"])["Hillary Clinton"]
    )


def test_a_pronoun_with_an_anonymous_kind_but_a_named_entity_is_on_record() -> None:
    from corroborate.corroboration.build import build_story
    from story_support import analysis, att, member

    text = "Donald Trump spoke. A senior aide left. He said the mayor will resign."
    he = replace(
        att(text, "He", "said", "the mayor will resign", "anonymous_individual"),
        source_entity=Entity("Donald Trump", 0, 12),
    )
    (claim,) = [c for c in build_story("s", [member(1, analysis(text, [he]))]).claims if "resign" in c.text]
    (source,) = [s for s in claim.sources if not s.own_voice]
    assert (source.kind, source.named, source.on_record) == ("person", True, True)


def test_an_unattributed_quotation_goes_on_from_the_named_speaker_before_it() -> None:
    from corroborate.attribution.speakers import resolve_speakers
    from corroborate.text.nlp import load_nlp
    from corroborate.types import Attribution, Span

    text = (
        "President Donald Trump spoke in Ohio.\n\n"
        "\u201cI could do the wall over a longer period,\u201d Mr. Trump said.\n\n"
        "\u201cI didn\u2019t need to do this.\u201d\n\nCritics said the wall was a waste."
    )

    def span(s: str) -> Span:
        start = text.index(s)
        return Span.of(text, start, start + len(s))

    first = Attribution(
        span("Mr. Trump"),
        span("said"),
        span("\u201cI could do the wall over a longer period,\u201d"),
        "person",
        direct=True,
    )
    second = Attribution(
        None, None, span("\u201cI didn\u2019t need to do this.\u201d"), "unattributed", direct=True
    )
    critics = Attribution(span("Critics"), span("said the"), span("the wall was a waste"), "anonymous_group")
    alone = Attribution(None, None, span("the wall was a waste"), "unattributed")
    resolved = resolve_speakers(load_nlp()(text), (first, second, critics, alone))
    assert [a.source_entity.name if a.source_entity else None for a in resolved] == [
        "Donald Trump",
        "Donald Trump",
        None,
        None,
    ]
