"""API tokens: random secrets stored only as hashes."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from registry.models.base import Base, utcnow
from registry.models.standard import _enum
from registry.models.taxonomy import Department
from registry.roles import Role


class Token(Base):
    """A bearer token. `name` identifies the person or system behind it: the reviewer who
    confirms a version must have a different name from the one who submitted it."""

    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(128))
    role: Mapped[Role] = mapped_column(_enum(Role, "role"))
    department_id: Mapped[int | None] = mapped_column(ForeignKey("departments.id"))
    # SHA-256 of the secret: tokens are 256-bit random, so a slow hash would add nothing.
    secret_hash: Mapped[str] = mapped_column(String(64), unique=True)
    prefix: Mapped[str] = mapped_column(String(16))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by: Mapped[str] = mapped_column(String(128))
    # The first day the token no longer works (like a version's effective_to).
    expires_on: Mapped[date | None]
    revoked_at: Mapped[datetime | None]

    department: Mapped[Department | None] = relationship(lazy="joined")
