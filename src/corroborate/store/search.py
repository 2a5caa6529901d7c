"""Bounded candidate queries for a claim check: the stored articles whose title or text shares the claim's
words, best first, at most ``limit`` of them.

SQLite ranks with FTS5's BM25 over ``articles_fts`` (migration 0002) and an OR of the words; PostgreSQL with
``ts_rank`` over the expression of index ``ix_articles_fts``. Either way the database does the work, so one
query costs milliseconds on 10,000 articles. With ``since``/``until`` undated articles are left out.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from sqlalchemy import select, text

from corroborate.store.database import Database
from corroborate.store.rows import chunks
from corroborate.store.schema import articles, story_articles

MAX_TERMS = 32  # words of the claim used in the query


@dataclass(frozen=True, slots=True)
class CandidateRow:
    """A found article: id, title and text (for the stance model), copy_of (from story grouping) and rank
    (0 to 1)."""

    id: int
    title: str | None
    text: str
    copy_of: int | None
    rank: float


def _date_sql(since: date | None, until: date | None) -> tuple[str, dict]:
    clauses, params = [], {}
    if since is not None:
        clauses.append("articles.published >= :since")
        params["since"] = since
    if until is not None:
        clauses.append("articles.published <= :until")
        params["until"] = until
    return "".join(f" AND {c}" for c in clauses), params


def candidate_ids(
    store: Database,
    terms: Sequence[str],
    *,
    since: date | None = None,
    until: date | None = None,
    limit: int = 100,
) -> list[tuple[int, float]]:
    """``(article id, rank)`` of up to ``limit`` articles matching any of ``terms``, best first; ``rank`` is
    1 for the best match and falls toward 0."""
    words = [w for w in dict.fromkeys(t.strip() for t in terms) if w and w.isalnum()][:MAX_TERMS]
    if not words or limit <= 0:
        return []
    where, params = _date_sql(since, until)
    with store.read() as conn:
        if conn.dialect.name == "sqlite":
            match = " OR ".join('"' + w.replace('"', '""') + '"' for w in words)
            sql = (
                "SELECT articles_fts.rowid AS id, bm25(articles_fts) AS score FROM articles_fts "
                "JOIN articles ON articles.id = articles_fts.rowid "
                f"WHERE articles_fts MATCH :match{where} ORDER BY score, id LIMIT :limit"
            )
            rows = conn.execute(text(sql), {"match": match, "limit": limit, **params}).all()
            scores = [-float(r.score) for r in rows]  # bm25(): lower is better
        elif conn.dialect.name == "postgresql":
            vector = (
                "to_tsvector('english', left(coalesce(articles.title, '') || ' ' || articles.text, 200000))"
            )
            sql = (
                f"SELECT articles.id AS id, ts_rank({vector}, q) AS score "
                f"FROM articles, to_tsquery('english', :q) q WHERE {vector} @@ q{where} "
                "ORDER BY score DESC, id LIMIT :limit"
            )
            query = " | ".join(w.replace("'", "") for w in words)
            rows = conn.execute(text(sql), {"q": query, "limit": limit, **params}).all()
            scores = [float(r.score) for r in rows]
        else:  # pragma: no cover - only SQLite and PostgreSQL are supported stores
            return []
    best = max(scores, default=0.0)
    return [(int(r.id), (s / best) if best > 0 else 0.0) for r, s in zip(rows, scores, strict=True)]


def candidate_rows(store: Database, ranked: Sequence[tuple[int, float]]) -> list[CandidateRow]:
    """The texts and copy links of ``ranked`` articles, in the order given."""
    found: dict[int, tuple[str | None, str, int | None]] = {}
    ids = [i for i, _ in ranked]
    for chunk in chunks(ids):
        query = (
            select(articles.c.id, articles.c.title, articles.c.text, story_articles.c.copy_of)
            .outerjoin(story_articles, story_articles.c.article_id == articles.c.id)
            .where(articles.c.id.in_(list(chunk)))
        )
        with store.read() as conn:
            for row in conn.execute(query):
                found[row.id] = (row.title, row.text, row.copy_of)
    return [CandidateRow(i, *found[i], rank) for i, rank in ranked if i in found]
