"""What checking hands to writing: the plan of standards to write, and the report of an import."""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from registry.errors import ValidationFailed
from registry.models import Item, Standard, Version
from registry.spreadsheet import RowError

Progress = Callable[[int], None]
_ERRORS_BY_CELL = 100


@dataclass
class ImportReport:
    rows: int = 0
    standards: int = 0
    created: list[dict] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    warnings: list[dict] = field(default_factory=list)


class ImportInvalid(ValidationFailed):
    """The file has problems; nothing was written. `report.errors` lists them by row and column."""

    code = "import_invalid"

    def __init__(self, report: ImportReport):
        rows = len({e.row for e in report.errors})
        by_cell: dict[str, list[str]] = {}
        for e in report.errors[:_ERRORS_BY_CELL]:
            by_cell.setdefault(f"第{e.row}行 {e.column}".strip(), []).append(e.message)
        if len(report.errors) > _ERRORS_BY_CELL:  # the full list is the report's; this is a summary
            by_cell["…"] = [f"另有 {len(report.errors) - _ERRORS_BY_CELL} 处错误，完整列表见 row_errors"]
        super().__init__(
            f"导入文件有 {len(report.errors)} 处错误（涉及 {rows} 行），未写入任何内容；请按行号和列名修改后重新导入",
            errors=by_cell,
            # `errors` keys cannot carry row numbers well: the full list travels as row_errors.
            extra={"rows": report.rows, "standards": report.standards,
                   "row_errors": [{"row": e.row, "column": e.column, "message": e.message} for e in report.errors]},
        )
        self.report = report


@dataclass
class Existing:
    """A standard already registered under an imported code, with its latest and unfinished versions."""

    standard: Standard
    latest: int = 0
    unfinished: Version | None = None


@dataclass
class Planned:
    """One standard that passed every check, ready to be written."""

    code: str
    data: dict  # StandardCreateSchema's output, without the items
    items: list[Item]  # build_items' output, checked while validating
    placement: dict  # column key → taxonomy row
    existing: Existing | None


@dataclass
class Plan:
    report: ImportReport
    standards: list[Planned]
