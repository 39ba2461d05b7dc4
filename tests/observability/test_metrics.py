"""GET /metrics: Prometheus text with request counts and latencies, compare lines, auth failures, outbox lag."""
from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests
from prometheus_client.parser import text_string_to_metric_families

ROOT = Path(__file__).resolve().parents[2]


def samples(text: str) -> dict[tuple, float]:
    """{(sample name, sorted labels): value} of a scrape."""
    return {(s.name, tuple(sorted(s.labels.items()))): s.value
            for family in text_string_to_metric_families(text) for s in family.samples}


def value(scrape: dict, name: str, **labels) -> float:
    return scrape.get((name, tuple(sorted(labels.items()))), 0.0)


def scrape(client) -> dict:
    answer = client.get("/metrics")
    assert answer.status_code == 200
    assert answer.headers["Content-Type"].startswith("text/plain")
    return samples(answer.get_data(as_text=True))


def test_requests_compare_lines_and_auth_failures_are_counted(seeded, client):
    before = scrape(client)
    for _ in range(3):
        assert client.get("/api/v1/standards?page_size=5").status_code == 200
    assert client.get("/api/v1/standards/NO-SUCH").status_code == 404
    client.get("/api/v1/standards", headers={"Authorization": "Bearer srk_wrong"})
    line = {"line_id": "会议", "standard_code": "SP-ADM-MEETING", "conditions": {"会议类别": "二类"}, "unit": "元/人·天",
            "quantity": 2, "unit_price": 500}
    compared = client.post("/api/v1/compare", json={"as_of": "2025-03-01", "lines": [line, line | {"unit_price": 900}, {"line_id": "?"}]})
    assert compared.status_code == 200, compared.json
    verdicts = compared.json["summary"]["by_verdict"]
    after = scrape(client)

    listed = dict(method="GET", endpoint="standards.Standards", status="200")
    assert value(after, "registry_http_requests_total", **listed) - value(before, "registry_http_requests_total", **listed) == 3
    missing = dict(method="GET", endpoint="standards.Standard", status="404")
    assert value(after, "registry_http_requests_total", **missing) - value(before, "registry_http_requests_total", **missing) == 1
    timed = dict(method="GET", endpoint="standards.Standards")  # the three answered and the refused token
    assert value(after, "registry_http_request_duration_seconds_count", **timed) - \
        value(before, "registry_http_request_duration_seconds_count", **timed) == 4
    for verdict, count in verdicts.items():
        assert value(after, "registry_compare_lines_total", verdict=verdict) - \
            value(before, "registry_compare_lines_total", verdict=verdict) == count
    assert verdicts == {"over": 1, "within": 1}
    assert value(after, "registry_compare_lines_total", verdict="error") - \
        value(before, "registry_compare_lines_total", verdict="error") == 1  # the line naming nothing
    assert value(after, "registry_auth_failures_total", code="invalid_token") - \
        value(before, "registry_auth_failures_total", code="invalid_token") == 1
    assert value(after, "registry_database_up") == 1
    assert value(after, "registry_outbox_pending") == 0  # embedded engine: nothing to send


def test_metrics_need_no_token_and_count_not_themselves(app):
    web = app.test_client()
    scrape(web)
    second = scrape(web)  # no Authorization header: like /health, scraped by the monitoring system
    assert not any(dict(labels).get("endpoint") == "metrics" for _, labels in second)
    assert value(second, "registry_database_up") == 1


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def gunicorn_server(tmp_path):
    """The real production server: gunicorn, 2 workers, the repo's config, on a fresh SQLite file."""
    env = os.environ | {"REGISTRY_DATABASE_URL": f"sqlite:///{tmp_path / 'registry.sqlite3'}",
                        "PROMETHEUS_MULTIPROC_DIR": str(tmp_path / "metrics"), "WORKERS": "2",
                        "HOST": "127.0.0.1", "PORT": str(_free_port())}
    flask = [sys.executable, "-m", "flask", "--app", "wsgi", "registry"]
    subprocess.run(flask + ["init"], cwd=ROOT, env=env, check=True, capture_output=True)
    token = subprocess.run(flask + ["token", "create", "--name", "m", "--role", "reader"], cwd=ROOT, env=env,
                           check=True, capture_output=True, text=True).stdout.strip().splitlines()[-1]
    log = tmp_path / "gunicorn.log"
    with log.open("wb") as output:
        server = subprocess.Popen([sys.executable, "-m", "gunicorn", "-c", "python:registry.gunicorn_conf", "wsgi:app"],
                                  cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{env['PORT']}"
    deadline = time.monotonic() + 60  # workers import jieba and the app: seconds on a busy machine
    while time.monotonic() < deadline:
        try:
            if requests.get(f"{url}/health", timeout=5).ok:
                break
        except requests.RequestException:
            time.sleep(0.2)
    else:
        server.kill()
        server.wait()
        pytest.fail(f"gunicorn did not start: {log.read_text()[-2000:]}")
    yield url, token
    server.send_signal(signal.SIGTERM)
    server.wait(timeout=30)


def test_counts_add_up_across_gunicorn_workers(gunicorn_server):
    url, token = gunicorn_server
    with requests.Session() as web:  # new connections each time, so both workers answer some
        for _ in range(40):
            assert requests.get(f"{url}/api/v1/standards", headers={"Authorization": f"Bearer {token}"},
                                timeout=10).status_code == 200
        scraped = samples(web.get(f"{url}/metrics", timeout=10).text)
    listed = dict(method="GET", endpoint="standards.Standards", status="200")
    assert value(scraped, "registry_http_requests_total", **listed) == 40
    assert value(scraped, "registry_database_up") == 1
