"""Saved comparisons: the exact answer a reviewer saw, reproducible forever."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import String, Text
from sqlalchemy.orm import Mapped, mapped_column

from registry.models.base import Base, JSONDocument, utcnow


class Review(Base):
    __tablename__ = "reviews"

    id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(128))
    as_of: Mapped[date]
    request: Mapped[dict] = mapped_column(JSONDocument)
    # The answer as the bytes that were sent, so a later GET returns them unchanged.
    response: Mapped[str] = mapped_column(Text)
    versions_used: Mapped[list] = mapped_column(JSONDocument)
