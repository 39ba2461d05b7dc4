"""Saved comparisons (reproducible reviews).

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

from registry.models.base import JSONDocument, UTCDateTime

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "reviews",
        sa.Column("id", sa.String(32), primary_key=True),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("created_by", sa.String(128), nullable=False),
        sa.Column("as_of", sa.Date, nullable=False),
        sa.Column("request", JSONDocument, nullable=False),
        sa.Column("response", sa.Text, nullable=False),
        sa.Column("versions_used", JSONDocument, nullable=False),
    )


def downgrade() -> None:
    op.drop_table("reviews")
