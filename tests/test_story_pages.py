"""A story with many claims (issue 20, item 7): the story page and ``GET /api/v1/stories/{id}`` give its
claims a page at a time, and the story is built once per change of the story, not once per request."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from sqlalchemy import insert

from corroborate.store.articles import open_store
from corroborate.store.schema import stories, story_articles
from corroborate.types import Analysis, Article, Attribution, Span
from web_support import client

STORY = "s-many-claims"
PLACES = ["bridge", "council", "budget", "harbour", "tunnel", "clinic", "railway", "airport", "museum"]


def _analysis(n: int, claims: int) -> Analysis:
    """An article of ``claims`` attributed statements, each about a different numbered place."""
    text, atts = "", []
    for j in range(claims):
        start = len(text) + len("Officials said that ")
        content = f"the {PLACES[j % len(PLACES)]} number {n * 100 + j} would reopen in May"
        text += f"Officials said that {content}. "
        atts.append(
            Attribution(
                source=Span(start - 20, start - 11, "Officials"),
                cue=Span(start - 10, start - 1, "said that"),
                content=Span(start, start + len(content), content),
                source_kind="anonymous_group",
                certainty="asserted",
            )
        )
    article = Article(text=text, title=f"Plans {n}", outlet=f"Outlet {n}", published=date(2026, 11, n))
    return Analysis(article=article, attributions=tuple(atts))


def _join(url: str, article_ids: list[int], first: bool) -> None:
    """Put articles in the story directly (grouping itself is tested elsewhere)."""
    with open_store(url) as store, store.write() as conn:
        if first:
            conn.execute(insert(stories).values(id=STORY, title="Plans 1", created_at=datetime.now(UTC)))
        for seq, article_id in enumerate(article_ids, start=1):
            conn.execute(
                insert(story_articles).values(article_id=article_id, story_id=STORY, score=1.0, seq=seq)
            )


def _save(url: str, n: int, claims: int) -> int:
    a = _analysis(n, claims)
    with open_store(url) as store:
        article_id, created = store.save(a.article, a)
    assert created
    return article_id


@pytest.fixture
def site(tmp_path: Path):
    url = "sqlite:///" + str(tmp_path / "story.db")
    _join(url, [_save(url, n, 20) for n in (1, 2, 3)], first=True)
    with client(url) as web:
        yield url, web


def _all_claims(web) -> list[dict]:
    return web.get(f"/api/v1/stories/{STORY}", params={"limit": 200}).json()["claims"]


def test_the_api_pages_through_the_claims(site) -> None:
    _, web = site
    everything = _all_claims(web)
    assert len(everything) >= 55  # 60 statements, a few of which may be grouped as one claim

    default = web.get(f"/api/v1/stories/{STORY}").json()
    assert [c["id"] for c in default["claims"]] == [c["id"] for c in everything[:50]]
    assert default["claims_page"]["total"] == len(everything)

    seen, link = [], f"/api/v1/stories/{STORY}?limit=20"
    while link:
        body = web.get(link).json()
        assert len(body["claims"]) <= 20
        assert [a["id"] for a in body["articles"]] == [
            a["id"] for a in default["articles"]
        ]  # whole on every page
        seen += [c["id"] for c in body["claims"]]
        link = body["claims_page"]["next"]
    assert seen == [c["id"] for c in everything]

    past = web.get(f"/api/v1/stories/{STORY}", params={"offset": 10_000}).json()
    assert past["claims"] == [] and past["claims_page"]["next"] is None
    assert web.get(f"/api/v1/stories/{STORY}", params={"limit": 201}).status_code == 422
    assert web.get(f"/api/v1/stories/{STORY}", params={"offset": -1}).status_code == 422


def test_the_openapi_document_names_the_claim_pages(site) -> None:
    _, web = site
    operation = web.get("/api/v1/openapi.json").json()["paths"]["/api/v1/stories/{story_id}"]["get"]
    assert {p["name"] for p in operation["parameters"]} >= {"story_id", "limit", "offset"}
    assert "claims_page" in operation["description"]


def test_the_story_page_shows_one_page_of_claims_with_links_to_the_others(site) -> None:
    _, web = site
    total = len(_all_claims(web))
    first = web.get(f"/stories/{STORY}").text
    assert first.count('<li class="claim"') == 25
    assert f"{total} claims" in first
    assert f"1–25 of {total} claims" in first
    following = re.search(r'href="([^"]+)" rel="next"', first)
    assert following is not None
    second = web.get(following.group(1).replace("&amp;", "&")).text
    assert '<ol class="claims" id="claims" start="26">' in second
    assert '<li class="claim"' in second and 'rel="prev"' in second
    ids = re.findall(r'<li class="claim" id="claim-([^"]+)"', first + second)
    assert len(ids) == len(set(ids)) == min(total, 50)


def test_a_story_is_built_once_per_change(site) -> None:
    url, web = site
    cache = web.app.state.ctx.stories
    for _ in range(3):
        assert web.get(f"/api/v1/stories/{STORY}").status_code == 200
        assert web.get(f"/stories/{STORY}").status_code == 200
    assert cache.builds == 1

    before = len(_all_claims(web))
    _join(url, [_save(url, 4, 5)], first=False)  # an article joins: the story changes
    after = web.get(f"/api/v1/stories/{STORY}", params={"limit": 200}).json()
    assert cache.builds == 2
    assert len(after["articles"]) == 4 and len(after["claims"]) > before
    assert web.get(f"/stories/{STORY}").status_code == 200
    assert cache.builds == 2

    shorter = _analysis(4, 2)  # `reprocess` replaces an article's analysis: the story changes again
    with open_store(url) as store:
        store.replace_analysis(4, shorter)
    again = web.get(f"/api/v1/stories/{STORY}", params={"limit": 200}).json()
    assert cache.builds == 3

    def attributed_to_4(story: dict) -> int:
        return sum(s["article_id"] == 4 and not s["own_voice"] for c in story["claims"] for s in c["sources"])

    assert attributed_to_4(after) == 5 and attributed_to_4(again) == 2
