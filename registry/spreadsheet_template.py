"""The bulk-submission template workbook: data sheet, instructions, hidden drop-down lists."""
from __future__ import annotations

import io
from datetime import date

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation
from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.enums import KIND_NAMES
from registry.models import Category, Department, Field, Region
from registry.spreadsheet import (
    BY_KEY, COLUMNS, DATA_SHEET, EXAMPLE_CODE, ITEM, MAX_BYTES, MAX_ROWS, RULE_NAMES, STANDARD, VERSION,
)

HELP_SHEET, OPTIONS_SHEET = "填写说明", "选项"
TEMPLATE_ROWS = MAX_ROWS + 1  # drop-downs cover every row an import may hold
COMMON_UNITS = (
    "元/人·天", "元/人·月", "元/人月", "元/人", "元/学时", "元/千字", "元/台", "元/辆", "万元/辆", "万元",
    "元/平方米·年", "元/功能点", "%", "系数", "遍/日", "小时/日", "次/日", "次/周", "年",
)
_LEVEL_FILLS = {STANDARD: "DDEBF7", VERSION: "E2EFDA", ITEM: "FCE4D6"}
_EXAMPLE = {
    "code": EXAMPLE_CODE, "kind": "财政支出标准", "field": "一般行政", "category": "会议费",
    "title": "会议费综合定额标准（示例）", "region": "青浦区", "department": "青浦区财政局",
    "effective_from": date(2025, 1, 1), "issuer": "青浦区财政局", "doc_no": "青财行〔2025〕1号",
    "version_note": "示例行：导入前请删除或改为您的数据", "item_key": "class2", "item_name": "二类会议综合定额",
    "rule": "上限", "unit": "元/人·天", "max": 650, "conditions": "会议类别=二类",
    "components": "住宿费=400;伙食费=150;其他费用=100",
}
_INSTRUCTIONS = (
    ("基本规则", "每行填写一个条目；标准代码相同的各行组成一个标准（同一版本），可以不相邻。"),
    ("标准级列（蓝色表头）", "标准代码、类型、领域、类别、标准名称、区域、主管部门：同一标准的各行须一致，后续行可留空。"),
    ("版本级列（绿色表头）", "生效日期、失效日期、发布机关、文号、依据链接、版本说明：同一标准的各行须一致，后续行可留空。"),
    ("条目级列（橙色表头）", "条目键、条目名称、规则、单位、数值、下限、上限、条件、分项、条目说明：每行各自填写。"),
    ("规则与数值", "上限 → 填“上限”；下限 → 填“下限”；区间 → 填“下限”和“上限”（下限不大于上限）；定额、费率、服务目标 → 填“数值”。"),
    ("金额", "可填数字或文本，最多 6 位小数，按原样精确保存；设置为百分比格式的单元格（显示 70%）记为 70，单位请填 %。"),
    ("条件", "键=值;键=值，如 会议类别=二类;职级=司局级（中文；＝ 亦可），也可填 JSON 对象。"),
    ("分项", "名称=金额;名称=金额，按顺序保存，如 住宿费=400;伙食费=150;其他费用=100；也可填 JSON。"),
    ("日期", "Excel 日期或文本 YYYY-MM-DD（2025/1/1 亦可）；失效日期为首个不再适用的日期（不含），留空为长期有效。"),
    ("已有的标准代码", "为该标准新建一个草稿版本：条目以文件为准（文件中没有的条目不再保留），生效期与依据以文件为准；"
                "标准级列须与已登记的一致；该标准已有未完成（草稿、待审、退回）的版本时不能导入。"),
    ("全部或全不", "导入前逐行检查；任何一行有错，整份文件都不写入，并列出每个错误的行号、列名和原因。"),
    ("权限", "部门填报人只能导入本部门的标准；可选择导入后立即提交审核。"),
    ("限制", f"文件 .xlsx 或 .csv（UTF-8 或 GBK 编码），不超过 {MAX_BYTES // 1024 // 1024} MB、{MAX_ROWS} 行。"),
    ("示例行", f"“标准条目”第 2 行是示例（标准代码 {EXAMPLE_CODE}），导入前请删除或覆盖；保留示例行的文件不会被导入。"),
)


def build_template(session: Session) -> bytes:
    """The template workbook: data sheet with one example row, instructions, hidden drop-down lists."""
    book = Workbook()
    sheet = book.active
    sheet.title = DATA_SHEET
    _write_data_sheet(sheet)
    _write_instructions(book.create_sheet(HELP_SHEET))
    options = book.create_sheet(OPTIONS_SHEET)
    options.sheet_state = "hidden"
    for index, (key, values) in enumerate(_option_lists(session).items(), start=1):
        sheet.add_data_validation(_drop_down(options, index, key, values))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _write_data_sheet(sheet) -> None:
    sheet.append([c.header for c in COLUMNS])
    sheet.append([_EXAMPLE.get(c.key) for c in COLUMNS])
    for index, column in enumerate(COLUMNS, start=1):
        letter = get_column_letter(index)
        head = sheet.cell(1, index)
        head.font = Font(bold=True, color="C00000" if column.required else "000000")
        head.fill = PatternFill("solid", fgColor=_LEVEL_FILLS[column.level])
        head.alignment = Alignment(horizontal="center")
        dimension = sheet.column_dimensions[letter]
        dimension.width = column.width
        if column.key in ("effective_from", "effective_to"):
            dimension.number_format = sheet.cell(2, index).number_format = "yyyy-mm-dd"
        elif column.key in ("code", "item_key"):
            dimension.number_format = "@"  # codes such as 001 must keep their zeros
    sheet.freeze_panes = "A2"


def _write_instructions(sheet) -> None:
    sheet.append(["成本预算绩效 标准库 · 批量导入填写说明"])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append([])
    for topic, text in _INSTRUCTIONS:
        sheet.append([topic, text])
    sheet.append([])
    sheet.append(["列名", "是否必填", "说明（红色表头为必填；也可使用英文列名）"])
    for column in COLUMNS:
        sheet.append([column.header, "必填" if column.required else "", f"{column.help}（英文列名 {column.key}）"])
    for row in sheet.iter_rows(min_row=3):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.column_dimensions["A"].width = 22
    sheet.column_dimensions["B"].width = 60
    sheet.column_dimensions["C"].width = 70


def _option_lists(session: Session) -> dict[str, list[str]]:
    def names(model) -> list[str]:
        return list(dict.fromkeys(session.scalars(select(model.name).order_by(model.position, model.id))))

    categories = session.scalars(
        select(Category.name).join(Field, Field.id == Category.field_id).order_by(Field.position, Category.position, Category.id)
    )
    return {
        "kind": list(KIND_NAMES.values()),
        "field": names(Field),
        "category": list(dict.fromkeys(categories)),
        "region": names(Region),
        "department": names(Department),
        "unit": list(COMMON_UNITS),
        "rule": list(RULE_NAMES.values()),
    }


def _drop_down(options, index: int, key: str, values: list[str]):
    letter = get_column_letter(index)
    options.cell(1, index, BY_KEY[key].header)
    for row, value in enumerate(values, start=2):
        options.cell(row, index, value)
    source = f"'{OPTIONS_SHEET}'!${letter}$2:${letter}${max(len(values), 1) + 1}"
    # Any unit may be typed (the list only helps); elsewhere codes are accepted too, so Excel
    # warns about a value outside the list but lets it through to the import's own checks.
    free_text = key == "unit"
    validation = DataValidation(
        type="list", formula1=source, allow_blank=True, showErrorMessage=not free_text,
        errorStyle="information" if free_text else "warning",
        errorTitle="取值不在列表中", error=f"请从下拉列表选择{BY_KEY[key].header}",
    )
    target = get_column_letter([c.key for c in COLUMNS].index(key) + 1)
    validation.add(f"{target}2:{target}{TEMPLATE_ROWS}")
    return validation
