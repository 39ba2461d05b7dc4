"""Loading the versions in force on a date, in bulk, for the standards a proposal names."""
from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from sqlalchemy import ColumnElement, String, Text, any_, bindparam, cast, func, literal_column, select, type_coerce
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.orm import Session

from registry.compare.rules import DurationRule, ItemFacts, duration_rules
from registry.models import Item, Region, Standard, Version
from registry.services.inforce import explain_not_in_force, in_force_on

DAY_COUNT = "天数"  # items conditioned on it are day-count rules, never compared with a line themselves


@dataclass
class Baseline:
    """A standard's version in force on the proposal date, ready for comparison."""

    code: str
    title: str
    category_id: int
    region: str
    version: int
    doc_no: str | None
    items: list[ItemFacts]
    # Derived once here, not per line: a proposal may name the same standard thousands of times.
    durations: list[DurationRule] = field(init=False)
    by_key: dict[str, ItemFacts] = field(init=False)
    comparable: list[ItemFacts] = field(init=False)

    def __post_init__(self):
        self.durations = duration_rules(self.items)
        self.by_key = {i.key: i for i in self.items}
        self.comparable = [i for i in self.items if DAY_COUNT not in i.conditions]


class Baselines:
    """A per-request cache of baselines by code; absent codes remember why."""

    def __init__(self, session: Session, as_of: date):
        self.session, self.as_of = session, as_of
        self.found: dict[str, Baseline] = {}
        self.missing: dict[str, str] = {}
        self._decoded: dict[str, object] = {}  # JSON text → value, shared: conditions and components repeat a lot, items only read them

    def load(self, codes: set[str]) -> None:
        wanted = sorted(c for c in codes if c not in self.found and c not in self.missing)
        if wanted:
            self._load(wanted)

    def get(self, code: str) -> Baseline | None:
        if code not in self.found and code not in self.missing:
            self.load({code})
        return self.found.get(code)

    def _load(self, codes: list[str]) -> None:
        """Two selects: the versions in force, then their items in item order.

        Not one join: each standard's heading would come back once per item, and reading rows
        out of the database costs more than finding them (a third of the time saved on SQLite).
        """
        connection = self.session.connection()  # Core: no ORM result machinery on the hot path
        dialect = connection.dialect.name
        heads = {version_id: head for version_id, *head in connection.execute(
            select(Version.id, Standard.code, Standard.title, Standard.category_id, Region.code, Version.number,
                   Version.doc_no)
            .join(Version, Version.standard_id == Standard.id)
            .join(Region, Region.id == Standard.region_id)
            .where(_among(Standard.code, codes, dialect), in_force_on(self.as_of))
        ).all()}  # one fetch: row by row costs more than the rows
        items: dict[int, list[ItemFacts]] = {version_id: [] for version_id in heads}  # a version without items still answers
        rows = connection.execute(
            select(Item.version_id, Item.key, Item.name, type_coerce(Item.rule, String), Item.unit,
                   *(type_coerce(amount, String) for amount in (Item.value, Item.min, Item.max)),  # Decimal below
                   cast(Item.conditions, Text), cast(Item.components, Text))
            .where(_among(Item.version_id, list(heads), dialect))
            .order_by(Item.version_id, Item.position)
        ).all() if heads else []
        decoded = self._decoded
        numbers: dict[str | None, Decimal | None] = {None: None}  # amount text → Decimal (immutable, shared)
        current, listed = None, None
        for version_id, key, name, rule, unit, value, low, high, conditions, components in rows:
            if version_id != current:  # rows come ordered by version
                current, listed = version_id, items[version_id]
            for text in (value, low, high):
                if text not in numbers:
                    numbers[text] = Decimal(text)
            for text in (conditions, components):
                if text not in decoded:
                    decoded[text] = json.loads(text)
            listed.append(ItemFacts(key, name, rule, unit, numbers[value], numbers[low], numbers[high],
                                    decoded[conditions] or {}, decoded[components] or []))
        for version_id, head in heads.items():
            self.found[head[0]] = Baseline(*head, items[version_id])
        for code in set(codes) - set(self.found):
            self.missing[code] = self._why_missing(code)

    def _why_missing(self, code: str) -> str:
        standard = self.session.scalars(select(Standard).where(Standard.code == code)).first()
        if standard is None:
            return f"没有代码为 {code} 的标准"
        versions = list(self.session.scalars(select(Version).where(Version.standard_id == standard.id).order_by(Version.number)))
        return explain_not_in_force(code, versions, self.as_of)


def _among(column, values: list, dialect: str) -> ColumnElement[bool]:
    """`column` is one of `values`, as one bound value whatever their number (no IN list to chunk)."""
    if dialect == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(column.type)))
    listed = select(literal_column("value")).select_from(func.json_each(json.dumps(values, ensure_ascii=False)))
    return column.in_(listed)
