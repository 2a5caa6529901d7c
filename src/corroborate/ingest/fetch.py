"""Fetching web pages safely and politely: the HTTP client behind `ingest URL` and `watch`.

* **SSRF guard** (``netguard.py``): only ``http``/``https`` URLs whose host resolves to public
  addresses are fetched, unless ``--allow-host`` / ``$CORROBORATE_ALLOW_HOSTS`` allow it; the check
  sits where the socket is opened, so DNS rebinding cannot get round it. Redirects are followed
  here, not by httpx (at most :data:`MAX_REDIRECTS`), so every hop is checked again (scheme,
  guard, robots.txt, politeness).
* **robots.txt** is fetched once per origin (cached for :data:`ROBOTS_TTL_S`) and obeyed for
  :data:`USER_AGENT`; a 4xx robots.txt allows everything, an unreachable one (5xx, network
  error) disallows everything for a while (RFC 9309). ``Crawl-delay`` raises the politeness delay.
* **Politeness.** One request at a time per host (a lock per host) and at least
  :data:`POLITENESS_DELAY_S` between the end of one request and the start of the next.
* **Retries** with exponential backoff and jitter on connection errors, timeouts, 429 and 5xx;
  ``Retry-After`` is honoured up to :data:`RETRY_AFTER_CAP_S` (a longer one gives up).
* **Limits.** Bodies over :data:`MAX_RESPONSE_BYTES` (after decompression) and content types
  other than the ones asked for are refused.
"""

from __future__ import annotations

import logging
import random
import threading
import time
import urllib.robotparser
from collections.abc import Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from email.utils import parsedate_to_datetime

import httpx

from corroborate._version import __version__
from corroborate.errors import IngestError
from corroborate.ingest.netguard import (
    AddressGuard,
    AllowList,
    BlockedAddress,
    FetchError,
    GuardedTransport,
    Resolver,
)
from corroborate.ingest.pages import content_type_charset, decode_html
from corroborate.ingest.records import Defaults, IngestFailure, IngestItem, article_from_html
from corroborate.types import Article

log = logging.getLogger(__name__)

USER_AGENT = f"Corroborate/{__version__} (+https://github.com/corroborate; news sourcing analysis)"
MAX_REDIRECTS = 5
MAX_RESPONSE_BYTES = 10 * 1024 * 1024
MAX_ROBOTS_BYTES = 512 * 1024
POLITENESS_DELAY_S = 1.0
MAX_CRAWL_DELAY_S = 30.0
RETRIES = 3  # further attempts after the first
BACKOFF_BASE_S = 1.0
BACKOFF_MAX_S = 30.0
BACKOFF_JITTER = 0.25  # each wait is its backoff times 1 ± this, so clients do not retry in step
RETRY_AFTER_CAP_S = 120.0
ROBOTS_TTL_S = 3600.0
ROBOTS_ERROR_TTL_S = 300.0
TIMEOUT = httpx.Timeout(20.0, connect=10.0)
TOTAL_TIMEOUT_S = 120.0  # one response, start to last byte

HTML_TYPES = frozenset({"text/html", "application/xhtml+xml"})
HTML_ACCEPT = "text/html,application/xhtml+xml;q=0.9,*/*;q=0.1"
_REDIRECTS = frozenset({301, 302, 303, 307, 308})
_NOT_RETRIED_5XX = frozenset({501, 505})


# --------------------------------------------------------------------------- errors


class RobotsDisallowed(FetchError):
    code = "E112"


class UnsupportedContent(FetchError):
    code = "E113"


class ResponseTooLarge(FetchError):
    code = "E114"


# --------------------------------------------------------------------------- politeness, robots.txt


class HostGate:
    """One request at a time per host, ``delay`` seconds apart (end of one to start of the next)."""

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self._locks: dict[str, threading.Lock] = {}
        self._last: dict[str, float] = {}
        self._guard = threading.Lock()

    @contextmanager
    def slot(self, host: str, delay: float = 0.0) -> Iterator[None]:
        with self._guard:
            lock = self._locks.setdefault(host, threading.Lock())
        with lock:
            wait = self._last.get(host, float("-inf")) + max(self.delay, delay) - time.monotonic()
            if wait > 0:
                time.sleep(wait)
            try:
                yield
            finally:
                self._last[host] = time.monotonic()


@dataclass
class _Robots:
    parser: urllib.robotparser.RobotFileParser
    expires: float
    refusal: FetchError | None = None  # robots.txt could not be had (network error, 5xx): why


class RobotsCache:
    """robots.txt per origin (scheme, host, port), fetched through the same fetcher."""

    def __init__(self, fetcher: Fetcher, ttl: float = ROBOTS_TTL_S) -> None:
        self.fetcher = fetcher
        self.ttl = ttl
        self._rules: dict[str, _Robots] = {}
        self._locks: dict[str, threading.Lock] = {}
        self._guard = threading.Lock()

    def check(self, url: httpx.URL, origin: str) -> float:
        """The crawl delay robots.txt asks for; RobotsDisallowed if it forbids ``url``."""
        parser, refusal = self._parser(url)
        if refusal is not None:  # robots.txt could not be had: say why, not "disallows"
            raise type(refusal)(refusal.message, input_name=origin, transient=refusal.transient)
        if not parser.can_fetch(self.fetcher.user_agent, str(url)):
            raise RobotsDisallowed(
                f"robots.txt of {url.host} disallows {url.raw_path.decode('ascii', 'replace')} for Corroborate",
                input_name=origin,
            )
        delay = parser.crawl_delay(self.fetcher.user_agent)
        return min(float(delay), MAX_CRAWL_DELAY_S) if delay else 0.0

    def _parser(self, url: httpx.URL) -> tuple[urllib.robotparser.RobotFileParser, FetchError | None]:
        key = f"{url.scheme}://{url.netloc.decode('ascii')}"
        with self._guard:
            lock = self._locks.setdefault(key, threading.Lock())
        with lock:
            cached = self._rules.get(key)
            if cached is None or cached.expires < time.monotonic():
                cached = self._load(key)
                self._rules[key] = cached
            return cached.parser, cached.refusal

    def _load(self, origin: str) -> _Robots:
        parser = urllib.robotparser.RobotFileParser(origin + "/robots.txt")
        ttl = self.ttl
        refusal: FetchError | None = None
        try:
            result = self.fetcher.fetch(
                origin + "/robots.txt",
                accept=None,
                accept_header="text/plain,*/*;q=0.5",
                check_robots=False,
                raise_for_status=False,
                max_bytes=MAX_ROBOTS_BYTES,
            )
        except BlockedAddress:
            raise
        except FetchError as exc:
            log.info(
                "robots.txt of %s is unreachable (%s): not fetching from it for now", origin, exc.message
            )
            parser.disallow_all, ttl = True, ROBOTS_ERROR_TTL_S
            refusal = FetchError(
                f"could not fetch {origin}/robots.txt ({exc.message}), so nothing is fetched from there "
                "for now",
                transient=True,
            )
        else:
            if 200 <= result.status < 300:
                parser.parse(result.content.decode("utf-8", "replace").splitlines())
            elif 400 <= result.status < 500:
                parser.allow_all = True
            else:
                log.info(
                    "robots.txt of %s answered HTTP %d: not fetching from it for now", origin, result.status
                )
                parser.disallow_all, ttl = True, ROBOTS_ERROR_TTL_S
                refusal = RobotsDisallowed(
                    f"{origin}/robots.txt answered HTTP {result.status}, so nothing is fetched from there "
                    "for now",
                    transient=True,
                )
        parser.modified()
        return _Robots(parser, time.monotonic() + ttl, refusal)


# --------------------------------------------------------------------------- the fetcher


@dataclass(frozen=True)
class FetchResult:
    url: str  # as asked for
    final_url: str  # after redirects
    status: int
    headers: httpx.Headers = field(repr=False)
    content: bytes = field(repr=False)

    @property
    def content_type(self) -> str | None:
        media = self.headers.get("content-type", "").split(";", 1)[0].strip().lower()
        return media or None

    @property
    def charset(self) -> str | None:
        return content_type_charset(self.headers.get("content-type", ""))


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after")
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        return max(0.0, parsedate_to_datetime(value).timestamp() - time.time())
    except (TypeError, ValueError, IndexError, OverflowError):
        return None


def _retryable(status: int) -> bool:
    return status == 429 or (500 <= status < 600 and status not in _NOT_RETRIED_5XX)


class Fetcher:
    """A guarded, polite HTTP client. Thread-safe; close it (or use it as a context manager).

    ``allow_hosts`` add to ``$CORROBORATE_ALLOW_HOSTS``; ``delay``, ``retries`` and ``backoff``
    default to the module constants (read when the fetcher is made); ``resolver`` replaces
    ``socket.getaddrinfo`` (tests).
    """

    def __init__(
        self,
        *,
        allow_hosts: Iterable[str] = (),
        delay: float | None = None,
        retries: int | None = None,
        backoff: float | None = None,
        max_bytes: int | None = None,
        respect_robots: bool = True,
        resolver: Resolver | None = None,
        user_agent: str = USER_AGENT,
    ) -> None:
        self.guard = AddressGuard(AllowList.from_env(allow_hosts), resolver)
        self.user_agent = user_agent
        self.retries = RETRIES if retries is None else retries
        self.backoff = BACKOFF_BASE_S if backoff is None else backoff
        self.max_bytes = MAX_RESPONSE_BYTES if max_bytes is None else max_bytes
        self.gate = HostGate(POLITENESS_DELAY_S if delay is None else delay)
        self.robots = RobotsCache(self) if respect_robots else None
        self.client = httpx.Client(
            transport=GuardedTransport(self.guard),
            trust_env=False,
            follow_redirects=False,
            timeout=TIMEOUT,
            headers={"User-Agent": user_agent},
        )

    def __enter__(self) -> Fetcher:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.client.close()

    def fetch(
        self,
        url: str,
        *,
        accept: frozenset[str] | None = HTML_TYPES,
        accept_header: str = HTML_ACCEPT,
        headers: Mapping[str, str] | None = None,
        check_robots: bool = True,
        raise_for_status: bool = True,
        max_bytes: int | None = None,
    ) -> FetchResult:
        """GET ``url``, following up to :data:`MAX_REDIRECTS` redirects, each hop checked.

        ``accept``: the media types taken on a 2xx (None: any). A 304 is returned as it is.
        Raises FetchError (or a subclass) naming ``url``.
        """
        try:
            current = httpx.URL(url)
        except (httpx.InvalidURL, TypeError) as exc:
            raise FetchError(f"not a valid URL: {exc}", input_name=url) from exc
        sent = {"Accept": accept_header, **(headers or {})}
        for _hop in range(MAX_REDIRECTS + 1):
            self.guard.check_url(current, url)
            crawl_delay = 0.0
            if check_robots and self.robots is not None:
                try:
                    crawl_delay = self.robots.check(current, url)
                except FetchError as exc:  # the guard refusing robots.txt refuses the page too
                    raise exc if exc.input_name == url else replace_origin(exc, url) from None
            with self.gate.slot(current.host, crawl_delay):
                status, got, body = self._get(current, url, sent, accept, max_bytes or self.max_bytes)
            location = got.get("location")
            if status in _REDIRECTS and location:
                try:
                    current = current.join(location)
                except httpx.InvalidURL as exc:
                    raise FetchError(f"bad redirect to {location!r}: {exc}", input_name=url) from exc
                continue
            if raise_for_status and not (200 <= status < 300 or status == 304):
                raise FetchError(
                    f"HTTP {status} from {current}",
                    input_name=url,
                    status=status,
                    transient=_retryable(status),
                )
            return FetchResult(url, str(current), status, got, body)
        raise FetchError(f"more than {MAX_REDIRECTS} redirects", input_name=url)

    def _get(
        self, url: httpx.URL, origin: str, headers: dict[str, str], accept: frozenset[str] | None, limit: int
    ) -> tuple[int, httpx.Headers, bytes]:
        """One hop, retried on network errors, 429 and 5xx (within the host's slot)."""
        attempt = 0
        while True:
            try:
                status, got, body = self._send(url, origin, headers, accept, limit)
            except httpx.DecodingError as exc:
                raise FetchError(f"cannot decode the response: {exc}", input_name=origin) from exc
            except httpx.TransportError as exc:
                if isinstance(exc, httpx.UnsupportedProtocol | httpx.LocalProtocolError | httpx.ProxyError):
                    raise FetchError(f"{type(exc).__name__}: {exc}", input_name=origin) from exc
                problem, wait = f"{type(exc).__name__}: {exc or 'no detail'}", None
            else:
                if not _retryable(status):
                    return status, got, body
                problem, wait = f"HTTP {status}", _retry_after(got)
                if wait is not None and wait > RETRY_AFTER_CAP_S:
                    raise FetchError(
                        f"{problem}; the server asks to retry after {wait:.0f} s, over the "
                        f"{RETRY_AFTER_CAP_S:.0f} s cap",
                        input_name=origin,
                        status=status,
                        transient=True,
                    )
                if attempt >= self.retries:
                    return status, got, body
            if attempt >= self.retries:
                raise FetchError(
                    f"{problem} (after {attempt + 1} attempts)", input_name=origin, transient=True
                )
            if wait is None:
                jitter = random.uniform(1 - BACKOFF_JITTER, 1 + BACKOFF_JITTER)
                wait = min(BACKOFF_MAX_S, self.backoff * 2**attempt) * jitter
            attempt += 1
            log.info("%s: %s; retry %d of %d in %.1f s", origin, problem, attempt, self.retries, wait)
            time.sleep(wait)

    def _send(
        self, url: httpx.URL, origin: str, headers: dict[str, str], accept: frozenset[str] | None, limit: int
    ) -> tuple[int, httpx.Headers, bytes]:
        deadline = time.monotonic() + TOTAL_TIMEOUT_S
        try:
            with self.client.stream("GET", url, headers=headers) as response:
                status = response.status_code
                if not 200 <= status < 300:
                    return status, response.headers, b""
                result = FetchResult(origin, str(url), status, response.headers, b"")
                if (
                    accept is not None
                    and result.content_type is not None
                    and result.content_type not in accept
                ):
                    raise UnsupportedContent(
                        f"content type {result.content_type} from {url} is not one of {', '.join(sorted(accept))}",
                        input_name=origin,
                    )
                length = response.headers.get("content-length", "")
                if length.isdigit() and "content-encoding" not in response.headers and int(length) > limit:
                    raise ResponseTooLarge(
                        f"response of {int(length):,} bytes is over the {limit:,}-byte cap", input_name=origin
                    )
                chunks: list[bytes] = []
                size = 0
                for chunk in response.iter_bytes():
                    size += len(chunk)
                    if size > limit:
                        raise ResponseTooLarge(f"response is over the {limit:,}-byte cap", input_name=origin)
                    if time.monotonic() > deadline:
                        raise FetchError(
                            f"response took over {TOTAL_TIMEOUT_S:.0f} s", input_name=origin, transient=True
                        )
                    chunks.append(chunk)
                return status, response.headers, b"".join(chunks)
        except FetchError as exc:  # the guard, at connect time, knows only the host
            if exc.input_name == origin:
                raise
            raise replace_origin(exc, origin) from None


def replace_origin(exc: FetchError, origin: str) -> FetchError:
    """The same error (type, transient flag, status) naming ``origin``."""
    return type(exc)(exc.message, input_name=origin, transient=exc.transient, status=exc.status)


# --------------------------------------------------------------------------- pages as articles


def fetch_article(fetcher: Fetcher, url: str, defaults: Defaults) -> Article:
    """Fetch ``url`` and extract its article; the URL as given is the article's URL (its identity)."""
    result = fetcher.fetch(url)
    if result.status == 304:
        raise FetchError("HTTP 304 without a conditional request", input_name=url)
    html = decode_html(result.content, result.charset)
    article = article_from_html(html, origin=url, defaults=replace(defaults, url=result.final_url))
    final = httpx.URL(result.final_url)
    if defaults.outlet and article.outlet in {final.host, final.netloc.decode("ascii", "replace")}:
        # trafilatura named the site after its host (with a port, ingest takes that for a real name)
        article = replace(article, outlet=defaults.outlet)
    return replace(article, url=url)


def is_web_url(value: str) -> bool:
    return value[:8].lower().startswith(("http://", "https://"))


class WebPages:
    """``http(s)://`` inputs of ``ingest``: one shared Fetcher, made on the first URL, closed on exit."""

    def __init__(self, allow_hosts: Iterable[str] = (), fetcher: Fetcher | None = None) -> None:
        self.allow_hosts = tuple(allow_hosts)
        self._fetcher = fetcher
        self._owned = False

    def __enter__(self) -> WebPages:
        return self

    def __exit__(self, *exc: object) -> None:
        if self._owned and self._fetcher is not None:
            self._fetcher.close()

    def item(self, url: str, defaults: Defaults) -> IngestItem | IngestFailure:
        if self._fetcher is None:
            self._fetcher, self._owned = Fetcher(allow_hosts=self.allow_hosts), True
        try:
            return IngestItem(url, fetch_article(self._fetcher, url, defaults))
        except IngestError as exc:
            return IngestFailure(url, exc)
