"""Streaming a snapshot as JSON, NDJSON, CSV or XLSX in constant memory."""
from __future__ import annotations

import csv
import io
import json
import tempfile
from collections.abc import Iterable, Iterator

from openpyxl import Workbook

from registry.services.sync import BASELINE_COLUMNS

DANGEROUS = ("=", "+", "-", "@", "\t", "\r")
MIMETYPES = {
    "json": "application/json",
    "ndjson": "application/x-ndjson",
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}


def neutralise(value: str) -> str:
    """A cell a spreadsheet would run as a formula becomes text ('=1+1 → '=1+1)."""
    return "'" + value if value.startswith(DANGEROUS) else value


def _cells(row: dict) -> list[str]:
    cells = []
    for name in BASELINE_COLUMNS:
        value = row[name]
        if isinstance(value, (dict, list)):
            value = json.dumps(value, ensure_ascii=False) if value else ""
        cells.append(neutralise("" if value is None else str(value)))
    return cells


def as_json(rows: Iterable[dict]) -> Iterator[str]:
    yield "["
    for index, row in enumerate(rows):
        yield ("," if index else "") + json.dumps(row, ensure_ascii=False)
    yield "]"


def as_ndjson(rows: Iterable[dict]) -> Iterator[str]:
    for row in rows:
        yield json.dumps(row, ensure_ascii=False) + "\n"


def as_csv(rows: Iterable[dict], chunk: int = 500) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    buffer.write("\ufeff")  # Excel opens UTF-8 CSV correctly only with a BOM
    writer.writerow(BASELINE_COLUMNS)
    for index, row in enumerate(rows, 1):
        writer.writerow(_cells(row))
        if index % chunk == 0:
            yield buffer.getvalue()
            buffer.seek(0)
            buffer.truncate()
    yield buffer.getvalue()


def as_xlsx(rows: Iterable[dict]) -> Iterator[bytes]:
    """openpyxl's write-only mode streams rows to a temporary file; the file is then streamed out."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("baselines")
    sheet.append(list(BASELINE_COLUMNS))
    for row in rows:
        sheet.append(_cells(row))
    with tempfile.TemporaryFile() as spool:
        workbook.save(spool)
        spool.seek(0)
        while block := spool.read(64 * 1024):
            yield block


WRITERS = {"json": as_json, "ndjson": as_ndjson, "csv": as_csv, "xlsx": as_xlsx}
