"""Creating, listing and reading standards."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import exists, func, select
from sqlalchemy.orm import Session, selectinload
from sqlalchemy.orm.attributes import set_committed_value

from registry.actor import Actor
from registry.enums import Kind, Status
from registry.errors import Conflict, NotFound, ValidationFailed
from registry.models import Department, Field, Item, Region, Standard, Version
from registry.services import events, taxonomy
from registry.services.inforce import explain_not_in_force, in_force_on, pick_in_force
from registry.services.items import build_items
from registry.services.permissions import ensure_department
from registry.services.clock import today


@dataclass
class StandardView:
    """A standard with the version a read selected and a summary of all its versions."""

    standard: Standard
    version: Version
    versions: list[Version]
    as_of: date | None = None


def create_standard(session: Session, data: dict, actor: Actor) -> StandardView:
    """A new standard with version 1 as a draft."""
    if session.scalar(select(Standard.id).where(Standard.code == data["code"])) is not None:
        raise Conflict(f"标准代码 {data['code']} 已存在", code="duplicate_code")
    where = placement(session, data)
    department = session.get(Department, where["department_id"])
    ensure_department(actor, department.code, department.name)
    standard = Standard(
        code=data["code"],
        kind=Kind(data["kind"]),
        title=data["title"],
        is_sample=data.get("is_sample", False),
        created_by=actor.name,
        **where,
    )
    version = new_version_row(standard, 1, Status.DRAFT, data, actor)
    session.add_all([standard, version])
    session.flush()
    events.record(session, standard, version, "created", actor, comment=data.get("comment"))
    return StandardView(standard, version, [version])


def new_version_row(standard: Standard, number: int, status: Status, data: dict, actor: Actor) -> Version:
    """A version built from plain data (period, basis, note, items)."""
    basis = data.get("basis") or {}
    check_period(data.get("effective_from"), data.get("effective_to"))
    return Version(
        standard=standard,
        number=number,
        status=status,
        effective_from=data.get("effective_from"),
        effective_to=data.get("effective_to"),
        issuer=basis.get("issuer"),
        doc_no=basis.get("doc_no"),
        url=basis.get("url"),
        note=data.get("note"),
        created_by=actor.name,
        updated_by=actor.name,
        items=build_items(data.get("items") or []),
    )


def check_period(start: date | None, end: date | None, path: str = "effective_to") -> None:
    if start is not None and end is not None and end <= start:
        raise ValidationFailed(
            f"失效日期 {end.isoformat()} 应晚于生效日期 {start.isoformat()}",
            code="invalid_period",
            errors={path: ["应晚于 effective_from（生效期为 [effective_from, effective_to)）"]},
        )


def placement(session: Session, data: dict) -> dict:
    """Resolve field, category, region and department (codes or names) to their ids."""
    field = taxonomy.resolve(session, Field, data["field"], path="field")
    return {
        "field_id": field.id,
        "category_id": taxonomy.resolve_category(session, field, data["category"]).id,
        "region_id": taxonomy.resolve(session, Region, data["region"], path="region").id,
        "department_id": taxonomy.resolve(session, Department, data["department"], path="department").id,
    }


def get_standard(session: Session, code: str) -> Standard:
    standard = session.scalars(select(Standard).where(Standard.code == code)).first()
    if standard is None:
        raise NotFound(f"没有代码为 {code} 的标准", code="standard_not_found")
    return standard


def load_versions(session: Session, standard: Standard, *, with_items: bool = True) -> list[Version]:
    query = select(Version).where(Version.standard_id == standard.id).order_by(Version.number)
    if with_items:
        query = query.options(selectinload(Version.items))
    return list(session.scalars(query))


def standard_as_of(session: Session, code: str, as_of: date | None) -> StandardView:
    """The standard with its version in force on `as_of` (today by default)."""
    standard = get_standard(session, code)
    versions = load_versions(session, standard, with_items=False)
    day = as_of or today()
    version = pick_in_force(versions, day)
    if version is None:
        raise NotFound(explain_not_in_force(code, versions, day), code="not_in_force")
    set_committed_value(version, "items", list(session.scalars(
        select(Item).where(Item.version_id == version.id).order_by(Item.position))))  # only the shown version's
    return StandardView(standard, version, versions, day)


@dataclass
class Page:
    total: int
    page: int
    page_size: int
    rows: list[StandardView]


def list_standards(session: Session, filters: dict, page: int, page_size: int) -> Page:
    """Standards matching `filters`, by code, each with the version the filters selected.

    With `as_of`, only standards in force that day, shown with that version. Without it,
    each standard shows the version in force today, else its latest; `status` keeps the
    standards having a version in that status and shows that one.
    """
    as_of, status = filters.get("as_of"), filters.get("status")
    query = select(Standard.id, Standard.code)
    query = _filter_placement(session, query, filters)
    if as_of is not None:
        query = query.join(Version, (Version.standard_id == Standard.id) & in_force_on(as_of))
        if status is not None:
            query = query.where(Version.status == status)
    elif status is not None:
        query = query.where(exists().where(Version.standard_id == Standard.id, Version.status == status))
    total = session.scalar(select(func.count()).select_from(query.subquery()))
    ids = list(session.scalars(
        query.with_only_columns(Standard.id).order_by(Standard.code).limit(page_size).offset((page - 1) * page_size)
    ))
    return Page(total, page, page_size, _rows_with_versions(session, ids, as_of, status))


def _filter_placement(session: Session, query, filters: dict):
    if filters.get("kind"):
        query = query.where(Standard.kind == filters["kind"])
    if filters.get("field"):
        query = query.where(Standard.field_id == taxonomy.resolve(session, Field, filters["field"], path="field").id)
    if filters.get("category"):
        query = query.where(Standard.category_id.in_(taxonomy.category_with_descendants(session, filters["category"])))
    if filters.get("region"):
        query = query.where(Standard.region_id == taxonomy.resolve(session, Region, filters["region"], path="region").id)
    if filters.get("department"):
        department = taxonomy.resolve(session, Department, filters["department"], path="department")
        query = query.where(Standard.department_id == department.id)
    return query


def _rows_with_versions(session: Session, ids: list[int], as_of: date | None, status: str | None):
    if not ids:
        return []
    standards = {s.id: s for s in session.scalars(select(Standard).where(Standard.id.in_(ids)))}
    version_query = select(Version).where(Version.standard_id.in_(ids)).order_by(Version.number)
    if as_of is not None:
        version_query = version_query.where(in_force_on(as_of))
    elif status is not None:
        version_query = version_query.where(Version.status == status)
    by_standard: dict[int, list[Version]] = {}
    for version in session.scalars(version_query):
        by_standard.setdefault(version.standard_id, []).append(version)
    day = today()
    rows = []
    for standard_id in ids:
        versions = by_standard[standard_id]
        shown = versions[-1] if (as_of or status) else (pick_in_force(versions, day) or versions[-1])
        rows.append(StandardView(standards[standard_id], shown, versions))
    return rows
