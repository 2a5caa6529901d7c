"""Schema v1: articles, boilerplate, damage, attributions.

Revision ID: 0001
Revises:
Create Date: 2025-11-22
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

_KINDS = (
    "person",
    "organization",
    "outlet",
    "anonymous_individual",
    "anonymous_group",
    "document",
    "unattributed",
)
_CERTAINTIES = ("asserted", "hedged", "denied")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _span(prefix: str) -> list[sa.Column]:
    return [
        sa.Column(f"{prefix}_start", sa.Integer, nullable=True),
        sa.Column(f"{prefix}_end", sa.Integer, nullable=True),
        sa.Column(f"{prefix}_text", sa.Text, nullable=True),
    ]


def _ranges(name: str) -> None:
    op.create_table(
        name,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE", name=f"fk_{name}_article"),
            nullable=False,
        ),
        sa.Column("kind", sa.String(64), nullable=False),
        sa.Column("start", sa.Integer, nullable=False),
        sa.Column("end", sa.Integer, nullable=False),
        sa.Column("snippet", sa.Text, nullable=False),
    )
    op.create_index(f"ix_{name}_article_id", name, ["article_id"])


def upgrade() -> None:
    op.create_table(
        "articles",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("url", sa.Text, nullable=True),
        sa.Column("outlet", sa.Text, nullable=True),
        sa.Column("title", sa.Text, nullable=True),
        sa.Column("published", sa.Date, nullable=True),
        sa.Column("text", sa.Text, nullable=False),
        sa.Column("text_sha256", sa.String(64), nullable=False),
        sa.Column("identity_key", sa.Text, nullable=False),
        sa.Column("extractor", sa.String(64), nullable=False),
        sa.Column("ingested_at", sa.DateTime(timezone=True), nullable=False),
        sa.UniqueConstraint("url", name="uq_articles_url"),
        sa.UniqueConstraint("identity_key", name="uq_articles_identity_key"),
    )
    _ranges("boilerplate")
    _ranges("damage")
    op.create_table(
        "attributions",
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column(
            "article_id",
            sa.Integer,
            sa.ForeignKey("articles.id", ondelete="CASCADE", name="fk_attributions_article"),
            nullable=False,
        ),
        sa.Column("seq", sa.Integer, nullable=False),
        *_span("source"),
        *_span("cue"),
        *_span("content"),
        *_span("channel"),
        sa.Column("source_kind", sa.String(32), nullable=False),
        sa.Column("certainty", sa.String(16), nullable=False),
        sa.Column("direct", sa.Boolean, nullable=False),
        sa.Column("extractor", sa.String(64), nullable=False),
        sa.UniqueConstraint("article_id", "seq", name="uq_attributions_article_seq"),
        sa.CheckConstraint(_in("source_kind", _KINDS), name="ck_attributions_source_kind"),
        sa.CheckConstraint(_in("certainty", _CERTAINTIES), name="ck_attributions_certainty"),
    )
    op.create_index("ix_attributions_extractor", "attributions", ["extractor"])


def downgrade() -> None:
    op.drop_index("ix_attributions_extractor", table_name="attributions")
    op.drop_table("attributions")
    op.drop_index("ix_damage_article_id", table_name="damage")
    op.drop_table("damage")
    op.drop_index("ix_boilerplate_article_id", table_name="boilerplate")
    op.drop_table("boilerplate")
    op.drop_table("articles")
