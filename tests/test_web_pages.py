"""Server-rendered pages: stories, story, article, articles, outlets, the ingest form, errors, empty states.

The database is filled once by really ingesting examples/.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request
from html.parser import HTMLParser

import pytest
from markupsafe import escape as html_escape

from web_support import TOKEN, Seeded, client, free_port, seed_store

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    url = "sqlite:///" + str(tmp_path_factory.mktemp("webpages") / "web.db")
    return Seeded(url, seed_store(url))


@pytest.fixture(scope="module")
def web(seeded: Seeded):
    with client(seeded.url) as c:
        yield c


@pytest.fixture
def empty(tmp_path):
    with client("sqlite:///" + str(tmp_path / "empty.db")) as c:
        yield c


class Outline(HTMLParser):
    """Tags, attributes, ids and labels of a page, for structure checks."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags.append((tag, dict(attrs)))

    def names(self) -> list[str]:
        return [tag for tag, _ in self.tags]

    def having(self, tag: str, **attrs: str) -> list[dict]:
        return [a for t, a in self.tags if t == tag and all(a.get(k) == v for k, v in attrs.items())]


def outline(html: str) -> Outline:
    parsed = Outline()
    parsed.feed(html)
    return parsed


def assert_semantic(html: str) -> Outline:
    """Landmarks, one h1, labelled form controls, scoped table headers."""
    page = outline(html)
    names = page.names()
    for landmark in ("header", "nav", "main", "footer"):
        assert landmark in names, landmark
    assert names.count("h1") == 1
    assert page.having("html")[0].get("lang") == "en"
    labelled = {a.get("for") for a in page.having("label")}
    for tag in ("input", "select", "textarea"):
        for attrs in page.having(tag):
            if attrs.get("type") in ("hidden", "submit"):
                continue
            assert attrs.get("id") in labelled, (tag, attrs)
    for attrs in page.having("th"):
        assert attrs.get("scope") in ("col", "row"), attrs
    return page


# --------------------------------------------------------------------------- stories


def test_home_redirects_to_stories(web) -> None:
    response = web.get("/")
    assert response.status_code == 303 and response.headers["location"] == "/stories"


def test_stories_page_lists_the_seed_story(web, seeded: Seeded) -> None:
    response = web.get("/stories")
    assert response.status_code == 200 and response.headers["content-type"].startswith("text/html")
    assert_semantic(response.text)
    assert f'href="/stories/{seeded.story_id}"' in response.text
    title = web.get(f"/api/v1/stories/{seeded.story_id}").json()["title"]
    assert title and html_escape(title) in response.text
    assert 'aria-current="page"' in response.text
    assert '<option value="Outlet A (000)">' in response.text  # the outlet filter


def test_stories_search_and_filters(web, seeded: Seeded) -> None:
    found = web.get("/stories", params={"q": "Musk White House", "outlet": "Outlet A (000)"})
    assert f'href="/stories/{seeded.story_id}"' in found.text
    assert '<option value="Outlet A (000)" selected>' in found.text
    assert 'value="Musk White House"' in found.text
    none = web.get("/stories", params={"q": "zebra xylophone quasar"})
    assert none.status_code == 200 and "No stories match" in none.text and 'href="/stories"' in none.text
    dated = web.get("/stories", params={"since": "2025-05-01"})
    assert f'href="/stories/{seeded.story_id}"' not in dated.text
    bad = web.get("/stories", params={"since": "soon"})
    assert bad.status_code == 422 and "text/html" in bad.headers["content-type"]


def test_stories_pagination_links_keep_the_filters(web) -> None:
    page = web.get("/stories", params={"limit": 1, "q": "Musk"})
    total = int(re.search(r"of (\d+) stories", page.text).group(1)) if "of " in page.text else 1
    if total > 1:
        assert 'href="/stories?q=Musk&amp;limit=1&amp;offset=1"' in page.text


def test_empty_database_tells_what_to_do(empty) -> None:
    stories = empty.get("/stories").text
    assert "No stories yet" in stories and "corroborate ingest" in stories and 'href="/ingest"' in stories
    assert_semantic(stories)
    articles = empty.get("/articles").text
    assert "No articles yet" in articles and 'href="/ingest"' in articles
    outlets = empty.get("/outlets").text
    assert "No outlets yet" in outlets
    assert empty.get("/api/v1/stories").json() == {
        "items": [],
        "total": 0,
        "limit": 50,
        "offset": 0,
        "next": None,
    }


# --------------------------------------------------------------------------- story


def test_story_page_shows_claims_sources_graph_and_timeline(web, seeded: Seeded) -> None:
    story = web.get(f"/api/v1/stories/{seeded.story_id}", params={"limit": 200}).json()
    response = web.get(f"/stories/{seeded.story_id}", params={"limit": 200})  # every claim on one page
    assert response.status_code == 200
    html = response.text
    page = assert_semantic(html)
    claims = page.having("details", **{"class": "claim-box"})
    assert len(claims) == len(story["claims"]) > 0
    for claim in story["claims"]:
        assert f'id="claim-{claim["id"]}"' in html
        assert f"badge status s-{claim['status']}" in html
        assert f"badge sourcing g-{claim['sourcing']}" in html
    assert html.count("Supporting (") == len(story["claims"])
    assert "Refuting (" in html and "Discussing (" in html
    # Sources in the excerpts are highlighted and link to the article with the spans to highlight.
    assert 'class="m r-source k-' in html
    assert re.search(r'href="/articles/\d+\?source=\d+-\d+&amp;mention=\d+-\d+#hl"', html)
    if story["relays"]:
        assert 'id="relay-graph"' in html and "<svg" in html and 'marker-end="url(#arrow)"' in html
        for link in story["relays"]:
            assert f"<strong>{link['to_outlet']}</strong>" in html
    assert 'id="timeline"' in html and 'class="art"' in html
    assert "Conflicting figures" in html and "Predictions" in html
    for article in story["articles"]:
        assert f'href="/articles/{article["id"]}"' in html


def test_unknown_story_is_an_html_404(web) -> None:
    response = web.get("/stories/no-such-story")
    assert response.status_code == 404
    assert "text/html" in response.headers["content-type"]
    assert "no story with id" in response.text and 'href="/stories"' in response.text
    assert_semantic(response.text)


# --------------------------------------------------------------------------- article


def test_article_page_highlights_attributions_by_kind(web, seeded: Seeded) -> None:
    article_id = seeded.article_ids[0]
    data = web.get(f"/api/v1/articles/{article_id}").json()
    response = web.get(f"/articles/{article_id}")
    assert response.status_code == 200
    html = response.text
    page = assert_semantic(html)
    atts = data["attributions"]
    assert len(page.having("li", **{"class": f"att k-{atts[0]['source_kind']}"})) >= 1
    assert len([a for a in page.having("button") if a.get("class") == "att-btn"]) == len(atts)
    for seq, att in enumerate(atts, start=1):
        assert f'id="att-{seq}"' in html
        marks = [a for t, a in page.tags if t == "span" and str(seq) in (a.get("data-att") or "").split()]
        assert marks, f"attribution {seq} is marked in the text"
        assert any(f"k-{att['source_kind']}" in m["class"] for m in marks) or len(atts) > 1
        if att["source"] is not None:
            assert any("r-source" in m["class"] for m in marks)
            source = [m for m in marks if "r-source" in m["class"]]
            assert any(m.get("tabindex") == "0" for m in source)
    # Hover text names source role, kind and certainty.
    assert re.search(r'title="#1 [a-z/]+ · [a-z ]+ · (asserted|hedged|denied)', html)
    for flag in data["damage"]:
        assert "m dmg" in html or "dmg" in html, flag
    assert "Sourcing ledger" in html and "Anonymous share" in html
    assert f'href="/stories/{seeded.story_id}"' in html


def test_article_page_highlights_the_spans_a_claim_link_names(web, seeded: Seeded) -> None:
    article_id = seeded.article_ids[0]
    data = web.get(f"/api/v1/articles/{article_id}").json()
    source = next(a["source"] for a in data["attributions"] if a["source"])
    content = next(a["content"] for a in data["attributions"] if a["content"])
    response = web.get(
        f"/articles/{article_id}",
        params={
            "source": f"{source['start']}-{source['end']}",
            "mention": f"{content['start']}-{content['end']}",
        },
    )
    html = response.text
    assert 'id="hl"' in html and "hl-source" in html and "hl-mention" in html
    marked = re.search(r'<span class="[^"]*hl-source[^"]*"[^>]*>([^<]*)</span>', html)
    assert marked and marked.group(1) in source["text"]
    ignored = web.get(f"/articles/{article_id}", params={"source": ["abc", "5-2", "1-99999999"]})
    assert ignored.status_code == 200 and 'id="hl"' not in ignored.text


@pytest.mark.parametrize(("path", "status"), [("/articles/999999", 404), ("/articles/abc", 422)])
def test_article_errors_are_html(web, path: str, status: int) -> None:
    response = web.get(path)
    assert response.status_code == status and "text/html" in response.headers["content-type"]
    assert f"<h1>{status}:" in response.text


def test_articles_page(web, seeded: Seeded) -> None:
    html = web.get("/articles").text
    assert_semantic(html)
    for article_id in seeded.article_ids:
        assert f'href="/articles/{article_id}"' in html
    only = web.get("/articles", params={"outlet": "Outlet B (002)"}).text
    assert "Articles from Outlet B (002)" in only
    assert (
        f'href="/articles/{seeded.article_ids[1]}"' in only
        and f'href="/articles/{seeded.article_ids[0]}"' not in only
    )


# --------------------------------------------------------------------------- outlets


def test_outlets_page(web) -> None:
    stats = {o["outlet"]: o for o in web.get("/api/v1/outlets").json()["items"]}
    html = web.get("/outlets").text
    assert_semantic(html)
    for name, outlet in stats.items():
        assert name in html
        if outlet["anonymous_share"] is not None:
            assert f"{outlet['anonymous_share']:.0%}" in html
    a = stats["Outlet A (000)"]
    for relayed in a["relays"]:
        assert f"{relayed['outlet']} ×{relayed['count']}" in html


# --------------------------------------------------------------------------- ingest form


def _csrf(html: str) -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', html).group(1)


def _signed_in(url: str):
    c = client(url)
    c.post("/ingest/session", data={"token": TOKEN, "csrf_token": _csrf(c.get("/ingest").text)})
    return c


TEXT = (
    "Health minister Priya Nair said on Wednesday that the new clinic will open in October. "
    "Three nurses, who spoke on condition of anonymity, told the Herald that staffing is still short.\n"
)


def test_ingest_form_paste_text_then_see_the_article(seeded: Seeded) -> None:
    with _signed_in(seeded.url) as c:
        form = c.get("/ingest").text
        assert_semantic(form)
        data = {
            "text": TEXT,
            "title": "Clinic to open",
            "outlet": "The Herald",
            "published": "2025-07-01",
            "csrf_token": _csrf(form),
        }
        response = c.post("/ingest", data=data)
        assert response.status_code == 303, response.text
        location = response.headers["location"]
        assert re.fullmatch(r"/articles/\d+\?ingested=1", location)
        page = c.get(location).text
        assert "Ingested as article" in page and "Clinic to open" in page and 'in <a href="/stories/' in page
        again = c.post("/ingest", data=data)
        assert again.headers["location"].endswith("?ingested=0")
        assert "Already stored as article" in c.get(again.headers["location"]).text
        assert "Clinic to open" in c.get("/articles").text


def test_ingest_form_upload_a_file(seeded: Seeded) -> None:
    with _signed_in(seeded.url) as c:
        token = _csrf(c.get("/ingest").text)
        upload = TEXT.replace("clinic", "library").replace("Herald", "Gazette").encode("utf-8")
        response = c.post(
            "/ingest",
            data={"csrf_token": token, "outlet": "The Gazette", "text": ""},
            files={"file": ("library.txt", upload, "text/plain")},
        )
        assert response.status_code == 303, response.text
        page = c.get(response.headers["location"]).text
        assert "The Gazette" in page and "library will open" in page


def test_ingest_form_errors_keep_the_input(seeded: Seeded) -> None:
    with _signed_in(seeded.url) as c:
        token = _csrf(c.get("/ingest").text)
        empty = c.post("/ingest", data={"csrf_token": token, "text": "  ", "title": "Kept title"})
        assert empty.status_code == 422
        assert 'role="alert"' in empty.text and "paste the article text or choose a file" in empty.text
        assert 'value="Kept title"' in empty.text
        bad_date = c.post("/ingest", data={"csrf_token": token, "text": TEXT, "published": "someday"})
        assert bad_date.status_code == 422 and "published" in bad_date.text


def test_ingest_page_states(seeded: Seeded) -> None:
    with client(seeded.url, token=None) as c:
        off = c.get("/ingest").text
        assert (
            "Ingest is switched off" in off
            and "CORROBORATE_TOKEN" in off
            and "<form" not in off.split("<main")[1]
        )
    with client(seeded.url) as c:
        login = c.get("/ingest").text
        assert 'id="token-form"' in login and 'type="password"' in login


def test_html_error_for_wrong_method(web) -> None:
    response = web.get("/ingest/session")
    assert response.status_code == 405 and "text/html" in response.headers["content-type"]
    assert "GET is not allowed" in response.text


def test_static_assets(web) -> None:
    css = web.get("/static/app.css")
    assert css.status_code == 200 and css.headers["content-type"].startswith("text/css")
    assert "@media (max-width: 760px)" in css.text and ":focus-visible" in css.text
    js = web.get("/static/app.js")
    assert js.status_code == 200 and "javascript" in js.headers["content-type"]


def test_corroborate_serve_runs_the_app(seeded: Seeded) -> None:
    port = free_port()
    command = [
        sys.executable,
        "-c",
        "from corroborate.cli.main import app; app()",
        "serve",
        "--db",
        seeded.url,
        "--port",
        str(port),
    ]
    env = {k: v for k, v in os.environ.items() if k != "CORROBORATE_TOKEN"}
    server = subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/stories", timeout=2) as response:
                    assert response.status == 200
                    assert "content-security-policy" in {k.lower() for k in response.headers}
                    assert f'href="/stories/{seeded.story_id}"' in response.read().decode("utf-8")
                break
            except OSError:
                assert server.poll() is None, server.communicate()
                assert time.monotonic() < deadline, "corroborate serve did not answer"
                time.sleep(0.3)
    finally:
        server.terminate()
        _, err = server.communicate(timeout=30)
    assert f"at http://127.0.0.1:{port}/" in err
    assert "read-only: set CORROBORATE_TOKEN" in err
