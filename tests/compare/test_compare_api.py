"""POST /api/v1/compare: every verdict with the numbers behind it, exact to the cent."""
from __future__ import annotations

import pytest

from tests.factories import standard_payload

URL = "/api/v1/compare"


def _line(line_id="L1", **fields) -> dict:
    return {"line_id": line_id, "unit": "元/人·天", "quantity": "120", "unit_price": "700"} | fields


def _compare(client, *lines, as_of="2025-03-01", **extra) -> dict:
    response = client.post(URL, json={"as_of": as_of, "lines": list(lines), **extra})
    assert response.status_code == 200, response.get_data(as_text=True)
    return response.json


def _one(client, line, **extra) -> dict:
    return _compare(client, line, **extra)["lines"][0]


def test_the_contract_example(seeded, client):
    answer = _compare(client, _line(standard_code="SP-ADM-MEETING", conditions={"会议类别": "二类"},
                                    components={"住宿费": "450"}), region="青浦区")
    assert answer["summary"] == {"lines": 1, "requested_amount": "84000.00", "allowed_amount": "78000.00",
                                 "excess_amount": "6000.00", "by_verdict": {"over": 1}, "errors": 0}
    line = answer["lines"][0]
    assert (line["verdict"], line["standard_code"], line["version"], line["item_key"]) == ("over", "SP-ADM-MEETING", 1, "class2")
    assert line["limit"] == {"min": None, "max": "650.00", "unit": "元/人·天"}
    assert (line["unit_price"], line["deviation_pct"], line["excess_amount"]) == ("700.00", "7.69", "6000.00")
    assert line["message"].startswith("超出二类会议综合定额 650.00 元/人·天 7.69%")
    assert line["components"] == [{"name": "住宿费", "value": "450.00", "limit": "400.00", "verdict": "over"}]
    assert answer["versions_used"] == [{"code": "SP-ADM-MEETING", "version": 1}]


def test_within_under_and_ranges(seeded, client):
    within = _one(client, _line(standard_code="SP-ADM-MEETING", item_key="class2", unit_price="650"))
    assert (within["verdict"], within["excess_amount"], within["deviation_pct"]) == ("within", "0.00", None)
    expert = dict(standard_code="SP-ADM-EXPERT", conditions={"职称": "高级", "形式": "会议/现场"}, quantity="3")
    under = _one(client, _line(unit_price="1200", **expert))
    assert (under["verdict"], under["limit"]["min"], under["limit"]["max"], under["deviation_pct"]) == ("under", "1500.00", "2400.00", "-20.00")
    assert _one(client, _line(unit_price="2400", **expert))["verdict"] == "within"
    assert _one(client, _line(unit_price="2400.01", **expert))["verdict"] == "over"


def test_units_convert_before_comparing(seeded, client):
    desktop = _one(client, _line(standard_code="SP-ADM-OFFICE-EQUIP", item_key="desktop", unit="万元/台",
                                 quantity="20", unit_price="0.6"))
    assert desktop["limit"] == {"min": None, "max": "0.50", "unit": "万元/台"}
    assert (desktop["verdict"], desktop["excess_amount"], desktop["requested_amount"]) == ("over", "20000.00", "120000.00")
    mismatch = _one(client, _line(standard_code="SP-ADM-MEETING", item_key="class2", unit="元/人"))
    assert mismatch["verdict"] == "unit_mismatch" and "元/人" in mismatch["message"] and "元/人·天" in mismatch["message"]
    unknown = _one(client, _line(standard_code="SP-ADM-MEETING", item_key="class2", unit="元/飞船"))
    assert unknown["verdict"] == "unit_mismatch" and "飞船" in unknown["message"]


def test_tiers_by_conditions_and_ambiguity(seeded, client):
    bureau = _one(client, _line(standard_code="SP-ADM-LODGING-SH", conditions={"职级": "司局级"}, quantity="10", unit_price="650"))
    assert (bureau["item_key"], bureau["limit"]["max"], bureau["excess_amount"]) == ("bureau", "600.00", "500.00")
    several = _one(client, _line(standard_code="SP-ADM-MEETING"))
    assert several["verdict"] == "ambiguous" and [c["item_key"] for c in several["candidates"]] == ["class1", "class2", "class3", "class4"]
    nothing = _one(client, _line(standard_code="SP-ADM-MEETING", conditions={"会议类别": "五类"}))
    assert nothing["verdict"] == "no_standard" and "二类" in nothing["message"]


def test_as_of_picks_superseded_versions_and_explains_gaps(seeded, client):
    old = _one(client, _line(standard_code="SP-ADM-LODGING-SH", conditions={"职级": "司局级"}, unit_price="550"), as_of="2015-06-01")
    assert (old["version"], old["limit"]["max"], old["verdict"]) == (1, "500.00", "over")
    new = _one(client, _line(standard_code="SP-ADM-LODGING-SH", conditions={"职级": "司局级"}, unit_price="550"), as_of="2025-06-01")
    assert (new["version"], new["limit"]["max"], new["verdict"]) == (2, "600.00", "within")
    early = _one(client, _line(standard_code="SP-ADM-LODGING-SH"), as_of="2010-01-01")
    assert early["verdict"] == "no_standard" and "起生效" in early["message"]
    draft_only = _one(client, _line(standard_code="CQ-DIG-HW-MAINT"))
    assert draft_only["verdict"] == "no_standard" and "尚未确认" in draft_only["message"]
    unknown = _one(client, _line(standard_code="SP-NOPE"))
    assert unknown["verdict"] == "no_standard" and "SP-NOPE" in unknown["message"]


def test_retired_and_future_versions(seeded, client, headers_for):
    reviewer = headers_for("reviewer", name="审核员丙")
    client.post("/api/v1/standards/SP-ADM-MEALS/versions/1/transitions",
                json={"action": "retire", "effective_to": "2026-01-01"}, headers=reviewer)
    meals = dict(standard_code="SP-ADM-MEALS", conditions={"地区": "一般地区"}, unit_price="100")
    assert _one(client, _line(**meals), as_of="2025-12-31")["verdict"] != "no_standard"
    retired = _one(client, _line(**meals), as_of="2026-01-01")
    assert retired["verdict"] == "no_standard" and "已废止" in retired["message"]


def test_rates_need_a_base_amount(seeded, client):
    line = dict(standard_code="CQ-GOV-SUPERVISION", item_key="below-500", unit="万元", quantity="1", unit_price="14")
    priced = _one(client, _line(base_amount="400", **line))
    assert (priced["verdict"], priced["limit"]["max"], priced["excess_amount"]) == ("over", "13.20", "8000.00")
    missing = _one(client, _line(**line))
    assert missing["verdict"] == "no_standard" and "base_amount" in missing["message"]


def test_training_days_beyond_thirty_count_at_seventy_percent(seeded, client):
    line = _line(standard_code="SP-ADM-TRAINING", conditions={"培训类别": "三类"}, quantity="400", unit_price="540", days="40")
    result = _one(client, line)
    # 30 days at 550 + 10 days at 385 = 20350 over 40 days = 508.75 a day
    assert (result["limit"]["max"], result["verdict"], result["excess_amount"]) == ("508.75", "over", "12500.00")
    short = _one(client, dict(line, days="20"))
    assert (short["limit"]["max"], short["verdict"]) == ("550.00", "within")


def test_tolerance_keeps_small_excess_within(seeded, client):
    line = _line(standard_code="SP-ADM-MEETING", item_key="class2", unit_price="680")
    assert _one(client, line)["verdict"] == "over"
    tolerated = _one(client, line, tolerance_pct="5")
    assert tolerated["verdict"] == "within" and "容差" in tolerated["message"] and tolerated["excess_amount"] == "0.00"
    assert _one(client, dict(line, unit_price="690"), tolerance_pct="5")["verdict"] == "over"


def test_description_only_lines_find_their_standard(seeded, client):
    found = _one(client, _line(description="二类会议 会议费", unit_price="600"))
    assert (found["verdict"], found["standard_code"], found["item_key"]) == ("within", "SP-ADM-MEETING", "class2")
    assert found["score"] > 0
    lodging = _one(client, _line(description="上海 住宿 司局级", unit_price="650", quantity="10"))
    assert (lodging["standard_code"], lodging["version"], lodging["verdict"]) == ("SP-ADM-LODGING-SH", 2, "over")
    nothing = _one(client, _line(description="宇宙飞船维修"))
    assert nothing["verdict"] == "no_standard"
    tiers = _one(client, _line(description="会议费"))
    assert tiers["verdict"] == "ambiguous" and len(tiers["candidates"]) == 4


def test_a_town_standard_beats_the_district_one(seeded, client):
    line = _line(description="道路保洁 日清扫", unit="遍/日", quantity="1", unit_price="3", conditions={"道路等级": "一级", "作业项目": "清扫"})
    district = _one(client, line)
    assert district["standard_code"] == "SV-CITY-ROAD-CLEAN"
    town = _one(client, line, region="朱家角镇")
    assert (town["standard_code"], town["verdict"]) == ("SV-CITY-ROAD-CLEAN-ZJJ-SAMPLE", "under")


def test_bad_lines_get_their_own_errors(seeded, client):
    answer = _compare(client,
                      _line("ok", standard_code="SP-ADM-MEETING", item_key="class2"),
                      {"line_id": "no-unit", "quantity": "1", "unit_price": "1"},
                      _line("bad-number", quantity="十二"),
                      _line("negative", unit_price="-5"),
                      "not an object",
                      _line("extra", colour="red"))
    assert [(l.get("line_id"), l.get("verdict"), "error" in l) for l in answer["lines"]] == [
        ("ok", "over", False), ("no-unit", None, True), ("bad-number", None, True), ("negative", None, True),
        (None, None, True), ("extra", None, True)]
    assert "unit" in answer["lines"][1]["error"] and "quantity" in answer["lines"][2]["error"]
    assert answer["summary"]["errors"] == 5 and answer["summary"]["by_verdict"] == {"over": 1}


def test_whole_request_rejections(seeded, client):
    assert client.post(URL, data=b"{", content_type="application/json").status_code == 400
    assert client.post(URL, json={"lines": []}).status_code == 422  # as_of is required
    assert client.post(URL, json={"as_of": "2025-02-30", "lines": []}).status_code == 422
    huge = client.post(URL, json={"as_of": "2025-03-01", "lines": [{}] * 50_001})
    assert huge.status_code == 413 and huge.json["code"] == "too_many_lines"


def test_saved_reviews_are_reproducible_byte_for_byte(seeded, client, headers_for):
    body = {"as_of": "2025-03-01", "save": True,
            "lines": [_line(standard_code="SP-ADM-MEETING", conditions={"会议类别": "二类"})]}
    saved = client.post(URL, json=body)
    review_id = saved.json["review_id"]
    first = client.get(f"/api/v1/reviews/{review_id}")
    assert first.status_code == 200 and first.data == saved.data
    submitter = headers_for("submitter", department="finance", name="修订人")
    change = {"effective_from": "2025-01-01",
              "items": [{"key": "class2", "name": "二类会议综合定额", "rule": "ceiling", "unit": "元/人·天", "max": "800",
                        "conditions": {"会议类别": "二类"}}]}
    client.post("/api/v1/standards/SP-ADM-MEETING/versions", json=change, headers=submitter)
    for action, who in (("submit", submitter), ("confirm", headers_for("reviewer", name="甲")), ("publish", headers_for("reviewer", name="乙"))):
        assert client.post("/api/v1/standards/SP-ADM-MEETING/versions/2/transitions", json={"action": action}, headers=who).status_code == 200
    assert _one(client, body["lines"][0])["verdict"] == "within"  # the baseline moved on …
    assert client.get(f"/api/v1/reviews/{review_id}").data == saved.data  # … the saved review did not
    assert client.get("/api/v1/reviews/nope").status_code == 404


@pytest.mark.parametrize("role,status", [("reader", 200), ("integration", 200), ("submitter", 403)])
def test_who_may_compare(seeded, client, headers_for, role, status):
    headers = headers_for(role, department="finance" if role == "submitter" else None)
    response = client.post(URL, json={"as_of": "2025-03-01", "lines": []}, headers=headers)
    assert response.status_code == status


def test_requested_amount_counts_every_line(seeded, client):
    answer = _compare(client, _line("a", standard_code="SP-ADM-MEETING", item_key="class2"),
                      _line("b", standard_code="SP-NOPE", quantity="2", unit_price="100"),
                      _line("c", standard_code="SP-ADM-MEETING", item_key="class2", unit="元/人"))
    assert [l["requested_amount"] for l in answer["lines"]] == ["84000.00", "200.00", "84000.00"]
    assert answer["summary"]["requested_amount"] == "168200.00"
    assert answer["summary"]["allowed_amount"] == "78000.00"  # only lines with a limit


def test_unprintable_text_is_a_line_error(seeded, client):
    import json as _json
    body = _json.dumps({"as_of": "2025-03-01", "lines": [_line(description="会议\ud800"), _line("ok", standard_code="SP-ADM-MEETING", item_key="class2")]})
    answer = client.post(URL, data=body, content_type="application/json").json
    assert "error" in answer["lines"][0] and answer["lines"][1]["verdict"] == "over"


def test_an_item_in_an_unreadable_unit_fails_only_its_line(app, client):
    """Found by the compare benchmark: a rate item in 比例 (no unit we read) made the whole request a 500."""
    items = [{"key": "rate", "name": "奇怪的费率", "rule": "rate", "unit": "比例", "value": "0.05"},
             {"key": "days", "name": "折算", "rule": "rate", "unit": "比例", "value": "0.7", "conditions": {"天数": "超过30天部分"}}]
    client.post("/api/v1/standards", json=standard_payload(code="CQ-ODD", items=items, effective_from="2025-01-01"))
    from tests.api.test_standards import _publish
    from datetime import date
    _publish(app, "CQ-ODD", 1, date(2025, 1, 1))
    answer = _compare(client, _line("odd", standard_code="CQ-ODD", item_key="rate", unit="元", base_amount="1000"),
                      _line("ok", standard_code="CQ-ODD", item_key="rate", unit="元", quantity="1", unit_price="1"))
    assert [l["verdict"] for l in answer["lines"]] == ["unit_mismatch", "no_standard"]  # the second gives no base
    assert "比例" in answer["lines"][0]["message"]
