"""Alembic environment for Corroborate's store.

There is no alembic.ini: ``corroborate.store.database`` builds the alembic ``Config`` in code, points
``script_location`` at this directory and hands over an open SQLAlchemy connection through
``config.attributes["connection"]``. Offline mode (``--sql``) works from ``sqlalchemy.url``.
"""

from __future__ import annotations

from alembic import context

config = context.config


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), literal_binds=True)
    with context.begin_transaction():
        context.run_migrations()


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is None:  # pragma: no cover - only when driven from a hand-written alembic.ini
        from sqlalchemy import create_engine

        engine = create_engine(config.get_main_option("sqlalchemy.url"))
        with engine.connect() as connection:
            context.configure(connection=connection)
            with context.begin_transaction():
                context.run_migrations()
        return
    # corroborate.store.database makes SQLite transactional (it emits BEGIN itself), so the whole upgrade
    # runs in one transaction there too: a failed migration leaves the database as it was.
    context.configure(connection=connection, transactional_ddl=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
