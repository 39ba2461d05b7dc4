"""Submit → return/confirm → publish → supersede/retire, with roles, four eyes and periods."""
from __future__ import annotations

import pytest

from tests.factories import standard_payload

BASE = "/api/v1/standards/SP-TEST-MEETING"


@pytest.fixture
def people(headers_for):
    return {
        "submitter": headers_for("submitter", department="finance", name="财政局填报员"),
        "other_dept": headers_for("submitter", department="greening", name="绿化局填报员"),
        "reviewer": headers_for("reviewer", name="审核员甲"),
        "reviewer2": headers_for("reviewer", name="审核员乙"),
        "reader": headers_for("reader", name="读者"),
    }


def _act(client, who, action, number=1, code="SP-TEST-MEETING", **body):
    return client.post(f"/api/v1/standards/{code}/versions/{number}/transitions",
                       json={"action": action, **body}, headers=who)


def _create(client, who, **overrides):
    response = client.post("/api/v1/standards", json=standard_payload(**overrides), headers=who)
    assert response.status_code == 201, response.json
    return response


def test_full_review_cycle_with_history(client, people):
    _create(client, people["submitter"])
    assert _act(client, people["submitter"], "submit", comment="请审核").json["version"]["status"] == "submitted"
    returned = _act(client, people["reviewer"], "return", comment="二类会议住宿费分项有误")
    assert returned.status_code == 200 and returned.json["version"]["status"] == "returned"
    etag = client.get(f"{BASE}/versions/1").headers["ETag"]
    fix = {"items": [{"key": "class2", "name": "二类会议综合定额", "rule": "ceiling", "unit": "元/人·天", "max": "650",
                      "components": [{"name": "住宿费", "value": "400"}]}]}
    assert client.patch(f"{BASE}/versions/1", json=fix, headers={**people["submitter"], "If-Match": etag}).status_code == 200
    assert _act(client, people["submitter"], "submit").status_code == 200
    confirmed = _act(client, people["reviewer"], "confirm", comment="研究确认")
    assert confirmed.status_code == 200, confirmed.json
    published = _act(client, people["reviewer2"], "publish", doc_no="青财预〔2026〕12号", effective_from="2026-01-01")
    assert published.status_code == 200, published.json
    body = published.json["version"]
    assert (body["status"], body["basis"]["doc_no"], body["effective_from"]) == ("published", "青财预〔2026〕12号", "2026-01-01")
    history = client.get(f"{BASE}/history").json
    assert [(e["action"], e["actor"], e["actor_role"], e["from_status"], e["to_status"]) for e in history] == [
        ("created", "财政局填报员", "submitter", None, "draft"),
        ("submitted", "财政局填报员", "submitter", "draft", "submitted"),
        ("returned", "审核员甲", "reviewer", "submitted", "returned"),
        ("edited", "财政局填报员", "submitter", "returned", "returned"),
        ("submitted", "财政局填报员", "submitter", "returned", "submitted"),
        ("confirmed", "审核员甲", "reviewer", "submitted", "confirmed"),
        ("published", "审核员乙", "reviewer", "confirmed", "published"),
    ]
    assert history[2]["comment"] == "二类会议住宿费分项有误"
    assert client.get(f"{BASE}?as_of=2026-06-01").json["version"]["number"] == 1


def test_the_submitter_cannot_confirm_its_own_submission(client, people, headers_for):
    bureau = headers_for("reviewer", name="审核员甲")  # a second token of the same person
    _create(client, people["reviewer"], effective_from="2026-01-01")
    assert _act(client, people["reviewer"], "submit").status_code == 200
    own = _act(client, bureau, "confirm")
    assert own.status_code == 409 and own.json["code"] == "four_eyes"
    assert _act(client, people["reviewer2"], "confirm").status_code == 200


def test_roles_and_departments_are_enforced(client, people):
    _create(client, people["submitter"])
    other = client.post("/api/v1/standards", json=standard_payload(code="SP-TEST-OTHER"), headers=people["other_dept"])
    assert other.status_code == 403 and other.json["code"] == "other_department"
    assert _act(client, people["other_dept"], "submit").json["code"] == "other_department"
    assert _act(client, people["submitter"], "submit").status_code == 200
    denied = _act(client, people["submitter"], "confirm")
    assert denied.status_code == 403 and denied.json["code"] == "role_forbidden" and "reviewer" in denied.json["message"]
    assert _act(client, people["reader"], "confirm").json["code"] == "role_forbidden"


def test_wrong_state_names_the_allowed_actions(client, people):
    _create(client, people["submitter"])
    response = _act(client, people["reviewer"], "publish")
    assert response.status_code == 409 and response.json["code"] == "invalid_transition"
    assert "submit" in response.json["message"] and "草稿" in response.json["message"]
    assert _act(client, people["reviewer"], "return").status_code == 409  # not submitted yet


def test_return_needs_a_comment_and_confirm_needs_a_start(client, people):
    _create(client, people["submitter"], effective_from=None)
    _act(client, people["submitter"], "submit")
    no_comment = _act(client, people["reviewer"], "return", comment="  ")
    assert no_comment.status_code == 422 and "comment" in no_comment.json["errors"]
    no_start = _act(client, people["reviewer"], "confirm")
    assert no_start.status_code == 422 and no_start.json["code"] == "effective_from_required"
    assert client.get(f"{BASE}/versions/1").json["status"] == "submitted"  # nothing half-done
    assert _act(client, people["reviewer"], "confirm", effective_from="2026-03-01").status_code == 200


def _publish_v(client, people, number, start, **extra):
    assert _act(client, people["submitter"], "submit", number=number).status_code == 200
    assert _act(client, people["reviewer"], "confirm", number=number, effective_from=start, **extra).status_code == 200
    return _act(client, people["reviewer2"], "publish", number=number)


def test_publishing_a_successor_supersedes_and_future_dates_wait(client, people):
    _create(client, people["submitter"], effective_from="2025-01-01")
    _publish_v(client, people, 1, "2025-01-01")
    change = {"items": [{"key": "class2", "name": "二类会议综合定额", "rule": "ceiling", "unit": "元/人·天", "max": "700"}]}
    assert client.post(f"{BASE}/versions", json=change, headers=people["submitter"]).status_code == 201
    result = _publish_v(client, people, 2, "2030-01-01")
    assert result.status_code == 200
    versions = client.get(f"{BASE}/versions").json["versions"]
    assert [(v["status"], v["effective_from"], v["effective_to"]) for v in versions] == [
        ("superseded", "2025-01-01", "2030-01-01"), ("published", "2030-01-01", None),
    ]
    limit = lambda day: client.get(f"{BASE}?as_of={day}").json["version"]["number"]  # noqa: E731
    assert (limit("2029-12-31"), limit("2030-01-01")) == (1, 2)
    events = [e for e in client.get(f"{BASE}/history").json if e["action"] == "superseded"]
    assert len(events) == 1 and events[0]["version"] == 1 and events[0]["effective_to"] == "2030-01-01"


def test_a_successor_cannot_start_before_the_version_it_replaces(client, people):
    _create(client, people["submitter"], effective_from="2025-01-01")
    _publish_v(client, people, 1, "2025-01-01")
    client.post(f"{BASE}/versions", json={}, headers=people["submitter"])
    _act(client, people["submitter"], "submit", number=2)
    early = _act(client, people["reviewer"], "confirm", number=2, effective_from="2024-06-01")
    assert early.status_code == 409 and early.json["code"] == "period_overlap"
    assert client.get(f"{BASE}/versions/1").json["effective_to"] is None  # nothing half-written


def test_retire_ends_the_period(client, people):
    _create(client, people["submitter"], effective_from="2025-01-01")
    _publish_v(client, people, 1, "2025-01-01")
    missing = _act(client, people["reviewer"], "retire")
    assert missing.status_code == 422 and missing.json["code"] == "effective_to_required"
    retired = _act(client, people["reviewer"], "retire", effective_to="2026-07-01", comment="政策到期")
    assert retired.json["version"]["status"] == "retired"
    assert client.get(f"{BASE}?as_of=2026-06-30").status_code == 200
    gone = client.get(f"{BASE}?as_of=2026-07-01")
    assert gone.status_code == 404 and "已废止" in gone.json["message"]


def test_stale_if_match_on_a_transition_is_412(client, people):
    _create(client, people["submitter"])
    etag = client.get(f"{BASE}/versions/1").headers["ETag"]
    client.patch(f"{BASE}/versions/1", json={"note": "x"}, headers={**people["submitter"], "If-Match": etag})
    stale = client.post(f"{BASE}/versions/1/transitions", json={"action": "submit"},
                        headers={**people["submitter"], "If-Match": etag})
    assert stale.status_code == 412
    assert client.get(f"{BASE}/versions/1").json["status"] == "draft"


def test_submitting_an_overlapping_standard_warns(client, people):
    _create(client, people["submitter"], effective_from="2025-01-01")
    _publish_v(client, people, 1, "2025-01-01")
    twin = standard_payload(code="SP-TEST-TWIN", title="另一份会议费标准", effective_from="2026-01-01",
                            items=[{"key": "c2", "name": "二类", "rule": "ceiling", "unit": "元/人·天", "max": "640",
                                    "conditions": {"会议类别": "二类"}}])
    _create(client, people["submitter"], **twin)
    submitted = _act(client, people["submitter"], "submit", code="SP-TEST-TWIN")
    assert submitted.status_code == 200
    warnings = submitted.json["warnings"]
    assert [(w["kind"], w["code"], w["version"]) for w in warnings] == [("overlap", "SP-TEST-MEETING", 1)]
    assert warnings[0]["items"] == [{"key": "c2", "other_key": "class2"}]  # 三类 does not overlap 二类
    other_town = standard_payload(code="SP-TEST-TOWN", region="zhujiajiao", effective_from="2026-01-01")
    _create(client, people["submitter"], **other_town)
    assert _act(client, people["submitter"], "submit", code="SP-TEST-TOWN").json["warnings"] == []


def test_submitting_items_with_unreadable_units_warns_but_submits(client, people):
    """A unit the comparison cannot read is allowed (departments have their own), but said at submission."""
    odd = standard_payload(code="SP-TEST-ODD", items=[
        {"key": "a", "name": "常规", "rule": "ceiling", "unit": "元/人·天", "max": "300"},
        {"key": "b", "name": "按场次", "rule": "ceiling", "unit": "元/场次/周", "max": "900"},
    ])
    _create(client, people["submitter"], **odd)
    submitted = _act(client, people["submitter"], "submit", code="SP-TEST-ODD")
    assert submitted.status_code == 200 and submitted.json["version"]["status"] == "submitted"
    [warning] = submitted.json["warnings"]
    assert (warning["kind"], warning["code"], warning["version"]) == ("unit", "SP-TEST-ODD", 1)
    assert warning["items"] == [{"key": "b", "unit": "元/场次/周"}]  # the readable item is not named
    assert "单位无法识别" in warning["message"] and "unit_mismatch" in warning["message"]
    history = client.get("/api/v1/standards/SP-TEST-ODD/history").json
    assert history[-1]["details"]["warnings"][0]["kind"] == "unit"  # reviewers see it in the history


def test_pending_reviews_lists_submissions_oldest_first(client, people):
    for code in ("SP-TEST-B", "SP-TEST-A", "SP-TEST-C"):
        _create(client, people["submitter"], code=code)
    for code in ("SP-TEST-B", "SP-TEST-A"):
        _act(client, people["submitter"], "submit", code=code)
    inbox = client.get("/api/v1/reviews/pending", headers=people["reviewer"]).json
    assert inbox["total"] == 2
    assert [(r["code"], r["version"], r["submitted_by"]) for r in inbox["items"]] == [
        ("SP-TEST-B", 1, "财政局填报员"), ("SP-TEST-A", 1, "财政局填报员"),
    ]
    assert client.get("/api/v1/reviews/pending", headers=people["submitter"]).status_code == 403
