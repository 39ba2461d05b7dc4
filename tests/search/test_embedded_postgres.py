"""How the embedded engine meets PostgreSQL's planner: each search planned for its own words."""
from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from registry.db import _make_engine, get_db
from search.embedded import EmbeddedEngine
from search.engine import SearchQuery
from tests.conftest import require_service


@pytest.mark.parametrize("backend", ["postgresql"])
def test_searches_are_never_prepared_and_other_statements_still_are(seeded, backend):
    with seeded.app_context(), get_db().read() as session:
        connection = session.connection()
        driver = connection.connection.driver_connection
        threshold = driver.prepare_threshold
        engine = EmbeddedEngine(connection)
        for query in [SearchQuery(text="会议费"), SearchQuery(category="admin")] * 6:  # psycopg prepares from the 5th run
            assert engine.search(query).total > 0
            connection.execute(text("SELECT count(*) FROM search_documents")).scalar()
        prepared = connection.execute(text("SELECT statement FROM pg_prepared_statements")).scalars().all()
        assert driver.prepare_threshold == threshold
        assert not [s for s in prepared if "search_documents_facets" in s]  # the search statements
        assert [s for s in prepared if s.startswith("SELECT count(*) FROM search_documents")]


@pytest.mark.parametrize("backend", ["postgresql"])
def test_connections_plan_for_tables_in_memory(seeded, backend):
    with seeded.app_context(), get_db().read() as session:
        assert session.execute(text("SHOW random_page_cost")).scalar() == "1.1"
        assert session.execute(text("SHOW max_parallel_workers_per_gather")).scalar() == "0"


@pytest.mark.parametrize("backend", ["postgresql"])
def test_options_in_the_url_still_apply_and_win(database_urls, backend):
    if database_urls["postgresql"] is None:
        require_service("PostgreSQL not configured: run `export REGISTRY_TEST_POSTGRES_URL=$(scripts/postgres.sh | tail -1)`")
    url = make_url(database_urls["postgresql"]).update_query_dict({"options": "-c random_page_cost=2 -c work_mem=8MB"})
    engine = _make_engine(url.render_as_string(hide_password=False), immediate=False)
    try:
        with engine.connect() as connection:
            shown = [connection.execute(text(f"SHOW {name}")).scalar()
                     for name in ("random_page_cost", "work_mem", "max_parallel_workers_per_gather")]
        assert shown == ["2", "8MB", "0"]
    finally:
        engine.dispose()
