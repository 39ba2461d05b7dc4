"""Fields with their category trees, regions and departments."""
from __future__ import annotations

from typing import TypeVar

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from registry.errors import Conflict, ValidationFailed
from registry.models import Category, Department, Field, Region
from search import suggest

T = TypeVar("T", Field, Category, Region, Department)

_LABELS = {Field: "领域", Category: "类别", Region: "区域", Department: "部门"}


def get_taxonomy(session: Session) -> dict:
    """The whole taxonomy as nested plain data."""
    fields = session.scalars(select(Field).order_by(Field.position, Field.id)).all()
    categories = session.scalars(select(Category).order_by(Category.position, Category.id)).all()
    children: dict[int | None, list[Category]] = {}
    for category in categories:
        children.setdefault(category.parent_id, []).append(category)

    def tree(parent_id: int | None, field_id: int) -> list[dict]:
        return [
            {"code": c.code, "name": c.name, "children": tree(c.id, field_id)}
            for c in children.get(parent_id, [])
            if c.field_id == field_id
        ]

    return {
        "fields": [{"code": f.code, "name": f.name, "categories": tree(None, f.id)} for f in fields],
        "regions": session.scalars(select(Region).order_by(Region.position, Region.id)).all(),
        "departments": session.scalars(select(Department).order_by(Department.position, Department.id)).all(),
    }


def resolve(session: Session, model: type[T], value: str, *, path: str) -> T:
    """Find a taxonomy row by its code or its exact Chinese name, or fail with 422."""
    row = session.scalars(select(model).where(or_(model.code == value, model.name == value))).first()
    if row is None:
        label = _LABELS[model]
        raise ValidationFailed(
            f"未知{label}：{value}（请使用 /api/v1/taxonomy 中的代码或名称）",
            code=f"unknown_{path}",
            errors={path: [f"未知{label}：{value}"]},
        )
    return row


def resolve_category(session: Session, field: Field, value: str, *, path: str = "category") -> Category:
    """A category of `field`, by code or by name (names repeat across fields, so scope them)."""
    row = session.scalars(
        select(Category).where(
            Category.field_id == field.id, or_(Category.code == value, Category.name == value)
        )
    ).first()
    if row is None:
        raise ValidationFailed(
            f"领域“{field.name}”下没有类别：{value}",
            code="unknown_category",
            errors={path: [f"领域“{field.name}”下没有类别：{value}"]},
        )
    return row


def category_with_descendants(session: Session, value: str) -> list[int]:
    """Ids of a category (by code or name) and of everything under it."""
    roots = session.scalars(select(Category).where(or_(Category.code == value, Category.name == value))).all()
    if not roots:
        raise ValidationFailed(f"未知类别：{value}", code="unknown_category", errors={"category": [f"未知类别：{value}"]})
    conditions = [Category.code == c.code for c in roots] + [
        Category.code.like(c.contains_code(), escape="\\") for c in roots
    ]
    return list(session.scalars(select(Category.id).where(or_(*conditions))))


def load_taxonomy(session: Session, data: dict) -> int:
    """Insert the taxonomy rows that are missing (by code); returns how many were added."""
    added = 0
    for position, item in enumerate(data.get("regions", [])):
        added += _ensure(session, Region, item["code"], name=item["name"], level=item["level"], position=position)
    for position, item in enumerate(data.get("departments", [])):
        added += _ensure(session, Department, item["code"], name=item["name"], position=position)
    for position, item in enumerate(data.get("fields", [])):
        added += _ensure(session, Field, item["code"], name=item["name"], position=position)
        field = session.scalars(select(Field).where(Field.code == item["code"])).one()
        added += _load_categories(session, field, None, item.get("categories", []))
    return added


def _load_categories(session: Session, field: Field, parent: Category | None, nodes: list[dict]) -> int:
    added = 0
    for position, node in enumerate(nodes):
        prefix = (parent.code if parent else field.code) + "."
        if not node["code"].startswith(prefix):
            raise ValidationFailed(f"类别代码 {node['code']} 应以 {prefix} 开头", code="bad_category_code")
        added += _ensure(
            session, Category, node["code"], name=node["name"], position=position,
            field_id=field.id, parent_id=parent.id if parent else None,
        )
        category = session.scalars(select(Category).where(Category.code == node["code"])).one()
        added += _load_categories(session, field, category, node.get("children", []))
    return added


def _ensure(session: Session, model: type, code: str, **values) -> int:
    if session.scalars(select(model).where(model.code == code)).first() is not None:
        return 0
    session.add(model(code=code, **values))
    session.flush()
    return 1


_ENTRY_MODELS = {"fields": Field, "categories": Category, "regions": Region, "departments": Department}


def add_entry(session: Session, kind: str, data: dict) -> Field | Category | Region | Department:
    """Add one field, category, region or department (admin only, enforced by the API)."""
    model = _ENTRY_MODELS[kind]
    if session.scalars(select(model).where(model.code == data["code"])).first() is not None:
        raise Conflict(f"代码 {data['code']} 已存在", code="duplicate_code")
    values = {"code": data["code"], "name": data["name"], "position": 1000}
    if model is Category:
        if not data.get("field"):
            raise ValidationFailed("新增类别须指定所属领域 field", code="field_required", errors={"field": ["必填"]})
        field = resolve(session, Field, data["field"], path="field")
        parent = resolve_category(session, field, data["parent"], path="parent") if data.get("parent") else None
        prefix = (parent.code if parent else field.code) + "."
        if not data["code"].startswith(prefix) or "." in data["code"][len(prefix):]:
            raise ValidationFailed(f"类别代码应为 {prefix}<名称>", code="bad_category_code",
                                   errors={"code": [f"应以 {prefix} 开头，其后不含 ."]})
        values |= {"field_id": field.id, "parent_id": parent.id if parent else None}
    elif model is Region:
        values["level"] = data.get("level") or "town"
    elif model is not Department and model is not Field:
        raise ValidationFailed(f"未知的分类项类型：{kind}", code="unknown_kind")
    if session.scalars(select(model).where(model.name == data["name"], *_name_scope(model, values))).first():
        raise Conflict(f"名称“{data['name']}”已存在", code="duplicate_name")
    entry = model(**values)
    session.add(entry)
    session.flush()
    if model in (Field, Category):
        suggest.add_terms(session.connection(), [(entry.name, 10)])
    return entry


def _name_scope(model, values: dict) -> list:
    return [Category.field_id == values["field_id"]] if model is Category else []
