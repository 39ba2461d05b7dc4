"""Issue 3's scenario, end to end as a new user would go: CLI tokens, Excel upload, review."""
from __future__ import annotations

import io

from tests.services.test_imports import meeting_row, xlsx_bytes


def _token(app, *args: str) -> dict:
    output = app.test_cli_runner().invoke(args=["registry", "token", "create", *args]).output
    return {"Authorization": f"Bearer {output.strip().splitlines()[-1]}"}


def test_department_submits_five_standards_the_bureau_reviews_them(app):
    client = app.test_client()
    submitter = _token(app, "--name", "财政局填报员", "--role", "submitter", "--department", "finance")
    reviewer = _token(app, "--name", "预算科审核员", "--role", "reviewer")
    template = client.get("/api/v1/templates/standards.xlsx", headers=submitter)
    assert template.status_code == 200
    rows = [meeting_row(标准代码=f"SP-DEPT-{n}", 标准名称=f"部门标准 {n}", 生效日期=f"202{n}-01-01") for n in range(1, 6)]
    upload = client.post("/api/v1/imports/standards", headers=submitter, content_type="multipart/form-data",
                         data={"file": (io.BytesIO(xlsx_bytes(rows)), "filled.xlsx"), "submit": "true"})
    assert upload.status_code == 201, upload.json
    assert [c["status"] for c in upload.json["created"]] == ["submitted"] * 5

    inbox = client.get("/api/v1/reviews/pending", headers=reviewer).json
    assert sorted(r["code"] for r in inbox["items"]) == [f"SP-DEPT-{n}" for n in range(1, 6)]

    def act(code, action, who, **extra):
        return client.post(f"/api/v1/standards/{code}/versions/1/transitions", json={"action": action, **extra}, headers=who)

    assert act("SP-DEPT-1", "return", reviewer, comment="上限依据不足，请补充测算").status_code == 200
    own = act("SP-DEPT-2", "confirm", submitter)
    assert own.status_code == 403  # a submitter may not confirm at all, let alone its own
    for n in range(2, 6):
        assert act(f"SP-DEPT-{n}", "confirm", reviewer, comment="研究确认").status_code == 200
        assert act(f"SP-DEPT-{n}", "publish", reviewer, doc_no=f"青财预〔2026〕{n}号").status_code == 200

    history = client.get("/api/v1/standards/SP-DEPT-2/history", headers=submitter).json
    assert [(e["action"], e["actor"]) for e in history] == [
        ("created", "财政局填报员"), ("submitted", "财政局填报员"), ("confirmed", "预算科审核员"), ("published", "预算科审核员"),
    ]
    returned = client.get("/api/v1/standards/SP-DEPT-1/history", headers=submitter).json
    assert returned[-1]["action"] == "returned" and returned[-1]["comment"] == "上限依据不足，请补充测算"

    url = "/api/v1/standards/SP-DEPT-1/versions/1"
    etag = client.get(url, headers=submitter).headers["ETag"]
    assert client.patch(url, json={"note": "已补充"}, headers={**submitter, "If-Match": etag}).status_code == 200
    stale = client.patch(url, json={"note": "旧"}, headers={**submitter, "If-Match": etag})
    assert stale.status_code == 412
