"""Web security: hostile article content is inert, headers, token and session rules, CSRF, upload cap."""

from __future__ import annotations

import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from corroborate.web import security
from web_support import (
    HOSTILE_OUTLET,
    HOSTILE_TEXT,
    HOSTILE_TITLE,
    HOSTILE_URL,
    TOKEN,
    Seeded,
    auth,
    client,
    seed_store,
)

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")

WEB = Path(__file__).resolve().parents[1] / "src" / "corroborate" / "web"


@pytest.fixture(scope="module")
def seeded(tmp_path_factory: pytest.TempPathFactory) -> Seeded:
    url = "sqlite:///" + str(tmp_path_factory.mktemp("websec") / "web.db")
    return Seeded(url, seed_store(url))


@pytest.fixture(scope="module")
def web(seeded: Seeded):
    with client(seeded.url) as c:
        yield c


@pytest.fixture(scope="module")
def hostile(web) -> dict:
    """An article whose title, outlet, URL and text are hostile, ingested through the API."""
    record = {
        "text": HOSTILE_TEXT,
        "title": HOSTILE_TITLE,
        "outlet": HOSTILE_OUTLET,
        "url": HOSTILE_URL,
        "published": "2025-04-11",
    }
    response = web.post("/api/v1/articles", json=record, headers=auth())
    assert response.status_code == 201, response.text
    return response.json()


class Elements(HTMLParser):
    """Every start tag with its attributes, and the text inside <script> elements."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict[str, str | None]]] = []
        self.script_text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, dict(attrs)))
        self._in_script = tag == "script"

    def handle_endtag(self, tag: str) -> None:
        if tag == "script":
            self._in_script = False

    def handle_data(self, data: str) -> None:
        if self._in_script and data.strip():
            self.script_text.append(data)


def assert_inert(html: str) -> None:
    """No hostile element, event handler, javascript: URL or inline script made it into the page."""
    parser = Elements()
    parser.feed(html)
    assert not parser.script_text, "inline script"
    for tag, attrs in parser.tags:
        assert tag not in ("img", "svg", "iframe", "object", "embed") or "onerror" not in attrs, (tag, attrs)
        for name, value in attrs.items():
            assert not name.startswith("on"), (tag, attrs)
            assert name != "style", "inline style attribute (blocked by the CSP)"
            if name in ("href", "src", "action", "formaction") and value:
                assert not value.strip().lower().startswith(("javascript:", "data:text")), (tag, attrs)
        if tag == "script":
            assert attrs.get("src", "").startswith("/static/"), attrs
    assert "__xss" not in "".join(parser.script_text)
    assert "<script>window" not in html and 'onerror="window' not in html


def test_hostile_article_is_inert_on_every_page(web, hostile: dict) -> None:
    article_id = hostile["id"]
    pages = [
        f"/articles/{article_id}",
        "/articles",
        "/stories",
        "/stories?q=council",
        "/outlets",
        f"/articles?outlet={HOSTILE_OUTLET}",
    ]
    if hostile["story_id"]:
        pages.append(f"/stories/{hostile['story_id']}")
    for path in pages:
        response = web.get(path)
        assert response.status_code == 200, (path, response.status_code)
        assert_inert(response.text)
    page = web.get(f"/articles/{article_id}").text
    assert "&lt;script&gt;window.__xss = &#34;title&#34;&lt;/script&gt;" in page  # shown, as text
    assert "&lt;script&gt;window.__xss = &#34;text&#34;&lt;/script&gt;" in page
    assert HOSTILE_URL not in re.findall(r'href="([^"]*)"', page)
    assert 'class="unsafe-url"' in page  # the URL is shown as text, not linked


def test_hostile_content_round_trips_unchanged_in_json(web, hostile: dict) -> None:
    body = web.get(f"/api/v1/articles/{hostile['id']}").json()
    assert body["title"] == HOSTILE_TITLE and body["outlet"] == HOSTILE_OUTLET and body["url"] == HOSTILE_URL
    assert body["text"] == HOSTILE_TEXT
    response = web.get(f"/api/v1/articles/{hostile['id']}")
    assert response.headers["content-type"] == "application/json"


def test_error_pages_escape_the_path(web) -> None:
    response = web.get("/stories/<script>alert(1)</script>")
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.text
    assert_inert(response.text)


@pytest.mark.parametrize(
    "path",
    ["/stories", "/articles", "/ingest", "/api/v1/stories", "/static/app.css", "/nowhere", "/api/v1/nowhere"],
)
def test_security_headers_on_every_response(web, path: str) -> None:
    response = web.get(path)
    csp = response.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "script-src 'self'" in csp and "'unsafe-inline'" not in csp
    assert "frame-ancestors 'none'" in csp and "object-src 'none'" in csp
    assert response.headers["x-content-type-options"] == "nosniff"
    assert response.headers["referrer-policy"] == "no-referrer"


def test_templates_have_no_inline_script_or_style() -> None:
    for template in (WEB / "templates").glob("*.html"):
        source = template.read_text(encoding="utf-8")
        assert not re.search(r"<script(?![^>]*\bsrc=)", source), template.name
        assert " style=" not in source and "<style" not in source, template.name
        assert not re.search(r"\son[a-z]+=", source), template.name
        assert "|safe" not in source and "autoescape false" not in source, template.name
    script = (WEB / "static" / "app.js").read_text(encoding="utf-8")
    assert "innerHTML" not in script and "eval(" not in script and "document.write" not in script


def test_web_layer_builds_no_sql_from_strings() -> None:
    for module in WEB.glob("*.py"):
        source = module.read_text(encoding="utf-8")
        assert not re.search(r"\btext\(\s*f?[\"']", source), module.name  # no raw SQL strings
        assert not re.search(r"exec(ute)?(_driver_sql)?\(\s*f?[\"']", source), module.name


def test_token_is_compared_in_constant_time(monkeypatch: pytest.MonkeyPatch) -> None:
    calls = []
    real = security.hmac.compare_digest

    def spy(a, b):
        calls.append((a, b))
        return real(a, b)

    monkeypatch.setattr(security.hmac, "compare_digest", spy)
    checker = security.Auth("s3cret")
    with pytest.raises(security.WebError) as wrong:
        checker.require_bearer("Bearer guess")
    assert wrong.value.status == 403
    checker.require_bearer("Bearer s3cret")
    assert calls == [(b"guess", b"s3cret"), (b"s3cret", b"s3cret")]
    with pytest.raises(security.WebError) as missing:
        checker.require_bearer(None)
    assert missing.value.status == 401
    with pytest.raises(security.WebError) as off:
        security.Auth(None).require_bearer("Bearer s3cret")
    assert off.value.status == 403


def test_upload_cap_holds_for_declared_and_streamed_bodies(seeded: Seeded) -> None:
    with client(seeded.url, max_upload=1000) as c:
        declared = c.post(
            "/api/v1/articles",
            content=b"{" + b" " * 5000 + b"}",
            headers={**auth(), "Content-Type": "application/json"},
        )
        assert declared.status_code == 413
        assert declared.json()["error"]["code"] == "payload_too_large"
        assert "1,000 bytes" in declared.json()["error"]["message"]

        def chunks():
            for _ in range(10):
                yield b" " * 200

        streamed = c.post(
            "/api/v1/articles", content=chunks(), headers={**auth(), "Content-Type": "application/json"}
        )
        assert streamed.status_code == 413
        page = c.post(
            "/ingest", content=b"x" * 5000, headers={"Content-Type": "application/x-www-form-urlencoded"}
        )
        assert page.status_code == 413 and "text/html" in page.headers["content-type"]
        assert "content-security-policy" in page.headers


# --------------------------------------------------------------------------- sessions and CSRF


def _csrf(html: str) -> str:
    found = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert found, "the form carries a CSRF token"
    return found.group(1)


def test_session_cookie_is_httponly_strict_and_not_the_token(seeded: Seeded) -> None:
    with client(seeded.url) as c:
        page = c.get("/ingest")
        assert 'id="token-form"' in page.text
        csrf_cookie = page.headers["set-cookie"]
        assert "HttpOnly" in csrf_cookie and "SameSite=strict" in csrf_cookie.replace("Strict", "strict")
        response = c.post("/ingest/session", data={"token": TOKEN, "csrf_token": _csrf(page.text)})
        assert response.status_code == 303 and response.headers["location"] == "/ingest"
        cookie = response.headers["set-cookie"]
        assert cookie.startswith(security.SESSION_COOKIE + "=")
        assert "HttpOnly" in cookie and "samesite=strict" in cookie.lower() and "Path=/" in cookie
        assert TOKEN not in cookie
        form = c.get("/ingest")
        assert 'id="ingest-form"' in form.text and 'enctype="multipart/form-data"' in form.text


def test_wrong_token_and_forged_session_are_refused(seeded: Seeded) -> None:
    with client(seeded.url) as c:
        page = c.get("/ingest")
        wrong = c.post("/ingest/session", data={"token": "nope", "csrf_token": _csrf(page.text)})
        assert wrong.status_code == 403 and "not the server" in wrong.text
        assert security.SESSION_COOKIE not in wrong.headers.get("set-cookie", "")
        c.cookies.set(security.SESSION_COOKIE, "forged.0123456789abcdef")
        form = c.get("/ingest")
        assert 'id="token-form"' in form.text
        submit = c.post("/ingest", data={"text": "Some text.", "csrf_token": _csrf(form.text)})
        assert submit.status_code == 401 and 'id="token-form"' in submit.text


def test_forms_need_a_valid_csrf_token(seeded: Seeded) -> None:
    with client(seeded.url) as c:
        page = c.get("/ingest")
        token = _csrf(page.text)
        assert c.post("/ingest/session", data={"token": TOKEN}).status_code == 403
        assert c.post("/ingest/session", data={"token": TOKEN, "csrf_token": "0" * 64}).status_code == 403
        with client(seeded.url) as other:  # another browser's token does not fit this browser's cookie
            other_token = _csrf(other.get("/ingest").text)
        assert c.post("/ingest/session", data={"token": TOKEN, "csrf_token": other_token}).status_code == 403
        c.cookies.clear()
        assert c.post("/ingest/session", data={"token": TOKEN, "csrf_token": token}).status_code == 403
        refused = c.post("/ingest", data={"text": "x", "csrf_token": "bad"})
        assert refused.status_code == 403 and "security token" in refused.text


def test_sign_out_forgets_the_session(seeded: Seeded) -> None:
    with client(seeded.url) as c:
        token = _csrf(c.get("/ingest").text)
        c.post("/ingest/session", data={"token": TOKEN, "csrf_token": token})
        assert 'id="ingest-form"' in c.get("/ingest").text
        out = c.post("/ingest/session/end", data={"csrf_token": token})
        assert out.status_code == 303
        assert 'id="token-form"' in c.get("/ingest").text


def test_changing_the_token_ends_sessions(seeded: Seeded) -> None:
    with client(seeded.url) as c:
        token = _csrf(c.get("/ingest").text)
        c.post("/ingest/session", data={"token": TOKEN, "csrf_token": token})
        cookies = dict(c.cookies)
    with client(seeded.url, token="a-new-token") as c:
        for name, value in cookies.items():
            c.cookies.set(name, value)
        assert 'id="token-form"' in c.get("/ingest").text
