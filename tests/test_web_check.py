"""The claim check on the web: `GET /api/v1/check` (same JSON as the CLI, same error envelope), the
/check page (verdict, summary, counts, articles by stance with evidence and sources) in the navigation,
and the check link on each story claim."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient

from check_support import LIBRARY, NO_COVERAGE, RESIGNED, fill_store, validate


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    from corroborate.web import create_app

    path = fill_store(tmp_path_factory.mktemp("webcheck") / "check.db")
    return TestClient(create_app("sqlite:///" + path, token=None), follow_redirects=False)


def test_api_check_gives_the_cli_json(client):
    response = client.get("/api/v1/check", params={"claim": RESIGNED})
    assert response.status_code == 200
    body = response.json()
    validate(body)
    assert body["verdict"] == "refuted" and body["claim"] == RESIGNED
    none = client.get("/api/v1/check", params={"claim": NO_COVERAGE}).json()
    assert none["verdict"] == "unverified" and none["articles"] == []


def test_api_check_filters(client):
    body = client.get("/api/v1/check", params={"claim": LIBRARY, "since": "2026-03-03", "limit": 1}).json()
    assert len(body["articles"]) == 1
    assert body["articles"][0]["published"] >= "2026-03-03"


@pytest.mark.parametrize(
    ("params", "status", "code"),
    [({}, 422, "invalid_request"), ({"claim": "   "}, 400, "bad_request"), ({"claim": "x" * 1001}, 400, "bad_request"),
     ({"claim": LIBRARY, "since": "soon"}, 422, "invalid_request")],
)  # fmt: skip
def test_api_check_errors_use_the_envelope(client, params, status, code):
    response = client.get("/api/v1/check", params=params)
    assert response.status_code == status
    assert set(response.json()) == {"error"}
    assert response.json()["error"]["code"] == code


def test_check_page(client):
    page = client.get("/check")
    assert page.status_code == 200
    assert '<a href="/check" aria-current="page">Check a claim</a>' in page.text
    assert 'id="verdict"' not in page.text  # nothing asked yet
    page = client.get("/check", params={"claim": LIBRARY})
    assert page.status_code == 200
    assert re.search(r'id="verdict">corroborated<', page.text)
    assert "Corroborated: supported by 2 independent sources" in page.text
    assert 'id="stance-supports"' in page.text
    assert '<span class="hl-source">two council officials</span>' in page.text
    assert re.search(r'href="/articles/\d+\?mention=\d+-\d+&amp;source=\d+-\d+#hl"', page.text)
    empty = client.get("/check", params={"claim": NO_COVERAGE})
    assert "No stored article addresses this claim." in empty.text


def test_story_claims_link_to_a_check(client):
    listing = client.get("/api/v1/stories").json()["items"]
    story = next(s for s in listing if s["articles"] > 1)
    page = client.get(f"/stories/{story['id']}")
    links = re.findall(r'class="check-link" href="(/check\?claim=[^"]+)"', page.text)
    assert links
    followed = client.get(links[0].replace("&amp;", "&"))
    assert followed.status_code == 200 and 'id="verdict"' in followed.text
