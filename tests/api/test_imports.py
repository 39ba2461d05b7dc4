"""GET /api/v1/templates/standards.xlsx and POST /api/v1/imports/standards."""
from __future__ import annotations

import io

from openpyxl import load_workbook
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from tests.services.test_imports import counts, csv_bytes, meeting_row, xlsx_bytes

IMPORT = "/api/v1/imports/standards"


def _upload(client, data: bytes, name: str = "standards.xlsx", headers: dict | None = None, **form):
    # Encoded in memory: the test client would spool a large body to a temporary file that
    # it never closes when the server refuses the body unread.
    boundary, body = encode_multipart(MultiDict({"file": FileStorage(io.BytesIO(data), name), **form}))
    return client.post(IMPORT, data=body, content_type=f"multipart/form-data; boundary={boundary}", headers=headers or {})


def test_template_is_an_xlsx_download_built_from_the_taxonomy(client):
    response = client.get("/api/v1/templates/standards.xlsx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert response.headers["Content-Disposition"] == (
        "attachment; filename=\"standards-template.xlsx\"; "
        "filename*=UTF-8''%E6%A0%87%E5%87%86%E6%89%B9%E9%87%8F%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx"  # 标准批量导入模板
    )
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["标准条目", "填写说明", "选项"]
    assert book["标准条目"]["E2"].value == "会议费综合定额标准（示例）"


def test_any_role_may_download_the_template_but_a_reader_may_not_import(app, headers_for):
    client = app.test_client()
    assert client.get("/api/v1/templates/standards.xlsx", headers=headers_for("reader")).status_code == 200
    response = _upload(client, xlsx_bytes([meeting_row()]), headers=headers_for("reader"))
    assert response.status_code == 403 and response.json["code"] == "role_forbidden"


def test_import_writes_drafts_and_answers_with_the_report(client):
    rows = [meeting_row(), meeting_row(条目键="class3", 上限=550.5), meeting_row(标准代码="SP-IMP-2", 上限=0.1)]
    response = _upload(client, xlsx_bytes(rows))
    assert response.status_code == 201, response.json
    assert response.json == {
        "rows": 3, "standards": 2, "errors": [], "warnings": [],
        "created": [{"code": "SP-IMP-MEETING", "version": 1, "status": "draft", "items": 2},
                    {"code": "SP-IMP-2", "version": 1, "status": "draft", "items": 1}],
    }
    version = client.get("/api/v1/standards/SP-IMP-MEETING/versions/1").json
    assert [i["max"] for i in version["items"]] == ["650", "550.5"]
    assert version["items"][0]["components"][0] == {"name": "住宿费", "value": "400"}
    assert version["created_by"] == "admin-tester"
    assert client.get("/api/v1/standards/SP-IMP-2/versions/1").json["items"][0]["max"] == "0.1"


def test_csv_import_with_submit_leaves_versions_submitted(client):
    response = _upload(client, csv_bytes([meeting_row(), meeting_row(标准代码="SP-IMP-2")]), "标准.csv", submit="true")
    assert response.status_code == 201, response.json
    assert [c["status"] for c in response.json["created"]] == ["submitted", "submitted"]
    history = client.get("/api/v1/standards/SP-IMP-2/history").json
    assert [(e["action"], e["comment"]) for e in history] == [("created", "批量导入"), ("submitted", "批量导入")]


def test_bad_rows_get_422_with_every_row_and_nothing_is_written(app, client):
    rows = [meeting_row(), meeting_row(条目键="b", 上限=""), meeting_row(标准代码="SP-IMP-2", 区域="浦东新区")]
    before = counts(app)
    response = _upload(client, xlsx_bytes(rows))
    assert response.status_code == 422
    body = response.json
    assert (body["code"], body["status"], body["rows"], body["standards"]) == ("import_invalid", 422, 3, 2)
    assert body["message"].startswith("导入文件有 2 处错误（涉及 2 行），未写入任何内容")
    assert body["row_errors"] == [
        {"row": 3, "column": "上限", "message": "规则 ceiling 需要填写 max（上限）"},
        {"row": 4, "column": "区域", "message": "未知区域：浦东新区（请从下拉列表选择，或使用 /api/v1/taxonomy 中的名称或代码）"},
    ]
    assert body["errors"] == {"第3行 上限": ["规则 ceiling 需要填写 max（上限）"],
                              "第4行 区域": ["未知区域：浦东新区（请从下拉列表选择，或使用 /api/v1/taxonomy 中的名称或代码）"]}
    assert counts(app) == before


def test_a_submitter_imports_only_its_own_department(app, headers_for):
    client = app.test_client()
    headers = headers_for("submitter", department="greening")
    rows = [meeting_row(标准代码="CQ-OWN", 主管部门="青浦区绿化和市容管理局"), meeting_row(标准代码="SP-FIN")]
    response = _upload(client, xlsx_bytes(rows), headers=headers, submit="true")
    assert response.status_code == 422
    assert [(e["row"], e["column"]) for e in response.json["row_errors"]] == [(3, "主管部门")]
    response = _upload(client, xlsx_bytes(rows[:1]), headers=headers, submit="true")
    assert response.status_code == 201, response.json
    assert response.json["created"][0]["status"] == "submitted"


def test_existing_code_becomes_a_new_draft_version(client):
    assert _upload(client, xlsx_bytes([meeting_row()])).status_code == 201
    response = _upload(client, xlsx_bytes([meeting_row(上限="700")]))
    assert response.status_code == 422
    assert "已有未完成的版本 v1（草稿）" in response.json["row_errors"][0]["message"]


def test_oversized_unsupported_and_missing_files_are_refused(client):
    big = _upload(client, b"x" * (10 * 1024 * 1024 + 100 * 1024), "big.csv")
    assert big.status_code == 413 and big.json["code"] == "file_too_large" and "10 MB" in big.json["message"]
    old = _upload(client, b"\xd0\xcf\x11\xe0" + b"\0" * 100, "standards.xls")
    assert old.status_code == 415 and old.json["code"] == "unsupported_file_type" and ".xlsx" in old.json["message"]
    broken = _upload(client, b"PK\x03\x04 not really a zip", "standards.xlsx")
    assert broken.status_code == 422 and broken.json["code"] == "unreadable_file"
    missing = client.post(IMPORT, data={"submit": "true"}, content_type="multipart/form-data")
    assert missing.status_code == 422 and "file" in missing.json["errors"]
    unknown = _upload(client, csv_bytes([meeting_row()]), "x.csv", colour="red")
    assert unknown.status_code == 422 and "colour" in unknown.json["errors"]


def test_openapi_documents_the_multipart_body_and_the_download(client):
    paths = client.get("/openapi.json").json["paths"]
    body = paths["/api/v1/imports/standards"]["post"]["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert body["$ref"].endswith("/ImportUpload")
    schema = client.get("/openapi.json").json["components"]["schemas"]["ImportUpload"]
    assert (schema["properties"]["file"]["type"], schema["properties"]["file"]["format"]) == ("string", "binary")
    assert schema["properties"]["submit"]["type"] == "boolean" and schema["required"] == ["file"]
    assert set(paths["/api/v1/imports/standards"]["post"]["responses"]) >= {"201", "413", "415", "422"}
    template = paths["/api/v1/templates/standards.xlsx"]["get"]["responses"]["200"]["content"]
    assert "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" in template


def test_many_bad_rows_are_all_listed_while_the_errors_summary_stays_short(client):
    rows = [meeting_row(标准代码=f"SP-BAD-{n:03d}", 规则="封顶") for n in range(150)]
    body = _upload(client, xlsx_bytes(rows)).json
    assert len(body["row_errors"]) == 150 and body["row_errors"][-1]["row"] == 151
    assert len(body["errors"]) == 101 and body["errors"]["…"] == ["另有 50 处错误，完整列表见 row_errors"]
