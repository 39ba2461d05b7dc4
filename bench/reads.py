"""Read benchmark: the API against a raw SQLAlchemy Core query returning the same rows.

    python -m bench.reads [--standards 50000] [--requests 500] [--database-url URL ...]

For each database it generates the standards (bench/datagen.py), then times, request by
request with time.perf_counter(); the API is called with a reader's bearer token:

  detail  GET /api/v1/standards/{code}?as_of=2025-03-01 through the Flask test client, against
          two Core selects on a plain connection: the standard with its field/category/region/
          department and all its versions, and the items of the version in force that day;
  list    GET /api/v1/standards?field=…&category=…&as_of=2025-03-01&page_size=50, against
          three Core selects: the ids the filters name, the count, and the same 50 standards
          with their names and in-force version.

The raw query is the baseline because it is the floor for the same answer: the database work
and driver round trips, with statements built once (bound parameters) and results fully
materialised (.all()) in the same column types (Decimal, JSON, dates). Whatever the API
spends above it (routing, authentication, argument parsing, ORM loading, extra queries,
serialisation to JSON) is the cost of the application. The target is API ≤ 3× raw. Both
sides run on the same random codes and filters, interleaved, alternating which goes first,
after a warm-up; the raw side checks out a connection per request from its own plain engine,
as a request would. Both answers are compared once before timing.

The benchmark DELETES a SQLite file it is given and DROPS EVERY TABLE of a PostgreSQL database
(names ending in _test are refused). Create a dedicated database first, as superuser (as
scripts/postgres.sh does for the test database):

    su postgres -c "psql -c 'create database registry_bench owner registry'"
    su postgres -c "psql -d registry_bench -c 'create extension if not exists btree_gist'"
    python -m bench.reads --database-url sqlite:////tmp/bench.sqlite3 \\
        --database-url postgresql+psycopg://registry:registry@127.0.0.1:5432/registry_bench
"""
from __future__ import annotations

import argparse
import os
import random
import statistics
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection, Engine, and_, bindparam, create_engine, func, or_, select
from sqlalchemy.engine import make_url

from bench.cli import RESULTS, figure, parser_for, run_each_database
from bench.datagen import generate
from registry import create_app
from registry.actor import Actor
from registry.db import get_db
from registry.enums import IN_FORCE_STATUSES
from registry.models import Category, Department, Field, Item, Region, Standard, Version
from registry.roles import Role
from registry.services import tokens

AS_OF = date(2025, 3, 1)
PAGE_SIZE = 50
TARGET = 3.0

S, V, I = Standard.__table__, Version.__table__, Item.__table__
F, C, R, D = Field.__table__, Category.__table__, Region.__table__, Department.__table__
WITHIN = C.alias("within")
SUMMARY = (V.c.number, V.c.status, V.c.effective_from, V.c.effective_to, V.c.doc_no)
DETAIL = (*SUMMARY, V.c.issuer, V.c.url, V.c.note, V.c.created_at, V.c.created_by, V.c.updated_at, V.c.updated_by)
ITEMS = (I.c.key, I.c.name, I.c.rule, I.c.unit, I.c.value, I.c.min, I.c.max, I.c.conditions, I.c.components, I.c.note)


def named(s) -> tuple:
    """The columns of standards (or a subquery of them) with the taxonomy codes and names."""
    return (s.c.code, s.c.kind, s.c.title, s.c.is_sample, F.c.code.label("field"), F.c.name.label("field_name"),
            C.c.code.label("category"), C.c.name.label("category_name"), R.c.code.label("region"),
            R.c.name.label("region_name"), D.c.code.label("department"), D.c.name.label("department_name"))


def placed(s):
    return (s.join(F, F.c.id == s.c.field_id).join(C, C.c.id == s.c.category_id)
            .join(R, R.c.id == s.c.region_id).join(D, D.c.id == s.c.department_id))


def in_force(day):
    return and_(V.c.status.in_(sorted(IN_FORCE_STATUSES)), V.c.effective_from <= day,
                or_(V.c.effective_to.is_(None), V.c.effective_to > day))


# Built once with bound parameters, as a hand-written data layer would; each call only executes.
DAY, CODE, FIELD, CATEGORY, SUBTREE = (bindparam(name) for name in ("day", "code", "field", "category", "subtree"))
DETAIL_VERSIONS = (select(*named(S), *DETAIL).select_from(placed(S).join(V, V.c.standard_id == S.c.id))
                   .where(S.c.code == CODE).order_by(V.c.number))
DETAIL_ITEMS = (select(*ITEMS).select_from(I.join(V, V.c.id == I.c.version_id).join(S, S.c.id == V.c.standard_id))
                .where(S.c.code == CODE, in_force(DAY)).order_by(I.c.position))
# The filters resolved first (field id, ids of the category and its descendants): with literal
# ids both planners start from the category index, as they do for the API's queries.
FILTER_IDS = (select(F.c.id.label("field_id"), WITHIN.c.id.label("category_id"))
              .join_from(F, WITHIN, or_(WITHIN.c.code == CATEGORY, WITHIN.c.code.like(SUBTREE, escape="\\")))
              .where(F.c.code == FIELD))
IN_FORCE_FROM = S.join(V, and_(V.c.standard_id == S.c.id, in_force(DAY)))
FILTERED = (S.c.field_id == bindparam("field_id"), S.c.category_id.in_(bindparam("category_ids", expanding=True)))
LIST_COUNT = select(func.count()).select_from(IN_FORCE_FROM).where(*FILTERED)
# The page is picked in a LIMIT subquery, then named: as one join with the four name tables,
# PostgreSQL spent 10-30 ms planning it (each of the API's queries plans in under 1 ms).
_PAGE = (select(S.c.code, S.c.kind, S.c.title, S.c.is_sample, S.c.field_id, S.c.category_id, S.c.region_id,
                S.c.department_id, *SUMMARY).select_from(IN_FORCE_FROM).where(*FILTERED)
         .order_by(S.c.code).limit(PAGE_SIZE).subquery("page"))
LIST_PAGE = (select(*named(_PAGE), *(_PAGE.c[column.name] for column in SUMMARY))
             .select_from(placed(_PAGE)).order_by(_PAGE.c.code))


def raw_detail(conn: Connection, code: str, day: date) -> tuple[list, list]:
    """The standard with its names and every version (a row each), and the in-force items."""
    versions = conn.execute(DETAIL_VERSIONS, {"code": code}).all()
    items = conn.execute(DETAIL_ITEMS, {"code": code, "day": day}).all()
    return versions, items


def raw_list(conn: Connection, field: str, category: str, day: date) -> tuple[int, list]:
    """The count and one page of standards in force on `day` under a field and category subtree."""
    subtree = category.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + ".%"
    ids = conn.execute(FILTER_IDS, {"field": field, "category": category, "subtree": subtree}).all()
    if not ids:
        return 0, []
    params = {"field_id": ids[0].field_id, "category_ids": [row.category_id for row in ids], "day": day}
    return conn.execute(LIST_COUNT, params).scalar_one(), conn.execute(LIST_PAGE, params).all()


@dataclass
class Result:
    name: str
    api: list[float]
    raw: list[float]

    def row(self) -> str:
        (a50, a95), (r50, r95) = _p50_p95(self.api), _p50_p95(self.raw)
        ok = "yes" if max(a50 / r50, a95 / r95) <= TARGET else "**no**"
        return (f"| {self.name} | {a50:.2f} | {r50:.2f} | {a50 / r50:.1f}× | "
                f"{a95:.2f} | {r95:.2f} | {a95 / r95:.1f}× | {ok} |")


def _p50_p95(seconds: list[float]) -> tuple[float, float]:
    cuts = statistics.quantiles([s * 1000 for s in seconds], n=100, method="inclusive")
    return cuts[49], cuts[94]


def measure(name: str, cases: list, api: Callable, raw: Callable, warmup: int) -> Result:
    """Warm both sides up, then time them case by case, alternating which runs first."""
    for case in cases[:warmup]:
        api(case)
        raw(case)
    result = Result(name, [], [])
    for index, case in enumerate(cases[warmup:]):
        sides = [(result.api, api), (result.raw, raw)]
        for times, call in sides if index % 2 == 0 else reversed(sides):
            start = time.perf_counter()
            call(case)
            times.append(time.perf_counter() - start)
    return result


def run(url: str, args: argparse.Namespace) -> str:
    """Generate the data in `url`, run both measurements and return the markdown report."""
    dialect = make_url(url).get_backend_name()
    started = time.perf_counter()
    counts = generate(url, args.standards, args.seed)
    generation = time.perf_counter() - started
    print(f"[{dialect}] generated {counts} in {generation:.1f} s", flush=True)

    app = create_app({"DATABASE_URL": url})
    with app.app_context(), get_db().write() as session:  # reads need a token, as in production
        secret = tokens.issue(session, "bench-reader", Role.READER, Actor("bench", Role.ADMIN)).secret
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = f"Bearer {secret}"
    engine: Engine = create_engine(url)
    rng = random.Random(args.seed)
    with engine.connect() as conn:
        codes = conn.scalars(select(S.c.code).join(V, and_(V.c.standard_id == S.c.id, in_force(AS_OF)))).all()
        filters = [(c.code.split(".", 1)[0], c.code) for c in conn.execute(select(C.c.code))]
    total_cases = args.warmup + args.requests
    detail_cases = [rng.choice(codes) for _ in range(total_cases)]
    list_cases = [rng.choice(filters) for _ in range(total_cases)]

    def api_detail(code: str):
        response = client.get(f"/api/v1/standards/{code}?as_of={AS_OF}")
        assert response.status_code == 200, response.data
        return response

    def api_list(case: tuple[str, str]):
        field, category = case
        query = f"field={field}&category={category}&as_of={AS_OF}&page_size={PAGE_SIZE}"
        response = client.get(f"/api/v1/standards?{query}")
        assert response.status_code == 200, response.data
        return response

    def raw(query: Callable, *case) -> tuple:
        with engine.connect() as conn:
            return query(conn, *case, AS_OF)

    for code, case in zip(detail_cases[:20], list_cases[:20]):  # same answers, compared once
        body, (versions, items) = api_detail(code).json, raw(raw_detail, code)
        assert [v["number"] for v in body["versions"]] == [v.number for v in versions]
        assert [i["key"] for i in body["version"]["items"]] == [i.key for i in items]
        assert body["category_name"] == versions[0].category_name
        body, (total, rows) = api_list(case).json, raw(raw_list, *case)
        assert body["total"] == total and [r["code"] for r in body["items"]] == [r.code for r in rows]
        assert [r["version"]["number"] for r in body["items"]] == [r.number for r in rows]

    results = [
        measure("detail `GET /standards/{code}?as_of=`", detail_cases, api_detail,
                lambda code: raw(raw_detail, code), args.warmup),
        measure(f"list `GET /standards?field&category&as_of&page_size={PAGE_SIZE}`", list_cases, api_list,
                lambda case: raw(raw_list, *case), args.warmup),
    ]
    for result, short in zip(results, ("detail", "list")):
        (a50, a95), (r50, r95) = _p50_p95(result.api), _p50_p95(result.raw)
        figure(f"{short} API/raw p50", a50 / r50, "×", target=TARGET, better="lower")
        figure(f"{short} API/raw p95", a95 / r95, "×", target=TARGET, better="lower", gate=False)
        figure(f"{short} API p50", a50, "ms")
    if args.profile:
        _profile(dialect, detail_cases, list_cases, api_detail, api_list)
    engine.dispose()
    with app.app_context():
        get_db().dispose()
    version = ".".join(map(str, engine.dialect.server_version_info or ()))
    return "\n".join([
        f"### Reads on {dialect} {version}",
        "",
        f"{counts['standards']:,} standards, {counts['versions']:,} versions, {counts['items']:,} items "
        f"(generated in {generation:.1f} s); {args.requests} timed requests per side after {args.warmup} "
        f"warm-up; as_of={AS_OF}; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs. "
        f"Times in ms; target: API ≤ {TARGET:g}× raw.",
        "",
        "| measurement | API p50 | raw p50 | API/raw p50 | API p95 | raw p95 | API/raw p95 | within 3× |",
        "|---|---:|---:|---:|---:|---:|---:|:---:|",
        *(r.row() for r in results),
        "",
    ])


def _profile(dialect: str, detail_cases: list, list_cases: list, api_detail: Callable, api_list: Callable) -> None:
    """cProfile the API side alone, untimed; stats go to bench/results/ (open with pstats)."""
    import cProfile
    import pstats

    for name, cases, call in (("detail", detail_cases, api_detail), ("list", list_cases, api_list)):
        profiler = cProfile.Profile()
        profiler.runcall(lambda: [call(case) for case in cases])
        path = RESULTS / f"reads-{dialect}-{name}.prof"
        profiler.dump_stats(path)
        print(f"\n[{dialect}] profile of {len(cases)} {name} requests → {path}")
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(25)


def main(argv: list[str] | None = None) -> None:
    parser = parser_for("reads", __doc__)
    parser.add_argument("--standards", type=int, default=50_000, help="standards to generate (default 50000)")
    parser.add_argument("--requests", type=int, default=500, help="timed requests per side and measurement")
    parser.add_argument("--warmup", type=int, default=50, help="untimed requests first (default 50)")
    parser.add_argument("--seed", type=int, default=2025, help="random seed of data and requests")
    parser.add_argument("--profile", action="store_true", help="also cProfile the API requests (untimed)")
    run_each_database("reads", parser, run, argv)


if __name__ == "__main__":
    main()
