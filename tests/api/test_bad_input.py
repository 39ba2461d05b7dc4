"""Bad input gets a 4xx that says, in Chinese, what to fix, and writes nothing."""
from __future__ import annotations

import json

import pytest
from sqlalchemy import func, select

from registry.db import get_db
from registry.models import Event, Item, Standard, Version
from tests.factories import standard_payload


def _item(**overrides) -> dict:
    return {"key": "k1", "name": "条目", "rule": "ceiling", "unit": "元/人·天", "max": "100"} | overrides


CREATE_CASES = [
    # (why, body, status, code, path that must be named)
    ("missing code", {k: v for k, v in standard_payload().items() if k != "code"}, 422, "validation_failed", "code"),
    ("bad code pattern", standard_payload(code="bad code!"), 422, "validation_failed", "code"),
    ("unknown kind", standard_payload(kind="tax"), 422, "validation_failed", "kind"),
    ("unknown body key", standard_payload(colour="red"), 422, "validation_failed", "colour"),
    ("no items", standard_payload(items=[]), 422, "validation_failed", "items"),
    ("amount is text", standard_payload(items=[_item(max="六百五")]), 422, "validation_failed", "items.0.max"),
    ("amount is NaN", standard_payload(items=[_item(max="NaN")]), 422, "validation_failed", "items.0.max"),
    ("amount is boolean", standard_payload(items=[_item(max=True)]), 422, "validation_failed", "items.0.max"),
    ("amount too large", standard_payload(items=[_item(max="1e30")]), 422, "validation_failed", "items.0.max"),
    ("too many decimals", standard_payload(items=[_item(max="1.1234567")]), 422, "validation_failed", "items.0.max"),
    ("unknown rule", standard_payload(items=[_item(rule="cap")]), 422, "validation_failed", "items.0.rule"),
    ("ceiling without max", standard_payload(items=[_item(max=None)]), 422, "invalid_items", "items.0.max"),
    ("range min above max", standard_payload(items=[_item(rule="range", min="900", max="500")]), 422, "invalid_items", "items.0.min"),
    ("duplicate item keys", standard_payload(items=[_item(), _item()]), 422, "invalid_items", "items.1.key"),
    ("component without value", standard_payload(items=[_item(components=[{"name": "住宿费"}])]), 422,
     "validation_failed", "items.0.components.0.value"),
    ("conditions not an object", standard_payload(items=[_item(conditions=["二类"])]), 422, "validation_failed", "items.0.conditions"),
    ("bad date", standard_payload(effective_from="2025-02-30"), 422, "validation_failed", "effective_from"),
    ("period reversed", standard_payload(effective_from="2025-01-01", effective_to="2024-01-01"), 422, "invalid_period", "effective_to"),
    ("unknown field", standard_payload(field="space"), 422, "unknown_field", "field"),
    ("category of another field", standard_payload(category="city_ops.greening"), 422, "unknown_category", "category"),
    ("unknown region", standard_payload(region="浦东新区"), 422, "unknown_region", "region"),
    ("unknown department", standard_payload(department="nowhere"), 422, "unknown_department", "department"),
]


@pytest.mark.parametrize("why,body,status,code,path", CREATE_CASES, ids=[c[0] for c in CREATE_CASES])
def test_bad_create_is_refused_with_a_path_and_writes_nothing(app, client, why, body, status, code, path):
    response = client.post("/api/v1/standards", json=body)
    assert response.status_code == status, response.json
    assert response.json["code"] == code
    assert response.json["status"] == status
    assert _has_chinese(response.json["message"])
    assert path in response.json["errors"], response.json
    assert all(_has_chinese(m) for m in response.json["errors"][path])
    assert _row_counts(app) == (0, 0, 0, 0)


def test_duplicate_code_is_409_and_keeps_the_first(app, client):
    assert client.post("/api/v1/standards", json=standard_payload()).status_code == 201
    again = client.post("/api/v1/standards", json=standard_payload(title="另一个"))
    assert again.status_code == 409 and again.json["code"] == "duplicate_code"
    assert "SP-TEST-MEETING" in again.json["message"]
    assert _row_counts(app) == (1, 1, 2, 1)


@pytest.mark.parametrize("raw,content_type,status,code", [
    (b"{not json", "application/json", 400, "bad_request"),
    (b"\xff\xfe", "application/json", 400, "bad_request"),
    (b"[1, 2]", "application/json", 422, "validation_failed"),
    (b"code=SP-X", "application/x-www-form-urlencoded", 415, "unsupported_media_type"),
])
def test_unparseable_bodies(app, client, raw, content_type, status, code):
    response = client.post("/api/v1/standards", data=raw, content_type=content_type)
    assert response.status_code == status, response.data
    assert response.json["code"] == code and _has_chinese(response.json["message"])
    assert _row_counts(app) == (0, 0, 0, 0)


@pytest.mark.parametrize("url,status,path", [
    ("/api/v1/standards?as_of=2025-13-01", 422, "as_of"),
    ("/api/v1/standards?as_of=yesterday", 422, "as_of"),
    ("/api/v1/standards?page=0", 422, "page"),
    ("/api/v1/standards?page_size=100000", 422, "page_size"),
    ("/api/v1/standards?kind=tax", 422, "kind"),
    ("/api/v1/standards?sort=code", 422, "sort"),
    ("/api/v1/standards?field=space", 422, "field"),
    ("/api/v1/standards?category=nothing", 422, "category"),
    ("/api/v1/standards?region=nowhere", 422, "region"),
    ("/api/v1/standards/SP-NOPE?as_of=2025-1-1x", 422, "as_of"),
    ("/api/v1/standards/SP-TEST-MEETING/versions/1/diff", 422, "against"),
    ("/api/v1/standards/SP-TEST-MEETING/versions/1/diff?against=zero", 422, "against"),
])
def test_bad_query_arguments(client, url, status, path):
    client.post("/api/v1/standards", json=standard_payload())
    response = client.get(url)
    assert response.status_code == status, response.json
    assert path in response.json["errors"] and _has_chinese(response.json["message"])


@pytest.mark.parametrize("url,code", [
    ("/api/v1/standards/SP-NOPE", "standard_not_found"),
    ("/api/v1/standards/SP-NOPE/versions", "standard_not_found"),
    ("/api/v1/standards/SP-NOPE/history", "standard_not_found"),
    ("/api/v1/standards/SP-TEST-MEETING/versions/7", "version_not_found"),
    ("/api/v1/nothing-here", "not_found"),
])
def test_unknown_things_are_404_in_our_shape(client, url, code):
    client.post("/api/v1/standards", json=standard_payload())
    response = client.get(url)
    assert response.status_code == 404
    assert response.json["code"] == code and _has_chinese(response.json["message"])


def test_wrong_method_is_405_with_allow(client):
    response = client.delete("/api/v1/standards")
    assert response.status_code == 405 and response.json["code"] == "method_not_allowed"
    assert "GET" in response.headers["Allow"]


def test_bad_patch_changes_nothing(client):
    client.post("/api/v1/standards", json=standard_payload())
    url = "/api/v1/standards/SP-TEST-MEETING/versions/1"
    etag = client.get(url).headers["ETag"]
    bad = {"note": "不应写入", "items": [_item(key="new")], "remove_items": ["no-such-key"]}
    response = client.patch(url, json=bad, headers={"If-Match": etag})
    assert response.status_code == 422 and response.json["code"] == "unknown_item"
    after = client.get(url)
    assert after.headers["ETag"] == etag and after.json["note"] == "测试用"
    assert [i["key"] for i in after.json["items"]] == ["class2", "class3"]


def _has_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _row_counts(app) -> tuple[int, int, int, int]:
    with app.app_context(), get_db().read() as session:
        return tuple(session.scalar(select(func.count()).select_from(m)) for m in (Standard, Version, Item, Event))


def test_control_characters_and_lone_surrogates_are_refused(app, client):
    for bad in ("会议\x00费", "会议\x1b费", "会议\ud800费"):
        # ASCII-escaped JSON, as a client may send it: "\ud800" arrives as a lone surrogate
        body = json.dumps(standard_payload(title=bad))
        response = client.post("/api/v1/standards", data=body, content_type="application/json")
        assert response.status_code == 422 and "title" in response.json["errors"], bad
    entry = client.post("/api/v1/taxonomy/departments", json={"code": "odd", "name": "某\x07局"})
    assert entry.status_code == 422
    assert client.get("/api/v1/templates/standards.xlsx").status_code == 200
    assert _row_counts(app) == (0, 0, 0, 0)
