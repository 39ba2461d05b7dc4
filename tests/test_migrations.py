"""The Alembic migrations build exactly the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from registry import migrations
from registry.db import get_db
from registry.models import Base


def test_migrated_schema_matches_models(app):
    with app.app_context():
        engine = get_db().engine
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True, "include_object": _ours})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def _ours(obj, name, type_, reflected, compare_to) -> bool:
    """The search package owns its tables (and SQLite's FTS5 shadow tables); they have no models."""
    return not (type_ == "table" and name.startswith(("search_documents", "search_fts", "search_terms")))


def test_health_reports_database_and_revision(client):
    body = client.get("/health").json
    assert body["status"] == "ok" and body["schema_revision"] == migrations.head() == "0006"
    assert body["database"] in {"sqlite", "postgresql"}
