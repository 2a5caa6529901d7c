"""The JSON API under /api/v1: every endpoint, its errors and the token rules, on SQLite and PostgreSQL.

The database is filled once per backend by really ingesting examples/ (spaCy, the CRF extractor,
story grouping).
"""

from __future__ import annotations

import io

import pytest

from web_support import TOKEN, Seeded, auth, client, database, seed_records, seed_store

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")

NEW_TEXT = (
    "Transport minister Jane Holt said on Monday that the new tram line will open in September. "
    "Two engineers, who asked not to be named, told the Courier that the signalling tests had failed twice. "
    "The project has cost $120 million so far, according to a report published by the city auditor.\n"
)


@pytest.fixture(scope="module", params=["sqlite", "postgresql"])
def seeded(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory):
    with database(request.param, request, tmp_path_factory.mktemp(request.param)) as url:
        yield Seeded(url, seed_store(url))


@pytest.fixture(scope="module")
def api(seeded: Seeded):
    with client(seeded.url) as c:
        yield c


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"}, body
    assert set(body["error"]) == {"code", "message"}, body
    assert body["error"]["message"]
    return body["error"]


# --------------------------------------------------------------------------- reading


def test_stories_list_newest_first_with_pagination(api, seeded: Seeded) -> None:
    body = api.get("/api/v1/stories").json()
    assert body["total"] >= 1 and body["limit"] == 50 and body["offset"] == 0 and body["next"] is None
    ids = [s["id"] for s in body["items"]]
    assert seeded.story_id in ids
    story = body["items"][ids.index(seeded.story_id)]
    assert set(story) >= {"id", "title", "first_published", "last_published", "articles", "outlets"}
    members = [r for r in seeded.results if r.story_id == seeded.story_id]
    assert story["articles"] == len(members) >= 1
    assert set(story["outlets"]) <= {"Outlet A (000)", "Outlet B (002)"}
    last = [s["last_published"] or "" for s in body["items"]]
    assert last == sorted(last, reverse=True)

    page = api.get("/api/v1/stories", params={"limit": 1, "offset": 0}).json()
    assert len(page["items"]) == 1 and page["limit"] == 1
    if page["total"] > 1:
        assert page["next"] == "/api/v1/stories?limit=1&offset=1"


def test_stories_search_and_filters(api, seeded: Seeded) -> None:
    def ids(**params) -> list[str]:
        response = api.get("/api/v1/stories", params=params)
        assert response.status_code == 200, response.text
        return [s["id"] for s in response.json()["items"]]

    assert seeded.story_id in ids(q="Musk White House")
    assert ids(q="zebra xylophone quasar") == []
    assert seeded.story_id in ids(outlet="Outlet A (000)")
    assert ids(outlet="No Such Outlet") == []
    assert seeded.story_id in ids(since="2025-04-01", until="2025-04-30")
    assert seeded.story_id not in ids(since="2025-05-01")
    assert seeded.story_id not in ids(until="2025-03-01")
    # Hostile search input is data, never SQL.
    assert ids(q="'; DROP TABLE articles; --") == []
    assert ids(outlet="x' OR '1'='1") == []
    assert api.get("/api/v1/articles").json()["total"] >= 2


@pytest.mark.parametrize(
    "params",
    [
        {"limit": 0},
        {"limit": 201},
        {"offset": -1},
        {"since": "yesterday"},
        {"until": "2025-13-01"},
        {"limit": "ten"},
    ],
)
def test_stories_bad_query_is_422(api, params: dict) -> None:
    response = api.get("/api/v1/stories", params=params)
    assert response.status_code == 422
    assert error_of(response)["code"] == "invalid_request"


def test_story_detail(api, seeded: Seeded) -> None:
    response = api.get(f"/api/v1/stories/{seeded.story_id}")
    assert response.status_code == 200
    story = response.json()
    assert {
        "id",
        "title",
        "first_published",
        "last_published",
        "articles",
        "claims",
        "relays",
        "facts",
        "conflicts",
        "predictions",
        "timeline",
    } <= set(story)
    assert story["id"] == seeded.story_id
    members = sorted(r.id for r in seeded.results if r.story_id == seeded.story_id)
    assert sorted(a["id"] for a in story["articles"]) == members
    assert story["claims"], "the seed story has claims"
    for claim in story["claims"]:
        assert {"id", "text", "status", "sourcing", "mentions", "sources", "stances"} <= set(claim)
    dates = sorted(a["published"] for a in story["articles"])
    assert story["first_published"] == dates[0] and story["last_published"] == dates[-1]


def test_unknown_story_is_404(api) -> None:
    response = api.get("/api/v1/stories/no-such-story")
    assert response.status_code == 404
    assert error_of(response)["code"] == "not_found"


def test_articles_list(api, seeded: Seeded) -> None:
    body = api.get("/api/v1/articles").json()
    by_id = {a["id"]: a for a in body["items"]}
    for result in seeded.results:
        assert by_id[result.id]["story_id"] == result.story_id
        assert by_id[result.id]["attributions"] == result.attributions > 0
    assert set(body["items"][0]) == {"id", "title", "outlet", "url", "published", "attributions", "story_id"}
    one = api.get("/api/v1/articles", params={"limit": 1, "offset": 1}).json()
    assert len(one["items"]) == 1 and one["offset"] == 1
    only_a = api.get("/api/v1/articles", params={"outlet": "Outlet A (000)"}).json()
    assert [a["outlet"] for a in only_a["items"]] == ["Outlet A (000)"]


def test_article_detail_offsets_index_the_text(api, seeded: Seeded) -> None:
    article_id = seeded.article_ids[0]
    body = api.get(f"/api/v1/articles/{article_id}").json()
    assert body["id"] == article_id and body["story_id"] == seeded.story_id
    assert body["outlet"] == "Outlet A (000)" and body["published"] == "2025-04-10"
    text = body["text"]
    assert body["attributions"] and body["ledger"]["total"] == len(body["attributions"])
    for att in body["attributions"]:
        for role in ("source", "cue", "content", "channel"):
            span = att[role]
            if span is not None:
                assert text[span["start"] : span["end"]] == span["text"]
    for flag in body["damage"]:
        assert text[flag["start"] : flag["end"]] == flag["snippet"]


@pytest.mark.parametrize(
    ("path", "status"), [("/api/v1/articles/999999", 404), ("/api/v1/articles/abc", 422)]
)
def test_article_errors(api, path: str, status: int) -> None:
    response = api.get(path)
    assert response.status_code == status
    assert error_of(response)["code"] == ("not_found" if status == 404 else "invalid_request")


def test_outlets(api) -> None:
    body = api.get("/api/v1/outlets").json()
    names = [o["outlet"] for o in body["items"]]
    assert {"Outlet A (000)", "Outlet B (002)"} <= set(names)
    for outlet in body["items"]:
        assert set(outlet) >= {
            "outlet",
            "articles",
            "attributions",
            "anonymous_share",
            "relays",
            "relayed_by",
        }
        share = outlet["anonymous_share"]
        assert share is None or 0 <= share <= 1
    page = api.get("/api/v1/outlets", params={"limit": 1}).json()
    assert len(page["items"]) == 1 and page["total"] == body["total"]
    assert api.get("/api/v1/outlets", params={"limit": 0}).status_code == 422


def test_unknown_path_and_method(api) -> None:
    missing = api.get("/api/v1/nothing-here")
    assert missing.status_code == 404 and error_of(missing)["code"] == "not_found"
    wrong = api.delete("/api/v1/articles/1")
    assert wrong.status_code == 405 and error_of(wrong)["code"] == "method_not_allowed"
    put = api.put("/api/v1/stories", json={})
    assert put.status_code == 405


def test_openapi_document(api) -> None:
    response = api.get("/api/v1/openapi.json")
    assert response.status_code == 200
    doc = response.json()
    paths = doc["paths"]
    for path in (
        "/api/v1/stories",
        "/api/v1/stories/{story_id}",
        "/api/v1/articles",
        "/api/v1/articles/{article_id}",
        "/api/v1/outlets",
    ):
        assert "get" in paths[path], path
    post = paths["/api/v1/articles"]["post"]
    assert set(post["requestBody"]["content"]) == {"application/json", "multipart/form-data"}
    assert {"201", "200", "401", "403", "413", "422"} <= set(post["responses"])
    assert not any(p.startswith("/stories") or p.startswith("/ingest") for p in paths), "pages stay out"
    assert api.get("/docs").status_code == 404  # no CDN-backed docs UI


# --------------------------------------------------------------------------- writing


def test_post_needs_a_token(api) -> None:
    missing = api.post("/api/v1/articles", json={"text": NEW_TEXT})
    assert missing.status_code == 401
    assert error_of(missing)["code"] == "unauthorized"
    assert missing.headers["www-authenticate"].startswith("Bearer")
    basic = api.post("/api/v1/articles", json={"text": NEW_TEXT}, headers={"Authorization": "Basic abc"})
    assert basic.status_code == 401
    wrong = api.post("/api/v1/articles", json={"text": NEW_TEXT}, headers=auth("not-the-token"))
    assert wrong.status_code == 403
    assert error_of(wrong)["code"] == "forbidden"
    near = api.post("/api/v1/articles", json={"text": NEW_TEXT}, headers=auth(TOKEN + "x"))
    assert near.status_code == 403


def test_server_without_token_refuses_writes(seeded: Seeded) -> None:
    with client(seeded.url, token=None) as c:
        for headers in ({}, auth(), auth("anything")):
            response = c.post("/api/v1/articles", json={"text": NEW_TEXT}, headers=headers)
            assert response.status_code == 403
            assert error_of(response)["code"] == "writes_disabled"
        assert c.get("/api/v1/stories").status_code == 200  # reads still work


def test_post_json_creates_then_reports_already_stored(api, seeded: Seeded) -> None:
    record = {
        "text": NEW_TEXT,
        "title": "Tram line to open in September",
        "outlet": "The Courier",
        "url": "https://courier.example/tram",
        "published": "2025-06-01",
    }
    first = api.post("/api/v1/articles", json=record, headers=auth())
    assert first.status_code == 201, first.text
    body = first.json()
    assert set(body) == {"id", "story_id", "attributions"}
    assert body["attributions"] >= 1 and body["story_id"]
    assert first.headers["location"] == f"/api/v1/articles/{body['id']}"
    again = api.post("/api/v1/articles", json=record, headers=auth())
    assert again.status_code == 200 and again.json() == body
    stored = api.get(f"/api/v1/articles/{body['id']}").json()
    assert (
        stored["text"] == NEW_TEXT
        and stored["outlet"] == "The Courier"
        and stored["published"] == "2025-06-01"
    )
    # The seed articles are already stored: 200 with their ids.
    seed = seed_records()[0]
    repeat = api.post("/api/v1/articles", json=seed, headers=auth())
    assert repeat.status_code == 200
    assert repeat.json()["id"] == seeded.article_ids[0] and repeat.json()["story_id"] == seeded.story_id


def test_post_html_record(api) -> None:
    html = (
        "<html><head><title>Harbour dredging delayed</title></head><body><article>"
        "<h1>Harbour dredging delayed</h1>"
        "<p>The port authority said on Friday that dredging of the harbour will be delayed until spring.</p>"
        "<p>Two pilots, speaking on condition of anonymity, said the channel had silted up badly.</p>"
        "</article></body></html>"
    )
    response = api.post(
        "/api/v1/articles",
        json={"html": html, "outlet": "Harbour News", "url": "https://harbour.example/dredging"},
        headers=auth(),
    )
    assert response.status_code == 201, response.text
    stored = api.get(f"/api/v1/articles/{response.json()['id']}").json()
    assert "dredging of the harbour" in stored["text"] and stored["outlet"] == "Harbour News"


def test_post_multipart_upload(api) -> None:
    text = NEW_TEXT.replace("tram line", "cable car").replace("Courier", "Ledger")
    files = {"file": ("cable.txt", io.BytesIO(("\ufeff" + text).encode("utf-8")), "text/plain")}
    data = {"title": "Cable car", "outlet": "The Ledger", "published": "2025-06-02"}
    response = api.post("/api/v1/articles", files=files, data=data, headers=auth())
    assert response.status_code == 201, response.text
    stored = api.get(f"/api/v1/articles/{response.json()['id']}").json()
    assert stored["text"] == text  # BOM dropped, text otherwise as uploaded
    assert stored["title"] == "Cable car" and stored["outlet"] == "The Ledger"


@pytest.mark.parametrize(
    ("kwargs", "status", "code"),
    [
        ({"content": b"{not json", "headers": {"Content-Type": "application/json"}}, 400, "bad_json"),
        ({"json": ["a", "list"]}, 422, "bad_record"),
        ({"json": {"title": "no text"}}, 422, "bad_record"),
        ({"json": {"text": "   \n"}}, 422, "empty_text"),
        ({"json": {"text": NEW_TEXT, "published": "last Tuesday"}}, 422, "bad_record"),
        ({"json": {"text": NEW_TEXT, "title": 42}}, 422, "bad_record"),
        ({"json": {"text": "abc\x00\x01\x02\x03\x04"}}, 422, "binary_input"),
        ({"json": {"html": "<html><body><nav>Home</nav></body></html>"}}, 422, "no_article"),
        (
            {"content": b"text=hello", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
            415,
            "unsupported_media_type",
        ),
        ({"content": b"plain", "headers": {"Content-Type": "text/plain"}}, 415, "unsupported_media_type"),
        ({"files": {"other": ("a.txt", b"some text", "text/plain")}}, 422, "missing_file"),
        ({"files": {"file": ("a.txt", b"\xff\xfe\xfa bad bytes", "text/plain")}}, 422, "undecodable_input"),
        ({"files": {"file": ("a.json", b"[1, 2]", "application/json")}}, 422, "bad_record"),
    ],
)
def test_post_bad_input(api, kwargs: dict, status: int, code: str) -> None:
    kwargs = dict(kwargs)  # the parameters are shared by both backends
    headers = {**auth(), **kwargs.pop("headers", {})}
    response = api.post("/api/v1/articles", headers=headers, **kwargs)
    assert response.status_code == status, response.text
    assert error_of(response)["code"] == code


def test_post_over_the_upload_cap_is_413(seeded: Seeded) -> None:
    with client(seeded.url, max_upload=4096) as c:
        big = {"text": "word " * 2000}
        response = c.post("/api/v1/articles", json=big, headers=auth())
        assert response.status_code == 413
        assert error_of(response)["code"] == "payload_too_large"
        upload = c.post(
            "/api/v1/articles", files={"file": ("big.txt", b"x" * 10_000, "text/plain")}, headers=auth()
        )
        assert upload.status_code == 413
        # The cap is checked before the token: an unauthenticated oversized body is 413 as well.
        assert c.post("/api/v1/articles", json=big).status_code == 413
