"""Search behaviour every engine must show: relevance, filters, facets, highlights, freshness."""
from __future__ import annotations

from tests.conftest import CLUSTER_ENGINES
from tests.factories import standard_payload
from tests.search.relevance_cases import CASES

URL = "/api/v1/search"


def _codes(client, **args) -> list[str]:
    response = client.get(URL, query_string=args)
    assert response.status_code == 200, response.json
    return [hit["code"] for hit in response.json["hits"]]


def test_relevance_cases(seeded, client):
    misses = []
    for query, expected in CASES:
        top = _codes(client, q=query)[:3]
        if expected not in top:
            misses.append(f"{query!r}: expected {expected} in top 3, got {top}")
    assert misses == [], "\n".join(misses)
    assert len(CASES) >= 30


ENGINES = {"sqlite": "embedded-sqlite", "postgresql": "embedded-postgresql"} | CLUSTER_ENGINES


def test_hits_carry_facets_and_highlights(seeded, client, backend):
    body = client.get(URL, query_string={"q": "会议费"}).json
    top = body["hits"][0]
    assert (top["code"], top["kind"], top["status"], top["version"]) == ("SP-ADM-MEETING", "spending", "published", 1)
    assert "<em>会议费</em>" in top["highlight"]["title"]
    assert body["facets"]["kind"] == {"spending": body["total"]}
    assert sum(body["facets"]["status"].values()) == body["total"]
    assert body["engine"] == ENGINES[backend]


def test_filters_and_empty_query(seeded, client):
    city = _codes(client, field="城市运维", page_size=100)
    assert city and all(code.startswith(("SV-CITY", "CQ-CITY")) for code in city)
    travel = _codes(client, category="差旅费", page_size=100)
    assert {"SP-ADM-LODGING-SH", "SP-ADM-MEALS", "SP-ADM-CITY-TRANSPORT"} <= set(travel)  # sub-categories included
    assert _codes(client, q="保洁", region="zhujiajiao") == ["SV-CITY-ROAD-CLEAN-ZJJ-SAMPLE"]
    assert set(_codes(client, kind="service")) == {"SV-CITY-ROAD-CLEAN", "SV-CITY-ROAD-CLEAN-ZJJ-SAMPLE"}
    submitted = client.get(URL, query_string={"status": "submitted", "q": "住宿"}).json["hits"]
    assert ("SP-ADM-LODGING-SH", 3) in [(h["code"], h["version"]) for h in submitted]
    assert {h["status"] for h in submitted} == {"submitted"}


def test_as_of_finds_the_version_of_that_day(seeded, client):
    def version_on(day: str) -> list[tuple[str, int]]:
        hits = client.get(URL, query_string={"q": "上海 住宿", "as_of": day}).json["hits"]
        return [(h["code"], h["version"]) for h in hits if h["code"] == "SP-ADM-LODGING-SH"]

    assert version_on("2015-06-01") == [("SP-ADM-LODGING-SH", 1)]
    assert version_on("2025-06-01") == [("SP-ADM-LODGING-SH", 2)]
    assert version_on("2010-01-01") == []


def test_pagination(seeded, client):
    everything = _codes(client, page_size=100)
    first, second = _codes(client, page_size=5), _codes(client, page_size=5, page=2)
    assert first + second == everything[:10] and len(set(everything)) == len(everything)


def test_the_index_is_never_stale(client):
    body = standard_payload(code="CQ-TEST-PARK", kind="cost_quota", field="city_ops", category="city_ops.greening.park",
                            title="湿地公园养护测试定额", items=[{"key": "k", "name": "湿地养护", "rule": "ceiling",
                                                                  "unit": "元/平方米·年", "max": "30"}])
    assert client.post("/api/v1/standards", json=body).status_code == 201
    drafts = client.get(URL, query_string={"q": "湿地", "status": "draft"}).json
    assert [h["code"] for h in drafts["hits"]] == ["CQ-TEST-PARK"]
    assert client.get(URL, query_string={"q": "湿地"}).json["total"] == 0  # not in force
    transitions = "/api/v1/standards/CQ-TEST-PARK/versions/1/transitions"
    client.post(transitions, json={"action": "submit"})
    assert client.post(transitions, json={"action": "confirm"}, headers=_other_reviewer(client)).status_code == 200
    in_force = client.get(URL, query_string={"q": "湿地 公园"}).json
    assert [(h["code"], h["status"]) for h in in_force["hits"]] == [("CQ-TEST-PARK", "confirmed")]


def test_latin_words_match_whatever_their_case(client):
    """Tokens are lower-cased by the project for every engine; the clusters' mapping only splits on spaces."""
    body = standard_payload(code="SP-TEST-CASE", title="OA系统 Office 软件运维测试标准")
    assert client.post("/api/v1/standards", json=body).status_code == 201
    for query in ("office", "OFFICE", "Office", "oa系统", "OA 系统"):
        hits = client.get(URL, query_string={"q": query, "status": "draft"}).json["hits"]
        assert [h["code"] for h in hits] == ["SP-TEST-CASE"], query
    hit = client.get(URL, query_string={"q": "OFFICE", "status": "draft"}).json["hits"][0]
    assert "<em>Office</em>" in hit["highlight"]["title"]


def _other_reviewer(client) -> dict:
    token = client.post("/api/v1/tokens", json={"name": "另一审核员", "role": "reviewer"}).json["token"]
    return {"Authorization": f"Bearer {token}"}


def test_suggest_by_prefix_pinyin_and_initials(seeded, client):
    def first(q: str) -> str:
        return client.get(f"{URL}/suggest", query_string={"q": q}).json["suggestions"][0]["text"]

    assert first("hyf") == "会议费"
    assert first("lhyh") == "绿化养护"
    assert first("huiyi") == "会议费"
    assert first("道路") == "道路保洁"
    assert client.get(f"{URL}/suggest", query_string={"q": "zzzz"}).json["suggestions"] == []


def test_bad_search_arguments(client):
    assert client.get(URL, query_string={"page_size": 1000}).status_code == 422
    unknown = client.get(URL, query_string={"field": "太空"})
    assert unknown.status_code == 422 and unknown.json["code"] == "unknown_field"
    assert client.get(f"{URL}/suggest").status_code == 422
    assert client.get(URL, query_string={"q": "x" * 201}).status_code == 422
    odd = client.get(URL, query_string={"q": "\"' OR 1=1 -- ) ( * : &|!"})
    assert odd.status_code == 200


def test_a_synonym_never_widens_to_a_single_character(seeded, client):
    """授课费 was once missing from the dictionary: segmented to 授课 + 费, its synonym group let 费
    alone match almost every standard (every 会议费, 住宿费 …). Now it finds the lecture fees only."""
    for query in ("授课费", "讲课费", "师资费"):
        codes = _codes(client, q=query, page_size=100)
        assert codes and codes[0] == "SP-ADM-LECTURE", (query, codes)
        assert "SP-ADM-MEETING" not in codes and "SP-ADM-LODGING-SH" not in codes, (query, codes)


def test_document_number_words_are_not_required(seeded, client):
    """第 and 号 around a number carry nothing: the number and the words find the standard."""
    assert _codes(client, q="第58号 会议费") == _codes(client, q="58 会议费")
