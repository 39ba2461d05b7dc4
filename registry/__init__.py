"""Standards registry (成本预算绩效 标准库): the Flask application factory."""
from __future__ import annotations

import uuid

from flask import Flask, g, request
from werkzeug.middleware.proxy_fix import ProxyFix

from registry.config import load_config


def create_app(test_config: dict | None = None) -> Flask:
    """Build the app from the environment, or from `test_config` when given."""
    app = Flask(__name__, instance_relative_config=True)
    app.config.update(load_config(app.instance_path))
    if test_config:
        app.config.update(test_config)
    app.json.sort_keys = False
    app.json.ensure_ascii = False  # Chinese stays readable in responses
    if app.config["PROXY_HOPS"]:  # the client's address, not the proxy's, for logs and the auth limit
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_HOPS"], x_proto=app.config["PROXY_HOPS"])

    from registry import api, auth, cli, db, logs, metrics
    from registry.services import clock

    clock.configure(app.config["TIMEZONE"])
    db.init_app(app)
    _add_request_ids(app)
    logs.init_app(app)
    metrics.init_app(app)
    auth.init_app(app)
    api.init_app(app)
    cli.init_app(app)
    return app


def _add_request_ids(app: Flask) -> None:
    @app.before_request
    def _assign():
        g.request_id = request.headers.get("X-Request-ID", "")[:64] or uuid.uuid4().hex

    @app.after_request
    def _echo(response):
        if "request_id" in g:
            response.headers["X-Request-ID"] = g.request_id
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        if response.mimetype == "text/html":  # the API docs page
            response.headers.setdefault("X-Frame-Options", "DENY")
            response.headers.setdefault("Referrer-Policy", "no-referrer")
            response.headers.setdefault(
                "Content-Security-Policy",
                "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
                "img-src 'self' data:; frame-ancestors 'none'",
            )
        return response
