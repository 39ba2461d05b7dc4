"""The proposal workbook: template, upload, and the same workbook answered with verdicts."""
from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from registry.compare.excel import COLUMNS, RESULTS, SHEET
from registry.spreadsheet import XLSX_MIMETYPE


def _proposal(rows: list[tuple]) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.title = SHEET
    sheet.append(list(COLUMNS.values()))
    for row in rows:
        sheet.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


ROWS = [
    ("L1", "SP-ADM-MEETING", None, "会议类别=二类", "年度工作会议", None, None, "元/人·天", 120, 700, None, None, "住宿费=450"),
    ("L2", None, None, None, "上海 住宿 司局级", None, None, "元/人·天", 10, 580, None, None, None),
    ("L3", "SP-ADM-OFFICE-EQUIP", "desktop", None, "台式计算机", None, None, "万元/台", 20, 0.55, None, None, None),
    ("L4", "SP-ADM-MEETING", None, None, None, None, None, None, 1, 1, None, None, None),
]


def test_template_has_headers_examples_and_help(client):
    response = client.get("/api/v1/templates/proposal.xlsx")
    assert response.status_code == 200 and response.mimetype == XLSX_MIMETYPE
    book = load_workbook(io.BytesIO(response.data))
    sheet = book[SHEET]
    assert [c.value for c in sheet[1]] == list(COLUMNS.values())
    assert sheet.max_row == 4 and "填写说明" in book.sheetnames


def test_upload_answers_the_same_workbook_with_verdicts(seeded, client):
    data = {"file": (io.BytesIO(_proposal(ROWS)), "proposal.xlsx"), "as_of": "2025-03-01", "region": "青浦区"}
    response = client.post("/api/v1/compare", data=data, content_type="multipart/form-data",
                           headers={"Accept": XLSX_MIMETYPE})
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    book = load_workbook(io.BytesIO(response.data))
    sheet = book[SHEET]
    headers = [c.value for c in sheet[1]]
    assert headers[len(COLUMNS):] == list(RESULTS)
    results = {row[0].value: row[len(COLUMNS):] for row in sheet.iter_rows(min_row=2)}
    verdict, low, high, deviation, excess, code, version, doc_no, message = (c.value for c in results["L1"])
    assert (verdict, high, deviation, excess, code, version) == ("超标", 650, 7.69, 6000, "SP-ADM-MEETING", 1)
    assert sheet["A2"].fill.fgColor.rgb.endswith("F8CBAD")  # over-limit rows are highlighted
    assert results["L2"][0].value == "符合" and results["L2"][5].value == "SP-ADM-LODGING-SH"
    assert (results["L3"][0].value, results["L3"][2].value) == ("超标", 0.5)
    assert results["L4"][0].value == "行有误" and "unit" in results["L4"][8].value
    summary = {row[0].value: row[1].value for row in book["汇总"].iter_rows()}
    assert summary["超标金额（元）"] == 6000 + 10000 and summary["行数"] == 4


def test_upload_without_accept_answers_json_and_csv_works(seeded, client):
    csv_text = "行号,标准代码,条件,单位,数量,单价\nL1,SP-ADM-MEETING,会议类别=二类,元/人·天,120,700\n"
    data = {"file": (io.BytesIO(csv_text.encode()), "proposal.csv"), "as_of": "2025-03-01"}
    answer = client.post("/api/v1/compare", data=data, content_type="multipart/form-data").json
    assert answer["summary"]["excess_amount"] == "6000.00"
    missing = client.post("/api/v1/compare", data={"file": (io.BytesIO(csv_text.encode()), "p.csv")},
                          content_type="multipart/form-data")
    assert missing.status_code == 422 and "as_of" in missing.json["errors"]


def test_cli_compare_writes_the_answered_workbook(seeded, tmp_path):
    source, target = tmp_path / "proposal.xlsx", tmp_path / "result.xlsx"
    source.write_bytes(_proposal(ROWS))
    result = seeded.test_cli_runner().invoke(
        args=["registry", "compare", str(source), "--as-of", "2025-03-01", "-o", str(target)])
    assert result.exit_code == 0, result.output
    assert "超标" in result.output and "16000.00" in result.output
    sheet = load_workbook(target)[SHEET]
    assert sheet.cell(row=2, column=len(COLUMNS) + 1).value == "超标"
