"""What the database holds, read straight from SQL, and apps on fresh databases.

Fault tests compare what the database holds against what the client was told, so these reads
deliberately bypass the app (whose engine may be the very thing being broken).
"""
from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from flask import Flask
from sqlalchemy import Connection, create_engine, func, select, text

from registry import create_app, migrations
from registry.actor import Actor
from registry.db import get_db
from registry.models import Event, Item, Standard, Version
from registry.services import tokens
from registry.services.taxonomy import load_taxonomy

TAXONOMY = Path(__file__).parents[2] / "seed_data" / "taxonomy.json"


@dataclass(frozen=True)
class Stored:
    standards: int
    versions: list[tuple[int, str]]  # (number, status)
    items: int
    events: list[str]  # actions, in order
    documents: list[tuple[str, str]]  # search documents (id, status)


def stored(conn: Connection, code: str) -> Stored:
    one = {"c": code}
    return Stored(
        standards=conn.scalar(text("SELECT count(*) FROM standards WHERE code = :c"), one),
        versions=[tuple(r) for r in conn.execute(text(
            "SELECT v.number, v.status FROM versions v JOIN standards s ON s.id = v.standard_id "
            "WHERE s.code = :c ORDER BY v.number"), one)],
        items=conn.scalar(text(
            "SELECT count(*) FROM items i JOIN versions v ON v.id = i.version_id "
            "JOIN standards s ON s.id = v.standard_id WHERE s.code = :c"), one),
        events=list(conn.scalars(text("SELECT action FROM events WHERE code = :c ORDER BY seq"), one)),
        documents=[tuple(r) for r in conn.execute(
            text("SELECT id, status FROM search_documents WHERE code = :c ORDER BY id"), one)],
    )


@contextmanager
def connection(url: str) -> Iterator[Connection]:
    """A connection of its own, outside any app."""
    engine = create_engine(url)
    try:
        with engine.connect() as conn:
            yield conn
    finally:
        engine.dispose()


def registry_app(url: str, **config) -> Flask:
    """The app on a new, empty database: the real migrations, then the bundled taxonomy."""
    app = create_app({"TESTING": True, "DATABASE_URL": url} | config)
    with app.app_context():
        db = get_db()
        migrations.upgrade(db.write_engine)
        with db.write() as session:
            load_taxonomy(session, json.loads(TAXONOMY.read_text(encoding="utf-8")))
    return app


def bearer(app: Flask, role: str, name: str | None = None) -> dict[str, str]:
    with app.app_context(), get_db().write() as session:
        issued = tokens.issue(session, name or f"{role}-faults", role, Actor("fixture", "admin"))
    return {"Authorization": f"Bearer {issued.secret}"}


def dispose(app: Flask) -> None:
    """Close the app's connections (before a mount goes away, or to see a setting change)."""
    with app.app_context():
        get_db().dispose()


def totals(url: str) -> dict[str, int]:
    """Row counts of every table a write touches; on SQLite after an integrity check."""
    with connection(url) as conn:
        if conn.dialect.name == "sqlite":
            assert conn.scalar(text("PRAGMA integrity_check")) == "ok"
        counts = {m.__tablename__: conn.scalar(select(func.count()).select_from(m)) for m in (Standard, Version, Item, Event)}
        counts["search_documents"] = conn.scalar(text("SELECT count(*) FROM search_documents"))
    return counts


def many_items(count: int) -> list[dict]:
    """`count` valid ceiling items for a standard's body: a big version, for big writes."""
    return [{"key": f"k{n}", "name": f"第{n}类会议综合定额", "rule": "ceiling", "unit": "元/人·天", "max": str(400 + n),
             "conditions": {"会议类别": f"类{n}"}} for n in range(count)]
