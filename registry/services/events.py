"""Writing history: one event per change, in the same transaction as the change."""
from __future__ import annotations

from sqlalchemy import text
from sqlalchemy.orm import Session

from registry.actor import Actor
from registry import search_index
from registry.models import Event, Standard, Version

# Any constant works: it only has to be the same for every writer of events.
_EVENT_LOCK_KEY = 7_311_001


def record(
    session: Session,
    standard: Standard,
    version: Version | None,
    action: str,
    actor: Actor,
    *,
    from_status: str | None = None,
    comment: str | None = None,
    details: dict | None = None,
) -> Event:
    """Append an event describing `version` as it now stands."""
    _serialise_writers(session)
    event = Event(
        standard_id=standard.id,
        code=standard.code,
        version=version.number if version else None,
        action=action,
        from_status=from_status,
        to_status=version.status.value if version else None,
        effective_from=version.effective_from if version else None,
        effective_to=version.effective_to if version else None,
        actor=actor.name,
        actor_role=actor.role,
        comment=comment,
        details=details or {},
    )
    session.add(event)
    search_index.mark_dirty(session, standard.id)
    return event


def _serialise_writers(session: Session) -> None:
    """Make event seq order equal commit order, so a feed reader never skips an event.

    On PostgreSQL a sequence hands out numbers at insert time, and a transaction holding
    seq 41 may commit after one holding 42; a reader paging at 42 would miss 41 forever.
    A transaction-scoped advisory lock, held until commit, forbids that interleaving.
    SQLite already allows one writer at a time.
    """
    if session.get_bind().dialect.name != "postgresql":
        return
    transaction = id(session.get_transaction())
    if session.info.get("event_lock") != transaction:
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": _EVENT_LOCK_KEY})
        session.info["event_lock"] = transaction
