"""Feed state in the store: the HTTP validators remembered per feed (table of migration 0002)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import insert, select, update

from corroborate.store.database import Database
from corroborate.store.schema import feeds


def feed_state(store: Database, url: str) -> tuple[str | None, str | None] | None:
    """``(etag, last_modified)`` remembered for a feed, or None if it was never polled."""
    with store.read() as conn:
        row = conn.execute(select(feeds.c.etag, feeds.c.last_modified).where(feeds.c.url == url)).first()
    return None if row is None else (row.etag, row.last_modified)


def save_feed_state(store: Database, url: str, etag: str | None, last_modified: str | None) -> None:
    """Remember a feed's validators (insert or update, in one transaction)."""
    now = datetime.now(UTC)
    with store.write() as conn:
        found = conn.execute(
            update(feeds)
            .where(feeds.c.url == url)
            .values(etag=etag, last_modified=last_modified, last_polled=now)
        ).rowcount
        if not found:
            conn.execute(
                insert(feeds).values(url=url, etag=etag, last_modified=last_modified, last_polled=now)
            )
