"""The cluster engine's own duties, on OpenSearch and Elasticsearch 8 and 9: outbox, external versions, reindex, outages."""
from __future__ import annotations

import pytest
from sqlalchemy import func, select

from registry import search_index
from registry.db import get_db
from registry.models import OutboxEntry
from search.embedded import EmbeddedEngine
from tests.conftest import CLUSTER_ENGINES, CLUSTERS
from tests.factories import standard_payload

pytestmark = pytest.mark.parametrize("backend", list(CLUSTERS))


def _link(app):
    with app.app_context():
        return search_index.cluster_link()


def _database_versions(app) -> dict[str, int]:
    with app.app_context(), get_db().read() as session:
        return EmbeddedEngine(session.connection()).versions()


def _pending(app) -> int:
    with app.app_context(), get_db().read() as session:
        return session.scalar(select(func.count()).select_from(OutboxEntry).where(OutboxEntry.sent_at.is_(None)))


def test_changes_reach_the_cluster_through_the_outbox(app, client, backend):
    assert client.post("/api/v1/standards", json=standard_payload()).status_code == 201
    assert _pending(app) == 0  # relayed right after the commit
    cluster = _link(app).engine().versions()
    assert cluster == _database_versions(app) == {"SP-TEST-MEETING/v1": cluster["SP-TEST-MEETING/v1"]}
    health = client.get("/health").json["search"]
    assert (health["engine"], health["state"], health["outbox"]["pending"]) == (CLUSTER_ENGINES[backend], "green", 0)


def test_an_older_document_never_replaces_a_newer_one(app, client):
    client.post("/api/v1/standards", json=standard_payload())
    etag = client.get("/api/v1/standards/SP-TEST-MEETING/versions/1").headers["ETag"]
    client.patch("/api/v1/standards/SP-TEST-MEETING/versions/1", json={"note": "新"}, headers={"If-Match": etag})
    engine = _link(app).engine()
    newest = engine.versions()["SP-TEST-MEETING/v1"]
    with app.app_context(), get_db().read() as session:
        first = session.scalars(select(OutboxEntry).order_by(OutboxEntry.id)).first().document
    assert first["seq"] < newest
    engine.index([first], refresh=True)  # a late retry of the first send
    assert engine.versions()["SP-TEST-MEETING/v1"] == newest


def test_deletes_honour_external_versions_and_repeat_harmlessly(app, client):
    client.post("/api/v1/standards", json=standard_payload())
    engine = _link(app).engine()
    seq = engine.versions()["SP-TEST-MEETING/v1"]
    engine.delete(["SP-TEST-MEETING/v1"], seq=seq - 1, refresh=True)  # older than the document: ignored
    assert engine.versions() == {"SP-TEST-MEETING/v1": seq}
    engine.delete(["SP-TEST-MEETING/v1", "SP-NEVER-INDEXED/v1"], seq=seq + 1, refresh=True)
    assert engine.versions() == {}
    engine.delete(["SP-TEST-MEETING/v1"], seq=seq + 2, refresh=True)  # already gone: no error
    assert engine.versions() == {}


def test_an_outbox_row_cut_with_an_older_dictionary_is_cut_again_when_sent(app, client, cluster_url, backend):
    link = _link(app)
    link.url, link._engine = "http://127.0.0.1:9", None  # the cluster is away while the standard is written
    assert client.post("/api/v1/standards", json=standard_payload()).status_code == 201
    with app.app_context(), get_db().write() as session:  # …and a new dictionary is deployed before it returns
        for entry in session.scalars(select(OutboxEntry)):
            entry.document = entry.document | {"tokens": {"title": "旧", "body": "旧", "segmentation": "older"}}
    link.url, link._engine = cluster_url, None
    link.recovered()
    assert app.test_cli_runner().invoke(args=["registry", "search", "sync"]).exit_code == 0
    found = client.get("/api/v1/search", query_string={"q": "会议费", "status": "draft"}).json
    assert found["engine"] == CLUSTER_ENGINES[backend] and [h["code"] for h in found["hits"]] == ["SP-TEST-MEETING"]


def test_reindex_builds_a_new_index_and_swaps_the_alias(seeded, client):
    link = _link(seeded)
    engine = link.engine()
    before = set(engine.cluster.call("indices.get_alias", name=link.alias))
    result = seeded.test_cli_runner().invoke(args=["registry", "reindex"])
    assert result.exit_code == 0, result.output
    after = set(engine.cluster.call("indices.get_alias", name=link.alias))
    assert len(after) == 1 and after.isdisjoint(before)
    assert not engine.cluster.call("indices.exists", index=",".join(before))  # the old index is gone
    assert engine.versions() == _database_versions(seeded)
    assert client.get("/api/v1/search", query_string={"q": "会议费"}).json["hits"][0]["code"] == "SP-ADM-MEETING"


def test_health_says_when_the_cluster_index_was_cut_with_another_dictionary(seeded, client, monkeypatch):
    """A new dictionary changes the tokens: /health says so until a reindex, which cures it."""
    from search import cluster

    assert client.get("/health").json["search"]["segmentation"] == "current"
    monkeypatch.setattr(cluster, "segmentation_version", lambda: "a-newer-dictionary")
    stale = client.get("/health").json["search"]
    assert stale["segmentation"] == "outdated" and "registry reindex" in stale["message"]
    assert seeded.test_cli_runner().invoke(args=["registry", "reindex"]).exit_code == 0
    assert client.get("/health").json["search"]["segmentation"] == "current"


def test_a_failed_rebuild_leaves_the_live_index_alone(seeded):
    engine = _link(seeded).engine()
    live = set(engine.cluster.call("indices.get_alias", name=engine.alias))
    before = engine.versions()

    def broken():
        yield from list(search_index.stream_documents(get_db_of(seeded)))[:5]
        raise RuntimeError("database went away mid-rebuild")

    with pytest.raises(RuntimeError):
        engine.rebuild(broken())
    assert set(engine.cluster.call("indices.get_alias", name=engine.alias)) == live
    leftovers = engine.cluster.call("indices.get", index=f"{engine.alias}-*")
    assert set(leftovers) == live
    assert engine.versions() == before


def get_db_of(app):
    with app.app_context():
        return get_db()


def test_an_unreachable_cluster_loses_nothing(app, client, cluster_url):
    link = _link(app)
    link.url, link._engine = "http://127.0.0.1:9", None  # nothing listens there
    assert client.post("/api/v1/standards", json=standard_payload()).status_code == 201  # writes go on
    assert _pending(app) >= 1
    answer = client.get("/api/v1/search", query_string={"q": "会议费"}).json
    assert answer["engine"].startswith("embedded-sqlite (fallback") and answer["total"] == 0  # a draft: not in force
    drafts = client.get("/api/v1/search", query_string={"q": "会议费", "status": "draft"}).json
    assert [h["code"] for h in drafts["hits"]] == ["SP-TEST-MEETING"]
    health = client.get("/health").json["search"]
    assert health["state"] == "unavailable" and health["outbox"]["pending"] >= 1 and health["fallback"]
    failed = app.test_cli_runner().invoke(args=["registry", "search", "sync"])
    assert failed.exit_code != 0 and "outbox" in failed.output
    link.url = cluster_url  # the cluster is back
    link.recovered()
    synced = app.test_cli_runner().invoke(args=["registry", "search", "sync"])
    assert synced.exit_code == 0, synced.output
    assert _pending(app) == 0
    assert link.engine().versions() == _database_versions(app)
