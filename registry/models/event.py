"""The history of every change, in one strictly increasing sequence."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.models.base import Base, JSONDocument, utcnow


class Event(Base):
    """An immutable record of one change: who, when, why, and the state it left.

    `seq` is the cursor of the change feed. Events are only ever inserted, and the
    service that inserts them serialises writers so that seq order is commit order.
    """

    __tablename__ = "events"
    __table_args__ = {"sqlite_autoincrement": True}

    seq: Mapped[int] = mapped_column(primary_key=True, autoincrement=True)
    standard_id: Mapped[int] = mapped_column(ForeignKey("standards.id"), index=True)
    code: Mapped[str] = mapped_column(String(64))
    version: Mapped[int | None]
    action: Mapped[str] = mapped_column(String(32))
    from_status: Mapped[str | None] = mapped_column(String(16))
    to_status: Mapped[str | None] = mapped_column(String(16))
    effective_from: Mapped[date | None]
    effective_to: Mapped[date | None]
    actor: Mapped[str] = mapped_column(String(128))
    actor_role: Mapped[str] = mapped_column(String(32))
    at: Mapped[datetime] = mapped_column(default=utcnow)
    comment: Mapped[str | None] = mapped_column(Text)
    details: Mapped[dict] = mapped_column(JSONDocument, default=dict)
