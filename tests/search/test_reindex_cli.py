"""Rebuilding the embedded index: by `registry reindex`, and by `registry init` when the segmentation changed."""
from __future__ import annotations

from sqlalchemy import text

from registry import search_index
from registry.db import get_db
from search import embedded
from search.text import segmentation_version


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


def test_init_rebuilds_an_index_cut_with_another_segmentation(seeded, backend, client):
    """A new domain dictionary changes the tokens; an index cut the old way is rebuilt at init."""
    with seeded.app_context(), get_db().write() as session:
        session.execute(text("UPDATE search_meta SET value = 'an-older-dictionary' WHERE key = 'segmentation'"))
    if backend in ("sqlite", "postgresql"):  # /health speaks of the engine answering searches
        stale = client.get("/health").json["search"]
        assert stale["segmentation"] == "outdated" and "registry init" in stale["message"]
    result = seeded.test_cli_runner().invoke(args=["registry", "init"])
    assert result.exit_code == 0 and "search index rebuilt" in result.output, result.output
    with seeded.app_context(), get_db().read() as session:
        assert search_index.needs_rebuild(session) is False
        assert embedded.indexed_segmentation(session.connection()) == segmentation_version()
    again = seeded.test_cli_runner().invoke(args=["registry", "init"])
    assert "search index rebuilt" not in again.output  # nothing to do the second time
    assert client.get("/api/v1/search?q=会议费").json["total"] > 0
    if backend in ("sqlite", "postgresql"):
        assert client.get("/health").json["search"]["segmentation"] == "current"
