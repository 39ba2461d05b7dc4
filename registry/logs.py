"""Structured logs: one JSON object a line, with the request id, never a token."""
from __future__ import annotations

import json
import logging
import time

from flask import Flask, g, has_request_context, request


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if has_request_context() and "request_id" in g:
            entry["request_id"] = g.request_id
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


def init_app(app: Flask) -> None:
    if not app.config.get("TESTING"):
        handler = logging.StreamHandler()
        handler.setFormatter(JsonFormatter())
        root = logging.getLogger("registry")
        root.handlers[:] = [handler]
        root.setLevel(app.config.get("LOG_LEVEL", "INFO"))
        root.propagate = False
    access = logging.getLogger("registry.access")

    @app.before_request
    def _start_clock():
        g.started = time.perf_counter()

    @app.after_request
    def _log_request(response):
        actor = getattr(g, "actor", None)
        access.info("%s %s %s", request.method, request.path, response.status_code, extra={"fields": {
            "request_id": g.get("request_id"), "method": request.method, "path": request.path,
            "status": response.status_code,
            "ms": round((time.perf_counter() - g.get("started", time.perf_counter())) * 1000, 1),
            "actor": actor.name if actor else None,  # the token's name; the token itself is never logged
        }})
        return response
