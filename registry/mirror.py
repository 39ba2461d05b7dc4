"""A reference client of the sync protocol: keeps a local SQLite copy of the baselines in force.

    snapshot:  GET /api/v1/baselines?as_of=<today>&format=ndjson   → rows + X-Registry-Seq = cursor
    follow:    GET /api/v1/changes?since=<cursor>                  → changed codes, next cursor
               GET /api/v1/baselines?as_of=<today>&code=…           → those codes' rows, replaced
Rows and cursor are written in one local transaction, so a restart resumes exactly where the
last completed step left off: nothing is missed, nothing applied twice. A new day starts with
a fresh snapshot (versions can come into force without an event on their first day).
"""
from __future__ import annotations

import json
import logging
import sqlite3
import time
from collections.abc import Callable
from datetime import date

import requests

from registry.services import clock
from registry.services.sync import BASELINE_COLUMNS

log = logging.getLogger(__name__)
CODES_PER_FETCH = 50


class Mirror:
    def __init__(self, url: str, token: str, path: str, *, today: Callable[[], date] = clock.today,
                 retries: int = 8, backoff: float = 0.5):
        self.url = url.rstrip("/")
        self.http = requests.Session()
        self.http.headers["Authorization"] = f"Bearer {token}"
        # One thread at a time, but not always the one that opened it (a follower thread, say).
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.today, self.retries, self.backoff = today, retries, backoff
        self._schema()

    def sync(self) -> int:
        """Bring the copy up to date; returns how many events were applied."""
        if self._state("as_of") != self.today().isoformat():
            self.snapshot()
        applied = 0
        while True:
            page = self._get("/api/v1/changes", params={"since": self.cursor, "limit": 1000}, etag=f'"seq-{self.cursor}"')
            if page is None:  # 304: nothing new
                return applied
            body = page.json()
            if not body["events"]:
                return applied
            self._refresh({e["code"] for e in body["events"]}, cursor=body["next"])
            applied += len(body["events"])
            if not body["has_more"]:
                return applied

    def snapshot(self) -> None:
        day = self.today().isoformat()
        response = self._get("/api/v1/baselines", params={"as_of": day, "format": "ndjson"}, stream=True)
        rows = [json.loads(line) for line in response.iter_lines() if line]
        with self._transaction():
            self.db.execute("DELETE FROM baselines")
            self._insert(rows)
            self._set_state("cursor", response.headers["X-Registry-Seq"])
            self._set_state("as_of", day)

    def run(self, interval: float = 5.0, stop: Callable[[], bool] = lambda: False) -> None:
        while not stop():
            self.sync()
            time.sleep(interval)

    def close(self) -> None:
        self.db.close()
        self.http.close()

    @property
    def cursor(self) -> int:
        return int(self._state("cursor") or 0)

    def rows(self) -> list[dict]:
        cursor = self.db.execute(f"SELECT {', '.join(BASELINE_COLUMNS)} FROM baselines ORDER BY code, position")
        return [_decode(dict(zip(BASELINE_COLUMNS, r))) for r in cursor]

    def _refresh(self, codes: set[str], cursor: int) -> None:
        ordered = sorted(codes)
        fetched: list[dict] = []
        for start in range(0, len(ordered), CODES_PER_FETCH):
            chunk = ordered[start:start + CODES_PER_FETCH]
            response = self._get("/api/v1/baselines", stream=True,
                                 params={"as_of": self.today().isoformat(), "format": "ndjson", "code": chunk})
            fetched.extend(json.loads(line) for line in response.iter_lines() if line)
        with self._transaction():
            self.db.executemany("DELETE FROM baselines WHERE code = ?", [(c,) for c in ordered])
            self._insert(fetched)
            self._set_state("cursor", str(cursor))

    def _get(self, path: str, *, params: dict, etag: str | None = None, stream: bool = False):
        """GET with retries and exponential back-off on connection errors, 429 and 5xx."""
        headers = {"If-None-Match": etag} if etag else {}
        for attempt in range(self.retries + 1):
            try:
                response = self.http.get(self.url + path, params=params, headers=headers, stream=stream, timeout=30)
            except requests.ConnectionError as exc:
                error = exc
            else:
                if response.status_code == 304:
                    return None
                if response.status_code < 500 and response.status_code != 429:
                    response.raise_for_status()
                    return response
                error = RuntimeError(f"{path}: HTTP {response.status_code}")
            if attempt == self.retries:
                raise error
            delay = self.backoff * 2 ** attempt
            log.warning("mirror: %s, retrying in %.1fs", error, delay)
            time.sleep(delay)

    def _schema(self) -> None:
        columns = ", ".join(f"{c} TEXT" for c in BASELINE_COLUMNS)
        self.db.execute(f"CREATE TABLE IF NOT EXISTS baselines ({columns}, position INTEGER)")
        self.db.execute("CREATE INDEX IF NOT EXISTS ix_baselines_code ON baselines (code)")
        self.db.execute("CREATE TABLE IF NOT EXISTS state (key TEXT PRIMARY KEY, value TEXT)")

    def _insert(self, rows: list[dict]) -> None:
        placeholders = ", ".join("?" for _ in range(len(BASELINE_COLUMNS) + 1))
        self.db.executemany(f"INSERT INTO baselines VALUES ({placeholders})",
                            [[_encode(row[c]) for c in BASELINE_COLUMNS] + [n] for n, row in enumerate(rows)])

    def _state(self, key: str) -> str | None:
        row = self.db.execute("SELECT value FROM state WHERE key = ?", (key,)).fetchone()
        return row[0] if row else None

    def _set_state(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO state (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
                        (key, value))

    def _transaction(self):
        return _Transaction(self.db)


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self):
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, kind, value, traceback):
        self.db.execute("ROLLBACK" if kind else "COMMIT")


def _encode(value) -> str | None:
    if isinstance(value, (dict, list)):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return None if value is None else str(value)


def _decode(row: dict) -> dict:
    for name in ("conditions", "components"):
        row[name] = json.loads(row[name]) if row[name] else ({} if name == "conditions" else [])
    row["version"] = int(row["version"])
    return row

