"""Security properties that cut across endpoints: secrets never logged, errors never leak internals,
upload names never become paths."""
from __future__ import annotations

import io
import logging
from pathlib import Path

from sqlalchemy.exc import ProgrammingError

from registry.logs import JsonFormatter


def test_no_secret_reaches_any_log_at_any_level(app, client, headers_for, caplog):
    caplog.set_level(logging.DEBUG)  # every logger, SQLAlchemy's statements and parameters included
    good = headers_for("reviewer")
    secret = good["Authorization"].split()[1]
    client.get("/api/v1/standards", headers=good)
    client.post("/api/v1/standards", json={"code": "X"}, headers=good)  # refused: 403 for a reviewer
    client.get("/api/v1/standards", headers={"Authorization": f"Bearer {secret}x"})  # a near miss
    client.get("/api/v1/standards", headers={"Authorization": f"Basic {secret}"})
    assert caplog.records
    with app.test_request_context():
        lines = [JsonFormatter().format(r) for r in caplog.records] + [r.getMessage() for r in caplog.records]
    assert not [line for line in lines if secret in line]


def test_an_unexpected_error_shows_no_trace_or_sql(app, caplog):
    def boom():
        raise ProgrammingError("SELECT secret_hash FROM tokens WHERE name = %(name)s", {"name": "x"}, Exception("bad"))

    app.add_url_rule("/boom", "boom", boom)
    app.config["PROPAGATE_EXCEPTIONS"] = False  # as in production: the error handler answers
    answer = app.test_client().get("/boom")
    assert answer.status_code == 500
    body = answer.get_data(as_text=True)
    assert answer.json["code"] == "internal_error" and answer.json["request_id"]
    for leak in ("SELECT", "secret_hash", "Traceback", "ProgrammingError", "File \""):
        assert leak not in body
    assert any("ProgrammingError" in (r.exc_text or "") or r.exc_info for r in caplog.records)  # but logged


def test_upload_names_are_never_used_as_paths(client, tmp_path):
    target = tmp_path / "pwned.csv"
    name = f"../../../../{target}".replace("//", "/")
    answer = client.post("/api/v1/imports/standards", content_type="multipart/form-data",
                         data={"file": (io.BytesIO("标准代码\n".encode()), name)})
    assert answer.status_code in (413, 415, 422)
    assert not target.exists() and not Path(name).exists()


def test_html_pages_send_the_security_headers(client):
    page = client.get("/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    assert "frame-ancestors 'none'" in page.headers["Content-Security-Policy"]
    assert page.headers["X-Frame-Options"] == "DENY" and page.headers["Referrer-Policy"] == "no-referrer"
    api = client.get("/api/v1/taxonomy")
    assert api.headers["X-Content-Type-Options"] == "nosniff"
