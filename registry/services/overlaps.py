"""Warn before the bureau confirms the same thing twice: overlapping standards elsewhere."""
from __future__ import annotations

from sqlalchemy import or_, select
from sqlalchemy.orm import Session, selectinload

from registry.enums import IN_FORCE_STATUSES
from registry.models import Item, Standard, Version
from registry.services.clock import today


def conditions_overlap(a: dict, b: dict) -> bool:
    """Two tiers overlap unless some condition they both name takes different values."""
    return all(a[key] == b[key] for key in a.keys() & b.keys())


def find_overlaps(session: Session, version: Version) -> list[dict]:
    """Other standards in force over an overlapping period, in the same field, category and
    region, with items whose conditions overlap this version's."""
    standard = version.standard
    start = version.effective_from or today()
    end = version.effective_to
    query = (
        select(Version)
        .join(Standard, Standard.id == Version.standard_id)
        .where(
            Standard.id != standard.id,
            Standard.field_id == standard.field_id,
            Standard.category_id == standard.category_id,
            Standard.region_id == standard.region_id,
            Version.status.in_(IN_FORCE_STATUSES),
            or_(Version.effective_to.is_(None), Version.effective_to > start),
        )
        .options(selectinload(Version.items))
        .order_by(Standard.code, Version.number)
    )
    if end is not None:
        query = query.where(Version.effective_from < end)
    warnings = []
    for other in session.scalars(query):
        pairs = _overlapping_items(version.items, other.items)
        if pairs:
            warnings.append({
                "kind": "overlap",
                "code": other.standard.code,
                "title": other.standard.title,
                "version": other.number,
                "items": [{"key": mine, "other_key": theirs} for mine, theirs in pairs],
                "message": (
                    f"与标准 {other.standard.code} v{other.number}（{other.standard.title}）领域、类别、区域相同，"
                    f"生效期重叠，且有 {len(pairs)} 个条目条件重叠；确认前请核实是否重复"
                ),
            })
    return warnings


def _overlapping_items(mine: list[Item], theirs: list[Item]) -> list[tuple[str, str]]:
    return [(a.key, b.key) for a in mine for b in theirs if conditions_overlap(a.conditions, b.conditions)]
