"""The two seed articles as one story: the departure claim, its sourcing, the relays, the prediction.

Outlet B (002, 2025-04-02) reports on anonymous sources that Musk will step back; Outlet A (000,
2025-04-10) relays the Washington Post, Rolling Stone and Axios and reports insiders saying he may be
edging toward the exit. Neither asserts the departure in its own voice. (Grouping the two into one story
is tested with the story index; here they are given as the members.)
"""

from __future__ import annotations

import json
import re
from datetime import date
from pathlib import Path

import pytest

from corroborate import analyze_articles
from corroborate.corroboration.build import build_story
from corroborate.corroboration.model import StoryMember
from corroborate.types import Article, parse_iso_date, to_json

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
DEPARTURE = re.compile(
    r"\b(?:leav\w*|left|step(?:s|ped|ping)? (?:down|back|aside|away)|exit(?:s|ed|ing)?|resign\w*|depart(?:s|ed|ing|ure)?)\b",
    re.I,
)


def _article(prefix: str) -> tuple[int, Article]:
    (path,) = EXAMPLES.glob(f"{prefix}_*.txt")
    meta = json.loads(path.with_suffix(".meta.json").read_text(encoding="utf-8"))
    text = path.read_text(encoding="utf-8")
    article = Article(
        text=text,
        title=meta.get("title"),
        outlet=meta.get("outlet"),
        url=meta.get("url"),
        published=parse_iso_date(meta.get("published")),
    )
    return int(prefix), article


@pytest.fixture(scope="module")
def members() -> list[StoryMember]:
    ids, articles = zip(*(_article(p) for p in ("000", "002")), strict=True)
    analyses = list(analyze_articles(articles))  # mode "accurate", the default
    return [StoryMember(i, a, None) for i, a in zip(ids, analyses, strict=True)]


@pytest.fixture(scope="module")
def story(members):
    return build_story("seed-story", members)


@pytest.fixture(scope="module")
def departure(story):
    found = [c for c in story.claims if re.search(r"\bMusk\b", c.text) and DEPARTURE.search(c.text)]
    assert len(found) == 1, [c.text for c in story.claims]
    return found[0]


def test_story_metadata(story):
    assert story.title == "Musk to step back from DOGE 'soon', Trump tells cabinet"  # the founding article's
    assert (story.first_published, story.last_published) == (date(2025, 4, 2), date(2025, 4, 10))
    assert [a.id for a in story.articles] == [2, 0]


def test_both_articles_carry_the_departure_claim_on_others_authority(departure):
    assert {m.article_id for m in departure.mentions} == {0, 2}
    assert departure.stance_of(0) == "discusses"
    assert departure.stance_of(2) == "discusses"


def test_the_departure_rests_on_anonymous_sources_only_across_two_outlets(departure):
    assert departure.sourcing == "anonymous_only"
    assert departure.outlets == 2
    assert departure.status == "corroborated"
    assert departure.status != "on_record"
    assert "anonymous sources only" in departure.summary and "2 outlets" in departure.summary
    backing = [s for s in departure.sources if s.backs]
    assert backing and not any(s.named for s in backing)


def test_trumps_on_record_words_are_other_claims(story, departure):
    on_record = [
        c for c in story.claims if any(s.backs and s.on_record and s.kind == "person" for s in c.sources)
    ]
    quoted = [c for c in on_record if "Make sure he doesn" in c.text]
    assert quoted, [c.text for c in on_record]  # "Trump was quoted as saying ..." is on record
    assert departure not in on_record


def test_outlet_a_relays_the_post_rolling_stone_and_axios(story):
    relayed = {(link.from_outlet, link.to_outlet) for link in story.relays}
    assert {
        ("Outlet A (000)", "The Washington Post"),
        ("Outlet A (000)", "Rolling Stone"),
        ("Outlet A (000)", "Axios"),
    } <= relayed
    post = next(link for link in story.relays if link.to_outlet == "The Washington Post")
    assert {e.span.text for e in post.edges} == {
        "The Washington Post",
        "the Post",
    }  # "told the Post" resolved


def test_late_may_or_early_june_is_a_prediction_with_a_due_window(story, departure):
    found = [
        p for p in story.predictions if p.window_evidence and p.window_evidence[2] == "late May or early June"
    ]
    assert len(found) == 1, [to_json(p) for p in story.predictions]
    p = found[0]
    assert p.claim_id == departure.id and p.article_id == 2
    assert date(2025, 5, 15) <= p.window_start <= date(2025, 5, 31)
    assert date(2025, 6, 1) <= p.window_end <= date(2025, 6, 15)
    assert p.status == "open"  # judged as of the story's last published date, 2025-04-10
    assert "would leave" in p.text


def test_the_stance_model_judges_only_articles_without_a_mention(members):
    stance = pytest.importorskip("corroborate.corroboration.stance")
    with_model = build_story("seed-story", members, stance=stance.predict_stances)
    claim = next(c for c in with_model.claims if re.search(r"\bMusk\b", c.text) and DEPARTURE.search(c.text))
    assert claim.stance_of(0) == claim.stance_of(2) == "discusses"
    assert dict(claim.stance_basis) == {0: "attribution", 2: "attribution"}
    assert claim.status == "corroborated" and claim.sourcing == "anonymous_only"
