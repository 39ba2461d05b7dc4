"""Versions of a standard: reading, drafting, editing drafts, diffing, history."""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.exc import StaleDataError

from registry.actor import Actor
from registry.enums import EDITABLE_STATUSES, STATUS_NAMES, UNFINISHED_STATUSES, Status
from registry.errors import Conflict, NotFound, PreconditionFailed, PreconditionRequired, ValidationFailed
from registry.models import Event, Standard, Version
from registry.models.base import utcnow
from registry.services import events
from registry.services.permissions import ensure_department
from registry.services.items import ITEM_FIELDS, build_items, item_as_dict, make_item
from registry.services.standards import check_period, get_standard, load_versions, new_version_row

VERSION_FIELDS = ("effective_from", "effective_to", "issuer", "doc_no", "url", "note")


def get_version(session: Session, code: str, number: int) -> Version:
    standard = get_standard(session, code)
    version = session.scalars(
        select(Version)
        .where(Version.standard_id == standard.id, Version.number == number)
        .options(selectinload(Version.items))
    ).first()
    if version is None:
        raise NotFound(f"标准 {code} 没有版本 v{number}", code="version_not_found")
    return version


def create_draft(session: Session, code: str, changes: dict, actor: Actor) -> Version:
    """A new draft: the latest version's content plus `changes`."""
    standard = get_standard(session, code)
    ensure_department(actor, standard.department.code, standard.department.name)
    versions = load_versions(session, standard)
    unfinished = [v for v in versions if v.status in UNFINISHED_STATUSES]
    if unfinished:
        v = unfinished[-1]
        raise Conflict(
            f"标准 {code} 已有未完成的版本 v{v.number}（{STATUS_NAMES[v.status]}），请先完成或修改该版本",
            code="unfinished_version_exists",
        )
    latest = versions[-1]
    base = {
        "effective_from": None,
        "effective_to": None,
        "basis": {"issuer": latest.issuer, "doc_no": latest.doc_no, "url": latest.url},
        "note": latest.note,
        "items": [item_as_dict(i) for i in latest.items],
    }
    draft = new_version_row(standard, latest.number + 1, Status.DRAFT, base, actor)
    _apply(draft, changes)
    session.add(draft)
    session.flush()
    events.record(session, standard, draft, "version_created", actor,
                  comment=changes.get("comment"), details={"from_version": latest.number})
    return draft


def edit_draft(session: Session, code: str, number: int, changes: dict, if_match: str | None, actor: Actor) -> Version:
    """Apply `changes` to a draft, provided the caller saw its latest state (If-Match)."""
    version = get_version(session, code, number)
    ensure_department(actor, version.standard.department.code, version.standard.department.name)
    if version.status not in EDITABLE_STATUSES:
        raise Conflict(
            f"版本 v{number} 状态为“{STATUS_NAMES[version.status]}”，不可修改；请用 POST /api/v1/standards/{code}/versions 新建版本",
            code="version_immutable",
        )
    check_if_match(version, if_match)
    summary = _apply(version, changes)
    version.updated_by = actor.name
    version.updated_at = utcnow()  # also bumps the revision when only items changed
    try:
        session.flush()
    except StaleDataError as exc:
        raise _stale(version) from exc
    events.record(session, version.standard, version, "edited", actor,
                  from_status=version.status.value, comment=changes.get("comment"), details=summary)
    return version


def check_if_match(version: Version, if_match: str | None) -> None:
    if not if_match:
        raise PreconditionRequired(
            f"修改版本需要 If-Match 请求头（取自 GET 该版本时的 ETag，当前为 {version.etag}）",
            code="if_match_required",
        )
    tags = [t.strip().removeprefix("W/") for t in if_match.split(",")]
    if "*" not in tags and version.etag not in tags:
        raise _stale(version)


def _stale(version: Version) -> PreconditionFailed:
    return PreconditionFailed(
        "版本已被他人修改，您看到的不是最新内容；请重新获取（GET）后再提交修改",
        code="stale_etag",
    )


def _apply(version: Version, changes: dict) -> dict:
    """Change a draft in memory; returns what changed, for the event."""
    changed = [name for name in ("effective_from", "effective_to", "note") if name in changes]
    for name in changed:
        setattr(version, name, changes[name])
    for name, value in (changes.get("basis") or {}).items():
        setattr(version, name, value)
        changed.append(name)
    check_period(version.effective_from, version.effective_to)
    added, replaced = _upsert_items(version, changes.get("items") or [])
    removed = _remove_items(version, changes.get("remove_items") or [])
    return {"fields": changed, "items_added": added, "items_changed": replaced, "items_removed": removed}


def _upsert_items(version: Version, raw_items: list[dict]) -> tuple[list[str], list[str]]:
    build_items(raw_items)  # validates the incoming items as a set
    by_key = {item.key: item for item in version.items}
    added, replaced = [], []
    for raw in raw_items:
        current = by_key.get(raw["key"])
        if current is None:
            version.items.append(make_item(raw, position=len(version.items)))
            added.append(raw["key"])
            continue
        fresh = make_item(raw, position=current.position)
        for name in ITEM_FIELDS:
            setattr(current, name, getattr(fresh, name))
        replaced.append(raw["key"])
    return added, replaced


def _remove_items(version: Version, keys: list[str]) -> list[str]:
    by_key = {item.key: item for item in version.items}
    unknown = [k for k in keys if k not in by_key]
    if unknown:
        raise ValidationFailed(
            f"要删除的条目不存在：{'、'.join(unknown)}",
            code="unknown_item", errors={"remove_items": [f"不存在的条目键：{k}" for k in unknown]},
        )
    for key in keys:
        version.items.remove(by_key[key])
    for position, item in enumerate(version.items):
        item.position = position
    return keys


def diff(session: Session, code: str, number: int, against: int) -> dict:
    """Item by item (matched by key): added, removed, changed with old → new per field."""
    new, old = get_version(session, code, number), get_version(session, code, against)
    old_items = {i.key: item_as_dict(i) for i in old.items}
    new_items = {i.key: item_as_dict(i) for i in new.items}
    changed = []
    for key in new_items.keys() & old_items.keys():
        fields = _changes(old_items[key], new_items[key], ITEM_FIELDS)
        if fields:
            changed.append({"key": key, "changes": fields})
    return {
        "code": code,
        "version": number,
        "against": against,
        "version_changes": _changes(_version_dict(old), _version_dict(new), VERSION_FIELDS),
        "added": [new_items[k] for k in new_items if k not in old_items],
        "removed": [old_items[k] for k in old_items if k not in new_items],
        "changed": sorted(changed, key=lambda c: [i.key for i in new.items].index(c["key"])),
        "unchanged": len(new_items.keys() & old_items.keys()) - len(changed),
    }


def _version_dict(version: Version) -> dict:
    return {name: getattr(version, name) for name in VERSION_FIELDS}


def _changes(old: dict, new: dict, names: tuple[str, ...]) -> dict:
    return {name: {"old": old[name], "new": new[name]} for name in names if old[name] != new[name]}


def history(session: Session, code: str) -> list[Event]:
    standard = get_standard(session, code)
    return list(session.scalars(select(Event).where(Event.standard_id == standard.id).order_by(Event.seq)))


def list_versions(session: Session, code: str) -> tuple[Standard, list[Version]]:
    standard = get_standard(session, code)
    return standard, load_versions(session, standard, with_items=False)
