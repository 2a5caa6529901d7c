"""Story index state: one row per story (its heaviest keys, weights, embedding sum, dates, size,
tier) and the interned keys, updated with each grouped article, so that a run restores the index
without reading every article (``corroborate.stories.state``).

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-05
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "story_index",
        sa.Column(
            "story_id",
            sa.String(32),
            sa.ForeignKey("stories.id", ondelete="CASCADE", name="fk_story_index_story"),
            primary_key=True,
        ),
        sa.Column("seq", sa.Integer, nullable=False, unique=True),
        sa.Column("first_published", sa.Date, nullable=True),
        sa.Column("last_published", sa.Date, nullable=True),
        sa.Column("size", sa.Integer, nullable=False),
        sa.Column("archived", sa.Boolean, nullable=False),
        sa.Column("terms", sa.LargeBinary, nullable=False),
        sa.Column("posted", sa.LargeBinary, nullable=False),
        sa.Column("weights", sa.LargeBinary, nullable=False),
        sa.Column("embedding", sa.LargeBinary, nullable=True),
        sa.Column("embedding_norm", sa.Float, nullable=False),
    )
    op.create_table(
        "story_index_terms",
        sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
        sa.Column("term", sa.Text, nullable=False, unique=True),
    )
    op.create_table(
        "story_index_meta",
        sa.Column("name", sa.String(32), primary_key=True),
        sa.Column("value", sa.Text, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("story_index_meta")
    op.drop_table("story_index_terms")
    op.drop_table("story_index")
