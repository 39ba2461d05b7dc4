"""Writing a checked plan: every standard as a draft (submitted, if asked), in the caller's transaction."""
from __future__ import annotations

from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from registry.actor import Actor
from registry.enums import Status
from registry.errors import Conflict
from registry.models import Standard, Version
from registry.services import events
from registry.services.imports.plan import ImportInvalid, ImportReport, Plan, Planned, Progress
from registry.services.standards import new_version_row
from registry.services.unit_check import unreadable_units
from registry.services.workflow import transition

COMMENT = "批量导入"
_BATCH = 1000  # standards per flush: bounded memory, and a progress bar that moves


def write(session: Session, plan: Plan, actor: Actor, *, submit: bool = False,
          progress: Progress | None = None) -> ImportReport:
    """Write a valid plan as drafts (then submit them, if asked) in the caller's transaction."""
    if plan.report.errors:
        raise ImportInvalid(plan.report)
    report = plan.report
    written: list[Version] = []
    for start in range(0, len(plan.standards), _BATCH):
        batch = plan.standards[start:start + _BATCH]
        versions = [_add(session, planned, actor) for planned in batch]
        _flush(session)
        for planned, version in zip(batch, versions):
            _record(session, planned, version, actor, report)
        _flush(session)
        written += versions
        if progress:
            progress(len(batch))
    for version in written:
        if submit:
            result = transition(session, version.standard.code, version.number, "submit", {"comment": COMMENT}, actor)
            report.warnings += [_submit_warning(version, w) for w in result.warnings]
        elif unreadable := unreadable_units(version):  # submitting would say it: a draft's import says it too
            report.warnings.append(_submit_warning(version, unreadable))
    report.created = [
        {"code": v.standard.code, "version": v.number, "status": v.status.value, "items": len(v.items)} for v in written
    ]
    return report


def _add(session: Session, planned: Planned, actor: Actor) -> Version:
    data, existing = planned.data, planned.existing
    if existing is None:
        standard = Standard(
            code=data["code"], kind=data["kind"], title=data["title"], is_sample=False, created_by=actor.name,
            **{f"{key}_id": row.id for key, row in planned.placement.items()},
        )
        version = new_version_row(standard, 1, Status.DRAFT, data, actor)
    else:
        version = new_version_row(existing.standard, existing.latest + 1, Status.DRAFT, data, actor)
    version.items = planned.items  # built by build_items during validation: no second pass
    session.add(version)
    return version


def _record(session: Session, planned: Planned, version: Version, actor: Actor, report: ImportReport) -> None:
    if planned.existing is None:
        events.record(session, version.standard, version, "created", actor, comment=COMMENT)
        return
    events.record(session, version.standard, version, "version_created", actor, comment=COMMENT,
                  details={"from_version": planned.existing.latest})
    report.warnings.append({
        "kind": "new_version", "code": planned.code, "version": version.number,
        "message": f"标准 {planned.code} 已存在：已新建草稿版本 v{version.number}，条目以文件为准",
    })


def _submit_warning(version: Version, warning: dict) -> dict:
    """A submission's warning as an import reports it: about the imported version, naming the other standard."""
    reported = {"kind": warning["kind"], "code": version.standard.code, "version": version.number,
                "message": warning["message"]}
    if warning["kind"] == "overlap":
        reported |= {"other_code": warning["code"], "other_version": warning["version"]}
    return reported


def _flush(session: Session) -> None:
    try:
        session.flush()
    except IntegrityError as exc:
        # The checks ran in this transaction; only a concurrent writer can get here first.
        raise Conflict("导入期间其他请求写入了相同的标准代码或版本，本次未写入任何内容，请重新导入",
                       code="concurrent_conflict") from exc
