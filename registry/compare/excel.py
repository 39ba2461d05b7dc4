"""The proposal workbook: a template, reading an uploaded proposal, and answering in the same workbook."""
from __future__ import annotations

import io
from decimal import Decimal

from openpyxl import Workbook, load_workbook
from openpyxl.styles import Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from registry import spreadsheet
from registry.errors import ValidationFailed
from registry.spreadsheet_template import COMMON_UNITS

SHEET = "申报明细"
# line field → Chinese header (the English names are accepted too)
COLUMNS = {
    "line_id": "行号", "standard_code": "标准代码", "item_key": "条目键", "conditions": "条件",
    "description": "支出内容", "field": "领域", "category": "类别", "unit": "单位", "quantity": "数量",
    "unit_price": "单价", "base_amount": "计费基数", "days": "天数", "components": "分项",
}
RESULTS = ("结论", "限额下限", "限额上限", "偏离%", "超标金额", "标准", "版本", "文号", "说明")
VERDICTS = {"within": "符合", "over": "超标", "under": "低于下限", "no_standard": "无标准",
            "unit_mismatch": "单位不符", "ambiguous": "需指定标准"}
FILLS = {"over": "F8CBAD", "under": "FFE699", "no_standard": "D9D9D9", "unit_mismatch": "D9D9D9",
         "ambiguous": "D9D9D9", "error": "F4B084"}
EXAMPLES = (
    ("L1", "SP-ADM-MEETING", "", "会议类别=二类", "年度工作会议", "", "", "元/人·天", "120", "700", "", "", "住宿费=450"),
    ("L2", "", "", "", "上海 住宿 司局级", "", "", "元/人·天", "10", "650", "", "", ""),
    ("L3", "SP-ADM-OFFICE-EQUIP", "desktop", "", "台式计算机", "", "", "万元/台", "20", "0.55", "", "", ""),
)
_ACCEPTED = {h: k for k, h in COLUMNS.items()} | {k: k for k in COLUMNS}


def template() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS.values()))
    for row in EXAMPLES:
        sheet.append(list(row))
    for index, header in enumerate(COLUMNS.values(), start=1):
        sheet.cell(row=1, column=index).font = Font(bold=True)
        sheet.column_dimensions[get_column_letter(index)].width = 16 if header in ("支出内容", "条件", "分项") else 11
    sheet.freeze_panes = "A2"
    units = DataValidation(type="list", formula1='"' + ",".join(COMMON_UNITS) + '"',
                           showErrorMessage=False, allow_blank=True)  # other units may be typed
    sheet.add_data_validation(units)
    units.add(f"H2:H{spreadsheet.MAX_ROWS + 1}")
    help_sheet = book.create_sheet("填写说明")
    for line in (
        "每行一条支出：填写 标准代码（或用 支出内容 描述以便检索）、单位、数量、单价。",
        "条件 写作 键=值;键=值，如 会议类别=二类;职级=司局级；分项 写作 住宿费=450;伙食费=150。",
        "费率类标准请填 计费基数（同一金额单位）；培训等按天数折算的标准请填 天数。",
        "单位可为 元/人·天、万元/台、元/平方米·年 等，与标准单位不同时自动换算。",
        "上传：POST /api/v1/compare（multipart，字段 file、as_of、region、tolerance_pct），"
        "请求头 Accept: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet 时返回带结论的工作簿。",
    ):
        help_sheet.append([line])
    help_sheet.column_dimensions["A"].width = 110
    return _save(book)


def read(data: bytes, filename: str) -> tuple[list[dict], dict[str, int]]:
    """The proposal's lines (raw, for `compare.lines.parse_line`) and line_id → sheet row."""
    rows = spreadsheet.raw_rows(data, filename, SHEET)
    header = next(rows, None)
    if header is None:
        raise ValidationFailed("文件为空：第 1 行应为表头（可下载模板 /api/v1/templates/proposal.xlsx）", code="empty_file")
    positions = {_ACCEPTED[h.strip()]: i for i, h in enumerate(header[1]) if h.strip() in _ACCEPTED}
    missing = [COLUMNS[k] for k in ("unit", "quantity", "unit_price") if k not in positions]
    if missing:
        raise ValidationFailed(f"缺少必填列：{'、'.join(missing)}", code="missing_columns",
                               errors={"file": [f"缺少列 {m}" for m in missing]})
    lines, where = [], {}
    for number, cells in rows:
        if not any(cells):
            continue
        raw = {key: cells[i] for key, i in positions.items() if i < len(cells) and cells[i] != ""}
        raw.setdefault("line_id", f"R{number}")
        for name in ("conditions", "components"):
            if name in raw:
                raw[name] = _pairs(raw[name])
        for name in ("quantity", "unit_price", "base_amount", "days"):
            if name in raw:
                raw[name] = spreadsheet.amount_text(raw[name])
        lines.append(raw)
        where[str(raw["line_id"])] = number
    return lines, where


def answer(data: bytes, filename: str, result: dict, where: dict[str, int]) -> bytes:
    """The uploaded workbook with result columns, highlighted rows and a summary sheet."""
    if filename.lower().endswith(".csv"):
        book = Workbook()
        sheet = book.active
        sheet.title = SHEET
        for _, cells in spreadsheet.raw_rows(data, filename):
            sheet.append(cells)
    else:
        spreadsheet.check_inflation(data)  # read() checked it too; this load is a full one
        book = load_workbook(io.BytesIO(data))
        sheet = book[SHEET] if SHEET in book.sheetnames else book.worksheets[0]
    first = sheet.max_column + 1
    for offset, header in enumerate(RESULTS):
        cell = sheet.cell(row=1, column=first + offset, value=header)
        cell.font = Font(bold=True)
    for line in result["lines"]:
        row = where.get(str(line.get("line_id")))
        if row is None:
            continue
        values = _result_cells(line)
        for offset, value in enumerate(values):
            sheet.cell(row=row, column=first + offset, value=value)
        fill = FILLS.get(line.get("verdict") or "error")
        if fill:
            for column in range(1, first + len(RESULTS)):
                sheet.cell(row=row, column=column).fill = PatternFill("solid", fgColor=fill)
    _summary(book, result)
    return _save(book)


def _result_cells(line: dict) -> list:
    if "error" in line:
        return ["行有误", None, None, None, None, None, None, None, line["error"]]
    limit = line.get("limit") or {}
    return [
        VERDICTS[line["verdict"]], _number(limit.get("min")), _number(limit.get("max")),
        _number(line.get("deviation_pct")), _number(line.get("excess_amount")), line.get("standard_code"),
        line.get("version"), line.get("doc_no"), line.get("message"),
    ]


def _summary(book: Workbook, result: dict) -> None:
    sheet = book.create_sheet("汇总", 0) if "汇总" not in book.sheetnames else book["汇总"]
    summary = result["summary"]
    rows = [("比对日期", result["as_of"]), ("区域", result.get("region") or "全区"), ("行数", summary["lines"]),
            ("申报金额（元）", _number(summary["requested_amount"])), ("核定金额（元）", _number(summary["allowed_amount"])),
            ("超标金额（元）", _number(summary["excess_amount"])), ("行有误", summary["errors"])]
    rows += [(f"结论：{VERDICTS[v]}", n) for v, n in summary["by_verdict"].items()]
    rows += [("所依据的标准版本", ", ".join(f"{u['code']} v{u['version']}" for u in result["versions_used"]))]
    if result.get("review_id"):
        rows.append(("审核记录编号", result["review_id"]))
    for row in rows:
        sheet.append(list(row))
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 60


def _pairs(text: str) -> dict | str:
    try:
        return spreadsheet.conditions(text)
    except ValueError:
        return text  # left as text, parse_line reports it on this line and the others go on


def _number(text: str | None):
    return None if text is None else Decimal(text)


def _save(book: Workbook) -> bytes:
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
