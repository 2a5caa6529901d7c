"""`corroborate watch`: RSS and Atom polling with conditional GETs, new-entry detection, failures.

Feeds and pages are served by a local server on 127.0.0.1 (``local_web``); analysis is faked so
spaCy is not loaded.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from typer.testing import CliRunner

import corroborate.app.feeds
import local_web
from corroborate.app.feeds import FeedError, FeedState, MemoryFeedStates, parse_feed, poll_feed
from corroborate.cli.main import app
from corroborate.ingest.fetch import Fetcher
from local_web import LocalWeb

web, fast_fetch, fake_analysis = local_web.web, local_web.fast_fetch, local_web.fake_analysis  # fixtures

pytestmark = pytest.mark.usefixtures("fast_fetch", "fake_analysis")

ETAG = '"courier-v1"'
LAST_MODIFIED = "Tue, 04 Feb 2025 19:30:00 GMT"


def _serve_courier(web: LocalWeb) -> None:
    """The Valley Courier's RSS feed (with validators, answering 304 to them) and its two articles."""
    feed = (local_web.FIXTURES / "rss.xml").read_text("utf-8").replace("{{BASE}}", web.base).encode()

    def rss(hit):
        if hit.headers.get("if-none-match") == ETAG:
            return 304, {"ETag": ETAG}, b""
        return (
            200,
            {"Content-Type": "application/rss+xml", "ETag": ETAG, "Last-Modified": LAST_MODIFIED},
            feed,
        )

    web.routes["/feed.xml"] = rss
    web.page("/news/library", "library.html")
    web.page("/news/water", "water.html")


def _watch(*args: str):
    return CliRunner().invoke(app, ["watch", *args])


def _rows(db: Path) -> list[tuple]:
    with sqlite3.connect(db) as conn:
        return conn.execute("SELECT url, outlet, title, published FROM articles ORDER BY url").fetchall()


def test_watch_once_stores_new_articles_then_polls_conditionally(web: LocalWeb, tmp_path: Path) -> None:
    _serve_courier(web)
    db = tmp_path / "news.db"
    feed = web.url("/feed.xml")
    first = _watch(feed, "--once", "--db", str(db), "--allow-host", "127.0.0.1")
    assert first.exit_code == 0, first.stderr
    assert f"feed {feed}: 2 entries, 2 new" in first.stderr
    assert "ingested 2, already stored 0, skipped 0" in first.stderr
    assert _rows(db) == [
        # The page's own metadata wins ...
        (
            web.url("/news/library"),
            "The Valley Courier",
            "Riverside library reopens after flood repairs",
            "2025-02-03",
        ),
        # ... the feed fills what the page lacks: outlet from the feed's title, date from the entry.
        (
            web.url("/news/water"),
            "The Valley Courier",
            "Water board votes to raise rates by six percent",
            "2025-02-04",
        ),
    ]
    assert web.hits_for("/feed.xml")[0].headers.get("if-none-match") is None
    assert all(hit.headers["user-agent"].startswith("Corroborate/") for hit in web.hits)
    assert web.paths().count("/robots.txt") == 1

    web.hits.clear()
    second = _watch(feed, "--once", "--db", str(db), "--allow-host", "127.0.0.1")
    assert second.exit_code == 0, second.stderr
    assert f"feed {feed}: not modified" in second.stderr
    poll = web.hits_for("/feed.xml")[0]
    assert poll.headers["if-none-match"] == ETAG
    assert poll.headers["if-modified-since"] == LAST_MODIFIED
    assert [p for p in web.paths() if p.startswith("/news/")] == []
    assert len(_rows(db)) == 2


def test_only_entries_not_yet_stored_are_fetched(web: LocalWeb, tmp_path: Path) -> None:
    _serve_courier(web)
    db = tmp_path / "news.db"
    args = ["--once", "--db", str(db), "--allow-host", "127.0.0.1", "--quiet"]
    assert _watch(web.url("/feed.xml"), *args).exit_code == 0
    web.page("/atom.xml", "atom.xml", content_type="application/atom+xml")
    web.page("/herald/bridge", "bridge.html")
    web.hits.clear()
    # A changed copy of the Courier feed (no validators) listing the same two stories, plus an Atom feed.
    web.page("/feed2.xml", "rss.xml", content_type="application/rss+xml")
    result = _watch(web.url("/feed2.xml"), web.url("/atom.xml"), *args)
    assert result.exit_code == 0, result.stderr
    assert "1 new entry: ingested 1, already stored 0, skipped 0" in result.stderr
    assert "entries," not in result.stderr  # --quiet: no per-feed lines
    assert [p for p in web.paths() if not p.endswith(".xml") and p != "/robots.txt"] == ["/herald/bridge"]
    assert (
        web.url("/herald/bridge"),
        "Northbank Herald",
        "Footbridge closed for inspection",
        "2025-03-10",
    ) in _rows(db)


def test_failed_entries_are_reported_and_the_batch_goes_on(web: LocalWeb, tmp_path: Path) -> None:
    web.page("/robots.txt", "robots.txt", content_type="text/plain")
    web.page("/news/library", "library.html")
    web.add("/news/empty", 200, "<html><body><nav>Home</nav></body></html>", Content_Type="text/html")
    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Mixed</title>
    <item><title>Gone</title><link>{web.base}/news/gone</link></item>
    <item><title>Hidden</title><link>{web.base}/private/memo</link></item>
    <item><title>Empty</title><link>{web.base}/news/empty</link></item>
    <item><title>Library</title><link>{web.base}/news/library</link></item>
    <item><title>Lan</title><link>http://192.168.1.20/story</link></item>
    </channel></rss>"""
    web.add("/mixed.xml", 200, feed, Content_Type="application/rss+xml")
    db = tmp_path / "news.db"
    result = _watch(web.url("/mixed.xml"), "--once", "--db", str(db), "--allow-host", "127.0.0.1")
    assert result.exit_code == 3, result.stderr
    assert f"skipped {web.base}/news/gone: HTTP 404" in result.stderr
    assert (
        f"skipped {web.base}/private/memo: robots.txt of 127.0.0.1 disallows /private/memo" in result.stderr
    )
    assert f"skipped {web.base}/news/empty: no article text found" in result.stderr
    assert "skipped http://192.168.1.20/story: refused: 192.168.1.20 is a private address" in result.stderr
    assert "ingested 1, already stored 0, skipped 4" in result.stderr
    assert [row[0] for row in _rows(db)] == [web.url("/news/library")]
    assert "/private/memo" not in web.paths()


def test_a_feed_that_fails_is_reported_and_others_go_on(web: LocalWeb, tmp_path: Path) -> None:
    _serve_courier(web)
    web.add("/page.html", 200, "<html><body><p>not a feed</p></body></html>", Content_Type="text/html")
    web.add("/notafeed.xml", 200, "this is plain text, not XML at all", Content_Type="text/plain")
    db = tmp_path / "news.db"
    feeds = [web.url("/feed.xml"), web.url("/page.html"), web.url("/notafeed.xml"), web.url("/gone.xml")]
    result = _watch(*feeds, "--once", "--db", str(db), "--allow-host", "127.0.0.1")
    assert result.exit_code == 3, result.stderr
    assert f"feed {web.url('/page.html')} failed: content type text/html" in result.stderr
    assert f"feed {web.url('/notafeed.xml')} failed: not an RSS or Atom feed" in result.stderr
    assert f"feed {web.url('/gone.xml')} failed: HTTP 404" in result.stderr
    assert "polled 1 feed (0 not modified, 3 failed); 2 new entries: ingested 2" in result.stderr


def test_every_feed_failing_exits_1_and_bad_urls_are_usage_errors(web: LocalWeb, tmp_path: Path) -> None:
    db = str(tmp_path / "news.db")
    result = _watch(web.url("/gone.xml"), "--once", "--db", db)  # and loopback is not allowed anyway
    assert result.exit_code == 1
    assert "refused: 127.0.0.1 is a loopback address" in result.stderr
    usage = _watch("feeds.txt", "--once", "--db", db)
    assert usage.exit_code == 2 and "not an http(s) URL: 'feeds.txt'" in usage.stderr


def test_without_once_it_polls_every_interval_until_interrupted(
    web: LocalWeb, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _serve_courier(web)
    naps: list[float] = []

    def sleep(seconds: float) -> None:
        naps.append(seconds)
        if len(naps) == 2:
            raise KeyboardInterrupt

    monkeypatch.setattr(corroborate.app.feeds, "_sleep", sleep)
    db = tmp_path / "news.db"
    result = _watch(web.url("/feed.xml"), "--interval", "60", "--db", str(db), "--allow-host", "127.0.0.1")
    assert result.exit_code == 130
    assert result.stderr.rstrip().endswith("interrupted")
    assert len(naps) == 2 and all(0 <= nap <= 60 for nap in naps)
    assert naps[1] > 50  # a 304 round is quick; the nap fills the rest of the interval
    assert len(web.hits_for("/feed.xml")) == 2  # two rounds; the second was a 304
    assert len(_rows(db)) == 2


# --------------------------------------------------------------------------- the pieces


def test_parse_feed_resolves_links_and_dates() -> None:
    rss = b"""<?xml version="1.0"?><rss version="2.0"><channel><title> Gazette </title>
    <item><title>A</title><link>/a</link><pubDate>Wed, 05 Mar 2025 23:30:00 GMT</pubDate></item>
    <item><title>No link</title></item></channel></rss>"""
    title, entries = parse_feed(rss, "https://gazette.example/feeds/all.xml", "application/rss+xml")
    assert title == "Gazette"
    assert [(e.link, e.title, str(e.published)) for e in entries] == [
        ("https://gazette.example/a", "A", "2025-03-05")
    ]
    with pytest.raises(FeedError, match="not an RSS or Atom feed"):
        parse_feed(b"{}", "https://gazette.example/x")


def test_poll_feed_sends_validators_and_a_304_costs_nothing(web: LocalWeb) -> None:
    _serve_courier(web)
    states = MemoryFeedStates()
    with Fetcher(allow_hosts=["127.0.0.1"]) as fetcher:
        first = poll_feed(fetcher, web.url("/feed.xml"), states.get(web.url("/feed.xml")))
        assert first.modified and first.state == FeedState(ETAG, LAST_MODIFIED) and len(first.entries) == 2
        states.save(first.url, first.state)
        second = poll_feed(fetcher, web.url("/feed.xml"), states.get(web.url("/feed.xml")))
    assert not second.modified and second.entries == []
    assert web.paths() == ["/robots.txt", "/feed.xml", "/feed.xml"]


def test_a_transient_entry_failure_keeps_the_feed_unconditional(web: LocalWeb, tmp_path: Path) -> None:
    from corroborate.app.feeds import Watcher
    from corroborate.store.articles import open_store

    feed = f"""<?xml version="1.0"?><rss version="2.0"><channel><title>Flaky</title>
    <item><title>Busy</title><link>{web.base}/news/busy</link></item></channel></rss>"""
    web.add("/flaky.xml", 200, feed, Content_Type="application/rss+xml", ETag='"f1"')
    web.add("/news/busy", 503, Retry_After="0")
    states = MemoryFeedStates()
    lines: list[str] = []
    with (
        open_store(str(tmp_path / "news.db")) as store,
        Fetcher(allow_hosts=["127.0.0.1"], retries=1) as fetcher,
    ):
        watcher = Watcher(
            store, fetcher, [web.url("/flaky.xml")], states=states, say=lines.append, quiet=True
        )
        counts = watcher.poll()
        assert counts.skipped == 1 and states.get(web.url("/flaky.xml")) is None  # retried next round
        web.add("/news/busy", 404)
        counts = watcher.poll()
        assert counts.skipped == 1 and states.get(web.url("/flaky.xml")) == FeedState('"f1"', None)
        assert watcher.poll().new_entries == 0  # a 404 is not fetched again by this process
    assert len(web.hits_for("/news/busy")) == 3
