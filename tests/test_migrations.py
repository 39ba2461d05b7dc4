"""The Alembic migrations build exactly the schema the models describe."""
from __future__ import annotations

from alembic.autogenerate import compare_metadata
from sqlalchemy import select, text
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
    return not (type_ == "table" and name.startswith(("search_documents", "search_fts", "search_terms", "search_meta")))


def test_health_reports_database_and_revision(client):
    body = client.get("/health").json
    assert body["status"] == "ok" and body["schema_revision"] == migrations.head() == "0008"
    assert body["database"] in {"sqlite", "postgresql"}


def test_upgrading_a_registry_that_holds_data(tmp_path):
    """Each migration must work on a database with rows in it, not only on an empty one."""
    from registry import create_app
    from registry.seeding import seed

    app = create_app({"DATABASE_URL": f"sqlite:///{tmp_path / 'old.sqlite3'}"})
    with app.app_context():
        db = get_db()
        migrations.upgrade(db.write_engine, "0002")
        with db.write_engine.begin() as conn:  # a 0002-era registry: taxonomy and one standard, no search
            conn.exec_driver_sql("INSERT INTO fields (code, name, position) VALUES ('admin', '一般行政', 0)")
            conn.exec_driver_sql("INSERT INTO categories (field_id, code, name, position) VALUES (1, 'admin.meeting', '会议费', 0)")
            conn.exec_driver_sql("INSERT INTO regions (code, name, level, position) VALUES ('qingpu', '青浦区', 'district', 0)")
            conn.exec_driver_sql("INSERT INTO departments (code, name, position) VALUES ('finance', '青浦区财政局', 0)")
            conn.exec_driver_sql(
                "INSERT INTO standards (code, kind, field_id, category_id, region_id, department_id, title, is_sample,"
                " created_at, created_by) VALUES ('SP-OLD', 'spending', 1, 1, 1, 1, '旧会议费', 0, '2024-01-01', 'x')")
            conn.exec_driver_sql(
                "INSERT INTO versions (standard_id, number, status, effective_from, created_at, created_by, updated_at,"
                " updated_by, revision) VALUES (1, 1, 'published', '2024-01-01', '2024-01-01', 'x', '2024-01-01', 'x', 1)")
        result = app.test_cli_runner().invoke(args=["registry", "init"])
        assert result.exit_code == 0, result.output
        with db.read() as session:
            assert migrations.head() == session.execute(select(text("version_num")).select_from(text("alembic_version"))).scalar()
            assert session.execute(text("SELECT count(*) FROM search_documents")).scalar() == 1  # indexed on upgrade
        with db.write() as session:
            seed(session)
        db.dispose()


def test_search_listing_indexes(app):
    """0008: listings by kind, field or region page off an index; PostgreSQL counts them off a covering one."""
    from sqlalchemy import inspect

    with app.app_context():
        engine = get_db().engine
    indexes = {index["name"]: index["column_names"] for index in inspect(engine).get_indexes("search_documents")}
    for column in ("kind", "field", "region"):
        assert indexes[f"ix_search_documents_{column}_code"] == [column, "code", "version"]
    if engine.dialect.name == "postgresql":
        with engine.connect() as conn:  # every filter, facet and ordering column is in it
            definition = conn.execute(text("SELECT indexdef FROM pg_indexes WHERE indexname = 'ix_search_documents_filters'")).scalar()
        for column in ("status", "effective_from", "effective_to", "kind", "field", "region", "facet_key", "code", "version", "id"):
            assert column in definition
    else:
        assert "ix_search_documents_filters" not in indexes  # SQLite's rows are narrow already
