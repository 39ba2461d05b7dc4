"""Synthetic standards for the benchmarks, bulk-inserted with SQLAlchemy Core.

The schema comes from the project's own migrations and the taxonomy from seed_data/, so the
benchmark reads the same tables, indexes, triggers and constraints as production. Rows go in
with executemany in batches, not through the ORM one by one, with a fixed random seed.
`index_for_search` fills the embedded search index the way `flask registry reindex` does, and
`add_events` appends change-feed events (the generated standards have none).
"""
from __future__ import annotations

import json
import random
from datetime import date, datetime, timezone
from decimal import Decimal
from pathlib import Path

from sqlalchemy import Connection, create_engine, inspect, insert, select, text
from sqlalchemy.engine import make_url

from registry import create_app, migrations, search_index
from registry.db import get_db
from registry.decimals import to_text
from registry.enums import KIND_NAMES, Kind, Rule, Status
from registry.models import Category, Department, Event, Item, Region, Standard, Version
from registry.services.taxonomy import load_taxonomy
from search import embedded

TAXONOMY = Path(__file__).resolve().parent.parent / "seed_data" / "taxonomy.json"
BATCH = 5_000
ACTOR = "bench"
STAMP = datetime(2024, 6, 1, 8, 0, tzinfo=timezone.utc)
TIERS = ("一类", "二类", "三类", "四类")
PARTS = ("人员经费", "材料费", "设备费", "管理费")
UNITS = {Rule.CEILING: "元/人·天", Rule.FLOOR: "元/平方米·年", Rule.RANGE: "元/次",
         Rule.FIXED: "元/项", Rule.RATE: "比例", Rule.TARGET: "%"}
PREFIX = {Kind.SERVICE: "SV", Kind.COST_QUOTA: "CQ", Kind.SPENDING: "SP"}


def prepare_schema(url: str) -> None:
    """Start from an empty database, then run the project's migrations and load the taxonomy.

    A SQLite file is deleted; on PostgreSQL every table is dropped (the migrations also add
    tables no model describes, such as the search index), like tests/conftest.py does.
    """
    database = make_url(url).database
    if url.startswith("sqlite") and database:
        for suffix in ("", "-wal", "-shm"):
            Path(database + suffix).unlink(missing_ok=True)
    app = create_app({"DATABASE_URL": url})  # its engine also creates a SQLite file's directory
    with app.app_context():
        db = get_db()
        if not db.is_sqlite:
            with db.write_engine.begin() as conn:
                for table in inspect(conn).get_table_names():
                    conn.execute(text(f'DROP TABLE IF EXISTS "{table}" CASCADE'))
        migrations.upgrade(db.write_engine)
        with db.write() as session:
            load_taxonomy(session, json.loads(TAXONOMY.read_text(encoding="utf-8")))
        db.dispose()


def generate(url: str, standards: int, seed: int = 2025) -> dict[str, int]:
    """Fresh schema plus `standards` standards; returns the row count of each table."""
    prepare_schema(url)
    rng = random.Random(seed)
    engine = create_engine(url)
    counts = {"standards": 0, "versions": 0, "items": 0}
    with engine.begin() as conn:
        categories = conn.execute(select(Category.id, Category.field_id, Category.code, Category.name)).all()
        regions = conn.execute(select(Region.id, Region.name)).all()
        departments = conn.execute(select(Department.id, Department.name)).all()
        rows: dict[str, list[dict]] = {"standards": [], "versions": [], "items": []}
        for number in range(1, standards + 1):
            _standard(rng, number, counts, rows, rng.choice(categories), rng.choice(regions), rng.choice(departments))
            if len(rows["items"]) >= BATCH or number == standards:
                _flush(conn, rows)
        if engine.dialect.name == "postgresql":  # explicit ids: move the sequences past them
            for table in rows:
                conn.execute(text(f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), max(id)) FROM {table}"))
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        # Statistics for the planners and, on PostgreSQL, the visibility map of a settled table.
        conn.execute(text("VACUUM ANALYZE" if engine.dialect.name == "postgresql" else "ANALYZE"))
    engine.dispose()
    return counts


def index_for_search(url: str) -> int:
    """Rebuild the embedded search index (a document per version) in one write unit of work.

    The app's own rebuild_embedded writes it (on SQLite with the bigger page cache it sets
    for that one transaction).
    """
    app = create_app({"DATABASE_URL": url})
    with app.app_context():
        with get_db().write() as session:
            written = search_index.rebuild_embedded(session)
        embedded.settle(get_db().write_engine)  # as `registry reindex` does
        get_db().dispose()
    return written


EVENT_STEPS = (("created", None, "draft"), ("submitted", "draft", "submitted"), ("confirmed", "submitted", "confirmed"),
               ("published", "confirmed", "published"), ("edited", "draft", "draft"))


def add_events(url: str, count: int, seed: int = 2025) -> int:
    """Append `count` events on random generated standards (seq assigned by the database)."""
    rng = random.Random(seed)
    engine = create_engine(url)
    with engine.begin() as conn:
        standards = conn.execute(select(Standard.id, Standard.code)).all()
        batch = []
        for number in range(count):
            standard = rng.choice(standards)
            action, before, after = rng.choice(EVENT_STEPS)
            batch.append({
                "standard_id": standard.id, "code": standard.code, "version": rng.randint(1, 2), "action": action,
                "from_status": before, "to_status": after, "effective_from": date(2020, 1, 1), "effective_to": None,
                "actor": ACTOR, "actor_role": "admin", "at": STAMP, "comment": None, "details": {},
            })
            if len(batch) >= BATCH or number == count - 1:
                conn.execute(insert(Event.__table__), batch)
                batch.clear()
    with engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
        conn.execute(text("VACUUM ANALYZE events" if engine.dialect.name == "postgresql" else "ANALYZE events"))
    engine.dispose()
    return count


def _flush(conn: Connection, rows: dict[str, list[dict]]) -> None:
    for model in (Standard, Version, Item):  # parents first: foreign keys are checked per statement
        batch = rows[model.__tablename__]
        if batch:
            conn.execute(insert(model.__table__), batch)
            batch.clear()


def _standard(rng: random.Random, number: int, counts: dict, rows: dict, category, region, department) -> None:
    kind = rng.choice(list(Kind))
    field_code = category.code.split(".", 1)[0]
    counts["standards"] += 1
    rows["standards"].append({
        "id": number, "code": f"{PREFIX[kind]}-{field_code.upper()}-{number:06d}", "kind": kind.value,
        "field_id": category.field_id, "category_id": category.id, "region_id": region.id,
        "department_id": department.id, "title": f"{region.name}{category.name}{KIND_NAMES[kind]}（第{number}号）",
        "is_sample": False, "created_at": STAMP, "created_by": ACTOR,
    })
    roll = rng.random()
    if roll < 0.30:  # revised: v1 superseded by v2 on 2022-01-01
        periods = [(Status.SUPERSEDED, date(2018, 1, 1), date(2022, 1, 1)), (Status.PUBLISHED, date(2022, 1, 1), None)]
    elif roll < 0.33:  # never confirmed: only a draft, in force on no day
        periods = [(Status.DRAFT, None, None)]
    else:
        periods = [(Status.PUBLISHED, date(2020, 1, 1), None)]
        if roll > 0.96:  # a revision being drafted
            periods.append((Status.DRAFT, date(2026, 1, 1), None))
    for version_number, (status, start, end) in enumerate(periods, start=1):
        counts["versions"] += 1
        version_id = counts["versions"]
        year = (start or date(2025, 1, 1)).year
        rows["versions"].append({
            "id": version_id, "standard_id": number, "number": version_number, "status": status.value,
            "effective_from": start, "effective_to": end, "issuer": department.name,
            "doc_no": f"青财〔{year}〕{rng.randint(1, 300)}号", "url": None,
            "note": "基准测试生成数据" if rng.random() < 0.2 else None,
            "created_at": STAMP, "created_by": ACTOR, "updated_at": STAMP, "updated_by": ACTOR, "revision": 1,
        })
        for position in range(rng.randint(1, 4)):
            counts["items"] += 1
            rows["items"].append(_item(rng, counts["items"], version_id, position, category.name))


def _item(rng: random.Random, item_id: int, version_id: int, position: int, category_name: str) -> dict:
    rule = rng.choice(list(Rule))
    base = Decimal(rng.randint(50, 5000))
    amounts = {"value": None, "min": None, "max": None}
    if rule is Rule.CEILING:
        amounts["max"] = base
    elif rule is Rule.FLOOR:
        amounts["min"] = base
    elif rule is Rule.RANGE:
        amounts["min"], amounts["max"] = base, base * 2
    elif rule is Rule.RATE:
        amounts["value"] = Decimal(rng.randint(1, 30)) / 100
    elif rule is Rule.TARGET:
        amounts["value"] = Decimal(rng.randint(80, 100))
    else:
        amounts["value"] = base
    total = amounts["max"] or amounts["min"] or amounts["value"]
    components = []
    if rule in (Rule.CEILING, Rule.FIXED) and rng.random() < 0.5:
        shares = (Decimal("0.6"), Decimal("0.3"), Decimal("0.1"))
        components = [{"name": part, "value": to_text(total * share)} for part, share in zip(PARTS, shares)]
    return {
        "id": item_id, "version_id": version_id, "position": position, "key": f"tier{position + 1}",
        "name": f"{category_name}{TIERS[position]}标准", "rule": rule.value, "unit": UNITS[rule], **amounts,
        "conditions": {"档次": TIERS[position]}, "components": components,
        "note": "按年度调整" if rng.random() < 0.1 else None,
    }
