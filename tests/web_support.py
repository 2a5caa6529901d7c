"""Shared set-up for the web tests: a database filled by really ingesting examples/, clients, a server.

Imported by tests/test_web_*.py (not a test module itself).
"""

from __future__ import annotations

import json
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
TOKEN = "test-token-" + "x" * 20

HOSTILE_TITLE = '<script>window.__xss = "title"</script><img src=x onerror="window.__xss=\'img\'">'
HOSTILE_OUTLET = '"><svg onload="window.__xss=\'outlet\'"></svg>'
HOSTILE_URL = "javascript:window.__xss='url'"
HOSTILE_TEXT = (
    "The mayor said on Tuesday that the city council will vote on the bridge budget next week. "
    '<script>window.__xss = "text"</script> Officials, who asked not to be named, told reporters '
    "that <a href=\"javascript:window.__xss='link'\">the plan</a> could slip by a month. "
    '" onmouseover="window.__xss=\'attr\'" x=" The council said the repairs would cost $4 million, '
    "according to a statement released on Monday. <img src=x onerror=\"window.__xss='img2'\">\n"
)


def seed_records() -> list[dict]:
    """The example articles as API records (text plus the sidecar's metadata)."""
    records = []
    for path in sorted(EXAMPLES.glob("*.txt")):
        meta = json.loads(path.with_name(path.stem + ".meta.json").read_text(encoding="utf-8"))
        records.append({"text": path.read_text(encoding="utf-8"), **meta})
    return records


def seed_store(url: str) -> list:
    """Ingest examples/ as `corroborate ingest examples/` does (the real pipeline, then story grouping);
    one app.ingest.IngestResult per example, in file order."""
    from corroborate.app import stories as story_service
    from corroborate.app.ingest import IngestResult, ingest_items
    from corroborate.ingest.inputs import iter_inputs
    from corroborate.ingest.records import IngestItem
    from corroborate.store.articles import open_store

    items = list(iter_inputs([EXAMPLES]))
    assert all(isinstance(item, IngestItem) for item in items), items
    with open_store(url) as store:
        counts = ingest_items(store, items)
        assert counts.ingested == len(items) and not counts.skipped, counts
        results = []
        for item in items:
            article_id = store.find(item.article)
            results.append(
                IngestResult(
                    article_id,
                    story_service.story_of(store, article_id),
                    len(store.load(article_id).attributions),
                    True,
                )
            )
    return results


@contextmanager
def database(backend: str, request: pytest.FixtureRequest, tmp_dir: Path) -> Iterator[str]:
    """A fresh database URL on ``backend`` ("sqlite" or "postgresql", via conftest's ``pg_server``)."""
    if backend == "sqlite":
        yield "sqlite:///" + str(tmp_dir / "web.db")
        return
    server = request.getfixturevalue("pg_server")
    name = "web_" + uuid.uuid4().hex[:12]
    with server.admin() as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield server.url(name)
    finally:
        with server.admin() as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@dataclass
class Seeded:
    url: str
    results: list  # app.ingest.IngestResult of each example, in file order

    @property
    def story_id(self) -> str:
        return self.results[0].story_id

    @property
    def article_ids(self) -> list[int]:
        return [r.id for r in self.results]


def client(url: str, token: str | None = TOKEN, **kwargs):
    from fastapi.testclient import TestClient

    from corroborate.web import create_app

    return TestClient(create_app(url, token=token, **kwargs), follow_redirects=False)


def auth(token: str = TOKEN) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


# --------------------------------------------------------------------------- a live server


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@contextmanager
def live_server(url: str, token: str | None = TOKEN) -> Iterator[str]:
    """uvicorn serving ``create_app(url)`` on a free 127.0.0.1 port in a thread; yields the base URL."""
    import uvicorn

    from corroborate.web import create_app

    port = free_port()
    config = uvicorn.Config(create_app(url, token=token), host="127.0.0.1", port=port, log_level="warning")
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if not thread.is_alive() or time.monotonic() > deadline:
            raise RuntimeError("the test server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=15)
