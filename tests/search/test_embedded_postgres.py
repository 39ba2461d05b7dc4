"""How the embedded engine meets PostgreSQL's planner: each search planned for its own words."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from registry.db import get_db
from search.embedded import EmbeddedEngine
from search.engine import SearchQuery


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
