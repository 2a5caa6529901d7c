"""`corroborate ingest crawl.warc.gz`: HTML responses become articles, other records are counted.

The WARC files are written in the test with warcio's WARCWriter; analysis is faked (no spaCy).
"""

from __future__ import annotations

import io
import sqlite3
import sys
from datetime import date
from pathlib import Path

import pytest
from typer.testing import CliRunner
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

import local_web
from corroborate.cli.main import app
from corroborate.ingest.inputs import iter_inputs
from corroborate.ingest.records import Defaults, IngestFailure, IngestItem
from corroborate.ingest.warc import MissingExtra, iter_warc

fake_analysis = local_web.fake_analysis  # fixture

pytestmark = pytest.mark.usefixtures("fake_analysis")

LIBRARY = "https://courier.example/news/library"
WATER = "https://courier.example/news/water"


def _html(name: str) -> bytes:
    return (local_web.FIXTURES / name).read_bytes()


def _response(
    writer: WARCWriter, uri: str, body: bytes, status: str = "200 OK", ctype: str = "text/html", date=None
):
    headers = StatusAndHeaders(
        status, [("Content-Type", ctype), ("Content-Length", str(len(body)))], protocol="HTTP/1.1"
    )
    extra = {"WARC-Date": date} if date else None
    return writer.create_warc_record(
        uri, "response", payload=io.BytesIO(body), http_headers=headers, warc_headers_dict=extra
    )


def write_crawl(path: Path, *, gzip: bool = True, extra: list[tuple[str, bytes]] = ()) -> Path:
    """warcinfo, a request, two HTML articles, a PNG, a 404 page, a metadata record (+ ``extra`` pages)."""
    with open(path, "wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        writer.write_record(writer.create_warcinfo_record(path.name, {"software": "corroborate-tests"}))
        request = StatusAndHeaders(
            "GET /news/library HTTP/1.1", [("Host", "courier.example")], is_http_request=True
        )
        writer.write_record(writer.create_warc_record(LIBRARY, "request", http_headers=request))
        writer.write_record(
            _response(writer, LIBRARY, _html("library.html"), ctype="text/html; charset=utf-8")
        )
        writer.write_record(
            _response(writer, "https://courier.example/logo.png", b"\x89PNG\r\n", ctype="image/png")
        )
        writer.write_record(_response(writer, WATER, _html("water.html"), date="2025-02-05T10:00:00Z"))
        writer.write_record(
            _response(writer, "https://courier.example/gone", _html("bridge.html"), status="404 Not Found")
        )
        writer.write_record(
            writer.create_warc_record(
                LIBRARY, "metadata", payload=io.BytesIO(b"outlinks: 3"), warc_content_type="text/plain"
            )
        )
        for uri, body in extra:
            writer.write_record(_response(writer, uri, body))
    return path


def _ingest(*args: str):
    return CliRunner().invoke(app, ["ingest", *args])


def _rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT url, outlet, title, published FROM articles ORDER BY url").fetchall()


@pytest.mark.parametrize("name", ["crawl.warc.gz", "crawl.warc"])
def test_ingest_a_warc_file(tmp_path: Path, name: str) -> None:
    crawl = write_crawl(tmp_path / name, gzip=name.endswith(".gz"))
    db = tmp_path / "news.db"
    result = _ingest(str(crawl), "--db", str(db))
    assert result.exit_code == 0, result.stderr
    assert (
        f"{crawl}: read 2 HTML responses, skipped 5 other records "
        "(1 metadata, 1 request, 1 response (HTTP 404), 1 response (image/png), 1 warcinfo)"
    ) in result.stderr
    assert "ingested 2, already stored 0, skipped 0" in result.stderr
    assert _rows(db) == [
        (LIBRARY, "The Valley Courier", "Riverside library reopens after flood repairs", "2025-02-03"),
        # no date on the page: the record's WARC-Date
        (WATER, "courier.example", "Water board votes to raise rates by six percent", "2025-02-05"),
    ]
    again = _ingest(str(crawl), "--db", str(db))
    assert again.exit_code == 0 and "ingested 0, already stored 2, skipped 0" in again.stderr


def test_warc_files_in_directories_and_bad_records(tmp_path: Path) -> None:
    folder = tmp_path / "crawls"
    folder.mkdir()
    write_crawl(
        folder / "a.warc.gz", extra=[("https://courier.example/menu", b"<html><nav>Home</nav></html>")]
    )
    (folder / "broken.warc").write_bytes(b"this is not a WARC file\n" * 10)
    db = tmp_path / "news.db"
    result = _ingest(str(folder), "--db", str(db))
    assert result.exit_code == 3, result.stderr
    assert f"{folder / 'a.warc.gz'}: read 3 HTML responses" in result.stderr
    assert (
        f"skipped {folder / 'a.warc.gz'}[7]: no article text found in the HTML page (https://courier.example/menu)"
        in result.stderr
    )
    assert f"skipped {folder / 'broken.warc'}: not a readable WARC file" in result.stderr
    assert "ingested 2, already stored 0, skipped 2" in result.stderr
    assert [row[0] for row in _rows(db)] == [LIBRARY, WATER]


def test_published_flag_ranks_above_the_warc_date(tmp_path: Path) -> None:
    crawl = write_crawl(tmp_path / "crawl.warc.gz")
    lines: list[str] = []
    items = list(iter_warc(crawl, str(crawl), Defaults(outlet="Courier"), report=lines.append))
    assert all(isinstance(item, IngestItem) for item in items)
    assert [item.origin for item in items] == [f"{crawl}[2]", f"{crawl}[4]"]
    assert items[1].article.outlet == "Courier" and str(items[1].article.published) == "2025-02-05"
    assert lines == [
        f"{crawl}: read 2 HTML responses, skipped 5 other records "
        "(1 metadata, 1 request, 1 response (HTTP 404), 1 response (image/png), 1 warcinfo)"
    ]
    flagged = list(iter_warc(crawl, str(crawl), Defaults(published=date(2025, 1, 1)), None))
    assert str(flagged[0].article.published) == "2025-02-03"  # the page's own date still wins
    assert str(flagged[1].article.published) == "2025-01-01"


def test_missing_warcio_is_a_clear_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    crawl = write_crawl(tmp_path / "crawl.warc.gz")
    monkeypatch.setitem(sys.modules, "warcio", None)
    monkeypatch.setitem(sys.modules, "warcio.archiveiterator", None)
    [failure] = list(iter_inputs([str(crawl)]))
    assert isinstance(failure, IngestFailure) and isinstance(failure.error, MissingExtra)
    assert "pip install 'corroborate[warc]'" in str(failure.error)
    result = _ingest(str(crawl), "--db", str(tmp_path / "news.db"))
    assert result.exit_code == 1
    assert "reading WARC files needs warcio: pip install 'corroborate[warc]'" in result.stderr
