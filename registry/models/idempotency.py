"""Remembered answers to writes that carried an Idempotency-Key."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from registry.models.base import Base, utcnow


class IdempotentRequest(Base):
    """A replay with the same key and body gets `body` back and writes nothing; a different
    body under the same key is refused."""

    __tablename__ = "idempotent_requests"
    __table_args__ = (UniqueConstraint("actor", "key", name="uq_idempotent_requests_actor_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    actor: Mapped[str] = mapped_column(String(128))
    key: Mapped[str] = mapped_column(String(200))
    fingerprint: Mapped[str] = mapped_column(String(64))  # SHA-256 of method, path and canonical body
    status: Mapped[int]
    body: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
