"""Changes waiting to reach an external search cluster (the transactional outbox)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, String
from sqlalchemy.orm import Mapped, mapped_column

from registry.models.base import Base, JSONDocument, utcnow


class OutboxEntry(Base):
    """Written in the same transaction as the change; marked sent once the cluster has it."""

    __tablename__ = "search_outbox"
    __table_args__ = {"sqlite_autoincrement": True}

    id: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    doc_id: Mapped[str] = mapped_column(String(100))
    action: Mapped[str] = mapped_column(String(8))  # index | delete
    document: Mapped[dict | None] = mapped_column(JSONDocument)
    # The standard's latest event seq: the cluster's external version, so a retried or
    # out-of-order send can never overwrite a newer document.
    seq: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    # Sent rows stay a day: a reindex replays what changed while it was building.
    sent_at: Mapped[datetime | None] = mapped_column(index=True)
