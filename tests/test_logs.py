"""Structured access logs carry the request id and the actor's name, never the token."""
from __future__ import annotations

import json
import logging

from registry.logs import JsonFormatter


def test_access_log_is_json_with_request_id_and_no_token(app, client, caplog):
    caplog.set_level(logging.INFO, logger="registry.access")
    response = client.get("/api/v1/taxonomy", headers={"X-Request-ID": "req-42"})
    record = next(r for r in caplog.records if r.name == "registry.access")
    with app.test_request_context():
        line = json.loads(JsonFormatter().format(record))
    assert (line["request_id"], line["method"], line["path"], line["status"], line["actor"]) == (
        "req-42", "GET", "/api/v1/taxonomy", 200, "admin-tester")
    token = client.environ_base["HTTP_AUTHORIZATION"].split()[1]
    assert token not in json.dumps(line) and response.headers["X-Request-ID"] == "req-42"
