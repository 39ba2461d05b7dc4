"""Embedded search on PostgreSQL: one covering index for searches by filters alone.

Revision 0003 creates the layout `search.embedded` describes today, index included; this
revision adds the index to databases created before it. SQLite needs none (its rows hold
no tsvector, so a scan of the table is already narrow).

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-28
"""
from alembic import op

from search import embedded

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(embedded.FILTERS_INDEX.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))


def downgrade() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP INDEX IF EXISTS ix_search_documents_filters")
