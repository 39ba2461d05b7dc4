"""What the integration system reads: the change feed and as-of snapshots of the baselines."""
from __future__ import annotations

from collections.abc import Iterator
from datetime import date

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session

from registry.decimals import to_text
from registry.models import Category, Event, Field, Item, Region, Standard, Version
from registry.services.inforce import in_force_on

BASELINE_COLUMNS = (
    "code", "version", "kind", "field", "category", "region", "title", "item_key", "item_name", "rule", "unit",
    "value", "min", "max", "conditions", "components", "doc_no", "issuer", "effective_from", "effective_to",
)


def changes(session: Session, since: int, limit: int) -> tuple[list[Event], int]:
    """Events after `since`, oldest first, and the cursor to continue from."""
    rows = list(session.scalars(select(Event).where(Event.seq > since).order_by(Event.seq).limit(limit)))
    return rows, rows[-1].seq if rows else since


def high_water(session: Session) -> int:
    """The newest event seq visible to this transaction."""
    return session.scalar(select(func.coalesce(func.max(Event.seq), 0)))


def baseline_select(as_of: date, codes: list[str] | None = None) -> Select:
    """One flat row per item of every version in force on `as_of`, by code and item order."""
    query = (
        select(Standard.code, Version.number, Standard.kind, Field.code.label("field"), Category.code.label("category"),
               Region.code.label("region"), Standard.title, Item.key, Item.name, Item.rule, Item.unit, Item.value,
               Item.min, Item.max, Item.conditions, Item.components, Version.doc_no, Version.issuer,
               Version.effective_from, Version.effective_to)
        .join(Version, Version.standard_id == Standard.id)
        .join(Item, Item.version_id == Version.id)
        .join(Field, Field.id == Standard.field_id)
        .join(Category, Category.id == Standard.category_id)
        .join(Region, Region.id == Standard.region_id)
        .where(in_force_on(as_of))
        .order_by(Standard.code, Item.position)
    )
    return query if codes is None else query.where(Standard.code.in_(codes))


def baseline_rows(session: Session, as_of: date, codes: list[str] | None = None, batch: int = 2000) -> Iterator[dict]:
    """Every item of every version in force on `as_of`, flat, streamed from one query."""
    query = baseline_select(as_of, codes).execution_options(yield_per=batch)
    for row in session.execute(query):
        yield {
            "code": row.code, "version": row.number, "kind": _value(row.kind), "field": row.field,
            "category": row.category, "region": row.region, "title": row.title, "item_key": row.key,
            "item_name": row.name, "rule": _value(row.rule), "unit": row.unit, "value": to_text(row.value),
            "min": to_text(row.min), "max": to_text(row.max), "conditions": row.conditions or {},
            "components": row.components or [], "doc_no": row.doc_no, "issuer": row.issuer,
            "effective_from": row.effective_from.isoformat() if row.effective_from else None,
            "effective_to": row.effective_to.isoformat() if row.effective_to else None,
        }


def _value(enum_or_text) -> str:
    return getattr(enum_or_text, "value", enum_or_text)
