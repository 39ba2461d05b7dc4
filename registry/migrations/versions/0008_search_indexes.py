"""Embedded search: indexes for listings by filters, and the segmentation the index was cut with.

- kind, field and region each with (code, version): a listing by filters alone takes its page
  off the index in order instead of sorting thousands of matches (both databases);
- PostgreSQL only: one covering index over every filter, facet and ordering column, so that
  counting such a listing scans it alone and not the rows with their tsvectors (SQLite's rows
  hold no tsvector: a scan of its table is already narrow).

Revision 0003 creates the layout `search.embedded` describes today, these indexes included;
this revision adds them to databases created before it.

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


def _created(dialect: str) -> list[str]:
    return [*embedded.LISTING_INDEXES, *((embedded.FILTERS_INDEX,) if dialect == "postgresql" else ())]


def upgrade() -> None:
    for statement in _created(op.get_bind().dialect.name):
        op.execute(statement.replace("CREATE INDEX", "CREATE INDEX IF NOT EXISTS", 1))
    op.execute(embedded.META_TABLE.replace("CREATE TABLE", "CREATE TABLE IF NOT EXISTS", 1))


def downgrade() -> None:
    op.execute(f"DROP TABLE IF EXISTS {embedded.META}")
    for statement in _created(op.get_bind().dialect.name):
        op.execute(f"DROP INDEX IF EXISTS {statement.split()[2]}")
