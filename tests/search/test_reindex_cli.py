"""`registry reindex` on the embedded engine: rebuilt, and left ready for fast searches."""
from __future__ import annotations

from sqlalchemy import text

from registry.db import get_db


def test_reindex_rebuilds_and_settles_the_embedded_index(seeded, backend, client):
    with seeded.app_context(), get_db().read() as session:
        documents = session.execute(text("SELECT count(*) FROM search_documents")).scalar()
    result = seeded.test_cli_runner().invoke(args=["registry", "reindex"])
    assert result.exit_code == 0, result.output
    assert f"embedded index rebuilt: {documents} documents" in result.output
    assert client.get("/api/v1/search?q=会议费").json["total"] > 0
    if backend == "postgresql":  # vacuumed: index-only scans need no heap visits, the planner has statistics
        with seeded.app_context(), get_db().read() as session:
            pages, visible, analyzed = session.execute(text(
                "SELECT c.relpages, c.relallvisible, s.last_analyze IS NOT NULL FROM pg_class c "
                "JOIN pg_stat_user_tables s ON s.relid = c.oid WHERE c.relname = 'search_documents'")).one()
        assert analyzed and pages > 0 and visible > 0
