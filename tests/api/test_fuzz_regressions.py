"""One focused test per defect the API fuzzing (tests/fuzz) found, so each stays fixed even if
the fuzzer's examples change."""
from __future__ import annotations

import io

import pytest

from schemas.fields import MAX_ID
from tests.factories import standard_payload

HUGE = "99999999999999999999999"  # beyond any 64-bit integer


@pytest.mark.parametrize("url", [
    f"/api/v1/changes?since={HUGE}",
    f"/api/v1/standards?page={HUGE}",
    f"/api/v1/reviews/pending?page={HUGE}",
])
def test_huge_query_integers_are_422_not_500(client, url):
    response = client.get(url)
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["code"] == "validation_failed"
    assert set(response.json["errors"]) <= {"since", "page"}


def test_huge_diff_against_is_422(client):
    client.post("/api/v1/standards", json=standard_payload())
    response = client.get(f"/api/v1/standards/SP-TEST-MEETING/versions/1/diff?against={HUGE}")
    assert response.status_code == 422
    assert "against" in response.json["errors"]


@pytest.mark.parametrize("method,path", [
    ("GET", "/api/v1/standards/SP-TEST-MEETING/versions/{n}"),
    ("PATCH", "/api/v1/standards/SP-TEST-MEETING/versions/{n}"),
    ("POST", "/api/v1/standards/SP-TEST-MEETING/versions/{n}/transitions"),
    ("DELETE", "/api/v1/tokens/{n}"),
])
def test_ids_beyond_what_the_database_stores_are_404_not_500(client, method, path):
    client.post("/api/v1/standards", json=standard_payload())
    for number in (HUGE, str(MAX_ID + 1)):
        response = client.open(path.format(n=number), method=method, json={"action": "submit"},
                               headers={"If-Match": '"x"'})
        assert response.status_code == 404, (number, response.get_data(as_text=True))
        assert response.json["code"] == "not_found"


def test_largest_storable_version_number_is_an_ordinary_404(client):
    client.post("/api/v1/standards", json=standard_payload())
    response = client.get(f"/api/v1/standards/SP-TEST-MEETING/versions/{MAX_ID}")
    assert response.status_code == 404
    assert response.json["code"] == "version_not_found"


def test_compare_form_without_its_file_is_422_naming_the_file(client):
    # It used to fall through to the JSON branch and answer 415 "send JSON".
    response = client.post("/api/v1/compare", data={"as_of": "2025-03-01"}, content_type="multipart/form-data")
    assert response.status_code == 422, response.get_data(as_text=True)
    assert response.json["errors"] == {"file": ["必填：请上传文件"]}


def test_compare_form_with_a_file_still_works(seeded, client):
    csv = "行号,标准代码,条件,单位,数量,单价\nL1,SP-ADM-MEETING,会议类别=二类,元/人·天,10,700\n".encode()
    response = client.post("/api/v1/compare", content_type="multipart/form-data",
                           data={"as_of": "2025-03-01", "tolerance_pct": "0", "file": (io.BytesIO(csv), "p.csv")})
    assert response.status_code == 200, response.get_data(as_text=True)
    [line] = response.json["lines"]
    assert (line["line_id"], line["verdict"], line["excess_amount"]) == ("L1", "over", "500.00")


@pytest.mark.parametrize("body", [{"save": 0}, {"save": 1}, {"save": "true"}])
def test_json_booleans_must_be_true_or_false(client, body):
    response = client.post("/api/v1/compare", json={"as_of": "2025-03-01", "lines": []} | body)
    assert response.status_code == 422
    assert response.json["errors"] == {"save": ["应为 true 或 false"]}


def test_is_sample_as_text_is_refused(client):
    response = client.post("/api/v1/standards", json=standard_payload(is_sample="yes"))
    assert response.status_code == 422
    assert "is_sample" in response.json["errors"]
    assert client.get("/api/v1/standards/SP-TEST-MEETING").status_code == 404


def test_a_null_compare_line_gets_its_own_error_and_the_others_are_compared(seeded, client):
    line = {"line_id": "L1", "standard_code": "SP-ADM-MEETING", "conditions": {"会议类别": "二类"},
            "unit": "元/人·天", "quantity": "10", "unit_price": "700"}
    response = client.post("/api/v1/compare", json={"as_of": "2025-03-01", "lines": [None, line]})
    assert response.status_code == 200, response.get_data(as_text=True)
    first, second = response.json["lines"]
    assert first["error"] == "每行应为 JSON 对象" and "verdict" not in first
    assert second["verdict"] == "over" and second["excess_amount"] == "500.00"


def test_empty_items_are_refused_with_the_documented_message(client):
    response = client.post("/api/v1/standards", json=standard_payload(items=[]))
    assert response.status_code == 422
    assert response.json["errors"] == {"items": ["至少需要一个条目"]}


# The published document: what the fuzzer found it did not say.

@pytest.fixture
def spec(client):
    return client.get("/openapi.json").json


def test_document_names_bearer_auth_and_the_common_refusals(spec):
    assert spec["components"]["securitySchemes"]["bearer"] == {
        "type": "http", "scheme": "bearer", "description": "flask --app wsgi registry token create 签发的令牌"}
    assert spec["security"] == [{"bearer": []}]
    assert spec["paths"]["/health"]["get"]["security"] == []
    for path, operations in spec["paths"].items():
        if not path.startswith("/api/"):
            continue
        for method, operation in operations.items():
            if method == "parameters":
                continue
            assert {"401", "403", "429"} <= set(operation["responses"]), (method, path)
            if method in ("post", "put", "patch"):
                assert {"400", "413", "415"} <= set(operation["responses"]), (method, path)
            if "{" in path:
                assert "404" in operation["responses"], (method, path)


def test_document_states_the_input_rules(spec):
    schemas = spec["components"]["schemas"]
    title = schemas["StandardCreate"]["properties"]["title"]
    assert title["pattern"] == r"^[^\x00-\x08\x0b\x0c\x0e-\x1f\x7f]*$" and title["maxLength"] == 200
    assert schemas["StandardCreate"]["properties"]["items"]["minItems"] == 1
    amount = schemas["Item"]["properties"]["max"]
    assert "type" not in amount
    assert amount["anyOf"][0] == {"type": "string", "pattern": r"^[+-]?\d{1,18}(\.\d{1,6})?$"}
    assert amount["anyOf"][1]["multipleOf"] == 0.000001
    assert schemas["Item"]["properties"]["key"]["pattern"] == r"^[^\s/\x00-\x1f\x7f\x85]{1,64}$"
    since = next(p for p in spec["paths"]["/api/v1/changes"]["get"]["parameters"] if p["name"] == "since")
    assert since["schema"]["maximum"] == MAX_ID
    number = next(p for p in spec["paths"]["/api/v1/standards/{code}/versions/{number}"]["parameters"]
                  if p["name"] == "number")
    assert number["schema"] == {"type": "integer", "maximum": MAX_ID, "minimum": 0}


def test_document_lists_every_content_type_served(spec):
    baselines = spec["paths"]["/api/v1/baselines"]["get"]["responses"]["200"]["content"]
    assert set(baselines) == {"application/json", "application/x-ndjson", "text/csv",
                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    compare = spec["paths"]["/api/v1/compare"]["post"]["responses"]
    assert set(compare["200"]["content"]) == {"application/json",
                                              "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    template = spec["paths"]["/api/v1/templates/proposal.xlsx"]["get"]["responses"]["200"]["content"]
    assert set(template) == {"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}
    assert "retry_after" in spec["components"]["schemas"]["Error"]["properties"]
