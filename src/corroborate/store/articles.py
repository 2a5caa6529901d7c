"""The article store: SQLAlchemy Core over SQLite (default) or PostgreSQL, migrated with alembic.

One article is one transaction. Article identity is ``identity_key``: ``"url:" + url`` when the
article has a URL, otherwise ``"text:" + outlet + ":" + sha256(text)``. Saving an article that is
already stored changes nothing and reports ``created=False``, so an interrupted ingest can simply
be run again.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import (
    Boolean,
    CheckConstraint,
    Column,
    Connection,
    Date,
    DateTime,
    Engine,
    Float,
    ForeignKey,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    create_engine,
    delete,
    event,
    func,
    insert,
    inspect,
    or_,
    select,
    update,
)
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, IntegrityError, NoSuchModuleError, SQLAlchemyError

from corroborate.errors import StoreError, UsageError
from corroborate.types import (
    CERTAINTIES,
    FACT_KINDS,
    SOURCE_KINDS,
    Analysis,
    Article,
    Attribution,
    Boilerplate,
    DamageFlag,
    Fact,
    Span,
)

DEFAULT_DB = "corroborate.db"
ENV_DB = "CORROBORATE_DB"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000
_CHUNK = 200
_PG_MIGRATION_LOCK = 0x636F72726F62  # pg_advisory_xact_lock key for migrations ("corrob")

metadata = MetaData()


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _span_columns(prefix: str) -> list[Column]:
    return [
        Column(f"{prefix}_start", Integer, nullable=True),
        Column(f"{prefix}_end", Integer, nullable=True),
        Column(f"{prefix}_text", Text, nullable=True),
    ]


articles = Table(
    "articles",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("url", Text, nullable=True),
    Column("outlet", Text, nullable=True),
    Column("title", Text, nullable=True),
    Column("published", Date, nullable=True),
    Column("text", Text, nullable=False),
    Column("text_sha256", String(64), nullable=False),
    Column("identity_key", Text, nullable=False),
    Column("extractor", String(64), nullable=False),
    Column("ingested_at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("url", name="uq_articles_url"),
    UniqueConstraint("identity_key", name="uq_articles_identity_key"),
)


def _ranges_table(name: str) -> Table:
    return Table(
        name,
        metadata,
        Column("id", Integer, primary_key=True),
        Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
        Column("kind", String(64), nullable=False),
        Column("start", Integer, nullable=False),
        Column("end", Integer, nullable=False),
        Column("snippet", Text, nullable=False),
    )


boilerplate = _ranges_table("boilerplate")
damage = _ranges_table("damage")

attributions = Table(
    "attributions",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    *_span_columns("source"),
    *_span_columns("cue"),
    *_span_columns("content"),
    *_span_columns("channel"),
    Column("source_kind", String(32), nullable=False),
    Column("certainty", String(16), nullable=False),
    Column("direct", Boolean, nullable=False),
    Column("extractor", String(64), nullable=False),
    UniqueConstraint("article_id", "seq", name="uq_attributions_article_seq"),
    CheckConstraint(_in("source_kind", SOURCE_KINDS), name="ck_attributions_source_kind"),
    CheckConstraint(_in("certainty", CERTAINTIES), name="ck_attributions_certainty"),
)


facts = Table(
    "facts",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), nullable=False),
    Column("seq", Integer, nullable=False),
    Column("kind", String(16), nullable=False),
    Column("start", Integer, nullable=False),
    Column("end", Integer, nullable=False),
    Column("text", Text, nullable=False),
    Column("value", Float, nullable=True),
    Column("value_high", Float, nullable=True),
    Column("unit", String(64), nullable=True),
    Column("date_start", Date, nullable=True),
    Column("date_end", Date, nullable=True),
    Column("future", Boolean, nullable=False),
    Column("quantity", Text, nullable=True),
    Column("linked", Integer, nullable=True),
    UniqueConstraint("article_id", "seq", name="uq_facts_article_seq"),
    CheckConstraint(_in("kind", FACT_KINDS), name="ck_facts_kind"),
)


# --------------------------------------------------------------------------- locating the database


def resolve_db_url(db: str | None) -> str:
    """Turn ``--db`` (or ``$CORROBORATE_DB``, or ``./corroborate.db``) into an SQLAlchemy URL.

    A value containing ``://`` is an SQLAlchemy URL (``sqlite:///path``, ``postgresql://...``);
    anything else is a file path, made absolute, for SQLite. Raises UsageError on a bad URL.
    """
    value = db if db else os.environ.get(ENV_DB) or DEFAULT_DB
    if "://" not in value:
        return "sqlite:///" + str(Path(value).expanduser().resolve())
    if value.startswith("postgres://"):  # libpq's (and Heroku's) spelling
        value = "postgresql://" + value[len("postgres://") :]
    try:
        url = make_url(value)
        url.get_dialect()
    except (ArgumentError, NoSuchModuleError, ValueError) as exc:
        raise UsageError(f"not a usable database URL: {value!r} ({exc})", input_name="--db") from exc
    return value


def identity_key(article: Article) -> str:
    """``url:<url>`` when the article has a URL, else ``text:<outlet>:<sha256 of text>``."""
    if article.url:
        return "url:" + article.url
    return f"text:{article.outlet or ''}:{_sha256(article.text)}"


def _sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _sqlite_file(url: str) -> Path | None:
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    if parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record) -> None:
        dbapi_connection.isolation_level = None  # SQLAlchemy emits BEGIN itself (see _on_begin)
        cursor = dbapi_connection.cursor()
        try:
            cursor.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA foreign_keys = ON")
        finally:
            cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # Writers take the write lock up front so that busy_timeout applies; readers stay deferred.
        mode = conn.get_execution_options().get("sqlite_begin", "")
        conn.exec_driver_sql(f"BEGIN {mode}".rstrip())


# --------------------------------------------------------------------------- the store


@dataclass
class Store:
    """Open with :func:`open_store`. Close with :meth:`close` or use as a context manager."""

    engine: Engine
    url: str

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    # ----------------------------------------------------------------- transactions

    @contextmanager
    def _write(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn:
                if conn.dialect.name == "sqlite":
                    conn.execution_options(sqlite_begin="IMMEDIATE")
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            raise StoreError(_db_reason(exc), input_name=self.display_name) from exc

    @contextmanager
    def _read(self) -> Iterator[Connection]:
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(_db_reason(exc), input_name=self.display_name) from exc

    @property
    def display_name(self) -> str:
        """The database as shown in messages: the file path for SQLite, else the URL sans password."""
        path = _sqlite_file(self.url)
        return str(path) if path is not None else make_url(self.url).render_as_string(hide_password=True)

    # ----------------------------------------------------------------- writing

    def save(self, article: Article, analysis: Analysis) -> tuple[int, bool]:
        """Store an article with its analysis in one transaction; returns ``(id, created)``.

        An article whose identity is already stored is left as it is: ``(its id, False)``.
        """
        key = identity_key(article)
        try:
            with self._write() as conn:
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
                _insert_analysis(conn, article_id, analysis)
                return article_id, True
        except StoreError as exc:
            if not isinstance(exc.__cause__, IntegrityError):
                raise
            # Another writer stored the same article (or URL) first: that is "already stored".
            with self._read() as conn:
                existing = conn.scalar(select(articles.c.id).where(articles.c.identity_key == key))
            if existing is None:
                raise
            return existing, False

    def replace_analysis(self, article_id: int, analysis: Analysis) -> None:
        """Swap an article's boilerplate, damage, attributions and facts for ``analysis``, atomically."""
        with self._write() as conn:
            found = conn.execute(
                update(articles).where(articles.c.id == article_id).values(extractor=analysis.extractor)
            ).rowcount
            if not found:
                raise StoreError(f"no article with id {article_id}", input_name=self.display_name)
            for table in (boilerplate, damage, attributions, facts):
                conn.execute(delete(table).where(table.c.article_id == article_id))
            _insert_analysis(conn, article_id, analysis)

    # ----------------------------------------------------------------- reading

    def find(self, article: Article) -> int | None:
        """The id of the stored article with ``article``'s identity, or None."""
        with self._read() as conn:
            return conn.scalar(select(articles.c.id).where(articles.c.identity_key == identity_key(article)))

    def count(self) -> int:
        with self._read() as conn:
            return conn.scalar(select(func.count()).select_from(articles)) or 0

    def ids(self) -> list[int]:
        with self._read() as conn:
            return list(conn.scalars(select(articles.c.id).order_by(articles.c.id)))

    def stale(self, extractor: str) -> list[int]:
        """Ids of articles (ascending) analysed, in whole or in part, by an extractor other than ``extractor``."""
        other_attr = select(attributions.c.article_id).where(attributions.c.extractor != extractor)
        query = (
            select(articles.c.id)
            .where(or_(articles.c.extractor != extractor, articles.c.id.in_(other_attr)))
            .order_by(articles.c.id)
        )
        with self._read() as conn:
            return list(conn.scalars(query))

    def iter_articles(self, ids: Sequence[int] | None = None) -> Iterator[tuple[int, Article]]:
        """``(id, Article)`` by ascending id (all articles, or those in ``ids``)."""
        wanted = self.ids() if ids is None else sorted(ids)
        for chunk in _chunks(wanted, _CHUNK):
            with self._read() as conn:
                rows = conn.execute(select(articles).where(articles.c.id.in_(chunk)).order_by(articles.c.id))
                batch = [(row.id, _article(row)) for row in rows]
            yield from batch

    def load(self, article_id: int) -> Analysis:
        """The stored analysis of one article; StoreError if there is no such article."""
        for _, analysis in self._load_chunk([article_id]):
            return analysis
        raise StoreError(f"no article with id {article_id}", input_name=self.display_name)

    def iter_analyses(self) -> Iterator[tuple[int, Analysis]]:
        """``(id, Analysis)`` for every stored article, by ascending id, read in chunks."""
        for chunk in _chunks(self.ids(), _CHUNK):
            yield from self._load_chunk(chunk)

    def _load_chunk(self, ids: Sequence[int]) -> list[tuple[int, Analysis]]:
        with self._read() as conn:
            rows = list(conn.execute(select(articles).where(articles.c.id.in_(ids)).order_by(articles.c.id)))
            furniture = _group(conn, boilerplate, ids)
            flags = _group(conn, damage, ids)
            found = _group(conn, attributions, ids, order_by="seq")
            figures = _group(conn, facts, ids, order_by="seq")
        return [
            (
                row.id,
                Analysis(
                    article=_article(row),
                    boilerplate=tuple(
                        Boilerplate(r.kind, r.start, r.end, r.snippet) for r in furniture.get(row.id, ())
                    ),
                    damage=tuple(
                        DamageFlag(r.kind, r.start, r.end, r.snippet) for r in flags.get(row.id, ())
                    ),
                    attributions=tuple(_attribution(r) for r in found.get(row.id, ())),
                    extractor=row.extractor,
                    facts=tuple(_fact(r) for r in figures.get(row.id, ())),
                ),
            )
            for row in rows
        ]


# --------------------------------------------------------------------------- opening


def open_store(db: str | None = None, *, create: bool = True) -> Store:
    """Open (and, with ``create``, create) the database and migrate it to the newest schema.

    With ``create=False`` a missing SQLite file is a StoreError instead of a new empty database.
    """
    url = resolve_db_url(db)
    path = _sqlite_file(url)
    if path is not None and not create and not path.exists():
        raise StoreError("no database here; run `corroborate ingest` first", input_name=str(path))
    try:
        engine = create_engine(_engine_url(url))
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"the database driver is not installed ({exc.name}); for PostgreSQL: pip install 'corroborate[pg]'",
            input_name=make_url(url).render_as_string(hide_password=True),
        ) from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    store = Store(engine=engine, url=url)
    try:
        if path is None and not create and not _has_schema(store):
            raise StoreError(
                "no corroborate tables here; run `corroborate ingest` first", input_name=store.display_name
            )
        migrate(store)
    except BaseException:
        engine.dispose()
        raise
    return store


def migrate(store: Store, revision: str = "head") -> None:
    """Run the packaged alembic migrations up to ``revision`` (no alembic.ini needed)."""
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", store.url.replace("%", "%%"))
    try:
        with store.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                conn.execution_options(sqlite_begin="IMMEDIATE")
            elif conn.dialect.name == "postgresql":
                # One migrator at a time: concurrent first runs would race to create the tables.
                conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({_PG_MIGRATION_LOCK})")
            cfg.attributes["connection"] = conn
            command.upgrade(cfg, revision)
            if conn.in_transaction():
                conn.commit()
    except CommandError as exc:
        raise StoreError(
            f"cannot migrate the database ({exc}); was it written by a newer corroborate?",
            input_name=store.display_name,
        ) from exc
    except SQLAlchemyError as exc:
        raise StoreError(_db_reason(exc), input_name=store.display_name) from exc


def _engine_url(url: str) -> URL:
    """``postgresql://`` means psycopg 3 (the ``pg`` extra) unless only psycopg2 is installed."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        from importlib.util import find_spec

        has_psycopg2 = find_spec("psycopg2") is not None
        driver = "psycopg2" if has_psycopg2 and find_spec("psycopg") is None else "psycopg"
        parsed = parsed.set(drivername=f"postgresql+{driver}")
    return parsed


def _has_schema(store: Store) -> bool:
    try:
        with store.engine.connect() as conn:
            return inspect(conn).has_table("alembic_version")
    except SQLAlchemyError as exc:
        raise StoreError(_db_reason(exc), input_name=store.display_name) from exc


def schema_revision(store: Store) -> str | None:
    """The alembic revision the database is at (None if it was never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with store._read() as conn:
        return MigrationContext.configure(conn).get_current_revision()


# --------------------------------------------------------------------------- helpers


def _insert_analysis(conn: Connection, article_id: int, analysis: Analysis) -> None:
    for table, ranges in ((boilerplate, analysis.boilerplate), (damage, analysis.damage)):
        if ranges:
            rows = [
                dict(article_id=article_id, kind=r.kind, start=r.start, end=r.end, snippet=r.snippet)
                for r in ranges
            ]
            conn.execute(insert(table), rows)
    if analysis.attributions:
        rows = [
            _attribution_row(article_id, i, a, analysis.extractor)
            for i, a in enumerate(analysis.attributions)
        ]
        conn.execute(insert(attributions), rows)
    if analysis.facts:
        conn.execute(insert(facts), [_fact_row(article_id, i, f) for i, f in enumerate(analysis.facts)])


def _fact_row(article_id: int, seq: int, fact: Fact) -> dict:
    return {
        "article_id": article_id,
        "seq": seq,
        "kind": fact.kind,
        "start": fact.span.start,
        "end": fact.span.end,
        "text": fact.span.text,
        "value": fact.value,
        "value_high": fact.value_high,
        "unit": fact.unit,
        "date_start": fact.date_start,
        "date_end": fact.date_end,
        "future": bool(fact.future),
        "quantity": fact.quantity,
        "linked": fact.linked,
    }


def _fact(row) -> Fact:
    return Fact(
        kind=row.kind,
        span=Span(row.start, row.end, row.text),
        value=row.value,
        value_high=row.value_high,
        unit=row.unit,
        date_start=row.date_start,
        date_end=row.date_end,
        future=bool(row.future),
        quantity=row.quantity,
        linked=row.linked,
    )


def _attribution_row(article_id: int, seq: int, att: Attribution, default_extractor: str) -> dict:
    row: dict = {
        "article_id": article_id,
        "seq": seq,
        "source_kind": att.source_kind,
        "certainty": att.certainty,
        "direct": bool(att.direct),
        "extractor": att.extractor or default_extractor,
    }
    for prefix, span in (
        ("source", att.source),
        ("cue", att.cue),
        ("content", att.content),
        ("channel", att.channel),
    ):
        row[f"{prefix}_start"] = None if span is None else span.start
        row[f"{prefix}_end"] = None if span is None else span.end
        row[f"{prefix}_text"] = None if span is None else span.text
    return row


def _span(row, prefix: str) -> Span | None:
    start = getattr(row, f"{prefix}_start")
    if start is None:
        return None
    return Span(start, getattr(row, f"{prefix}_end"), getattr(row, f"{prefix}_text") or "")


def _attribution(row) -> Attribution:
    return Attribution(
        source=_span(row, "source"),
        cue=_span(row, "cue"),
        content=_span(row, "content"),
        source_kind=row.source_kind,
        certainty=row.certainty,
        direct=bool(row.direct),
        channel=_span(row, "channel"),
        extractor=row.extractor,
    )


def _article(row) -> Article:
    return Article(text=row.text, title=row.title, outlet=row.outlet, url=row.url, published=row.published)


def _group(conn: Connection, table: Table, ids: Sequence[int], order_by: str = "id") -> dict[int, list]:
    query = select(table).where(table.c.article_id.in_(ids)).order_by(table.c.article_id, table.c[order_by])
    grouped: dict[int, list] = {}
    for row in conn.execute(query):
        grouped.setdefault(row.article_id, []).append(row)
    return grouped


def _chunks(items: Sequence[int], size: int) -> Iterator[Sequence[int]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _db_reason(exc: SQLAlchemyError) -> str:
    orig = getattr(exc, "orig", None)
    reason = str(orig) if orig is not None else str(exc).splitlines()[0]
    return "database error: " + " ".join(reason.split())  # PostgreSQL's messages span lines


from corroborate.store import stories as _store_stories  # noqa: E402,F401  (registers the story tables)
