"""GET /metrics in Prometheus' text format: requests, latencies, compare lines, auth failures, outbox lag.

Counters and histograms live in prometheus_client's module-level registry. Under gunicorn
each worker is a process of its own, so `registry.gunicorn_conf` points
PROMETHEUS_MULTIPROC_DIR at a directory where every worker writes its values, and a scrape
of any worker adds them all up. The outbox figures are read from the database at scrape
time, so every worker gives the same answer.

Requests are labelled by Flask endpoint (the route's name), not by path: paths carry codes
and ids, which would make a series per standard.
"""
from __future__ import annotations

import os
import time

from flask import Flask, Response, g, request
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector
from sqlalchemy.exc import SQLAlchemyError

REQUESTS = Counter("registry_http_requests", "HTTP requests answered", ["method", "endpoint", "status"])
LATENCY = Histogram("registry_http_request_duration_seconds", "Time to answer a request", ["method", "endpoint"],
                    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30))
COMPARE_LINES = Counter("registry_compare_lines", "Proposal lines compared, by verdict", ["verdict"])
AUTH_FAILURES = Counter("registry_auth_failures", "Refused bearer tokens, by reason", ["code"])


def init_app(app: Flask) -> None:
    @app.before_request
    def _start():
        g.metrics_started = time.perf_counter()

    @app.after_request
    def _observe(response):
        endpoint = request.endpoint or "unmatched"
        if endpoint != "metrics" and "metrics_started" in g:
            method = request.method
            REQUESTS.labels(method, endpoint, str(response.status_code)).inc()
            LATENCY.labels(method, endpoint).observe(time.perf_counter() - g.metrics_started)
        return response

    app.add_url_rule("/metrics", "metrics", _scrape)


def count_compared(summary: dict) -> None:
    """Add one comparison's lines (its summary's verdict counts and errors) to the counter."""
    for verdict, count in summary["by_verdict"].items():
        COMPARE_LINES.labels(verdict).inc(count)
    if summary.get("errors"):
        COMPARE_LINES.labels("error").inc(summary["errors"])


def _scrape() -> Response:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        collected = CollectorRegistry()
        MultiProcessCollector(collected)
    else:
        collected = REGISTRY
    live = CollectorRegistry()
    live.register(_OutboxCollector())
    body = generate_latest(collected) + generate_latest(live)
    return Response(body, mimetype=CONTENT_TYPE_LATEST.split(";")[0],
                    headers={"Content-Type": CONTENT_TYPE_LATEST, "Cache-Control": "no-store"})


class _OutboxCollector:
    """Search outbox lag, read at scrape time (zero rows when no cluster is configured)."""

    def collect(self):
        from registry import outbox
        from registry.db import get_db

        pending = GaugeMetricFamily("registry_outbox_pending", "Search outbox rows not yet sent to the cluster")
        oldest = GaugeMetricFamily("registry_outbox_oldest_seconds", "Age of the oldest unsent outbox row")
        up = GaugeMetricFamily("registry_database_up", "1 when the database answered this scrape")
        try:
            with get_db().read() as session:
                lag = outbox.lag(session)
        except SQLAlchemyError:  # a scrape must still answer when the database is down
            up.add_metric([], 0)
            yield up
            return
        up.add_metric([], 1)
        pending.add_metric([], lag["pending"])
        oldest.add_metric([], lag["oldest_seconds"])
        yield from (up, pending, oldest)
