"""Read queries over articles for listings (SQLAlchemy Core, bound parameters only)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select

from corroborate.store.database import Database
from corroborate.store.schema import articles, attributions


@dataclass(frozen=True, slots=True)
class ArticleRow:
    id: int
    title: str | None
    outlet: str | None
    url: str | None
    published: date | None
    attributions: int


def list_articles(
    store: Database, *, outlet: str | None = None, limit: int = 50, offset: int = 0
) -> tuple[list[ArticleRow], int]:
    """One page of articles, newest first (published, then id), with their attribution counts; and the total."""
    counts = (
        select(attributions.c.article_id, func.count().label("n"))
        .group_by(attributions.c.article_id)
        .subquery()
    )
    where = [] if outlet is None else [articles.c.outlet == outlet]
    query = (
        select(
            articles.c.id,
            articles.c.title,
            articles.c.outlet,
            articles.c.url,
            articles.c.published,
            func.coalesce(counts.c.n, 0).label("n"),
        )
        .outerjoin(counts, counts.c.article_id == articles.c.id)
        .where(*where)
        .order_by(articles.c.published.desc().nulls_last(), articles.c.id.desc())
        .limit(limit)
        .offset(offset)
    )
    total_query = select(func.count()).select_from(articles).where(*where)
    with store.read() as conn:
        rows = [
            ArticleRow(r.id, r.title, r.outlet, r.url, r.published, int(r.n)) for r in conn.execute(query)
        ]
        total = conn.scalar(total_query) or 0
    return rows, total


def article_exists(store: Database, article_id: int) -> bool:
    with store.read() as conn:
        return conn.scalar(select(articles.c.id).where(articles.c.id == article_id)) is not None
