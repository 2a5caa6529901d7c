"""Watching RSS and Atom feeds (`corroborate watch`): new entries are fetched, analysed and stored.

* A poll is a conditional GET: ``If-None-Match`` / ``If-Modified-Since`` from the ETag and
  Last-Modified the feed last answered with (kept in the store's ``feeds`` table); a 304 costs
  that one request and nothing else. Feeds are parsed with feedparser from the fetched bytes
  (feedparser itself never touches the network).
* An entry is new when its link is not stored yet (the store's identity is the URL). New entries
  are fetched through :class:`fetch.Fetcher` (SSRF guard, robots.txt, retries, one request at a
  time per host), :data:`FETCH_WORKERS` at a time, and stored through ``app.ingest.ingest_items``.
* The entry's link is the article's URL. The page's own title, date and site name win; the
  entry's title and date and the feed's title fill what the page lacks.
* A feed's validators are saved once its new entries are handled, unless one of them failed
  transiently (network error, 429, 5xx): then the next poll downloads the feed again and the
  entry is retried. Entries that failed for good are not fetched again by the same process.
"""

from __future__ import annotations

import io
import logging
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from typing import TYPE_CHECKING, Protocol
from urllib.parse import urljoin

from corroborate.analysis.modes import DEFAULT_MODE
from corroborate.app.ingest import failure_reason, ingest_items
from corroborate.app.runner import EXIT_FAILED, EXIT_OK, EXIT_PARTIAL, Progress
from corroborate.errors import IngestError
from corroborate.ingest.fetch import Fetcher, FetchError, fetch_article, is_web_url
from corroborate.ingest.records import Defaults, IngestFailure, IngestItem
from corroborate.store.feeds import feed_state, save_feed_state
from corroborate.types import Article

if TYPE_CHECKING:
    from corroborate.store.articles import Store

log = logging.getLogger(__name__)

FEED_TYPES = frozenset(
    {
        "application/rss+xml",
        "application/atom+xml",
        "application/rdf+xml",
        "application/x-rss+xml",
        "application/x-atom+xml",
        "application/xml",
        "text/xml",
        "text/plain",
    }
)
FEED_ACCEPT = "application/rss+xml, application/atom+xml, application/xml;q=0.9, text/xml;q=0.9, */*;q=0.1"
FETCH_WORKERS = 4

_sleep = time.sleep  # replaced in tests


class FeedError(IngestError):
    """A feed URL answered with something that is not an RSS or Atom feed."""

    code = "E115"


# --------------------------------------------------------------------------- feed state


@dataclass(frozen=True)
class FeedState:
    etag: str | None = None
    last_modified: str | None = None

    def headers(self) -> dict[str, str]:
        """The conditional request headers these validators allow."""
        sent = {}
        if self.etag:
            sent["If-None-Match"] = self.etag
        if self.last_modified:
            sent["If-Modified-Since"] = self.last_modified
        return sent


class FeedStates(Protocol):
    def get(self, url: str) -> FeedState | None: ...

    def save(self, url: str, state: FeedState) -> None: ...


class StoreFeedStates:
    """Feed state in the store's ``feeds`` table (migration 0002)."""

    def __init__(self, store: Store) -> None:
        self.store = store

    def get(self, url: str) -> FeedState | None:
        found = feed_state(self.store, url)
        return None if found is None else FeedState(*found)

    def save(self, url: str, state: FeedState) -> None:
        save_feed_state(self.store, url, state.etag, state.last_modified)


class MemoryFeedStates:
    """Feed state for one process only."""

    def __init__(self) -> None:
        self.states: dict[str, FeedState] = {}

    def get(self, url: str) -> FeedState | None:
        return self.states.get(url)

    def save(self, url: str, state: FeedState) -> None:
        self.states[url] = state


# --------------------------------------------------------------------------- one feed


@dataclass(frozen=True)
class FeedEntry:
    link: str
    title: str | None
    published: date | None
    feed_url: str
    feed_title: str | None


@dataclass
class FeedPoll:
    url: str
    modified: bool  # False: 304 Not Modified
    title: str | None = None
    entries: list[FeedEntry] = field(default_factory=list)
    state: FeedState | None = None  # the validators to remember once the entries are handled


def _entry_date(entry: dict) -> date | None:
    for key in ("published_parsed", "updated_parsed"):
        stamp = entry.get(key)
        if stamp:
            try:
                return date(*stamp[:3])
            except (TypeError, ValueError):
                continue
    return None


def parse_feed(
    content: bytes, url: str, content_type: str | None = None
) -> tuple[str | None, list[FeedEntry]]:
    """The feed's title and its entries with a web link (relative links resolved against ``url``)."""
    import feedparser

    headers = {"content-location": url, "content-type": content_type or "application/xml"}
    parsed = feedparser.parse(io.BytesIO(content), response_headers=headers)
    if not parsed.get("version") and not parsed.entries:
        problem = parsed.get("bozo_exception")
        detail = f": {type(problem).__name__}: {problem}" if problem else ""
        raise FeedError(f"not an RSS or Atom feed{detail}", input_name=url)
    title = (parsed.feed.get("title") or "").strip() or None
    entries: list[FeedEntry] = []
    for entry in parsed.entries:
        link = (entry.get("link") or "").strip()
        if not link:
            log.info("%s: an entry without a link (%r) is ignored", url, entry.get("title"))
            continue
        link = urljoin(url, link)
        entry_title = (entry.get("title") or "").strip() or None
        entries.append(FeedEntry(link, entry_title, _entry_date(entry), url, title))
    return title, entries


def poll_feed(fetcher: Fetcher, url: str, state: FeedState | None = None) -> FeedPoll:
    """Fetch ``url`` (conditionally when ``state`` holds validators) and parse it. Raises IngestError."""
    result = fetcher.fetch(
        url, accept=FEED_TYPES, accept_header=FEED_ACCEPT, headers=state.headers() if state else None
    )
    if result.status == 304:  # a 304 may carry fresher validators
        etag, modified = result.headers.get("etag"), result.headers.get("last-modified")
        previous = state or FeedState()
        return FeedPoll(
            url, False, state=FeedState(etag or previous.etag, modified or previous.last_modified)
        )
    title, entries = parse_feed(result.content, result.final_url, result.content_type)
    validators = FeedState(result.headers.get("etag"), result.headers.get("last-modified"))
    return FeedPoll(url, True, title, entries, validators)


def entry_item(fetcher: Fetcher, entry: FeedEntry) -> IngestItem | IngestFailure:
    """The entry's page as an article (never raises for a bad page: a failure instead)."""
    try:
        article = fetch_article(
            fetcher, entry.link, Defaults(outlet=entry.feed_title, published=entry.published)
        )
    except IngestError as exc:
        return IngestFailure(entry.link, exc)
    if article.title is None and entry.title:
        article = replace(article, title=entry.title)
    return IngestItem(entry.link, article)


# --------------------------------------------------------------------------- watching


@dataclass
class WatchCounts:
    feeds_polled: int = 0  # answered (304 included)
    not_modified: int = 0
    feeds_failed: int = 0
    new_entries: int = 0
    ingested: int = 0
    already_stored: int = 0
    skipped: int = 0

    def add(self, other: WatchCounts) -> None:
        for name in self.__dataclass_fields__:
            setattr(self, name, getattr(self, name) + getattr(other, name))

    def summary(self) -> str:
        feeds = "feed" if self.feeds_polled == 1 else "feeds"
        entries = "entry" if self.new_entries == 1 else "entries"
        return (
            f"polled {self.feeds_polled} {feeds} ({self.not_modified} not modified, {self.feeds_failed} failed); "
            f"{self.new_entries} new {entries}: ingested {self.ingested}, already stored {self.already_stored}, "
            f"skipped {self.skipped}"
        )


def watch_exit_code(counts: WatchCounts) -> int:
    """1 if no feed could be polled, 3 if a feed or an entry failed, else 0 (nothing new is fine)."""
    if counts.feeds_polled == 0:
        return EXIT_FAILED
    return EXIT_PARTIAL if counts.feeds_failed or counts.skipped else EXIT_OK


def _stderr(message: str) -> None:
    import click

    click.echo(message, err=True)


class Watcher:
    """Polls ``feeds`` and stores their new entries; :meth:`poll` is one round, :meth:`run` loops."""

    def __init__(
        self,
        store: Store,
        fetcher: Fetcher,
        feeds: Sequence[str],
        *,
        states: FeedStates | None = None,
        mode: str = DEFAULT_MODE,
        quiet: bool = False,
        say: Callable[[str], None] = _stderr,
        workers: int = FETCH_WORKERS,
    ) -> None:
        self.store = store
        self.fetcher = fetcher
        self.feeds = list(dict.fromkeys(feeds))
        self.states = states if states is not None else StoreFeedStates(store)
        self.mode = mode
        self.quiet = quiet
        self.say = say
        self.workers = workers
        self._failed: set[str] = set()  # links that failed for good in this process

    def run(self, *, interval: float, once: bool = False) -> WatchCounts:
        """Poll every ``interval`` seconds (start to start) until interrupted; once with ``once``."""
        total = WatchCounts()
        while True:
            started = time.monotonic()
            total.add(self.poll())
            if once:
                return total
            wait = max(0.0, started + interval - time.monotonic())
            if not self.quiet:
                self.say(f"next poll in {wait:.0f} s (Ctrl-C stops)")
            _sleep(wait)

    def poll(self) -> WatchCounts:
        """One round: poll every feed, fetch and store the new entries, remember the feeds' state."""
        counts = WatchCounts()
        polls: list[FeedPoll] = []
        with self._progress("polling feeds", len(self.feeds), "feeds") as progress:
            for url in self.feeds:
                try:
                    poll = poll_feed(self.fetcher, url, self.states.get(url))
                except IngestError as exc:
                    counts.feeds_failed += 1
                    progress.say(f"feed {url} failed: {failure_reason(url, exc)}")
                    continue
                finally:
                    progress.advance()
                counts.feeds_polled += 1
                polls.append(poll)
                if not poll.modified:
                    counts.not_modified += 1
        pending = self._new_entries(polls)
        counts.new_entries = len(pending)
        for poll in polls:
            if not self.quiet:
                self.say(self._feed_line(poll, pending))
        transient: set[str] = set()
        if pending:
            with self._progress("fetching new entries", len(pending), "articles") as progress:
                done = ingest_items(self.store, self._items(pending, transient), progress, self.mode)
            counts.ingested, counts.already_stored, counts.skipped = (
                done.ingested,
                done.already_stored,
                done.skipped,
            )
        for poll in polls:
            if poll.state is not None and poll.url not in transient:  # a 304 updates last_polled
                self.states.save(poll.url, poll.state)
        if not self.quiet:
            self.say(counts.summary())
        return counts

    def _feed_line(self, poll: FeedPoll, pending: list[FeedEntry]) -> str:
        if not poll.modified:
            return f"feed {poll.url}: not modified"
        new = sum(1 for entry in pending if entry.feed_url == poll.url)
        return f"feed {poll.url}: {len(poll.entries)} entries, {new} new"

    def _new_entries(self, polls: list[FeedPoll]) -> list[FeedEntry]:
        seen: set[str] = set()
        pending: list[FeedEntry] = []
        for poll in polls:
            for entry in poll.entries:
                if entry.link in seen or entry.link in self._failed:
                    continue
                seen.add(entry.link)
                if not is_web_url(entry.link):
                    log.info("%s: entry link %s is not an http(s) URL; ignored", poll.url, entry.link)
                    continue
                if self.store.find(Article(text="", url=entry.link)) is None:
                    pending.append(entry)
        return pending

    def _items(self, pending: list[FeedEntry], transient: set[str]) -> Iterator[IngestItem | IngestFailure]:
        """Fetch the entries a few at a time (the fetcher keeps each host to one request at a time)."""
        pool = ThreadPoolExecutor(max_workers=self.workers, thread_name_prefix="corroborate-fetch")
        futures = [pool.submit(entry_item, self.fetcher, entry) for entry in pending]
        try:
            for entry, future in zip(pending, futures, strict=True):
                item = future.result()
                if isinstance(item, IngestFailure):
                    if isinstance(item.error, FetchError) and item.error.transient:
                        transient.add(entry.feed_url)
                    else:
                        self._failed.add(entry.link)
                yield item
        finally:
            pool.shutdown(wait=False, cancel_futures=True)

    @contextmanager
    def _progress(self, description: str, total: int, unit: str) -> Iterator[Progress]:
        bar = Progress(description, total=total, unit=unit)
        if self.quiet:  # a bar never entered never shows; its say() still prints
            yield bar
        else:
            with bar:
                yield bar
