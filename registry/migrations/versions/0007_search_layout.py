"""Embedded search: a narrow documents table, stored copies and category paths beside it.

The index is derived data: this revision drops it and creates the new layout empty;
`registry init` (which runs the migrations) then sees standards without documents and
rebuilds it (`search_index.needs_rebuild`). Revision 0003 creates whatever layout
`search.embedded` describes today, so dropping first also makes this step right on a
database 0003 has just created.

Revision ID: 0007
Revises: 0006
Create Date: 2026-11-28
"""
from alembic import op

from search import embedded

revision = "0007"
down_revision = "0006"
branch_labels = None
depends_on = None

# The layout before this revision (as 0003 created it then), for a downgrade; empty, rebuilt by init.
_OLD_SQLITE = (
    "CREATE TABLE search_documents (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, code TEXT NOT NULL, "
    "version INTEGER NOT NULL, kind TEXT, field TEXT, category TEXT, category_path TEXT, region TEXT, "
    "status TEXT, effective_from TEXT, effective_to TEXT, seq INTEGER, document TEXT NOT NULL)",
    "CREATE INDEX ix_search_documents_code ON search_documents (code)",
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')",
)
_OLD_POSTGRES = (
    "CREATE TABLE search_documents (id TEXT PRIMARY KEY, code TEXT NOT NULL, version INTEGER NOT NULL, "
    "kind TEXT, field TEXT, category TEXT, category_path TEXT, region TEXT, status TEXT, "
    "effective_from DATE, effective_to DATE, seq BIGINT, document JSONB NOT NULL, tsv TSVECTOR NOT NULL)",
    "CREATE INDEX ix_search_documents_code ON search_documents (code)",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)",
)


def upgrade() -> None:
    connection = op.get_bind()
    embedded.drop_schema(connection)
    embedded.create_schema(connection)


def downgrade() -> None:
    connection = op.get_bind()
    embedded.drop_schema(connection)
    for statement in _OLD_SQLITE if connection.dialect.name == "sqlite" else _OLD_POSTGRES:
        connection.exec_driver_sql(statement)
