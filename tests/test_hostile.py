"""Hostile and careless input (issue 20): each broke something once; each must now be a clean refusal.

A lone surrogate in a record, an integer past 2^63 in a URL, JSON nested past the parser's depth, an
unresolvable host, a library's own log lines. The web tests run on an empty SQLite database: every
request here must be answered before any analysis.
"""

from __future__ import annotations

import json
import socket
from pathlib import Path

import pytest
from typer.testing import CliRunner

import local_web
from corroborate.cli.main import app
from corroborate.ingest.fetch import Fetcher, FetchError, RobotsDisallowed
from corroborate.ingest.files import iter_json, iter_jsonl
from corroborate.ingest.records import NO_DEFAULTS, IngestFailure, IngestItem
from corroborate.store.articles import open_store
from corroborate.store.queries import list_articles
from local_web import LocalWeb
from web_support import auth, client

web, fast_fetch = local_web.web, local_web.fast_fetch  # fixtures

pytestmark = pytest.mark.filterwarnings("ignore:Using `httpx`")

TEXT = (
    "Mayor Ana Ruiz said on Monday that the bridge would reopen in May. "
    '"We are on schedule," she told reporters at the town hall.\n'
)
OTHER = "Two officials, who asked not to be named, told the Gazette that the budget would be cut.\n"
HUGE = str(2**63)  # one past the largest integer a database column holds
DEEP = "[" * 100_000 + "]" * 100_000


def error_of(response) -> dict:
    body = response.json()
    assert set(body) == {"error"} and set(body["error"]) == {"code", "message"}, body
    return body["error"]


# --------------------------------------------------------------------------- (1) ingest goes on


def test_a_lone_surrogate_in_jsonl_metadata_skips_that_record_only(tmp_path: Path) -> None:
    lines = [
        json.dumps({"text": TEXT, "outlet": "Gazette"}),
        json.dumps({"text": OTHER, "outlet": "O \ud800"}),  # json.dumps writes it as \ud800
        json.dumps({"text": OTHER.replace("Gazette", "Courier"), "title": "T \udfff", "outlet": "Courier"}),
        json.dumps({"text": "The river rose two metres overnight and the town hall stayed closed.\n"}),
    ]
    path = tmp_path / "feed.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="ascii")
    db = str(tmp_path / "news.db")
    result = CliRunner().invoke(app, ["ingest", str(path), "--db", db, "--mode", "fast", "-q"])
    assert result.exit_code == 3, result.stderr  # some inputs skipped, the run finished
    err = result.stderr.splitlines()
    assert any(
        line.startswith(f"skipped {path}:2: record: `outlet` holds a lone surrogate (U+D800)") for line in err
    )
    assert any(
        line.startswith(f"skipped {path}:3: record: `title` holds a lone surrogate (U+DFFF)") for line in err
    )
    assert err[-1] == "ingested 2, already stored 0, skipped 2"
    with open_store(db) as store:
        rows, total = list_articles(store)
        assert total == 2 and {row.outlet for row in rows} == {"Gazette", None}


@pytest.mark.parametrize("field", ["text", "html", "title", "outlet", "url"])
def test_surrogates_are_refused_in_every_field(tmp_path: Path, field: str) -> None:
    record = {"text": TEXT, field: "abc \ud83d def"} if field != "html" else {"html": "abc \ud83d def"}
    path = tmp_path / "one.json"
    path.write_text(json.dumps([record]), encoding="ascii")
    (failure,) = list(iter_json(path, str(path), NO_DEFAULTS))
    assert isinstance(failure, IngestFailure)
    assert f"`{field}` holds a lone surrogate (U+D83D) at character 4" in str(failure.error)


def test_json_nested_too_deeply_is_one_bad_record(tmp_path: Path) -> None:
    path = tmp_path / "deep.jsonl"
    path.write_text(DEEP + "\n" + json.dumps({"text": TEXT}) + "\n", encoding="ascii")
    first, second = list(iter_jsonl(path, str(path), NO_DEFAULTS))
    assert isinstance(first, IngestFailure) and "nests arrays or objects too deeply" in str(first.error)
    assert isinstance(second, IngestItem)
    whole = tmp_path / "deep.json"
    whole.write_text(DEEP, encoding="ascii")
    (only,) = list(_safely(iter_json, whole))
    assert isinstance(only, IngestFailure) and "too deeply" in str(only.error)


def _safely(reader, path: Path):
    """As ``ingest.inputs`` does: an error about the whole file becomes its one failure."""
    from corroborate.errors import IngestError

    try:
        yield from reader(path, str(path), NO_DEFAULTS)
    except IngestError as exc:
        yield IngestFailure(str(path), exc)


def test_a_huge_bad_value_is_quoted_short(tmp_path: Path) -> None:
    path = tmp_path / "big.json"
    path.write_text(json.dumps({"text": TEXT, "outlet": list(range(100_000))}), encoding="ascii")
    (failure,) = list(iter_json(path, str(path), NO_DEFAULTS))
    assert isinstance(failure, IngestFailure) and len(str(failure.error)) < 300


# --------------------------------------------------------------------------- (2)-(4) the web: 4xx, never 5xx


@pytest.fixture(scope="module")
def api(tmp_path_factory: pytest.TempPathFactory):
    with client("sqlite:///" + str(tmp_path_factory.mktemp("hostile") / "web.db")) as c:
        yield c


@pytest.mark.parametrize("field", ["text", "title", "outlet"])
def test_post_with_a_lone_surrogate_is_422(api, field: str) -> None:
    body = json.dumps({"text": TEXT, field: "O \ud800"})  # ASCII: the surrogate as \ud800
    headers = {**auth(), "Content-Type": "application/json"}
    response = api.post("/api/v1/articles", content=body, headers=headers)
    assert response.status_code == 422, response.text
    error = error_of(response)
    assert error["code"] == "bad_record" and "lone surrogate" in error["message"]


@pytest.mark.parametrize(
    "path",
    [
        f"/api/v1/articles?offset={HUGE}",
        f"/api/v1/stories?offset={HUGE}",
        f"/api/v1/outlets?offset={HUGE}",
        f"/api/v1/articles/{HUGE}",
        f"/api/v1/articles/-{HUGE}1",
        f"/articles?offset={HUGE}",
        f"/stories?offset={HUGE}",
        f"/articles/{HUGE}",
    ],
)
def test_integers_past_the_database_range_are_422(api, path: str) -> None:
    response = api.get(path)
    assert response.status_code == 422, response.text
    if path.startswith("/api/"):
        assert error_of(response)["code"] == "invalid_request"
    else:
        assert "text/html" in response.headers["content-type"]


def test_the_largest_id_is_still_a_404(api) -> None:
    response = api.get(f"/api/v1/articles/{2**63 - 1}")
    assert response.status_code == 404 and error_of(response)["code"] == "not_found"


@pytest.mark.parametrize("value", ["0-\u00b2", "0-" + "9" * 5000, "\u0663-\u0664", "1-2"])
def test_odd_highlight_ranges_are_ignored(value: str) -> None:
    """`?source=` ranges come from links; digits int() refuses (a superscript, 5,000 of them) are ignored."""
    from corroborate.web.views import parse_ranges

    assert parse_ranges([value], 10) == ([(1, 2)] if value == "1-2" else [])


@pytest.mark.parametrize("body", [DEEP, '{"a":' * 50_000 + "1" + "}" * 50_000])
def test_json_nested_too_deeply_is_400(api, body: str) -> None:
    response = api.post(
        "/api/v1/articles", content=body, headers={**auth(), "Content-Type": "application/json"}
    )
    assert response.status_code == 400, response.text
    error = error_of(response)
    assert error["code"] == "bad_json" and "too deeply" in error["message"]


def test_a_deep_json_upload_is_422(api) -> None:
    files = {"file": ("deep.json", DEEP.encode(), "application/json")}
    response = api.post("/api/v1/articles", files=files, headers=auth())
    assert response.status_code == 422, response.text
    assert error_of(response)["code"] == "bad_record"


# --------------------------------------------------------------------------- (9) what happened


def test_an_unresolvable_host_is_reported_as_such() -> None:
    def nowhere(host: str, port: int) -> list[str]:
        raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")

    with Fetcher(delay=0.0, retries=0, resolver=nowhere) as fetcher, pytest.raises(FetchError) as caught:
        fetcher.fetch("http://no-such-host.test/")
    message = str(caught.value)
    assert "disallows" not in message and not isinstance(caught.value, RobotsDisallowed)
    assert message.startswith(
        "http://no-such-host.test/: could not fetch http://no-such-host.test/robots.txt"
    )
    assert "cannot resolve no-such-host.test" in message
    assert caught.value.transient


def test_a_failing_robots_txt_says_so(web: LocalWeb) -> None:
    web.add("/robots.txt", 503)
    web.page("/news/library", "library.html")
    fetcher = Fetcher(delay=0.0, retries=0, allow_hosts=["127.0.0.1"])
    with fetcher, pytest.raises(RobotsDisallowed) as caught:
        fetcher.fetch(web.url("/news/library"))
    assert "robots.txt answered HTTP 503, so nothing is fetched from there for now" in str(caught.value)
    assert "/news/library" not in web.paths()


# --------------------------------------------------------------------------- (10) library log lines


@pytest.mark.parametrize(
    ("args", "env", "shown"),
    [
        ([], {}, False),  # by default a library's warnings about a page stay out of the way
        (["--library-log", "warning"], {}, True),
        (["--library-log", "critical"], {}, False),
        ([], {"CORROBORATE_LIBRARY_LOG": "error"}, True),
        (["-vv"], {}, True),
    ],
)
def test_library_log_lines_follow_the_chosen_level(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, args: list[str], env: dict, shown: bool
) -> None:
    monkeypatch.delenv("CORROBORATE_LIBRARY_LOG", raising=False)
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    page = tmp_path / "x.html"
    page.write_text("x", encoding="utf-8")  # trafilatura logs ERROR and WARNING lines about this one
    result = CliRunner().invoke(app, [*args, "ingest", str(page), "--db", str(tmp_path / "n.db"), "-q"])
    assert result.exit_code == 1, result.stderr  # nothing ingested
    assert f"skipped {page}: no article text found in the HTML page" in result.stderr
    assert ("trafilatura" in result.stderr) is shown, result.stderr


def test_a_bad_library_log_level_is_a_usage_error(tmp_path: Path) -> None:
    result = CliRunner().invoke(app, ["--library-log", "loud", "ingest", str(tmp_path)])
    assert result.exit_code == 2
    assert "'loud' is not a log level" in result.stderr


def test_a_nul_byte_in_one_jsonl_record_fails_that_record_only(tmp_path: Path) -> None:
    path = tmp_path / "nul.jsonl"
    path.write_bytes(b'{"text": "a\x00b"}\n\x00\n' + json.dumps({"text": TEXT}).encode() + b"\n")
    first, second, third = list(_safely(iter_jsonl, path))
    assert isinstance(first, IngestFailure) and first.origin == f"{path}:1"
    assert isinstance(second, IngestFailure) and second.origin == f"{path}:2"
    assert isinstance(third, IngestItem) and third.article.text == TEXT
