"""Loading the bundled standards in seed_data/ (taxonomy JSON, standards CSV) with pandas.

Each CSV row is one item; rows sharing a code form a standard and rows sharing (code,
version) a version. Rows go through the API's own schemas, so the seed obeys the same
rules as any submission. Loading is idempotent: versions already present are skipped.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pandas as pd
from marshmallow import ValidationError
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry import search_index
from registry.actor import Actor
from registry.enums import Kind, Status
from registry.errors import ValidationFailed
from registry.models import Standard, Version
from registry.services import events, taxonomy
from registry.services.standards import new_version_row, placement
from schemas.standards import ItemSchema

SEED_DIR = Path(__file__).resolve().parent.parent / "seed_data"
SEED_ACTOR = Actor("seed", "system")


@dataclass
class SeedReport:
    taxonomy_rows: int = 0
    standards: int = 0
    versions: int = 0
    items: int = 0


def seed(session: Session, directory: Path = SEED_DIR) -> SeedReport:
    report = SeedReport()
    report.taxonomy_rows = taxonomy.load_taxonomy(
        session, json.loads((directory / "taxonomy.json").read_text(encoding="utf-8"))
    )
    search_index.add_vocabulary(session)
    frame = pd.read_csv(directory / "standards.csv", dtype=str, keep_default_na=False, encoding="utf-8")
    for code, rows in frame.groupby("code", sort=False):
        _seed_standard(session, code, rows, report)
    return report


def _seed_standard(session: Session, code: str, rows: pd.DataFrame, report: SeedReport) -> None:
    first = rows.iloc[0]
    standard = session.scalars(select(Standard).where(Standard.code == code)).first()
    if standard is None:
        standard = Standard(
            code=code, kind=Kind(first["kind"]), title=first["title"],
            is_sample=first["sample"].strip().lower() == "true", created_by=SEED_ACTOR.name,
            **placement(session, first.to_dict()),
        )
        session.add(standard)
        session.flush()
        report.standards += 1
    present = set(session.scalars(select(Version.number).where(Version.standard_id == standard.id)))
    for number, version_rows in rows.groupby(rows["version"].astype(int), sort=True):
        if number in present:
            continue
        version = _seed_version(session, standard, int(number), version_rows)
        report.versions += 1
        report.items += len(version.items)


def _seed_version(session: Session, standard: Standard, number: int, rows: pd.DataFrame) -> Version:
    head = rows.iloc[0]
    data = {
        "effective_from": _date(head["effective_from"]),
        "effective_to": _date(head["effective_to"]),
        "basis": {"issuer": head["issuer"] or None, "doc_no": head["doc_no"] or None, "url": head["url"] or None},
        "note": head["version_note"] or None,
        "items": [_item(row, f"{standard.code} v{number} {row['item_key']}") for _, row in rows.iterrows()],
    }
    version = new_version_row(standard, number, Status(head["status"]), data, SEED_ACTOR)
    session.add(version)
    session.flush()
    events.record(session, standard, version, "seeded", SEED_ACTOR, comment="随附种子数据导入")
    return version


def _item(row: pd.Series, where: str) -> dict:
    raw = {
        "key": row["item_key"], "name": row["item_name"], "rule": row["rule"], "unit": row["unit"],
        "conditions": json.loads(row["conditions"]) if row["conditions"] else {},
        "components": json.loads(row["components"]) if row["components"] else [],
        "note": row["item_note"] or None,
    }
    raw.update({name: row[name] for name in ("value", "min", "max") if row[name]})
    try:
        return ItemSchema().load(raw)
    except ValidationError as exc:
        raise ValidationFailed(f"种子数据有误：{where}", code="invalid_seed", errors=exc.messages) from exc


def _date(text: str):
    return pd.Timestamp(text).date() if text else None
