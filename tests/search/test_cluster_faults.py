"""Stop the real OpenSearch or Elasticsearch node while standards are written; restart it; nothing is lost."""
from __future__ import annotations

import subprocess
from pathlib import Path
from urllib.parse import urlparse

import pytest

from registry import search_index
from registry.db import get_db
from search.embedded import EmbeddedEngine
from tests.factories import standard_payload

pytestmark = pytest.mark.parametrize("backend", ["opensearch", "elasticsearch"])
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _node(backend: str, action: str, url: str) -> None:
    port = str(urlparse(url).port)
    subprocess.run([str(SCRIPTS / backend / f"{action}.sh"), port], check=True, capture_output=True, timeout=240)


def test_node_outage_during_writes_loses_nothing(app, client, backend, cluster_url):
    assert client.post("/api/v1/standards", json=standard_payload(code="SP-FAULT-0")).status_code == 201
    _node(backend, "stop", cluster_url)
    try:
        for n in range(1, 4):  # writes go on while the node is down
            assert client.post("/api/v1/standards", json=standard_payload(code=f"SP-FAULT-{n}")).status_code == 201
        answer = client.get("/api/v1/search", query_string={"q": "会议费", "status": "draft"}).json
        assert "fallback" in answer["engine"] and answer["total"] == 4
        health = client.get("/health").json["search"]
        assert health["state"] == "unavailable" and health["outbox"]["pending"] == 3
    finally:
        _node(backend, "start", cluster_url)
    synced = app.test_cli_runner().invoke(args=["registry", "search", "sync"])
    assert synced.exit_code == 0, synced.output
    with app.app_context():
        cluster = search_index.cluster_link().engine().versions()
        with get_db().read() as session:
            database = EmbeddedEngine(session.connection()).versions()
    assert cluster == database and len(cluster) == 4
    assert client.get("/api/v1/search", query_string={"q": "会议费", "status": "draft"}).json["engine"] == backend
