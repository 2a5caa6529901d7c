"""Locating, connecting to and migrating the database: SQLite (default) or PostgreSQL, migrated with
alembic. :class:`Database` holds the engine and gives read and write transactions; the article store
(:class:`corroborate.store.articles.Store`) builds on it.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib.util import find_spec
from pathlib import Path
from typing import Self

from sqlalchemy import Connection, Engine, create_engine, event, inspect
from sqlalchemy.engine import URL, make_url
from sqlalchemy.exc import ArgumentError, NoSuchModuleError, SQLAlchemyError

from corroborate.errors import StoreError, UsageError

DEFAULT_DB = "corroborate.db"
ENV_DB = "CORROBORATE_DB"
MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
BUSY_TIMEOUT_MS = 30_000  # how long an SQLite connection waits for another writer's lock before failing
_PG_MIGRATION_LOCK = 0x636F72726F62  # pg_advisory_xact_lock key for migrations ("corrob")


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


def sqlite_file(url: str) -> Path | None:
    """The database file of an SQLite URL; None for other databases, in-memory and ``file:`` URIs."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    if parsed.database.startswith("file:"):
        return None
    return Path(parsed.database)


def create_db_engine(url: str) -> Engine:
    """An engine for ``url``: psycopg (or psycopg2) for PostgreSQL; SQLite with WAL, foreign keys, a busy
    timeout and ``BEGIN IMMEDIATE`` for writers. StoreError when the driver is not installed."""
    try:
        engine = create_engine(_engine_url(url))
    except ModuleNotFoundError as exc:
        raise StoreError(
            f"the database driver is not installed ({exc.name}); for PostgreSQL: pip install 'corroborate[pg]'",
            input_name=make_url(url).render_as_string(hide_password=True),
        ) from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _engine_url(url: str) -> URL:
    """``postgresql://`` means psycopg 3 (the ``pg`` extra) unless only psycopg2 is installed."""
    parsed = make_url(url)
    if parsed.drivername == "postgresql":
        has_psycopg2 = find_spec("psycopg2") is not None
        driver = "psycopg2" if has_psycopg2 and find_spec("psycopg") is None else "psycopg"
        parsed = parsed.set(drivername=f"postgresql+{driver}")
    return parsed


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


def db_reason(exc: SQLAlchemyError) -> str:
    """A database error as one line for messages."""
    orig = getattr(exc, "orig", None)
    reason = str(orig) if orig is not None else str(exc).splitlines()[0]
    return "database error: " + " ".join(reason.split())  # PostgreSQL's messages span lines


# --------------------------------------------------------------------------- the database


@dataclass
class Database:
    """An engine and its URL. Close with :meth:`close` or use as a context manager."""

    engine: Engine
    url: str

    def __enter__(self) -> Self:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.engine.dispose()

    @property
    def display_name(self) -> str:
        """The database as shown in messages: the file path for SQLite, else the URL sans password."""
        path = sqlite_file(self.url)
        return str(path) if path is not None else make_url(self.url).render_as_string(hide_password=True)

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """A write transaction (SQLite: ``BEGIN IMMEDIATE``); database errors become StoreError."""
        try:
            with self.engine.connect() as conn:
                if conn.dialect.name == "sqlite":
                    conn.execution_options(sqlite_begin="IMMEDIATE")
                with conn.begin():
                    yield conn
        except SQLAlchemyError as exc:
            raise StoreError(db_reason(exc), input_name=self.display_name) from exc

    @contextmanager
    def read(self) -> Iterator[Connection]:
        """A read transaction; database errors become StoreError."""
        try:
            with self.engine.connect() as conn, conn.begin():
                yield conn
        except SQLAlchemyError as exc:
            raise StoreError(db_reason(exc), input_name=self.display_name) from exc


# --------------------------------------------------------------------------- migrations


def migrate(db: Database, revision: str = "head") -> None:
    """Run the packaged alembic migrations up to ``revision`` (no alembic.ini needed)."""
    from alembic import command
    from alembic.config import Config
    from alembic.util import CommandError

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.set_main_option("sqlalchemy.url", db.url.replace("%", "%%"))
    try:
        with db.engine.connect() as conn:
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
            input_name=db.display_name,
        ) from exc
    except SQLAlchemyError as exc:
        raise StoreError(db_reason(exc), input_name=db.display_name) from exc


def has_schema(db: Database) -> bool:
    """Whether the database was ever migrated (it has alembic's version table)."""
    try:
        with db.engine.connect() as conn:
            return inspect(conn).has_table("alembic_version")
    except SQLAlchemyError as exc:
        raise StoreError(db_reason(exc), input_name=db.display_name) from exc


def schema_revision(db: Database) -> str | None:
    """The alembic revision the database is at (None if it was never migrated)."""
    from alembic.runtime.migration import MigrationContext

    with db.read() as conn:
        return MigrationContext.configure(conn).get_current_revision()
