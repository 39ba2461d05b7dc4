"""Which version answers for a date, and why none does."""
from __future__ import annotations

from datetime import date

from sqlalchemy import ColumnElement, and_, or_

from registry.enums import IN_FORCE_STATUSES, STATUS_NAMES, Status
from registry.models import Version


def in_force_on(day: date) -> ColumnElement[bool]:
    """SQL condition: the version was confirmed and its period contains `day`."""
    return and_(
        Version.status.in_(IN_FORCE_STATUSES),
        Version.effective_from <= day,
        or_(Version.effective_to.is_(None), Version.effective_to > day),
    )


def pick_in_force(versions: list[Version], day: date) -> Version | None:
    return next((v for v in versions if v.in_force_on(day)), None)


def explain_not_in_force(code: str, versions: list[Version], day: date) -> str:
    """A sentence saying why no version of `code` is in force on `day`."""
    head = f"标准 {code} 在 {day.isoformat()} 没有生效版本"
    confirmed = [v for v in versions if v.status in IN_FORCE_STATUSES]
    later = [v for v in confirmed if v.effective_from > day]
    earlier = [v for v in confirmed if v.effective_to is not None and v.effective_to <= day]
    if later:
        first = min(later, key=lambda v: v.effective_from)
        return f"{head}：最早的版本 v{first.number} 自 {first.effective_from.isoformat()} 起生效"
    if earlier:
        last = max(earlier, key=lambda v: v.effective_to)
        state = "已废止" if last.status == Status.RETIRED else "已停止生效"
        return f"{head}：v{last.number} {state}，生效期截至 {last.effective_to.isoformat()}（不含）"
    if versions:
        latest = versions[-1]
        return f"{head}：最新版本 v{latest.number} 状态为“{STATUS_NAMES[latest.status]}”，尚未确认"
    return head
