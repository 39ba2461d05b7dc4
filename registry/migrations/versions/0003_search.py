"""Search: the embedded full-text index, type-ahead terms, and the outbox to external clusters.

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28
"""
import sqlalchemy as sa
from alembic import op

from registry.models.base import JSONDocument, UTCDateTime
from search import embedded, suggest

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    connection = op.get_bind()
    embedded.create_schema(connection)
    suggest.create_schema(connection)
    op.create_table(
        "search_outbox",
        sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
        sa.Column("doc_id", sa.String(100), nullable=False),
        sa.Column("action", sa.String(8), nullable=False),
        sa.Column("document", JSONDocument),
        sa.Column("seq", sa.BigInteger, nullable=False),
        sa.Column("created_at", UTCDateTime, nullable=False),
        sa.Column("sent_at", UTCDateTime, index=True),
        sqlite_autoincrement=True,
    )


def downgrade() -> None:
    op.drop_table("search_outbox")
    op.execute("DROP TABLE IF EXISTS search_terms")
    embedded.drop_schema(op.get_bind())
