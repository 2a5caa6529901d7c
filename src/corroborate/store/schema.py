"""The store's tables (SQLAlchemy Core), as migrations 0001, 0002 and 0004 create them.

``articles`` with its analysis (``boilerplate``, ``damage``, ``attributions``, ``facts``); story
membership (``stories``, ``story_articles``, ``story_features``); story index state (``story_index``,
``story_index_terms``, ``story_index_meta``); feed state (``feeds``).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    CheckConstraint,
    Column,
    Date,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

from corroborate.types import CERTAINTIES, FACT_KINDS, SOURCE_KINDS

metadata = MetaData()


def _in(column: str, values: Sequence[str]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _span_columns(prefix: str) -> list[Column]:
    return [
        Column(f"{prefix}_start", Integer, nullable=True),
        Column(f"{prefix}_end", Integer, nullable=True),
        Column(f"{prefix}_text", Text, nullable=True),
    ]


# --------------------------------------------------------------------------- articles and analyses

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
    # {"name", "start", "end"} or null (migration 0003)
    Column("source_entity", JSON(none_as_null=True), nullable=True),
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


# --------------------------------------------------------------------------- stories and feeds

stories = Table(
    "stories",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("title", Text, nullable=True),
    Column("first_published", Date, nullable=True),
    Column("last_published", Date, nullable=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
)

story_articles = Table(
    "story_articles",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("story_id", String(32), ForeignKey("stories.id", ondelete="CASCADE"), nullable=False),
    Column("copy_of", Integer, ForeignKey("articles.id", ondelete="SET NULL"), nullable=True),
    Column("score", Float, nullable=False),
    Column("seq", Integer, nullable=False),
)

story_features_table = Table(
    "story_features",
    metadata,
    Column("article_id", Integer, ForeignKey("articles.id", ondelete="CASCADE"), primary_key=True),
    Column("features", Text, nullable=False),
)

# Story index state (migration 0004; corroborate.stories.state): per story, not per article.
story_index = Table(
    "story_index",
    metadata,
    Column("story_id", String(32), ForeignKey("stories.id", ondelete="CASCADE"), primary_key=True),
    Column("seq", Integer, nullable=False, unique=True),
    Column("first_published", Date, nullable=True),
    Column("last_published", Date, nullable=True),
    Column("size", Integer, nullable=False),
    Column("archived", Boolean, nullable=False),
    Column("terms", LargeBinary, nullable=False),
    Column("posted", LargeBinary, nullable=False),
    Column("weights", LargeBinary, nullable=False),
    Column("embedding", LargeBinary, nullable=True),
    Column("embedding_norm", Float, nullable=False),
)

story_index_terms = Table(
    "story_index_terms",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=False),
    Column("term", Text, nullable=False, unique=True),
)

story_index_meta = Table(
    "story_index_meta",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("value", Text, nullable=False),
)

feeds = Table(
    "feeds",
    metadata,
    Column("url", Text, primary_key=True),
    Column("etag", Text, nullable=True),
    Column("last_modified", Text, nullable=True),
    Column("last_polled", DateTime(timezone=True), nullable=True),
)
