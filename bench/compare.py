"""Compare benchmark: a 10,000-line proposal against a pandas merge of the same data.

    python -m bench.compare [--standards 50000] [--lines 10000] [--repeat 5] [--database-url URL ...]

Per database it generates the standards (bench/datagen.py), fills the embedded search index
(description lines are resolved through it) and builds a proposal from the generated data,
as of 2025-03-01: three quarters of the lines name an in-force standard and one of its items
(by item_key, or by its tier conditions), in the item's unit or a convertible one (万元 for
元, 元/平方米·月 for 元/平方米·年, ‰ for %), with a unit price around the limit; a quarter
give only a description made of words of a title (region, category, kind, sometimes the
document number and tier) and sometimes a field. Rate items are left out: their generated
unit (比例) is not one registry.units can read.

Measured --repeat times each, in rounds (floor, service, HTTP, descriptions, again), the median
kept, on the explicit-code lines:

  floor    the same comparison as pandas does it: pd.DataFrame of the same line dicts,
           pd.read_sql of the in-force items of the named standards (one Core select, as_of
           filter, numbers cast to floats in SQL), merge on (code, item_key), then vectorised
           limits, unit factors, verdicts, deviation, requested/allowed/excess. Floats and
           the item key handed over for condition lines make it a floor: it skips the exact
           decimals, tier matching and messages the service owes its users.
  service  registry.compare.service.compare(session, request) on a read session, database
           reads included (request: as_of date, lines as dicts with string numbers).
  HTTP     POST /api/v1/compare through the Flask test client with a reader's token,
           json.dumps of the request and json.loads of the answer included.

and the description-only lines through the service (lines per second), all in a fresh
process once the data is loaded. After a warm-up of each path, gc.freeze() moves what the
app loaded out of the collector's full passes, as each gunicorn worker does
(registry/gunicorn_conf.py). Targets: service ≤ 3× floor, HTTP ≤ 10× floor, description
lines ≥ 500/s. The service's verdicts and, for
lines in the item's own unit, excess amounts (±0.01) are checked against the floor.
"""
from __future__ import annotations

import argparse
import gc
import json
import multiprocessing
import os
import random
import time
from datetime import date
from decimal import Decimal

import numpy as np
import pandas as pd
from sqlalchemy import Float, and_, bindparam, cast, create_engine, or_, select
from sqlalchemy.engine import make_url

from bench.cli import figure, interleaved, parser_for, run_each_database
from bench.datagen import generate, index_for_search
from registry import create_app, units
from registry.actor import Actor
from registry.compare.service import compare
from registry.db import get_db
from registry.enums import IN_FORCE_STATUSES, KIND_NAMES
from registry.models import Category, Field, Item, Region, Standard, Version
from registry.roles import Role
from registry.services import tokens

AS_OF = date(2025, 3, 1)
S, V, I = Standard.__table__, Version.__table__, Item.__table__
IN_FORCE = and_(V.c.status.in_(sorted(IN_FORCE_STATUSES)), V.c.effective_from <= bindparam("day"),
                or_(V.c.effective_to.is_(None), V.c.effective_to > bindparam("day")))
# The item's unit → a convertible unit a proposal might use instead.
CONVERTED = {"元/人·天": "千元/人·天", "元/平方米·年": "元/平方米·月", "元/次": "千元/次", "元/项": "万元/项", "%": "‰"}
FLOOR_ITEMS = (select(S.c.code, I.c.key.label("item_key"), I.c.rule, I.c.unit.label("item_unit"),
                      *(cast(I.c[n], Float).label(n) for n in ("value", "min", "max")))
               .select_from(S.join(V, and_(V.c.standard_id == S.c.id, IN_FORCE)).join(I, I.c.version_id == V.c.id))
               .where(S.c.code.in_(bindparam("codes", expanding=True))))


def proposal(url: str, rng: random.Random, count: int) -> tuple[list[dict], list[dict], dict, dict]:
    """(explicit lines, description lines, line_id → (the item's key, whether the line keeps its unit),
    description line_id → the code of the standard its words were taken from)."""
    F, C, R = Field.__table__, Category.__table__, Region.__table__
    engine = create_engine(url)
    with engine.connect() as conn:
        rows = conn.execute(
            select(S.c.code, S.c.title, S.c.kind, F.c.code.label("field"), C.c.name.label("category"),
                   R.c.code.label("region"), R.c.name.label("region_name"),
                   I.c.key, I.c.rule, I.c.unit, I.c.value, I.c.min, I.c.max, I.c.conditions)
            .select_from(S.join(V, and_(V.c.standard_id == S.c.id, IN_FORCE)).join(I, I.c.version_id == V.c.id)
                         .join(F, F.c.id == S.c.field_id).join(C, C.c.id == S.c.category_id)
                         .join(R, R.c.id == S.c.region_id))
            .where(I.c.rule != "rate").order_by(I.c.id), {"day": AS_OF}).all()
    engine.dispose()
    explicit, described, truth, sources = [], [], {}, {}
    for number in range(count - count // 4):
        item = rng.choice(rows)
        unit = CONVERTED[item.unit] if rng.random() < 0.25 else item.unit
        line = {"line_id": f"E{number}", "standard_code": item.code, "unit": unit, **_amounts(rng, item, unit)}
        if rng.random() < 0.5:
            line["item_key"] = item.key
        else:
            line["conditions"] = dict(item.conditions)
        explicit.append(line)
        truth[line["line_id"]] = (item.key, unit == item.unit)
    district = [r for r in rows if r.region == "qingpu"]
    for number in range(count // 4):
        item = rng.choice(district)
        words = [item.category, *rng.sample([item.region_name, KIND_NAMES[item.kind]], rng.randint(0, 2))]
        if rng.random() < 0.5:
            words.append(item.title.rsplit("（", 1)[-1].rstrip("）"))  # 第123号
        line = {"line_id": f"D{number}", "description": " ".join(rng.sample(words, len(words))), "unit": item.unit,
                **_amounts(rng, item, item.unit)}
        if rng.random() < 0.5:
            line["conditions"] = dict(item.conditions)
        if rng.random() < 0.3:
            line["field"] = item.field
        described.append(line)
        sources[line["line_id"]] = item.code
    return explicit, described, truth, sources


def _amounts(rng: random.Random, item, unit: str) -> dict:
    """Quantity and a unit price within ±20 % of the item's figure, in the line's unit."""
    figure = next(v for v in (item.max, item.min, item.value) if v is not None)
    price = units.convert(Decimal(figure), item.unit, unit) * Decimal(rng.uniform(0.8, 1.2))
    return {"quantity": str(rng.randint(1, 200)), "unit_price": str(price.quantize(Decimal("0.0001")))}


def floor(engine, lines: list[dict]) -> pd.DataFrame:
    """The explicit lines compared by pandas: read, merge, vectorised arithmetic."""
    frame = pd.DataFrame(lines)
    frame["quantity"] = pd.to_numeric(frame["quantity"])
    frame["unit_price"] = pd.to_numeric(frame["unit_price"])
    with engine.connect() as conn:
        items = pd.read_sql(FLOOR_ITEMS, conn, params={"day": AS_OF, "codes": frame["standard_code"].unique().tolist()})
    frame = frame.rename(columns={"standard_code": "code"}).merge(items, on=["code", "item_key"], how="left")
    factors = {u: units.parse(u) for u in pd.unique(pd.concat([frame["unit"], frame["item_unit"]]))}
    scale = frame["item_unit"].map(lambda u: float(factors[u].factor)) / frame["unit"].map(lambda u: float(factors[u].factor))
    money = frame["unit"].map(lambda u: float(factors[u].money_factor or "nan"))
    rule = frame["rule"]
    high = np.where(rule.isin(["ceiling", "range"]), frame["max"], np.where(rule == "fixed", frame["value"], np.nan)) * scale
    low = np.where(rule.isin(["floor", "range"]), frame["min"],
                   np.where(rule.isin(["fixed", "target"]), frame["value"], np.nan)) * scale
    price, quantity = frame["unit_price"], frame["quantity"]
    over, under = price > high, price < low
    frame["verdict"] = np.where(over, "over", np.where(under, "under", "within"))
    frame["deviation_pct"] = np.where(over, (price - high) / high * 100, np.where(under, (price - low) / low * 100, np.nan))
    frame["requested"] = (quantity * price * money).fillna(0)
    frame["allowed"] = quantity * np.fmin(price, high) * money
    frame["excess"] = np.where(over, (price - high) * quantity * money, 0.0)
    frame["excess"] = frame["excess"].fillna(0)
    return frame


def run(url: str, args: argparse.Namespace) -> str:
    dialect = make_url(url).get_backend_name()
    started = time.perf_counter()
    counts = generate(url, args.standards, args.seed)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    documents = index_for_search(url)
    print(f"[{dialect}] generated {counts} in {generated:.1f} s; {documents:,} search documents in "
          f"{time.perf_counter() - started:.1f} s", flush=True)
    # Measured in a fresh process, as a server worker runs: not in the heap the bulk load leaves behind
    # (which made the in-process service a third slower on PostgreSQL, and not the floor).
    with multiprocessing.get_context("spawn").Pool(1) as pool:
        m = pool.apply(measure, (url, args.lines, args.seed, args.repeat))
    n, d, floor_s, service_s, http_s, described_s = (m[k] for k in ("n", "d", "floor", "service", "http", "described"))
    rows = [("pandas floor: `read_sql` + merge + vectorised arithmetic", n, floor_s, "1.0×", "", ""),
            ("service `compare(session, request)`, in-process", n, service_s, f"{service_s / floor_s:.1f}×", "≤ 3×",
             service_s / floor_s <= 3),
            ("`POST /api/v1/compare`, JSON in and out", n, http_s, f"{http_s / floor_s:.1f}×", "≤ 10×", http_s / floor_s <= 10),
            ("description-only lines, service", d, described_s, "", "≥ 500 lines/s", d / described_s >= 500)]
    figure("service/floor", service_s / floor_s, "×", target=3, better="lower")
    figure("HTTP/floor", http_s / floor_s, "×", target=10, better="lower")
    figure("description lines/s", d / described_s, "lines/s", target=500, better="higher")
    return "\n".join([
        f"### Compare on {dialect}",
        "",
        f"{counts['standards']:,} standards, {counts['versions']:,} versions, {counts['items']:,} items; "
        f"a {args.lines:,}-line proposal as of {AS_OF}: {n:,} explicit-code lines "
        f"({m['same']:,} in the item's own unit), {d:,} description-only lines; "
        f"median of {args.repeat} interleaved rounds; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.",
        "",
        "| measurement | lines | seconds | lines/s | vs floor | target | met |",
        "|---|---:|---:|---:|---:|:---:|:---:|",
        *(f"| {name} | {lines:,} | {s:.3f} | {lines / s:,.0f} | {ratio} | {target} | "
          f"{'' if met == '' else ('yes' if met else '**no**')} |" for name, lines, s, ratio, target, met in rows),
        "",
        f"Service and floor agree on the verdict of {m['agree']:,}/{n:,} explicit lines and on the excess (±0.01) "
        f"of {m['excess_agree']:,}/{m['same']:,} same-unit lines. Explicit verdicts: {m['verdicts']}. "
        f"Description-only verdicts: {m['described_verdicts']}; {m['found']}.",
        "",
    ])


def measure(url: str, count: int, seed: int, repeat: int) -> dict:
    """The timings and agreement counts, in the process that calls it (a fresh one: see run)."""
    explicit, described, truth, sources = proposal(url, random.Random(seed), count)
    keyed = [line | {"item_key": truth[line["line_id"]][0]} for line in explicit]  # the floor's input
    app = create_app({"DATABASE_URL": url})
    db_engine = create_engine(url)
    with app.app_context():
        with get_db().write() as session:
            secret = tokens.issue(session, "bench-compare", Role.READER, Actor("bench", Role.ADMIN)).secret
        client = app.test_client()
        client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"

        def service(lines: list[dict]) -> dict:
            with get_db().read() as session:
                return compare(session, {"as_of": AS_OF, "lines": lines})

        def http() -> dict:
            body = json.dumps({"as_of": AS_OF.isoformat(), "lines": explicit}, ensure_ascii=False)
            response = client.post("/api/v1/compare", data=body, content_type="application/json")
            assert response.status_code == 200, response.data[:500]
            return json.loads(response.data)

        service(explicit[:200]), service(described[:50]), http(), floor(db_engine, keyed[:200])  # warm caches, imports, jieba
        gc.freeze()  # as each gunicorn worker does once it has loaded the app (registry/gunicorn_conf.py)
        measured = interleaved(repeat, {"floor": lambda: floor(db_engine, keyed), "service": lambda: service(explicit),
                                    "http": http, "described": lambda: service(described)})
        (floor_s, frame), (service_s, answer), (http_s, over_http), (described_s, described_answer) = measured.values()
        get_db().dispose()
    db_engine.dispose()
    assert over_http["summary"] == answer["summary"]
    agree, excess_agree, same = _agreement(frame, answer["lines"], truth)
    verdicts = lambda a: ", ".join(f"{k} {v:,}" for k, v in sorted(a["summary"]["by_verdict"].items()))  # noqa: E731
    return {"n": len(explicit), "d": len(described), "floor": floor_s, "service": service_s, "http": http_s,
            "described": described_s, "agree": agree, "excess_agree": excess_agree, "same": same,
            "verdicts": verdicts(answer), "described_verdicts": verdicts(described_answer),
            "found": _found(described_answer["lines"], sources)}


def _agreement(frame: pd.DataFrame, lines: list[dict], truth: dict) -> tuple[int, int, int]:
    by_id = {line["line_id"]: line for line in lines}
    agree = excess_agree = same = 0
    for row in frame.itertuples(index=False):
        line = by_id[row.line_id]
        agree += line["verdict"] == row.verdict
        if truth[row.line_id][1]:
            same += 1
            excess_agree += abs(float(line["excess_amount"]) - row.excess) <= 0.01
    return agree, excess_agree, same


def _found(lines: list[dict], sources: dict) -> str:
    """How often a description line finds the standard its words were taken from."""
    chosen = sum(line["standard_code"] == sources[line["line_id"]] for line in lines)
    listed = sum(line["verdict"] == "ambiguous" and any(c["code"] == sources[line["line_id"]] for c in line["candidates"])
                 for line in lines)
    other = sum(line["standard_code"] not in (None, sources[line["line_id"]]) for line in lines)
    return (f"{chosen:,} resolved to the standard they were written from, {listed:,} ambiguous with it among "
            f"the candidates, {other:,} resolved to another standard")


def main(argv: list[str] | None = None) -> None:
    parser = parser_for("compare", __doc__)
    parser.add_argument("--standards", type=int, default=50_000, help="standards to generate (default 50000)")
    parser.add_argument("--lines", type=int, default=10_000, help="proposal lines, 3/4 explicit (default 10000)")
    parser.add_argument("--repeat", type=int, default=5, help="runs of each measurement; the median is kept (default 5)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed of data and lines")
    run_each_database("compare", parser, run, argv)


if __name__ == "__main__":
    main()
