"""The transactional outbox to an external search cluster, and its relay.

A change writes its documents to `search_outbox` in its own transaction; after commit the
relay sends unsent rows in bulk and marks them sent. If the cluster is down nothing is
lost: rows wait, `flask --app wsgi registry search sync` (or the next write) drains them.
"""
from __future__ import annotations

import logging
import threading
import time
from datetime import timedelta

from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session

from registry.models import OutboxEntry
from registry.models.base import utcnow
from search.cluster import ClusterEngine, ClusterUnavailable, make_client

log = logging.getLogger(__name__)
RETENTION = timedelta(days=1)


class ClusterLink:
    """The app's link to its cluster: connected lazily, and left alone for a while after a failure
    so that writes are not slowed down while it is away."""

    def __init__(self, url: str, alias: str, *, timeout: float = 5.0, pause: float = 15.0):
        self.url, self.alias, self.timeout, self.pause = url, alias, timeout, pause
        self._engine: ClusterEngine | None = None
        self._down_until = 0.0
        self._lock = threading.Lock()

    def engine(self) -> ClusterEngine:
        if time.monotonic() < self._down_until:
            raise ClusterUnavailable("search cluster marked unavailable after a recent failure")
        with self._lock:
            if self._engine is None:
                try:
                    engine = ClusterEngine(make_client(self.url, timeout=self.timeout), self.alias)
                    engine.ensure_index()
                except ClusterUnavailable:
                    self.failed()
                    raise
                self._engine = engine
        return self._engine

    def failed(self) -> None:
        self._down_until = time.monotonic() + self.pause

    def recovered(self) -> None:
        self._down_until = 0.0


def enqueue(session: Session, documents: list[dict]) -> None:
    session.add_all(OutboxEntry(doc_id=d["id"], action="index", document=d, seq=d["seq"]) for d in documents)
    session.info["outbox_enqueued"] = True


def relay(db, link: ClusterLink, *, batch: int = 500, refresh: bool = True) -> int:
    """Send unsent outbox rows to the cluster; returns how many were sent. Raises ClusterUnavailable."""
    engine = link.engine()
    sent = 0
    while True:
        with db.write() as session:
            query = select(OutboxEntry).where(OutboxEntry.sent_at.is_(None)).order_by(OutboxEntry.id).limit(batch)
            if not db.is_sqlite:
                query = query.with_for_update(skip_locked=True)  # two relays never send the same rows
            rows = session.scalars(query).all()
            if not rows:
                session.execute(delete(OutboxEntry).where(OutboxEntry.sent_at < utcnow() - RETENTION))
                return sent
            try:
                engine.index([r.document for r in rows], refresh=refresh)
            except ClusterUnavailable:
                link.failed()
                raise
            link.recovered()
            now = utcnow()
            for row in rows:
                row.sent_at = now
            sent += len(rows)


def relay_quietly(db, link: ClusterLink) -> None:
    """After a commit: try to send at once; on failure the rows simply wait."""
    try:
        relay(db, link)
    except ClusterUnavailable as exc:
        log.warning("search outbox kept for later: %s", exc)
    except Exception:  # noqa: BLE001 - a relay failure must never fail the write that triggered it
        log.exception("search outbox relay failed; rows kept for later")


def high_water(session: Session) -> int:
    return session.scalar(select(func.coalesce(func.max(OutboxEntry.id), 0)))


def replay_since(db, engine: ClusterEngine, mark: int, index: str) -> int:
    """Send every outbox row newer than `mark` (sent or not) into `index`."""
    with db.read() as session:
        rows = session.scalars(select(OutboxEntry).where(OutboxEntry.id > mark).order_by(OutboxEntry.id)).all()
        documents = [r.document for r in rows]
    return engine.index(documents, target=index) if documents else 0


def lag(session: Session) -> dict:
    """Unsent rows and the age of the oldest, for /health."""
    pending, oldest = session.execute(
        select(func.count(), func.min(OutboxEntry.created_at)).where(OutboxEntry.sent_at.is_(None))
    ).one()
    age = (utcnow() - oldest).total_seconds() if oldest else 0.0
    return {"pending": pending, "oldest_seconds": round(age, 1)}
