"""Fixtures: every test that takes `app` runs once on SQLite and once on PostgreSQL.

PostgreSQL comes from REGISTRY_TEST_POSTGRES_URL (scripts/postgres.sh prints one). Without
it the PostgreSQL half is skipped with a reason on a laptop, and fails the run in CI.
"""
from __future__ import annotations

import os
import uuid
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, text

from registry import create_app, migrations
from registry.db import get_db
from registry.models import Base
from registry.services.taxonomy import load_taxonomy
from search import embedded

IN_CI = os.environ.get("CI", "").lower() == "true"
BACKENDS = ["sqlite", "postgresql"]


def require_service(reason: str) -> None:
    """Skip a test whose service is missing, except in CI where that is a failure."""
    if IN_CI:
        pytest.fail(f"required service unavailable in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def database_urls(tmp_path_factory) -> dict[str, str | None]:
    sqlite_path = tmp_path_factory.mktemp("db") / "registry.sqlite3"
    return {"sqlite": f"sqlite:///{sqlite_path}", "postgresql": os.environ.get("REGISTRY_TEST_POSTGRES_URL")}


_prepared: set[str] = set()


def _prepare_schema(url: str) -> None:
    """Drop what a previous run left and build the schema with the real migrations."""
    engine = create_engine(url)
    with engine.begin() as conn:
        tables = set(inspect(conn).get_table_names())
        for table in reversed(Base.metadata.sorted_tables):
            if table.name in tables:
                conn.execute(text(f"DROP TABLE {table.name}" + (" CASCADE" if engine.dialect.name == "postgresql" else "")))
        conn.execute(text("DROP TABLE IF EXISTS alembic_version"))
        embedded.drop_schema(conn)
        conn.execute(text("DROP TABLE IF EXISTS search_terms"))
    engine.dispose()


def _empty_tables(db) -> None:
    names = [t.name for t in Base.metadata.sorted_tables] + ["search_documents", "search_terms"]
    with db.write_engine.begin() as conn:
        if db.is_sqlite:
            for name in reversed(names + ["search_fts"]):
                conn.execute(text(f"DELETE FROM {name}"))
            conn.execute(text("DELETE FROM sqlite_sequence"))
        else:
            conn.execute(text(f"TRUNCATE {', '.join(names)} RESTART IDENTITY CASCADE"))


@pytest.fixture(params=BACKENDS)
def backend(request) -> str:
    return request.param


def _cluster_url(variable: str, name: str, start: str) -> str:
    url = os.environ.get(variable)
    if not url:
        require_service(f"{name} not configured: run `export {variable}=$({start} | tail -1)`")
    return url


@pytest.fixture(scope="session")
def opensearch_url() -> str:
    return _cluster_url("REGISTRY_TEST_OPENSEARCH_URL", "OpenSearch", "scripts/opensearch/start.sh")


@pytest.fixture(scope="session")
def elasticsearch_url() -> str:
    return _cluster_url("REGISTRY_TEST_ELASTICSEARCH_URL", "Elasticsearch 8", "scripts/elasticsearch/start.sh")


@pytest.fixture(scope="session")
def elasticsearch9_url() -> str:
    return _cluster_url("REGISTRY_TEST_ELASTICSEARCH9_URL", "Elasticsearch 9",
                        "ELASTICSEARCH_VERSION=9.2.0 scripts/elasticsearch/start.sh 9203")


# Backends that are SQLite plus a real search cluster (tests/search runs on them): backend → its URL
# fixture, and the engine its searches report (Elasticsearch 8 and 9 are one engine to the registry).
CLUSTERS = {"opensearch": "opensearch_url", "elasticsearch": "elasticsearch_url", "elasticsearch9": "elasticsearch9_url"}
CLUSTER_ENGINES = {"opensearch": "opensearch", "elasticsearch": "elasticsearch", "elasticsearch9": "elasticsearch"}


@pytest.fixture
def cluster_url(backend, request) -> str:
    """The URL of the cluster a cluster backend runs on."""
    return request.getfixturevalue(CLUSTERS[backend])


@pytest.fixture
def app(backend, database_urls, request):
    """The app on a clean database; the CLUSTERS backends are SQLite plus a real node."""
    config = {"TESTING": True}
    if backend in CLUSTERS:
        config |= {"SEARCH_URL": request.getfixturevalue(CLUSTERS[backend]),
                   "SEARCH_INDEX": f"test-{uuid.uuid4().hex[:12]}"}
    url = database_urls["sqlite" if backend in CLUSTERS else backend]
    if url is None:
        require_service("PostgreSQL not configured: run `export REGISTRY_TEST_POSTGRES_URL=$(scripts/postgres.sh | tail -1)`")
    if url not in _prepared:
        _prepare_schema(url)
        migrations.upgrade(get_db_of(create_app({"DATABASE_URL": url})).write_engine)
        _prepared.add(url)
    app = create_app(config | {"DATABASE_URL": url})
    db = get_db_of(app)
    _empty_tables(db)
    with db.write() as session:
        load_taxonomy(session, _taxonomy())
    yield app
    if backend in CLUSTERS:
        _drop_cluster_index(app)
    db.dispose()


def _drop_cluster_index(app) -> None:
    from registry import search_index

    with app.app_context():
        link = search_index.cluster_link()
        link.recovered()
        link.engine().drop()


def get_db_of(app):
    with app.app_context():
        return get_db()


@pytest.fixture
def headers_for(app):
    """headers_for(role, department=None, name=None) → {"Authorization": "Bearer …"} for a fresh token."""
    from registry.actor import Actor
    from registry.services import tokens

    def make(role: str, department: str | None = None, name: str | None = None) -> dict[str, str]:
        with get_db_of(app).write() as session:
            issued = tokens.issue(session, name or f"{role}-tester", role, Actor("fixture", "admin"),
                                  department=department)
        return {"Authorization": f"Bearer {issued.secret}"}

    return make


@pytest.fixture
def client(app, headers_for):
    """A test client acting as an administrator unless a test passes other headers."""
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = headers_for("admin", name="admin-tester")["Authorization"]
    return client


@pytest.fixture
def seeded(app):
    """The app with the bundled seed loaded."""
    from registry.seeding import seed

    with get_db_of(app).write() as session:
        seed(session)
    return app


def _taxonomy() -> dict:
    import json

    return json.loads((Path(__file__).parent.parent / "seed_data" / "taxonomy.json").read_text(encoding="utf-8"))
