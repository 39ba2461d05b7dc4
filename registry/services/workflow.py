"""Review workflow: submit, return, confirm, publish, retire — with periods kept consistent.

draft ─submit→ submitted ─confirm→ confirmed ─publish→ published ─(successor)→ superseded
  ↑              │                     └──────────── retire ───────────→ retired
  └── returned ←─┘ return (comment required)

Confirming or publishing a version closes the period of the version it replaces at the
new version's start and marks that one superseded, in the same transaction.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from registry.actor import SYSTEM, Actor
from registry.enums import IN_FORCE_STATUSES, STATUS_NAMES, Status
from registry.errors import Conflict, ValidationFailed
from registry.models import Event, Version
from registry.models.base import utcnow
from registry.roles import BUREAU, Role
from registry.services import events
from registry.services.overlaps import find_overlaps
from registry.services.permissions import ensure_department, ensure_role
from registry.services.standards import check_period, load_versions
from registry.services.unit_check import unreadable_units
from registry.services.versions import check_if_match, get_version


@dataclass(frozen=True)
class Action:
    name: str
    sources: frozenset[Status]
    target: Status
    roles: frozenset[Role]
    label: str


ACTIONS = {
    a.name: a
    for a in (
        Action("submit", frozenset({Status.DRAFT, Status.RETURNED}), Status.SUBMITTED,
               frozenset({Role.SUBMITTER, Role.REVIEWER, Role.ADMIN}), "提交审核"),
        Action("return", frozenset({Status.SUBMITTED}), Status.RETURNED, BUREAU, "退回修改"),
        Action("confirm", frozenset({Status.SUBMITTED}), Status.CONFIRMED, BUREAU, "确认"),
        Action("publish", frozenset({Status.CONFIRMED}), Status.PUBLISHED, BUREAU, "印发实施"),
        Action("retire", frozenset({Status.CONFIRMED, Status.PUBLISHED}), Status.RETIRED, BUREAU, "废止"),
    )
}


@dataclass
class TransitionResult:
    version: Version
    warnings: list[dict] = field(default_factory=list)
    superseded: list[int] = field(default_factory=list)


def allowed_actions(status: Status) -> list[str]:
    return [a.name for a in ACTIONS.values() if status in a.sources]


def transition(
    session: Session, code: str, number: int, action_name: str, data: dict, actor: Actor,
    if_match: str | None = None,
) -> TransitionResult:
    """Move version `number` of `code` along the workflow, or explain why not."""
    action = ACTIONS[action_name]
    version = get_version(session, code, number)
    standard = version.standard
    ensure_role(actor, action.roles, action.label)
    if action.name == "submit":
        ensure_department(actor, standard.department.code, standard.department.name)
    if if_match:
        check_if_match(version, if_match)
    if version.status not in action.sources:
        allowed = allowed_actions(version.status)
        raise Conflict(
            f"版本 v{number} 当前状态为“{STATUS_NAMES[version.status]}”，不能{action.label}；"
            f"可执行的操作：{'、'.join(allowed) if allowed else '无'}",
            code="invalid_transition",
            errors={"action": [f"允许的操作：{', '.join(allowed)}" if allowed else "该版本已不可再变更"]},
        )
    before = version.status
    result = TransitionResult(version)
    try:
        getattr(_Steps, action.name)(session, version, data, actor, result)
        version.status = action.target
        version.updated_by, version.updated_at = actor.name, utcnow()
        session.flush()
    except StaleDataError as exc:
        # A concurrent transition changed this version or the one it supersedes first.
        raise Conflict("该标准的版本刚被他人处理，本次未作任何修改；请刷新后重试", code="concurrent_conflict") from exc
    events.record(session, standard, version, action.target.value, actor, from_status=before.value,
                  comment=data.get("comment"),
                  details={"warnings": result.warnings, "superseded": result.superseded} if (result.warnings or result.superseded) else None)
    return result


class _Steps:
    """What each action checks and changes besides the status."""

    @staticmethod
    def submit(session, version, data, actor, result):
        if not version.items:
            raise ValidationFailed("没有条目的版本不能提交审核", code="empty_version")
        unreadable = unreadable_units(version)
        result.warnings = [*([unreadable] if unreadable else []), *find_overlaps(session, version)]

    @staticmethod
    def return_(session, version, data, actor, result):
        if not (data.get("comment") or "").strip():
            raise ValidationFailed("退回修改必须填写意见（comment）", code="comment_required",
                                   errors={"comment": ["退回时必须说明原因"]})

    @staticmethod
    def confirm(session, version, data, actor, result):
        submitter = _last_submitter(session, version)
        if submitter == actor.name:
            raise Conflict(f"提交人 {actor.name} 不能确认自己提交的版本，须由另一位审核人确认", code="four_eyes")
        previous_start = version.effective_from
        _set_period(version, data)
        result.superseded = _supersede_predecessors(session, version, previous_start)

    @staticmethod
    def publish(session, version, data, actor, result):
        if data.get("doc_no"):
            version.doc_no = data["doc_no"]
        previous_start = version.effective_from
        _set_period(version, data)
        result.superseded = _supersede_predecessors(session, version, previous_start)

    @staticmethod
    def retire(session, version, data, actor, result):
        end = data.get("effective_to")
        if end is None:
            raise ValidationFailed("废止必须给出 effective_to（自该日起不再适用）", code="effective_to_required",
                                   errors={"effective_to": ["必填：首个不再适用的日期"]})
        if version.effective_to is not None and end > version.effective_to:
            raise ValidationFailed(f"废止日期不能晚于现有失效日期 {version.effective_to.isoformat()}",
                                   code="invalid_period", errors={"effective_to": ["不能延长已确定的生效期"]})
        check_period(version.effective_from, end)
        version.effective_to = end


setattr(_Steps, "return", _Steps.return_)


def _set_period(version: Version, data: dict) -> None:
    if data.get("effective_from") is not None:
        version.effective_from = data["effective_from"]
    if "effective_to" in data:
        version.effective_to = data["effective_to"]
    if version.effective_from is None:
        raise ValidationFailed("确认或印发前必须设定生效日期 effective_from", code="effective_from_required",
                               errors={"effective_from": ["必填：自哪一天起生效"]})
    check_period(version.effective_from, version.effective_to)


def _supersede_predecessors(session: Session, version: Version, previous_start: date | None) -> list[int]:
    """Close the periods this version takes over; refuse what cannot be closed.

    `previous_start` is the version's start before this action: when publishing moves it,
    the predecessor closed at the old start follows it to the new one.
    """
    start, end = version.effective_from, version.effective_to
    closed = []
    for other in load_versions(session, version.standard, with_items=False):
        if other.id == version.id or other.status not in IN_FORCE_STATUSES:
            continue
        followed = other.status == Status.SUPERSEDED and other.effective_to == previous_start != start
        if not followed and not _overlaps(other.effective_from, other.effective_to, start, end):
            continue
        if other.effective_from >= start:
            raise Conflict(
                f"生效期与 v{other.number}（{other.effective_from.isoformat()} 起）重叠，且不晚于其开始日期，"
                "无法自动替代；请调整 effective_from",
                code="period_overlap",
            )
        other.effective_to = start
        if other.status in (Status.CONFIRMED, Status.PUBLISHED):
            other.status = Status.SUPERSEDED
        other.updated_at = utcnow()
        closed.append(other.number)
        session.flush()  # close the old period before the new one is written (SQLite checks at once)
        events.record(session, version.standard, other, "superseded", SYSTEM,
                      comment=f"被 v{version.number} 替代，生效期截至 {start.isoformat()}（不含）",
                      details={"by_version": version.number})
    return closed


def _overlaps(a_from: date, a_to: date | None, b_from: date, b_to: date | None) -> bool:
    return (b_to is None or a_from < b_to) and (a_to is None or b_from < a_to)


def _last_submitter(session: Session, version: Version) -> str | None:
    return session.scalar(
        select(Event.actor)
        .where(Event.standard_id == version.standard_id, Event.version == version.number, Event.action == "submitted")
        .order_by(Event.seq.desc())
        .limit(1)
    )


def pending_reviews(session: Session, page: int, page_size: int):
    """Submitted versions awaiting review, oldest submission first (the reviewer's inbox)."""
    from registry.services.standards import Page

    query = select(Version).where(Version.status == Status.SUBMITTED)
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    rows = session.scalars(
        query.order_by(Version.updated_at, Version.id).limit(page_size).offset((page - 1) * page_size)
    ).all()
    return Page(total, page, page_size, list(rows))
