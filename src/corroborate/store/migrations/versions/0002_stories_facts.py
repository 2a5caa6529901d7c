"""Schema v2: facts, stories, story membership and features, feed state, full-text search.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_FACT_KINDS = ("money", "percent", "count", "date")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _article_fk(name: str) -> sa.ForeignKey:
    return sa.ForeignKey("articles.id", ondelete="CASCADE", name=name)


def upgrade() -> None:
    op.create_table(
        "facts",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("article_id", sa.Integer, _article_fk("fk_facts_article"), nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("value", sa.Float, nullable=True),
        sa.Column("value_high", sa.Float, nullable=True),
        sa.Column("unit", sa.String(64), nullable=True),
        sa.Column("date_start", sa.Date, nullable=True),
        sa.Column("date_end", sa.Date, nullable=True),
        sa.Column("future", sa.Boolean, nullable=False),
        sa.Column("quantity", sa.Text, nullable=True),
        sa.Column("linked", sa.Integer, nullable=True),
        sa.UniqueConstraint("article_id", "seq", name="uq_facts_article_seq"),
        sa.CheckConstraint(_in("kind", _FACT_KINDS), name="ck_facts_kind"),
    )
    op.create_index("ix_facts_article_id", "facts", ["article_id"])
    op.create_table(
        "stories",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("first_published", sa.Date, nullable=True),
        sa.Column("last_published", sa.Date, nullable=True),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
    )
    op.create_index("ix_stories_last_published", "stories", ["last_published"])
    op.create_table(
        "story_articles",
        sa.Column("article_id", sa.Integer, _article_fk("fk_story_articles_article"), primary_key=True),
        sa.Column(
            "story_id",
            sa.String(32),
            sa.ForeignKey("stories.id", ondelete="CASCADE", name="fk_story_articles_story"),
            nullable=False,
        ),
        sa.Column(
            "copy_of",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="SET NULL", name="fk_story_articles_copy_of"),
            nullable=True,
        ),
        sa.Column("score", sa.Float, nullable=False),
        sa.Column("seq", sa.Integer, nullable=False),
    )
    op.create_index("ix_story_articles_story_id", "story_articles", ["story_id"])
    op.create_table(
        "story_features",
        sa.Column("article_id", sa.Integer, _article_fk("fk_story_features_article"), primary_key=True),
        sa.Column("features", sa.Text, nullable=False),
    )
    op.create_table(
        "feeds",
        sa.Column("url", sa.Text, primary_key=True),
        sa.Column("etag", sa.Text, nullable=True),
        sa.Column("last_modified", sa.Text, nullable=True),
        sa.Column("last_polled", sa.DateTime(timezone=True), nullable=True),
    )
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        op.execute(
            "CREATE VIRTUAL TABLE articles_fts USING fts5("
            "title, text, content='articles', content_rowid='id', tokenize='porter unicode61')"
        )
        op.execute(
            "CREATE TRIGGER articles_fts_ai AFTER INSERT ON articles BEGIN "
            "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
        )
        op.execute(
            "CREATE TRIGGER articles_fts_ad AFTER DELETE ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
            "VALUES ('delete', old.id, old.title, old.text); END"
        )
        op.execute(
            "CREATE TRIGGER articles_fts_au AFTER UPDATE OF title, text ON articles BEGIN "
            "INSERT INTO articles_fts(articles_fts, rowid, title, text) "
            "VALUES ('delete', old.id, old.title, old.text); "
            "INSERT INTO articles_fts(rowid, title, text) VALUES (new.id, new.title, new.text); END"
        )
        op.execute("INSERT INTO articles_fts(articles_fts) VALUES ('rebuild')")
    elif bind.dialect.name == "postgresql":
        # A tsvector holds at most 1 MB, and articles may be 5,000,000 characters: index the first
        # 200,000 characters only, or long articles could not be stored. Queries must use this
        # exact expression for the index to apply.
        op.execute(
            "CREATE INDEX ix_articles_fts ON articles USING gin "
            "(to_tsvector('english', left(coalesce(title, '') || ' ' || text, 200000)))"
        )


def downgrade() -> None:
    bind = op.get_bind()
    if bind.dialect.name == "sqlite":
        for trigger in ("articles_fts_ai", "articles_fts_ad", "articles_fts_au"):
            op.execute(f"DROP TRIGGER IF EXISTS {trigger}")
        op.execute("DROP TABLE IF EXISTS articles_fts")
    elif bind.dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_articles_fts")
    op.drop_table("feeds")
    op.drop_table("story_features")
    op.drop_table("story_articles")
    op.drop_table("stories")
    op.drop_table("facts")
