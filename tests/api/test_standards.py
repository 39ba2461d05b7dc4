"""Creating, reading as of a date, and listing standards."""
from __future__ import annotations

from datetime import date

from registry.db import get_db
from registry.enums import Status
from registry.models import Version
from tests.factories import standard_payload


def test_create_returns_draft_v1_with_exact_decimals(client):
    response = client.post("/api/v1/standards", json=standard_payload())
    assert response.status_code == 201, response.json
    body = response.json
    assert response.headers["Location"].endswith("/api/v1/standards/SP-TEST-MEETING")
    assert body["code"] == "SP-TEST-MEETING"
    assert body["field"] == "admin" and body["field_name"] == "一般行政"
    assert body["category_name"] == "会议费"
    assert body["version"]["number"] == 1
    assert body["version"]["status"] == "draft"
    assert body["version"]["basis"]["doc_no"] == "青财测〔2026〕1号"
    first = body["version"]["items"][0]
    assert first["max"] == "650"
    assert first["conditions"] == {"会议类别": "二类"}
    assert first["components"] == [
        {"name": "住宿费", "value": "400"}, {"name": "伙食费", "value": "150"}, {"name": "其他费用", "value": "100"},
    ]
    assert body["version"]["items"][1]["max"] == "550"  # sent as a JSON number


def test_json_number_amounts_are_kept_exactly(client):
    item = {"key": "k", "name": "n", "rule": "ceiling", "unit": "元/台", "max": 1234567.123456}
    response = client.post("/api/v1/standards", json=standard_payload(items=[item]))
    assert response.status_code == 201, response.json
    assert response.json["version"]["items"][0]["max"] == "1234567.123456"


def test_names_are_accepted_in_place_of_codes(client):
    body = standard_payload(field="一般行政", category="会议费", region="青浦区", department="青浦区财政局")
    response = client.post("/api/v1/standards", json=body)
    assert response.status_code == 201, response.json
    assert (response.json["field"], response.json["category"], response.json["region"]) == ("admin", "admin.meeting", "qingpu")


def test_get_without_version_in_force_explains_why(client):
    client.post("/api/v1/standards", json=standard_payload())
    response = client.get("/api/v1/standards/SP-TEST-MEETING")
    assert response.status_code == 404
    assert response.json["code"] == "not_in_force"
    assert "v1" in response.json["message"] and "草稿" in response.json["message"]


def _publish(app, code: str, number: int, start: date, end: date | None = None, status=Status.PUBLISHED):
    """Put a version in force directly (the review workflow comes with its own issue)."""
    with app.app_context():
        with get_db().write() as session:
            version = session.query(Version).join(Version.standard).filter_by(code=code).filter(Version.number == number).one()
            version.status, version.effective_from, version.effective_to = status, start, end


def test_as_of_selects_the_version_whose_period_contains_the_day(app, client):
    client.post("/api/v1/standards", json=standard_payload())
    _publish(app, "SP-TEST-MEETING", 1, date(2014, 4, 21), date(2016, 4, 14), Status.SUPERSEDED)
    item = {"key": "class2", "name": "二类会议综合定额", "rule": "ceiling", "unit": "元/人·天", "max": "700"}
    assert client.post("/api/v1/standards/SP-TEST-MEETING/versions", json={"items": [item]}).status_code == 201
    _publish(app, "SP-TEST-MEETING", 2, date(2016, 4, 14))

    def limit_on(day: str) -> tuple[int, str]:
        body = client.get(f"/api/v1/standards/SP-TEST-MEETING?as_of={day}").json
        return body["version"]["number"], body["version"]["items"][0]["max"]

    assert limit_on("2015-06-30") == (1, "650")  # superseded, still the answer for its period
    assert limit_on("2016-04-13") == (1, "650")  # last day of v1
    assert limit_on("2016-04-14") == (2, "700")  # effective_to is exclusive
    assert limit_on("2030-01-01") == (2, "700")
    early = client.get("/api/v1/standards/SP-TEST-MEETING?as_of=2010-01-01")
    assert early.status_code == 404 and "2014-04-21" in early.json["message"]
    today = client.get("/api/v1/standards/SP-TEST-MEETING").json
    assert today["version"]["number"] == 2
    assert [v["status"] for v in today["versions"]] == ["superseded", "published"]


def _create_many(client, count: int) -> None:
    for n in range(count):
        body = standard_payload(code=f"SP-T-{n:03d}", title=f"测试 {n}")
        assert client.post("/api/v1/standards", json=body).status_code == 201


def test_list_paginates_in_code_order(client):
    _create_many(client, 7)
    page = client.get("/api/v1/standards?page=2&page_size=3").json
    assert page["total"] == 7 and page["page"] == 2 and page["page_size"] == 3
    assert [row["code"] for row in page["items"]] == ["SP-T-003", "SP-T-004", "SP-T-005"]
    last = client.get("/api/v1/standards?page=3&page_size=3").json
    assert [row["code"] for row in last["items"]] == ["SP-T-006"]
    beyond = client.get("/api/v1/standards?page=9&page_size=3").json
    assert beyond["items"] == [] and beyond["total"] == 7


def test_list_category_filter_includes_descendants(client):
    lodging = standard_payload(code="SP-T-LODGING", category="admin.travel.lodging")
    travel = standard_payload(code="SP-T-TRAVEL", category="admin.travel")
    for body in (standard_payload(), lodging, travel):
        assert client.post("/api/v1/standards", json=body).status_code == 201, client.post("/api/v1/standards", json=body).json
    codes = lambda url: [row["code"] for row in client.get(url).json["items"]]  # noqa: E731
    assert codes("/api/v1/standards?category=admin.travel") == ["SP-T-LODGING", "SP-T-TRAVEL"]
    assert codes("/api/v1/standards?category=差旅费") == ["SP-T-LODGING", "SP-T-TRAVEL"]
    assert codes("/api/v1/standards?category=admin.travel.lodging") == ["SP-T-LODGING"]
    assert codes("/api/v1/standards?field=admin&kind=spending") == ["SP-T-LODGING", "SP-T-TRAVEL", "SP-TEST-MEETING"]
    assert codes("/api/v1/standards?kind=service") == []


def test_list_as_of_and_status_filters(app, client):
    _create_many(client, 3)
    _publish(app, "SP-T-000", 1, date(2020, 1, 1), date(2024, 1, 1), Status.RETIRED)
    _publish(app, "SP-T-001", 1, date(2020, 1, 1))
    codes = lambda url: [(r["code"], r["version"]["status"]) for r in client.get(url).json["items"]]  # noqa: E731
    assert codes("/api/v1/standards?as_of=2022-05-01") == [("SP-T-000", "retired"), ("SP-T-001", "published")]
    assert codes("/api/v1/standards?as_of=2025-05-01") == [("SP-T-001", "published")]
    assert codes("/api/v1/standards?as_of=2022-05-01&status=published") == [("SP-T-001", "published")]
    assert codes("/api/v1/standards?status=draft") == [("SP-T-002", "draft")]
    assert codes("/api/v1/standards") == [("SP-T-000", "retired"), ("SP-T-001", "published"), ("SP-T-002", "draft")]


def test_taxonomy_lists_tree_regions_and_departments(client):
    body = client.get("/api/v1/taxonomy").json
    admin = next(f for f in body["fields"] if f["code"] == "admin")
    travel = next(c for c in admin["categories"] if c["code"] == "admin.travel")
    assert any(child["code"] == "admin.travel.lodging" for child in travel["children"])
    assert {"code": "qingpu", "name": "青浦区", "level": "district"} in body["regions"]
    assert len(body["regions"]) == 12  # 全区 + 3 streets + 8 towns
    assert {"code": "finance", "name": "青浦区财政局"} in body["departments"]
