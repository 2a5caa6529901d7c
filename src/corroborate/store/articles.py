"""The article store: articles with their analyses, one article per transaction.

Article identity is ``identity_key``: ``"url:" + url`` when the article has a URL, otherwise
``"text:" + outlet + ":" + sha256(text)``. Saving an article that is already stored changes nothing
and reports ``created=False``, so an interrupted ingest can simply be run again.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator, Sequence
from datetime import UTC, datetime

from sqlalchemy import delete, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from corroborate.errors import StoreError
from corroborate.store.database import (
    Database,
    create_db_engine,
    has_schema,
    migrate,
    resolve_db_url,
    sqlite_file,
)
from corroborate.store.rows import article_from_row, chunks, insert_analysis, read_analyses
from corroborate.store.schema import articles, attributions, boilerplate, damage, facts
from corroborate.types import Analysis, Article


def identity_key(article: Article) -> str:
    """``url:<url>`` when the article has a URL, else ``text:<outlet>:<sha256 of text>``."""
    if article.url:
        return "url:" + article.url
    return f"text:{article.outlet or ''}:{_sha256(article.text)}"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class Store(Database):
    """Open with :func:`open_store`. Close with :meth:`close` or use as a context manager.

    Transactions: :meth:`read` and :meth:`write` (from :class:`Database`).
    """

    # ----------------------------------------------------------------- writing

    def save(self, article: Article, analysis: Analysis) -> tuple[int, bool]:
        """Store an article with its analysis in one transaction; returns ``(id, created)``.

        An article whose identity is already stored is left as it is: ``(its id, False)``.
        """
        key = identity_key(article)
        try:
            with self.write() as conn:
                existing = conn.scalar(select(articles.c.id).where(articles.c.identity_key == key))
                if existing is not None:
                    return existing, False
                article_id = conn.execute(
                    insert(articles).values(
                        url=article.url,
                        outlet=article.outlet,
                        title=article.title,
                        published=article.published,
                        text=article.text,
                        text_sha256=_sha256(article.text),
                        identity_key=key,
                        extractor=analysis.extractor,
                        ingested_at=datetime.now(UTC),
                    )
                ).inserted_primary_key[0]
                insert_analysis(conn, article_id, analysis)
                return article_id, True
        except StoreError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise
            # Another writer stored the same article (or URL) first: that is "already stored".
            with self.read() as conn:
                existing = conn.scalar(select(articles.c.id).where(articles.c.identity_key == key))
            if existing is None:
                raise
            return existing, False

    def replace_analysis(self, article_id: int, analysis: Analysis) -> None:
        """Swap an article's boilerplate, damage, attributions and facts for ``analysis``, atomically."""
        with self.write() as conn:
            found = conn.execute(
                update(articles).where(articles.c.id == article_id).values(extractor=analysis.extractor)
            ).rowcount
            if not found:
                raise StoreError(f"no article with id {article_id}", input_name=self.display_name)
            for table in (boilerplate, damage, attributions, facts):
                conn.execute(delete(table).where(table.c.article_id == article_id))
            insert_analysis(conn, article_id, analysis)

    # ----------------------------------------------------------------- reading

    def find(self, article: Article) -> int | None:
        """The id of the stored article with ``article``'s identity, or None."""
        with self.read() as conn:
            return conn.scalar(select(articles.c.id).where(articles.c.identity_key == identity_key(article)))

    def find_many(self, found: Sequence[Article]) -> list[int | None]:
        """The stored id of each article of ``found`` (None where it is not stored), in one read."""
        keys = [identity_key(article) for article in found]
        if not keys:
            return []
        known: dict[str, int] = {}
        with self.read() as conn:
            for chunk in chunks(sorted(set(keys))):
                rows = conn.execute(
                    select(articles.c.identity_key, articles.c.id).where(articles.c.identity_key.in_(chunk))
                )
                known.update((key, article_id) for key, article_id in rows)
        return [known.get(key) for key in keys]

    def attribution_count(self, article_id: int) -> int:
        """How many attributions the stored article has (0 for no such article)."""
        with self.read() as conn:
            query = (
                select(func.count()).select_from(attributions).where(attributions.c.article_id == article_id)
            )
            return conn.scalar(query) or 0

    def count(self) -> int:
        with self.read() as conn:
            return conn.scalar(select(func.count()).select_from(articles)) or 0

    def ids(self) -> list[int]:
        with self.read() as conn:
            return list(conn.scalars(select(articles.c.id).order_by(articles.c.id)))

    def stale(self, extractor: str) -> list[int]:
        """Ids of articles (ascending) analysed, in whole or in part, by an extractor other than ``extractor``."""
        other_attr = select(attributions.c.article_id).where(attributions.c.extractor != extractor)
        query = (
            select(articles.c.id)
            .where(or_(articles.c.extractor != extractor, articles.c.id.in_(other_attr)))
            .order_by(articles.c.id)
        )
        with self.read() as conn:
            return list(conn.scalars(query))

    def iter_articles(self, ids: Sequence[int] | None = None) -> Iterator[tuple[int, Article]]:
        """``(id, Article)`` by ascending id (all articles, or those in ``ids``)."""
        wanted = self.ids() if ids is None else sorted(ids)
        for chunk in chunks(wanted):
            with self.read() as conn:
                rows = conn.execute(select(articles).where(articles.c.id.in_(chunk)).order_by(articles.c.id))
                batch = [(row.id, article_from_row(row)) for row in rows]
            yield from batch

    def load(self, article_id: int) -> Analysis:
        """The stored analysis of one article; StoreError if there is no such article."""
        for _, analysis in self.load_many([article_id]):
            return analysis
        raise StoreError(f"no article with id {article_id}", input_name=self.display_name)

    def load_many(self, ids: Sequence[int]) -> list[tuple[int, Analysis]]:
        """``(id, Analysis)`` of the stored articles among ``ids`` (one read; keep ``ids`` short)."""
        with self.read() as conn:
            return read_analyses(conn, ids)

    def iter_analyses(self) -> Iterator[tuple[int, Analysis]]:
        """``(id, Analysis)`` for every stored article, by ascending id, read in chunks."""
        for chunk in chunks(self.ids()):
            yield from self.load_many(chunk)


def open_store(db: str | None = None, *, create: bool = True) -> Store:
    """Open (and, with ``create``, create) the database and migrate it to the newest schema.

    With ``create=False`` a missing SQLite file is a StoreError instead of a new empty database.
    """
    url = resolve_db_url(db)
    path = sqlite_file(url)
    if path is not None and not create and not path.exists():
        raise StoreError("no database here; run `corroborate ingest` first", input_name=str(path))
    engine = create_db_engine(url)
    store = Store(engine=engine, url=url)
    try:
        if path is None and not create and not has_schema(store):
            raise StoreError(
                "no corroborate tables here; run `corroborate ingest` first", input_name=store.display_name
            )
        migrate(store)
    except BaseException:
        engine.dispose()
        raise
    return store
