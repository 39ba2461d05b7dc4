"""Import benchmark: an all-or-nothing Excel import against pandas reading the same workbook.

    python -m bench.imports [--rows 10000] [--repeat 3] [--database-url URL ...]

Per database: a fresh schema with the bundled taxonomy, and an .xlsx in the template's layout
with --rows rows (one standard of two items per two rows, every column of the template filled
the way departments fill it: Chinese kind, field, category, region and department names,
conditions and components as text). Measured in --repeat interleaved rounds after a warm-up round (median), each check and import on an emptied
registry:

  floor    pandas.read_excel of the workbook (openpyxl engine, every cell as text): reading
           the file is the part no import can skip;
  check    registry.spreadsheet.read_table + imports.validate: the rows read and every one
           checked, nothing written (what a file with a bad row costs);
  import   read_table + imports.import_standards in one write unit of work: rows checked,
           standards, versions, items, events and search documents written, committed.

Reported: seconds, rows/s, and import/floor and check/floor ratios (informational: no earlier
issue set a target; `python -m bench --check` watches them for regressions).
"""
from __future__ import annotations

import argparse
import io
import os

import pandas as pd
from openpyxl import Workbook
from sqlalchemy import func, select
from sqlalchemy.engine import make_url

from bench.cli import figure, interleaved, parser_for, run_each_database
from bench.datagen import prepare_schema
from registry import create_app
from registry.actor import Actor
from registry.db import get_db
from registry.models import Standard
from registry.roles import Role
from registry.services import imports
from registry.spreadsheet import COLUMNS, DATA_SHEET, read_table

ADMIN = Actor("bench-importer", Role.ADMIN)
HEADERS = [c.header for c in COLUMNS]


def workbook(rows: int) -> bytes:
    """`rows` template rows: standard n has items class2 (a ceiling with components) and class3."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(DATA_SHEET)
    sheet.append(HEADERS)
    for n in range(rows):
        number, second = divmod(n, 2)
        row = {
            "标准代码": f"SP-IMPORT-{number:06d}", "类型": "财政支出标准", "领域": "一般行政", "类别": "会议费",
            "标准名称": f"会议费综合定额（导入第{number}号）", "区域": "青浦区", "主管部门": "青浦区财政局",
            "生效日期": "2025-01-01", "发布机关": "青浦区财政局", "文号": f"青财行〔2025〕{number}号",
            "条目键": "class3" if second else "class2", "条目名称": "三类会议" if second else "二类会议",
            "规则": "上限", "单位": "元/人·天", "上限": f"{550 + number % 100}" if second else f"{650 + number % 100}",
            "条件": "会议类别=三类" if second else "会议类别=二类",
            "分项": "" if second else "住宿费=400;伙食费=150;其他费用=100",
        }
        sheet.append([row.get(h) for h in HEADERS])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run(url: str, args: argparse.Namespace) -> str:
    dialect = make_url(url).get_backend_name()
    prepare_schema(url)
    data = workbook(args.rows)
    app = create_app({"DATABASE_URL": url})

    def floor() -> None:
        assert len(pd.read_excel(io.BytesIO(data), sheet_name=DATA_SHEET, dtype=str, engine="openpyxl")) == args.rows

    def check() -> None:
        with get_db().read() as session:
            plan = imports.validate(session, read_table(data, "bench.xlsx"), ADMIN)
        assert not plan.report.errors, plan.report.errors[:3]

    def full_import() -> None:
        with get_db().write() as session:
            report = imports.import_standards(session, read_table(data, "bench.xlsx"), ADMIN)
        assert report.standards == (args.rows + 1) // 2

    def fresh() -> None:  # untimed: an empty registry for each import (events cannot be deleted)
        get_db().dispose()
        prepare_schema(url)

    calls = {"floor": floor, "check": check, "import": full_import}
    with app.app_context():
        # Each on an empty registry (events cannot be deleted); one untimed round warms up imports and caches.
        emptied = {"check": fresh, "import": fresh}
        interleaved(1, calls, emptied)
        timings = {name: seconds for name, (seconds, _) in interleaved(args.repeat, calls, emptied).items()}
        with get_db().read() as session:
            standards = session.scalar(select(func.count()).select_from(Standard))
        get_db().dispose()
    assert standards == (args.rows + 1) // 2, f"expected {(args.rows + 1) // 2} standards, found {standards}"
    floor_s = timings["floor"]
    figure("import / read_excel", timings["import"] / floor_s, "×", better="lower")
    figure("check / read_excel", timings["check"] / floor_s, "×", better="lower")
    figure("import rows/s", args.rows / timings["import"], "rows/s")
    names = {"floor": "pandas `read_excel` (floor)", "check": "`read_table` + `validate` (nothing written)",
             "import": "`read_table` + `import_standards` (committed)"}
    return "\n".join([
        f"### Excel import on {dialect}",
        "",
        f"{args.rows:,} rows ({standards:,} standards of two items), {len(data) / 1024 / 1024:.1f} MB .xlsx; median "
        f"of {args.repeat} interleaved rounds; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs.",
        "",
        "| step | seconds | rows/s | vs floor |",
        "|---|---:|---:|---:|",
        *(f"| {names[k]} | {v:.2f} | {args.rows / v:,.0f} | {v / floor_s:.2f}× |" for k, v in timings.items()),
        "",
    ])


def main(argv: list[str] | None = None) -> None:
    parser = parser_for("imports", __doc__)
    parser.add_argument("--rows", type=int, default=10_000, help="rows of the workbook (default 10000)")
    parser.add_argument("--repeat", type=int, default=3, help="runs of each timing; the median is kept")
    run_each_database("imports", parser, run, argv)


if __name__ == "__main__":
    main()
