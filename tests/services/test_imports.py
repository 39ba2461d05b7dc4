"""Bulk import: reading cells exactly, checking every row, writing all or nothing."""
from __future__ import annotations

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from openpyxl import Workbook, load_workbook
from sqlalchemy import func, select

from registry.actor import Actor
from registry.cli_import import import_command
from registry.db import get_db
from registry.enums import Status
from registry.errors import ValidationFailed
from registry.models import Event, Item, Standard, Version
from registry.services import imports
from registry.spreadsheet import COLUMNS, DATA_SHEET, MAX_ROWS, FileTooLarge, UnsupportedFile, read_table
from registry.spreadsheet_template import build_template

ADMIN = Actor("importer", "admin")
HEADERS = [c.header for c in COLUMNS]


def meeting_row(**overrides) -> dict:
    """One valid row, keyed by the template's Chinese headers."""
    row = {
        "标准代码": "SP-IMP-MEETING", "类型": "财政支出标准", "领域": "一般行政", "类别": "会议费",
        "标准名称": "会议费综合定额（导入）", "区域": "青浦区", "主管部门": "青浦区财政局", "生效日期": "2025-01-01",
        "发布机关": "青浦区财政局", "文号": "青财行〔2025〕9号", "条目键": "class2", "条目名称": "二类会议综合定额",
        "规则": "上限", "单位": "元/人·天", "上限": "650", "条件": "会议类别=二类", "分项": "住宿费=400;伙食费=150;其他费用=100",
    }
    row.update(overrides)
    return row


def xlsx_bytes(rows: list[dict], headers: list[str] | None = None) -> bytes:
    """A workbook like the template's data sheet; values keep their Python types (float, date…)."""
    headers = headers or HEADERS
    book = Workbook(write_only=True)
    sheet = book.create_sheet(DATA_SHEET)
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[dict], headers: list[str] | None = None, encoding: str = "utf-8") -> bytes:
    headers = headers or HEADERS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([[row.get(h, "") for h in headers] for row in rows])
    return buffer.getvalue().encode(encoding)


def _saved(book) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def run_import(app, data: bytes, name: str = "standards.xlsx", actor: Actor = ADMIN, submit: bool = False):
    """(report, None) when written, (None, errors as (row, column) → message) when refused."""
    with app.app_context():
        try:
            with get_db().write() as session:
                return imports.import_standards(session, read_table(data, name), actor, submit=submit), None
        except imports.ImportInvalid as exc:
            return None, {(e.row, e.column): e.message for e in exc.report.errors}


def counts(app) -> dict[str, int]:
    with app.app_context(), get_db().read() as session:
        return {m.__tablename__: session.scalar(select(func.count()).select_from(m)) for m in (Standard, Version, Item, Event)}


def items_of(app, code: str, number: int = 1) -> dict[str, Item]:
    with app.app_context(), get_db().read() as session:
        version = session.scalars(select(Version).join(Standard).where(Standard.code == code, Version.number == number)).one()
        return {i.key: i for i in session.scalars(select(Item).where(Item.version_id == version.id).order_by(Item.position))}


# --- reading cells ---------------------------------------------------------------------------

def test_xlsx_numbers_dates_and_percentages_are_read_as_exact_text():
    row = meeting_row(上限=0.1, 下限=1234567.123456, 数值=650, 生效日期=date(2025, 3, 1), 失效日期="2026/1/1")
    table = read_table(xlsx_bytes([row]), "x.xlsx")
    cells = table.rows[0].cells
    assert (cells["max"], cells["min"], cells["value"]) == ("0.1", "1234567.123456", "650")
    assert (cells["effective_from"], cells["effective_to"]) == ("2025-03-01", "2026/1/1")

    book = load_workbook(io.BytesIO(xlsx_bytes([row])))
    book[DATA_SHEET]["R2"] = 0.7  # 数值
    book[DATA_SHEET]["R2"].number_format = "0%"  # shows 70%: the registry writes 70 with unit %
    assert read_table(_saved(book), "x.xlsx").rows[0].cells["value"] == "70"


def test_csv_in_gbk_with_english_headers_and_blank_lines_keeps_row_numbers():
    headers = "code kind field category title region department item_key item_name rule unit max".split()
    values = "SP-X spending admin admin.meeting 标题 qingpu finance k 条目 ceiling 元/人·天 650".split()
    rows = [dict(zip(headers, values))]
    text = csv_bytes(rows, headers).decode() + "\n" + csv_bytes(rows, headers).decode().splitlines()[1] + "\n"
    table = read_table(text.encode("gb18030"), "standards.csv")
    assert table.problems == [] and table.headers["max"] == "max"
    assert [r.number for r in table.rows] == [2, 4]  # the blank line 3 still counts
    assert table.rows[0].cells["title"] == "标题"


def test_files_that_are_not_xlsx_or_csv_too_large_or_too_long_are_refused():
    with pytest.raises(UnsupportedFile):
        read_table(b"\xd0\xcf\x11\xe0 old excel", "standards.xls")
    with pytest.raises(FileTooLarge):
        read_table(b"x" * (10 * 1024 * 1024 + 1), "big.csv")
    with pytest.raises(ValidationFailed, match="第 3 行的列数多于表头"):
        read_table("标准代码,类型\nA,b\nC,d,e,f\n".encode(), "ragged.csv")
    long = "标准代码\n" + "A\n" * (MAX_ROWS + 1)
    with pytest.raises(FileTooLarge, match="50000"):
        read_table(long.encode(), "long.csv")


def test_header_problems_are_reported_once_on_row_1():
    headers = [h for h in HEADERS if h != "单位"] + ["颜色", "上限"]
    table = read_table(csv_bytes([meeting_row()], headers), "x.csv")
    assert {(p.row, p.column, p.message) for p in table.problems} == {
        (1, "颜色", "无法识别的列名：颜色（可用列名见模板“填写说明”）"),
        (1, "上限", "列名重复：上限"),
        (1, "单位", "缺少必填列：单位"),
    }


# --- the template ------------------------------------------------------------------------------

def test_template_has_headers_one_example_instructions_and_drop_downs(app):
    with app.app_context(), get_db().read() as session:
        book = load_workbook(io.BytesIO(build_template(session)))
    assert book.sheetnames == ["标准条目", "填写说明", "选项"]
    sheet = book["标准条目"]
    assert [c.value for c in sheet[1]] == HEADERS and sheet["A1"].font.b and sheet.freeze_panes == "A2"
    assert sheet.max_row == 2 and sheet["A2"].value == "SP-EXAMPLE-MEETING" and sheet["T2"].value == 650
    assert book["选项"].sheet_state == "hidden"
    lists = {str(v.sqref).split(":")[0].rstrip("0123456789"): v for v in sheet.data_validations.dataValidation}
    assert set(lists) == {"B", "C", "D", "F", "G", "P", "Q"}  # 类型 领域 类别 区域 主管部门 规则 单位
    assert lists["Q"].showErrorMessage is False and lists["Q"].errorStyle == "information"
    options = book["选项"]
    assert [options.cell(r, 1).value for r in range(2, 5)] == ["公共服务标准", "成本定额标准", "财政支出标准"]
    assert "青浦区财政局" in [c.value for c in options["E"]] and "元/人·天" in [c.value for c in options["F"]]
    assert "条件" in "".join(str(c.value) for c in book["填写说明"]["A"])


def test_the_template_example_is_valid_but_refused_if_left_in(app):
    with app.app_context(), get_db().read() as session:
        book = load_workbook(io.BytesIO(build_template(session)))
    _, errors = run_import(app, _saved(book))
    assert errors == {(2, "标准代码"): "这是模板中的示例行，请删除或改为您的数据后再导入"}
    book["标准条目"]["A2"] = "SP-MY-MEETING"  # the same row under a real code is a valid standard
    report, errors = run_import(app, _saved(book))
    assert errors is None
    assert report.created == [{"code": "SP-MY-MEETING", "version": 1, "status": "draft", "items": 1}]
    assert items_of(app, "SP-MY-MEETING")["class2"].max == Decimal("650")



# --- importing ---------------------------------------------------------------------------------

def test_filled_template_of_five_standards_imports_as_drafts_with_exact_decimals(app):
    with app.app_context(), get_db().read() as session:
        book = load_workbook(io.BytesIO(build_template(session)))
    sheet = book["标准条目"]
    sheet.delete_rows(2)
    for n in range(5):
        for key, limit in (("a", 0.1 + n), ("b", 1234567.123456)):
            row = meeting_row(标准代码=f"SP-IMP-{n}", 条目键=key, 上限=limit, 生效日期=date(2025, 1, 1))
            sheet.append([row.get(h) for h in HEADERS])

    report, errors = run_import(app, _saved(book))
    assert errors is None
    assert (report.rows, report.standards) == (10, 5)
    assert [(c["code"], c["version"], c["status"], c["items"]) for c in report.created] == [
        (f"SP-IMP-{n}", 1, "draft", 2) for n in range(5)
    ]
    items = items_of(app, "SP-IMP-3")
    assert items["a"].max == Decimal("3.1") and items["b"].max == Decimal("1234567.123456")
    assert items["a"].conditions == {"会议类别": "二类"}
    assert items["a"].components == [{"name": "住宿费", "value": "400"}, {"name": "伙食费", "value": "150"},
                                     {"name": "其他费用", "value": "100"}]
    assert counts(app) == {"standards": 5, "versions": 5, "items": 10, "events": 5}


def test_csv_with_api_values_json_cells_and_inherited_blank_cells(app):
    first = meeting_row(类型="spending", 规则="ceiling", 条件='{"会议类别": "一类"}', 分项='{"住宿费": 500, "伙食费": 150}')
    second = {"标准代码": "SP-IMP-MEETING", "条目键": "class3", "条目名称": "三类", "规则": "区间", "单位": "元/人·天",
              "下限": "1,200", "上限": "1300.50", "条件": "会议类别＝三类；职级=处级"}
    report, errors = run_import(app, csv_bytes([first, second]), "x.csv")
    assert errors is None and report.created[0]["items"] == 2
    items = items_of(app, "SP-IMP-MEETING")
    assert items["class2"].components == [{"name": "住宿费", "value": "500"}, {"name": "伙食费", "value": "150"}]
    assert (items["class3"].min, items["class3"].max) == (Decimal("1200"), Decimal("1300.5"))
    assert items["class3"].conditions == {"会议类别": "三类", "职级": "处级"}


def test_submit_at_once_leaves_every_version_submitted(app):
    rows = [meeting_row(标准代码=f"SP-IMP-{n}") for n in range(3)]
    report, errors = run_import(app, xlsx_bytes(rows), submit=True)
    assert errors is None
    assert {c["status"] for c in report.created} == {"submitted"}
    with app.app_context(), get_db().read() as session:
        actions = session.scalars(select(Event.action).order_by(Event.seq)).all()
        assert set(session.scalars(select(Version.status))) == {Status.SUBMITTED}
    assert actions == ["created"] * 3 + ["submitted"] * 3


def test_ten_thousand_rows_with_three_bad_rows_write_nothing_and_report_exactly_those(app):
    rows = [meeting_row(标准代码=f"CQ-BULK-{n:05d}", 上限=f"{n}.5") for n in range(10_000)]
    rows[1500]["上限"] = ""  # a ceiling without its max → Excel row 1502
    rows[5001]["类别"] = "绿化养护"  # a category of another field → row 5003
    rows[9997].update(规则="区间", 下限="900", 上限="500")  # min above max → row 9999
    before = counts(app)
    report, errors = run_import(app, csv_bytes(rows), "bulk.csv")
    assert report is None
    assert sorted(errors) == [(1502, "上限"), (5003, "类别"), (9999, "下限")]
    assert errors[(5003, "类别")] == "领域“一般行政”下没有类别：绿化养护"
    assert errors[(9999, "下限")] == "下限 900 大于上限 500"
    assert counts(app) == before


BAD_CELLS = [
    # (why, overrides, (row, column), message fragment)
    ("unknown rule", {"规则": "封顶"}, "规则", "未知规则：封顶"),
    ("unknown kind", {"类型": "税收标准"}, "类型", "未知类型"),
    ("amount is text", {"上限": "六百五"}, "上限", "应为数字"),
    ("too many decimals", {"上限": "1.1234567"}, "上限", "最多 6 位小数"),
    ("bad date", {"生效日期": "2025-02-30"}, "生效日期", "真实日期"),
    ("period reversed", {"失效日期": "2024-01-01"}, "失效日期", "应晚于生效日期"),
    ("bad conditions", {"条件": "会议类别"}, "条件", "键=值"),
    ("bad components JSON", {"分项": "[1, 2"}, "分项", "不是有效的 JSON"),
    ("component without amount", {"分项": "住宿费=四百"}, "分项", "应为数字"),
    ("unknown region", {"区域": "浦东新区"}, "区域", "未知区域：浦东新区"),
    ("unknown department", {"主管部门": "nowhere"}, "主管部门", "未知部门"),
    ("bad code", {"标准代码": "bad code"}, "标准代码", "标准代码格式"),
    ("missing title", {"标准名称": ""}, "标准名称", "必填"),
    ("missing unit", {"单位": ""}, "单位", "必填"),
]


@pytest.mark.parametrize("why,overrides,column,fragment", BAD_CELLS, ids=[c[0] for c in BAD_CELLS])
def test_each_bad_cell_is_reported_at_its_row_and_column(app, why, overrides, column, fragment):
    rows = [meeting_row(条目键="ok"), meeting_row(条目键="bad", **overrides)]
    if column in ("类型", "区域", "主管部门", "标准名称", "生效日期", "失效日期"):
        rows[0] = meeting_row(标准代码="SP-OTHER")  # standard-level: the bad row must be a standard's first
    _, errors = run_import(app, xlsx_bytes(rows))
    assert list(errors) == [(3, column)], errors
    assert fragment in errors[(3, column)]


def test_rows_of_one_code_must_agree_and_item_keys_must_differ(app):
    rows = [meeting_row(), meeting_row(条目键="x", 标准名称="另一个名称", 区域="qingpu"), meeting_row()]
    _, errors = run_import(app, xlsx_bytes(rows))
    assert sorted(errors) == [(3, "标准名称"), (4, "条目键")]  # 区域 qingpu = 青浦区: the same region
    assert errors[(3, "标准名称")].startswith("与第 2 行不一致")
    assert errors[(4, "条目键")] == "条目键 class2 重复"


def test_empty_files_and_rows_without_code(app):
    assert run_import(app, csv_bytes([]), "x.csv")[1] == {(1, ""): "文件中没有数据行：第 1 行为表头，数据从第 2 行开始"}
    assert run_import(app, b"", "x.csv")[1] == {(1, ""): "文件为空：第 1 行应为表头（可下载模板填写）"}
    assert list(run_import(app, xlsx_bytes([meeting_row(), meeting_row(标准代码="", 条目键="b")]))[1]) == [(3, "标准代码")]


def test_submitter_may_import_only_its_own_department(app):
    submitter = Actor("城管填报人", "submitter", "greening")
    rows = [meeting_row(标准代码="CQ-OWN", 主管部门="greening"), meeting_row(标准代码="SP-A"), meeting_row(标准代码="SP-B")]
    _, errors = run_import(app, xlsx_bytes(rows), actor=submitter)
    assert sorted(errors) == [(3, "主管部门"), (4, "主管部门")]
    assert "只能新建或修改本部门" in errors[(3, "主管部门")]
    assert counts(app)["standards"] == 0
    report, errors = run_import(app, xlsx_bytes(rows[:1]), actor=submitter, submit=True)
    assert report.created[0]["status"] == "submitted"


def test_existing_code_gets_a_new_draft_whose_items_are_the_files(app):
    run_import(app, xlsx_bytes([meeting_row(), meeting_row(条目键="class3", 上限="550")]))
    with app.app_context(), get_db().write() as session:
        session.scalars(select(Version)).one().status = Status.PUBLISHED
    rows = [meeting_row(条目键="class4", 上限="500", 文号="青财行〔2026〕1号", 生效日期="2026-01-01"),
            {"标准代码": "SP-IMP-MEETING", "条目键": "class2", "条目名称": "二类", "规则": "上限", "单位": "元/人·天", "上限": "700"}]
    report, errors = run_import(app, xlsx_bytes(rows))
    assert errors is None
    assert report.created == [{"code": "SP-IMP-MEETING", "version": 2, "status": "draft", "items": 2}]
    assert "已新建草稿版本 v2" in report.warnings[0]["message"]
    items = items_of(app, "SP-IMP-MEETING", 2)
    assert [(k, i.max) for k, i in items.items()] == [("class4", Decimal("500")), ("class2", Decimal("700"))]
    with app.app_context(), get_db().read() as session:
        event = session.scalars(select(Event).order_by(Event.seq.desc())).first()
        assert (event.action, event.version, event.details) == ("version_created", 2, {"from_version": 1})

    _, errors = run_import(app, xlsx_bytes([meeting_row(标准名称="改名", 类别="培训费")]))
    assert errors[(2, "标准代码")].startswith("标准 SP-IMP-MEETING 已有未完成的版本 v2（草稿）")
    assert "已登记为“会议费综合定额（导入）”" in errors[(2, "标准名称")]
    assert "已登记为“会议费”" in errors[(2, "类别")]


# --- the command line ----------------------------------------------------------------------------

def test_cli_imports_a_file_and_exits_non_zero_when_nothing_was_written(app, tmp_path):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.csv"
    good.write_bytes(xlsx_bytes([meeting_row(标准代码=f"SP-CLI-{n}") for n in range(2)]))
    bad.write_bytes(csv_bytes([meeting_row(标准代码="SP-CLI-X", 规则="封顶")]))
    runner = app.test_cli_runner()

    result = runner.invoke(import_command, [str(good), "--actor", "张三", "--submit"])
    assert result.exit_code == 0, result.output
    assert "已导入：2 个标准、2 个条目（2 行），状态 submitted" in result.output

    result = runner.invoke(import_command, [str(bad)])
    assert result.exit_code == 1
    assert "未写入任何内容：1 处错误" in result.output and "规则" in result.output and "未知规则：封顶" in result.output
    assert counts(app)["standards"] == 2

    result = runner.invoke(import_command, [str(good), "--role", "submitter"])
    assert result.exit_code == 2 and "--department" in result.output


def test_a_zip_bomb_is_refused_before_it_is_opened():
    import zipfile as _zip

    buffer = io.BytesIO()
    with _zip.ZipFile(buffer, "w", compression=_zip.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/worksheets/sheet1.xml", "<a>" + " " * (300 * 1024 * 1024) + "</a>")  # 300 MB of spaces
    data = buffer.getvalue()
    assert len(data) < 2 * 1024 * 1024  # small on the wire
    with pytest.raises(FileTooLarge):
        read_table(data, "bomb.xlsx")


def test_an_unreadable_unit_is_imported_and_reported(app):
    """Imported as the file says, but the report says comparisons will call it unit_mismatch."""
    def unit_warnings(report):
        return [(w["code"], w["version"]) for w in report.warnings if w["kind"] == "unit" and "元/场次/周" in w["message"]]

    draft, _ = run_import(app, xlsx_bytes([meeting_row(), meeting_row(条目键="class3", 单位="元/场次/周", 条件="会议类别=三类")]))
    assert unit_warnings(draft) == [("SP-IMP-MEETING", 1)]
    assert items_of(app, "SP-IMP-MEETING", 1)["class3"].unit == "元/场次/周"
    submitted, _ = run_import(app, xlsx_bytes([meeting_row(标准代码="SP-IMP-TWO", 单位="元/场次/周")]), submit=True)
    assert submitted.created[0]["status"] == "submitted" and unit_warnings(submitted) == [("SP-IMP-TWO", 1)]
