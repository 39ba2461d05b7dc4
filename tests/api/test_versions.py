"""Drafts, edits guarded by If-Match, immutability, diffs and history."""
from __future__ import annotations

from datetime import date

from registry.enums import Status
from tests.api.test_standards import _publish
from tests.factories import standard_payload

BASE = "/api/v1/standards/SP-TEST-MEETING"


def _create(client, headers=None):
    response = client.post("/api/v1/standards", json=standard_payload(), headers=headers)
    assert response.status_code == 201, response.json


def test_patch_requires_if_match_and_rejects_stale_etags(client):
    _create(client)
    etag = client.get(f"{BASE}/versions/1").headers["ETag"]
    missing = client.patch(f"{BASE}/versions/1", json={"note": "改"})
    assert missing.status_code == 428 and missing.json["code"] == "if_match_required"
    ok = client.patch(f"{BASE}/versions/1", json={"note": "第一次修改"}, headers={"If-Match": etag})
    assert ok.status_code == 200, ok.json
    assert ok.json["note"] == "第一次修改" and ok.headers["ETag"] != etag
    stale = client.patch(f"{BASE}/versions/1", json={"note": "基于旧版本的修改"}, headers={"If-Match": etag})
    assert stale.status_code == 412 and stale.json["code"] == "stale_etag"
    assert client.get(f"{BASE}/versions/1").json["note"] == "第一次修改"  # the stale write changed nothing


def test_patch_upserts_and_removes_items_by_key(client):
    _create(client)
    etag = client.get(f"{BASE}/versions/1").headers["ETag"]
    changes = {
        "items": [
            {"key": "class2", "name": "二类会议综合定额", "rule": "ceiling", "unit": "元/人·天", "max": "660"},
            {"key": "class1", "name": "一类会议综合定额", "rule": "ceiling", "unit": "元/人·天", "max": "760"},
        ],
        "remove_items": ["class3"],
        "basis": {"doc_no": "青财测〔2026〕2号"},
        "effective_from": "2026-01-01",
    }
    body = client.patch(f"{BASE}/versions/1", json=changes, headers={"If-Match": etag}).json
    assert [(i["key"], i["max"]) for i in body["items"]] == [("class2", "660"), ("class1", "760")]
    assert body["items"][0]["components"] == []  # an upsert replaces the whole item
    assert body["basis"] == {"issuer": "青浦区财政局", "doc_no": "青财测〔2026〕2号", "url": "https://example.invalid/meeting"}
    assert body["effective_from"] == "2026-01-01"


def test_items_only_change_still_moves_the_etag(client):
    _create(client)
    etag = client.get(f"{BASE}/versions/1").headers["ETag"]
    response = client.patch(f"{BASE}/versions/1", json={"remove_items": ["class3"]}, headers={"If-Match": etag})
    assert response.status_code == 200
    again = client.patch(f"{BASE}/versions/1", json={"note": "x"}, headers={"If-Match": etag})
    assert again.status_code == 412


def test_confirmed_versions_are_immutable(app, client):
    _create(client)
    _publish(app, "SP-TEST-MEETING", 1, date(2025, 1, 1), status=Status.CONFIRMED)
    etag = client.get(f"{BASE}/versions/1").headers["ETag"]
    response = client.patch(f"{BASE}/versions/1", json={"note": "篡改"}, headers={"If-Match": etag})
    assert response.status_code == 409 and response.json["code"] == "version_immutable"
    assert "已确认" in response.json["message"]
    assert client.get(f"{BASE}/versions/1").json["note"] == "测试用"


def test_service_refuses_to_edit_a_published_version(app):
    """The rule lives in the service, not only in the HTTP layer."""
    import pytest

    from registry.actor import Actor
    from registry.db import get_db
    from registry.errors import Conflict
    from registry.services import standards, versions

    with app.app_context():
        with get_db().write() as session:
            standards.create_standard(session, _loaded_payload(), Actor("t", "admin"))
        _publish(app, "SP-TEST-MEETING", 1, date(2025, 1, 1))
        with get_db().write() as session:
            version = versions.get_version(session, "SP-TEST-MEETING", 1)
            with pytest.raises(Conflict):
                versions.edit_draft(session, "SP-TEST-MEETING", 1, {"note": "x"}, version.etag, Actor("t", "admin"))


def _loaded_payload() -> dict:
    from schemas.standards import StandardCreateSchema

    return StandardCreateSchema().load(standard_payload())


def test_new_draft_copies_latest_and_only_one_unfinished_at_a_time(app, client):
    _create(client)
    refused = client.post(f"{BASE}/versions", json={})
    assert refused.status_code == 409 and refused.json["code"] == "unfinished_version_exists"
    _publish(app, "SP-TEST-MEETING", 1, date(2025, 1, 1))
    draft = client.post(f"{BASE}/versions", json={"effective_from": "2027-01-01", "note": "2027 修订"})
    assert draft.status_code == 201, draft.json
    assert draft.headers["Location"].endswith(f"{BASE}/versions/2")
    body = draft.json
    assert body["number"] == 2 and body["status"] == "draft" and body["note"] == "2027 修订"
    assert [i["key"] for i in body["items"]] == ["class2", "class3"]
    assert body["basis"]["doc_no"] == "青财测〔2026〕1号"
    listing = client.get(f"{BASE}/versions").json
    assert [(v["number"], v["status"]) for v in listing["versions"]] == [(1, "published"), (2, "draft")]


def test_diff_reports_added_removed_and_changed_items(app, client):
    _create(client)
    _publish(app, "SP-TEST-MEETING", 1, date(2025, 1, 1))
    changes = {
        "items": [
            {"key": "class2", "name": "二类会议综合定额", "rule": "ceiling", "unit": "元/人·天", "max": "700",
             "conditions": {"会议类别": "二类"},
             "components": [{"name": "住宿费", "value": "450"}, {"name": "伙食费", "value": "150"}, {"name": "其他费用", "value": "100"}]},
            {"key": "class1", "name": "一类会议综合定额", "rule": "ceiling", "unit": "元/人·天", "max": "760"},
        ],
        "remove_items": ["class3"],
        "basis": {"doc_no": "青财测〔2027〕1号"},
    }
    client.post(f"{BASE}/versions", json=changes)
    diff = client.get(f"{BASE}/versions/2/diff?against=1").json
    assert [i["key"] for i in diff["added"]] == ["class1"] and diff["added"][0]["max"] == "760"
    assert [i["key"] for i in diff["removed"]] == ["class3"]
    assert diff["changed"] == [{
        "key": "class2",
        "changes": {
            "max": {"old": "650", "new": "700"},
            "components": {
                "old": [{"name": "住宿费", "value": "400"}, {"name": "伙食费", "value": "150"}, {"name": "其他费用", "value": "100"}],
                "new": [{"name": "住宿费", "value": "450"}, {"name": "伙食费", "value": "150"}, {"name": "其他费用", "value": "100"}],
            },
        },
    }]
    assert diff["version_changes"]["doc_no"] == {"old": "青财测〔2026〕1号", "new": "青财测〔2027〕1号"}
    assert diff["version_changes"]["effective_from"] == {"old": "2025-01-01", "new": None}
    assert diff["unchanged"] == 0
    assert client.get(f"{BASE}/versions/2/diff?against=9").status_code == 404


def test_history_lists_every_change_with_actor_in_order(app, client, headers_for):
    _create(client, headers_for("submitter", department="finance", name="张三"))
    etag = client.get(f"{BASE}/versions/1").headers["ETag"]
    client.patch(f"{BASE}/versions/1", json={"note": "改", "comment": "补充说明"},
                 headers={"If-Match": etag, **headers_for("reviewer", name="李四")})
    events = client.get(f"{BASE}/history").json
    assert [(e["action"], e["actor"], e["actor_role"], e["version"], e["to_status"]) for e in events] == [
        ("created", "张三", "submitter", 1, "draft"), ("edited", "李四", "reviewer", 1, "draft"),
    ]
    assert events[0]["seq"] < events[1]["seq"]
    assert events[1]["comment"] == "补充说明"
    assert events[1]["details"]["fields"] == ["note"]
