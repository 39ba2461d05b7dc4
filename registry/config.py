"""Configuration from the environment, with defaults that need no set-up."""
from __future__ import annotations

import os
from pathlib import Path


def load_config(instance_path: str) -> dict:
    """Settings read from REGISTRY_* environment variables."""
    default_db = "sqlite:///" + str(Path(instance_path) / "registry.sqlite3")
    return {
        "DATABASE_URL": os.environ.get("REGISTRY_DATABASE_URL") or default_db,
        # Unset: the embedded search engine inside the registry's own database.
        "SEARCH_URL": os.environ.get("REGISTRY_SEARCH_URL") or None,
        "SEARCH_INDEX": os.environ.get("REGISTRY_SEARCH_INDEX", "standards"),  # the alias in the cluster
        # Send outbox rows right after each commit (else only `registry search sync` sends them).
        "SEARCH_RELAY_ON_COMMIT": True,
        # "Today" for as-of reads is the bureau's calendar day, not the server's.
        "TIMEZONE": os.environ.get("REGISTRY_TIMEZONE", "Asia/Shanghai"),
        # Lets GET requests without a token act as readers: only on a trusted network.
        "ANONYMOUS_READS": os.environ.get("REGISTRY_ANONYMOUS_READS", "").lower() in ("1", "true", "yes"),
        # Failed authentications per client address and window (seconds) before it gets 429s.
        "AUTH_FAILURE_LIMIT": int(os.environ.get("REGISTRY_AUTH_FAILURE_LIMIT", "10")),
        "AUTH_FAILURE_WINDOW": float(os.environ.get("REGISTRY_AUTH_FAILURE_WINDOW", "60")),
        # Reverse proxies in front that set X-Forwarded-For (the client address the limit counts).
        "PROXY_HOPS": int(os.environ.get("REGISTRY_PROXY_HOPS", "0")),
        "LOG_LEVEL": os.environ.get("REGISTRY_LOG_LEVEL", "INFO").upper(),
        "API_TITLE": "成本预算绩效 标准库 Standards Registry",
        "API_VERSION": "v1",
        "OPENAPI_VERSION": "3.0.3",
        "OPENAPI_URL_PREFIX": "/",
        "OPENAPI_JSON_PATH": "openapi.json",
        "OPENAPI_SWAGGER_UI_PATH": "/docs",
        "JSON_SORT_KEYS": False,
        "MAX_CONTENT_LENGTH": 64 * 1024 * 1024,  # a 50,000-line proposal is about 15 MB of JSON
    }
