"""A local HTTP server for the fetch, feed and URL-ingest tests (127.0.0.1 only, no outside network).

Routes map a path (with its query) to a fixed response or to a function of the request; every
request is recorded with its headers and timing, and the number of requests in flight at once is
tracked, so tests can assert conditional headers, the User-Agent, robots.txt, retries and
one-request-at-a-time per host.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

import corroborate.analysis.pipeline
import corroborate.ingest.fetch
from corroborate.types import Analysis

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "web"

Reply = tuple[int, dict[str, str], bytes]


@dataclass
class Hit:
    path: str
    headers: dict[str, str]  # lower-case names
    started: float
    ended: float = 0.0


@dataclass
class LocalWeb:
    routes: dict[str, Reply | Callable[[Hit], Reply]] = field(default_factory=dict)
    hits: list[Hit] = field(default_factory=list)
    active: int = 0
    max_active: int = 0

    def __post_init__(self) -> None:
        self._lock = threading.Lock()
        web = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def do_GET(self) -> None:  # noqa: N802 (http.server's name)
                web._serve(self)

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self._thread = threading.Thread(target=self.server.serve_forever, args=(0.05,), daemon=True)
        self._thread.start()

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.server.server_port}"

    def url(self, path: str) -> str:
        return self.base + path

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    # ----------------------------------------------------------------- routes

    def add(self, path: str, status: int = 200, body: bytes | str = b"", **headers: str) -> None:
        data = body.encode("utf-8") if isinstance(body, str) else body
        self.routes[path] = (status, {k.replace("_", "-"): v for k, v in headers.items()}, data)

    def page(self, path: str, fixture: str, content_type: str = "text/html; charset=utf-8") -> None:
        """Serve a fixture file, with ``{{BASE}}`` replaced by this server's address."""
        text = (FIXTURES / fixture).read_text("utf-8").replace("{{BASE}}", self.base)
        self.add(path, 200, text, Content_Type=content_type)

    def paths(self) -> list[str]:
        return [hit.path for hit in self.hits]

    def hits_for(self, path: str) -> list[Hit]:
        return [hit for hit in self.hits if hit.path == path]

    # ----------------------------------------------------------------- serving

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        hit = Hit(handler.path, {k.lower(): v for k, v in handler.headers.items()}, time.monotonic())
        with self._lock:
            self.hits.append(hit)
            self.active += 1
            self.max_active = max(self.max_active, self.active)
        try:
            route = self.routes.get(handler.path)
            if route is None:
                status, headers, body = 404, {"Content-Type": "text/plain"}, b"not found"
            elif callable(route):
                status, headers, body = route(hit)
            else:
                status, headers, body = route
            handler.send_response(status)
            for name, value in headers.items():
                handler.send_header(name, value)
            if "Content-Length" not in headers:
                handler.send_header("Content-Length", str(len(body)))
            handler.end_headers()
            handler.wfile.write(body)
        finally:
            hit.ended = time.monotonic()
            with self._lock:
                self.active -= 1


@pytest.fixture
def web() -> LocalWeb:
    server = LocalWeb()
    try:
        yield server
    finally:
        server.close()


@pytest.fixture
def fast_fetch(monkeypatch: pytest.MonkeyPatch) -> None:
    """No politeness delay or long backoff in tests (the constants are read when a Fetcher is made)."""
    monkeypatch.setattr(corroborate.ingest.fetch, "POLITENESS_DELAY_S", 0.0)
    monkeypatch.setattr(corroborate.ingest.fetch, "BACKOFF_BASE_S", 0.01)
    monkeypatch.delenv("CORROBORATE_ALLOW_HOSTS", raising=False)


@pytest.fixture
def fake_analysis(monkeypatch: pytest.MonkeyPatch) -> None:
    """Analysis without spaCy: every article gets an empty analysis (the store does not care)."""

    def analyze_articles(articles, *args, **kwargs):
        return [Analysis(article=article, extractor="test@1") for article in articles]

    monkeypatch.setattr(corroborate.analysis.pipeline, "analyze_articles", analyze_articles)
