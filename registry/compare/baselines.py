"""Loading the versions in force on a date, in bulk, for the standards a proposal names."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.compare.rules import DurationRule, ItemFacts, duration_rules
from registry.models import Item, Region, Standard, Version
from registry.services.inforce import explain_not_in_force, in_force_on

CHUNK = 900  # stays under SQLite's bound-parameter limit


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
    durations: list[DurationRule]

    @property
    def by_key(self) -> dict[str, ItemFacts]:
        return {i.key: i for i in self.items}


class Baselines:
    """A per-request cache of baselines by code; absent codes remember why."""

    def __init__(self, session: Session, as_of: date):
        self.session, self.as_of = session, as_of
        self.found: dict[str, Baseline] = {}
        self.missing: dict[str, str] = {}

    def load(self, codes: set[str]) -> None:
        wanted = sorted(c for c in codes if c not in self.found and c not in self.missing)
        for start in range(0, len(wanted), CHUNK):
            self._load_chunk(wanted[start:start + CHUNK])

    def get(self, code: str) -> Baseline | None:
        if code not in self.found and code not in self.missing:
            self.load({code})
        return self.found.get(code)

    def _load_chunk(self, codes: list[str]) -> None:
        rows = self.session.connection().execute(  # Core: no ORM result machinery on the hot path
            select(Standard.code, Standard.title, Standard.category_id, Region.code, Version.id, Version.number,
                   Version.doc_no)
            .join(Version, Version.standard_id == Standard.id)
            .join(Region, Region.id == Standard.region_id)
            .where(Standard.code.in_(codes), in_force_on(self.as_of))
        ).all()
        items: dict[int, list[ItemFacts]] = {}
        version_ids = [r.id for r in rows]
        for start in range(0, len(version_ids), CHUNK):
            for i in self.session.connection().execute(
                select(Item.version_id, Item.key, Item.name, Item.rule, Item.unit, Item.value, Item.min, Item.max,
                       Item.conditions, Item.components)
                .where(Item.version_id.in_(version_ids[start:start + CHUNK])).order_by(Item.version_id, Item.position)
            ):
                items.setdefault(i.version_id, []).append(ItemFacts(
                    i.key, i.name, i.rule.value if hasattr(i.rule, "value") else i.rule, i.unit, i.value, i.min, i.max,
                    i.conditions or {}, i.components or []))
        for r in rows:
            facts = items.get(r.id, [])
            self.found[r.code] = Baseline(r.code, r.title, r.category_id, r[3], r.number, r.doc_no, facts,
                                          duration_rules(facts))
        for code in set(codes) - set(self.found):
            self.missing[code] = self._why_missing(code)

    def _why_missing(self, code: str) -> str:
        standard = self.session.scalars(select(Standard).where(Standard.code == code)).first()
        if standard is None:
            return f"没有代码为 {code} 的标准"
        versions = list(self.session.scalars(select(Version).where(Version.standard_id == standard.id).order_by(Version.number)))
        return explain_not_in_force(code, versions, self.as_of)

