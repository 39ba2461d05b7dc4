"""Stop the real OpenSearch or Elasticsearch (8 or 9) node while standards are written; restart it; nothing is lost."""
from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from urllib.parse import urlparse
from urllib.request import urlopen

import pytest

from registry import search_index
from registry.db import get_db
from search.embedded import EmbeddedEngine
from tests.conftest import CLUSTER_ENGINES, CLUSTERS
from tests.factories import standard_payload

pytestmark = pytest.mark.parametrize("backend", list(CLUSTERS))
SCRIPTS = Path(__file__).resolve().parents[2] / "scripts"


def _node(backend: str, action: str, url: str, version: str) -> None:
    """Stop or start the node with the repo's scripts (those of its flavour, for its version)."""
    flavour = CLUSTER_ENGINES[backend]
    environment = os.environ | ({"ELASTICSEARCH_VERSION": version} if flavour == "elasticsearch" else {})
    subprocess.run([str(SCRIPTS / flavour / f"{action}.sh"), str(urlparse(url).port)], check=True,
                   capture_output=True, timeout=240, env=environment)


def test_node_outage_during_writes_loses_nothing(app, client, backend, cluster_url):
    assert client.post("/api/v1/standards", json=standard_payload(code="SP-FAULT-0")).status_code == 201
    with urlopen(cluster_url) as banner:
        version = json.load(banner)["version"]["number"]
    _node(backend, "stop", cluster_url, version)
    try:
        for n in range(1, 4):  # writes go on while the node is down
            assert client.post("/api/v1/standards", json=standard_payload(code=f"SP-FAULT-{n}")).status_code == 201
        answer = client.get("/api/v1/search", query_string={"q": "会议费", "status": "draft"}).json
        assert "fallback" in answer["engine"] and answer["total"] == 4
        health = client.get("/health").json["search"]
        assert health["state"] == "unavailable" and health["outbox"]["pending"] == 3
    finally:
        _node(backend, "start", cluster_url, version)
    synced = app.test_cli_runner().invoke(args=["registry", "search", "sync"])
    assert synced.exit_code == 0, synced.output
    with app.app_context():
        cluster = search_index.cluster_link().engine().versions()
        with get_db().read() as session:
            database = EmbeddedEngine(session.connection()).versions()
    assert cluster == database and len(cluster) == 4
    assert client.get("/api/v1/search", query_string={"q": "会议费", "status": "draft"}).json["engine"] == CLUSTER_ENGINES[backend]
