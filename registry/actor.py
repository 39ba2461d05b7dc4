"""Who is acting: recorded on every change."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Actor:
    name: str
    role: str
    department: str | None = None


SYSTEM = Actor("system", "system")
