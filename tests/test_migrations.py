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
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, Base.metadata)
    assert differences == []


def test_health_reports_database_and_revision(client):
    body = client.get("/health").json
    assert body["status"] == "ok" and body["schema_revision"] == migrations.head() == "0002"
    assert body["database"] in {"sqlite", "postgresql"}
