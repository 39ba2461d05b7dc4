"""The bureau's calendar: 'today' is a date in Shanghai, whatever the server's zone."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

_zone = ZoneInfo("Asia/Shanghai")


def configure(timezone_name: str) -> None:
    global _zone
    _zone = ZoneInfo(timezone_name)


def today() -> date:
    return datetime.now(_zone).date()
