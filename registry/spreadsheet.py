"""The bulk-import spreadsheet: its columns, reading xlsx/csv into rows, and its cell formats.

The template workbook is built in `registry.spreadsheet_template`.

One row per item; rows sharing a 标准代码 form one standard. Every cell is read as text —
dates as YYYY-MM-DD, numbers as exact decimal text — so no amount passes through a binary
float on its way to the API's schemas, which the import service applies to that text.
"""
from __future__ import annotations

import io
import json
import re
import unicodedata
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date, datetime, time
from decimal import Decimal

import pandas as pd
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from registry.decimals import to_text
from registry.enums import KIND_NAMES, Kind, Rule
from registry.errors import DomainError, ValidationFailed

MAX_BYTES = 10 * 1024 * 1024
MAX_ROWS = 50_000
MAX_UNPACKED = 200 * 1024 * 1024  # what a 10 MB .xlsx may inflate to; a zip bomb inflates far more
DATA_SHEET = "标准条目"
XLSX_MIMETYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
EXAMPLE_CODE = "SP-EXAMPLE-MEETING"  # the template's example row: refused by the import if left in

STANDARD, VERSION, ITEM = "standard", "version", "item"
# Chinese labels of the rules; the cells accept these or the API values.
RULE_NAMES = {
    Rule.CEILING: "上限", Rule.FLOOR: "下限", Rule.RANGE: "区间",
    Rule.FIXED: "定额", Rule.RATE: "费率", Rule.TARGET: "服务目标",
}


@dataclass(frozen=True)
class Column:
    key: str  # the English header accepted as well (the seed CSV's names)
    header: str  # the template's Chinese header
    level: str
    required: bool
    width: int
    help: str
    aliases: tuple[str, ...] = ()


COLUMNS: tuple[Column, ...] = (
    Column("code", "标准代码", STANDARD, True, 22, "大写字母、数字与 . _ -（2–64 位），如 SP-ADM-MEETING；代码相同的各行组成一个标准"),
    Column("kind", "类型", STANDARD, True, 14, "财政支出标准 / 成本定额标准 / 公共服务标准（也可填 spending / cost_quota / service）"),
    Column("field", "领域", STANDARD, True, 12, "领域名称或代码，如 一般行政 / admin"),
    Column("category", "类别", STANDARD, True, 16, "该领域下的类别名称或代码，如 会议费 / admin.meeting"),
    Column("title", "标准名称", STANDARD, True, 30, "最多 200 字"),
    Column("region", "区域", STANDARD, True, 10, "青浦区（全区）或镇、街道名称，也可填代码"),
    Column("department", "主管部门", STANDARD, True, 22, "部门名称或代码；部门填报人只能导入本部门的标准"),
    Column("effective_from", "生效日期", VERSION, False, 12, "Excel 日期或文本 YYYY-MM-DD；可空，确认前补填"),
    Column("effective_to", "失效日期", VERSION, False, 12, "首个不再适用的日期（不含）；空为长期有效"),
    Column("issuer", "发布机关", VERSION, False, 20, "依据文件的发布机关"),
    Column("doc_no", "文号", VERSION, False, 18, "如 财行〔2016〕71号"),
    Column("url", "依据链接", VERSION, False, 30, "依据文件的网址"),
    Column("version_note", "版本说明", VERSION, False, 30, "本版本的说明"),
    Column("item_key", "条目键", ITEM, True, 12, "条目在本标准内的唯一键（不含空白和 /），如 class2", ("key",)),
    Column("item_name", "条目名称", ITEM, True, 24, "如 二类会议综合定额", ("name",)),
    Column("rule", "规则", ITEM, True, 10, "上限 / 下限 / 区间 / 定额 / 费率 / 服务目标（或 ceiling / floor / range / fixed / rate / target）"),
    Column("unit", "单位", ITEM, True, 12, "如 元/人·天、万元/辆、%；可从下拉列表选择，也可自行填写"),
    Column("value", "数值", ITEM, False, 10, "定额、费率、服务目标必填"),
    Column("min", "下限", ITEM, False, 10, "规则为下限、区间时必填"),
    Column("max", "上限", ITEM, False, 10, "规则为上限、区间时必填"),
    Column("conditions", "条件", ITEM, False, 26, "键=值;键=值，如 会议类别=二类;职级=司局级"),
    Column("components", "分项", ITEM, False, 32, "名称=金额;名称=金额，如 住宿费=400;伙食费=150;其他费用=100"),
    Column("item_note", "条目说明", ITEM, False, 30, "本条目的说明"),
)
BY_KEY = {c.key: c for c in COLUMNS}


class FileTooLarge(DomainError):
    status = 413
    code = "file_too_large"


class UnsupportedFile(DomainError):
    status = 415
    code = "unsupported_file_type"


@dataclass(frozen=True)
class RowError:
    row: int  # the spreadsheet's row number: header = 1, first data row = 2
    column: str  # the header as written in the file ("" when the problem is the whole row or file)
    message: str


@dataclass(frozen=True)
class Row:
    number: int
    cells: dict[str, str]  # column key → text, "" when empty


@dataclass
class Table:
    headers: dict[str, str] = field(default_factory=dict)  # column key → header as written
    rows: list[Row] = field(default_factory=list)
    problems: list[RowError] = field(default_factory=list)  # header problems, all on row 1

    def header(self, key: str) -> str:
        return self.headers.get(key) or BY_KEY[key].header

    @property
    def complete(self) -> bool:
        """Every required column is present, so the rows can be checked."""
        return all(c.key in self.headers for c in COLUMNS if c.required)


def read_table(data: bytes, filename: str = "") -> Table:
    """The rows of an .xlsx or .csv file, with its header problems; refuses oversized files."""
    if len(data) > MAX_BYTES:
        raise FileTooLarge(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {MAX_BYTES // 1024 // 1024} MB；请拆分后分批导入")
    return _table(_raw_rows(data, filename.lower()))


def raw_rows(data: bytes, filename: str = "", sheet: str = DATA_SHEET) -> Iterator[tuple[int, list[str]]]:
    """(row number, cell texts) of every row of an .xlsx (sheet `sheet`, else the first visible) or .csv."""
    if len(data) > MAX_BYTES:
        raise FileTooLarge(f"文件过大（{len(data) / 1024 / 1024:.1f} MB），上限为 {MAX_BYTES // 1024 // 1024} MB；请拆分后分批提交")
    return _raw_rows(data, filename.lower(), sheet)


def _raw_rows(data: bytes, name: str, sheet: str = DATA_SHEET) -> Iterator[tuple[int, list[str]]]:
    if name.endswith((".xlsx", ".xlsm")) or (not name.endswith((".csv", ".txt")) and data[:4] == b"PK\x03\x04"):
        return _xlsx_rows(data, sheet)
    if name.endswith((".csv", ".txt")):
        return _csv_rows(data)
    raise UnsupportedFile("只支持 Excel（.xlsx）或 CSV（.csv）文件；旧版 .xls 请在 Excel 中另存为 .xlsx")


def check_inflation(data: bytes) -> None:
    """Refuse an .xlsx whose parts would unpack to more than MAX_UNPACKED (a zip bomb), before opening it."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except zipfile.BadZipFile as exc:
        raise ValidationFailed("无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式", code="unreadable_file") from exc
    if unpacked > MAX_UNPACKED:
        raise FileTooLarge(
            f"该 Excel 文件解压后达 {unpacked / 1024 / 1024:.0f} MB，超过 {MAX_UNPACKED // 1024 // 1024} MB 上限；"
            "请删除无关的工作表或拆分文件", code="file_too_large")


def _xlsx_rows(data: bytes, wanted: str = DATA_SHEET) -> Iterator[tuple[int, list[str]]]:
    check_inflation(data)
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise ValidationFailed("无法读取该 Excel 文件：文件已损坏或不是 .xlsx 格式", code="unreadable_file") from exc
    try:
        visible = [s for s in book.worksheets if s.sheet_state == "visible"] or book.worksheets
        sheet = book[wanted] if wanted in book.sheetnames else visible[0]
        sheet.reset_dimensions()  # some writers declare a wrong size, which would truncate the rows
        for number, cells in enumerate(sheet.iter_rows(), start=1):
            yield number, [_cell_text(cell) for cell in cells]
    finally:
        book.close()


def _cell_text(cell) -> str:
    value = cell.value
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date | time):
        return value.isoformat()
    if isinstance(value, int | float):
        # repr() is the shortest text that reads back as the same double: what Excel showed.
        number = Decimal(value) if isinstance(value, int) else Decimal(repr(value))
        if "%" in (getattr(cell, "number_format", None) or ""):
            number *= 100  # a cell showing 70% holds 0.7; the registry writes 70 with unit %
        return to_text(number) if number.is_finite() else str(value)
    return str(value).strip()


def _csv_rows(data: bytes) -> Iterator[tuple[int, list[str]]]:
    text = _decode(data)
    if not text.strip():
        return iter(())
    try:
        frame = pd.read_csv(
            io.StringIO(text), dtype=str, header=None, keep_default_na=False,
            skip_blank_lines=False, skipinitialspace=True,
        )
    except pd.errors.ParserError as exc:
        line = re.search(r"line (\d+)", str(exc))
        where = f"第 {line[1]} 行的列数多于表头，或引号不成对" if line else "格式有误"
        raise ValidationFailed(f"无法解析该 CSV 文件：{where}（{str(exc).strip()}）", code="unreadable_file") from exc
    return ((index + 1, [cell.strip() for cell in row]) for index, row in enumerate(frame.itertuples(index=False)))


def _decode(data: bytes) -> str:
    # Excel on Chinese Windows saves CSV as GBK; everything else sends UTF-8 (maybe with a BOM).
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise ValidationFailed("CSV 文件编码无法识别，请另存为 UTF-8 编码", code="unreadable_file")


def _table(raw_rows: Iterator[tuple[int, list[str]]]) -> Table:
    table = Table()
    first = next(raw_rows, None)
    if first is None or not any(first[1]):
        table.problems.append(RowError(1, "", "文件为空：第 1 行应为表头（可下载模板填写）"))
        return table
    positions = _read_headers(first[1], table)
    for number, cells in raw_rows:
        if not any(cells):
            continue
        if len(table.rows) >= MAX_ROWS:
            raise FileTooLarge(f"文件数据超过 {MAX_ROWS} 行，请拆分后分批导入")
        values = {key: cells[i] if i < len(cells) else "" for key, i in positions.items()}
        table.rows.append(Row(number, values))
    return table


_ACCEPTED = {name.lower(): c.key for c in COLUMNS for name in (c.header, c.key, *c.aliases)}
_REQUIRED_MARK = re.compile(r"\s*([*＊]|[(（]必填[)）])\s*$")


def _read_headers(cells: list[str], table: Table) -> dict[str, int]:
    """Column key → position; unknown, duplicate and missing headers become row-1 problems."""
    positions: dict[str, int] = {}
    for index, raw in enumerate(cells):
        name = _REQUIRED_MARK.sub("", raw).strip()
        if not name:
            continue
        key = _ACCEPTED.get(name.lower())
        if key is None:
            table.problems.append(RowError(1, raw, f"无法识别的列名：{raw}（可用列名见模板“填写说明”）"))
        elif key in positions:
            table.problems.append(RowError(1, raw, f"列名重复：{raw}"))
        else:
            positions[key] = index
            table.headers[key] = raw
    for column in COLUMNS:
        if column.required and column.key not in positions:
            table.problems.append(RowError(1, column.header, f"缺少必填列：{column.header}"))
    return positions


# ---------------------------------------------------------------------------------------------
# Cell formats: what people type, turned into what the API's schemas take
# ---------------------------------------------------------------------------------------------

KIND_LABELS = {k.value: k.value for k in Kind} | {n: k.value for k, n in KIND_NAMES.items()} | {
    n.removesuffix("标准"): k.value for k, n in KIND_NAMES.items()
}
RULE_LABELS = {r.value: r.value for r in Rule} | {n: r.value for r, n in RULE_NAMES.items()}
_DATE = re.compile(
    r"^(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})\s*日?(?:[ T]0?0:00(?::00(?:\.0+)?)?)?$"
)
_THOUSANDS = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")
_PAIRS = re.compile(r"[;；\n]+")


def label(labels: dict[str, str], text: str) -> str | None:
    """The API value of a Chinese label or an API value (any case), None when unknown."""
    return labels.get(text.strip()) or labels.get(text.strip().lower())


def date_text(text: str) -> str:
    """2025/1/1, 2025年1月1日, 2025-01-01 00:00:00 → 2025-01-01; anything else is left for the schema."""
    match = _DATE.match(text.strip())
    return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}" if match else text


def amount_text(text: str) -> str:
    """Full-width digits and thousands separators (1,200) made plain; the schema parses the rest."""
    text = unicodedata.normalize("NFKC", text).strip()
    return text.replace(",", "") if _THOUSANDS.match(text) else text


def conditions(text: str) -> dict:
    """会议类别=二类;职级=司局级 (；＝ too) or a JSON object."""
    if text.lstrip().startswith("{"):
        value = _json(text, "条件")
        if not isinstance(value, dict):
            raise ValueError("条件的 JSON 应为对象，如 {\"会议类别\": \"二类\"}")
        return {str(k): v if isinstance(v, str) else str(v) for k, v in value.items()}
    pairs = _pairs(text, "条件", "会议类别=二类;职级=司局级")
    names = [name for name, _ in pairs]
    repeated = sorted({n for n in names if names.count(n) > 1})
    if repeated:
        raise ValueError(f"条件重复：{'、'.join(repeated)}")
    return dict(pairs)


def components(text: str) -> list:
    """住宿费=400;伙食费=150 in that order, or JSON ([{"name", "value"}] or an object)."""
    if text.lstrip().startswith(("[", "{")):
        value = _json(text, "分项")
        if isinstance(value, dict):
            value = [{"name": k, "value": v} for k, v in value.items()]
        if not isinstance(value, list):
            raise ValueError("分项的 JSON 应为数组，如 [{\"name\": \"住宿费\", \"value\": \"400\"}]")
        return value
    return [{"name": name, "value": amount_text(value)} for name, value in _pairs(text, "分项", "住宿费=400;伙食费=150")]


def _pairs(text: str, what: str, example: str) -> list[tuple[str, str]]:
    pairs = []
    for part in filter(None, (p.strip() for p in _PAIRS.split(text))):
        name, sep, value = part.replace("＝", "=").partition("=")
        if not (sep and name.strip() and value.strip()):
            raise ValueError(f"{what}应写作 键=值;键=值（如 {example}），“{part}”无法识别")
        pairs.append((name.strip(), value.strip()))
    return pairs


def _json(text: str, what: str):
    try:
        return json.loads(text, parse_float=Decimal)  # never a float
    except json.JSONDecodeError as exc:
        raise ValueError(f"{what}不是有效的 JSON（第 {exc.colno} 个字符附近）") from exc
