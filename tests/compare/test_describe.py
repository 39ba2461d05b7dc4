"""Description-only lines: names of regions, kinds and categories act as filters, one search per description."""
from __future__ import annotations

from contextlib import contextmanager
from datetime import date

import pytest

from registry.compare import describe
from registry.compare.describe import DescriptionSearches
from registry.db import get_db
from registry.enums import IN_FORCE_STATUSES
from search.embedded import EmbeddedEngine
from search.engine import SearchQuery
from tests.compare.test_compare_api import _compare, _line, _one

ROAD = {"unit": "遍/日", "quantity": "1", "unit_price": "3", "conditions": {"道路等级": "一级", "作业项目": "清扫"}}


@contextmanager
def _searches(app, region=("qingpu",)):
    with app.app_context(), get_db().read() as session:
        yield DescriptionSearches(session, date(2025, 3, 1), region)


def test_names_become_filters_and_serial_numbers_their_digits(seeded):
    with _searches(seeded) as searches:
        described = searches.describe({"description": "青浦区 道路保洁 公共服务标准 日清扫"})
        assert (described.words, described.kind, described.category) == ("道路保洁 日清扫", "service", None)
        # A category named beside a number is where to look for that number.
        numbered = searches.describe({"description": "青浦区 道路保洁 公共服务标准（第12号）", "field": "城市运维"})
        assert (numbered.words, numbered.kind, numbered.category, numbered.field) == ("（ 12 ）", "service", "city_ops.cleaning", None)
        assert numbered.key == (("12",), "service", None, "city_ops.cleaning")
        # A category given by the line stays as given; two categories named: no filter.
        given = searches.describe({"description": "会议费 12", "category": "住宿费"})
        assert (given.words, given.category) == ("会议费 12", "admin.travel.lodging")
        assert searches.describe({"description": "会议费 住宿费 12"}).category is None
        # Only filter names: the description as written is what the search ranks on.
        assert searches.describe({"description": "青浦区 财政支出标准"}).words == "青浦区 财政支出标准"


def test_word_order_and_filter_names_share_one_search(seeded):
    with _searches(seeded) as searches:
        lines = [{"description": d} for d in ("二类会议 会议费", "会议费 二类会议", "青浦区 会议费 二类会议",
                                               "二类会议  会议费 财政支出标准", "会议费")]
        codes = [[h.document["code"] for h in searches.hits(line)] for line in lines]
        assert searches.searched == 3  # (会议费 二类会议), the same with the kind spending, (会议费)
        assert codes[0] == codes[1] == codes[2] and codes[0][0] == "SP-ADM-MEETING"
        assert codes[3][0] == "SP-ADM-MEETING"


def test_region_and_kind_names_in_a_description(seeded, client):
    named = _one(client, _line(description="青浦区 道路保洁 公共服务标准 日清扫", **ROAD))
    assert (named["standard_code"], named["verdict"]) == ("SV-CITY-ROAD-CLEAN", "within")
    # A town's standard answers for that town only, even when its name is the description's.
    town_named = _one(client, _line(description="朱家角镇 道路保洁 日清扫", **ROAD))
    assert town_named["standard_code"] == "SV-CITY-ROAD-CLEAN"
    in_town = _one(client, _line(description="朱家角镇 道路保洁 日清扫", **ROAD), region="朱家角镇")
    assert (in_town["standard_code"], in_town["verdict"]) == ("SV-CITY-ROAD-CLEAN-ZJJ-SAMPLE", "under")
    # No standard of the kind named: nothing, rather than a standard of another kind.
    wrong_kind = _one(client, _line(description="道路保洁 财政支出标准 日清扫", **ROAD))
    assert wrong_kind["verdict"] == "no_standard"


def test_a_category_filter_that_finds_nothing_falls_back_to_the_words(seeded):
    with _searches(seeded) as searches:
        filtered = searches.describe({"description": "住宿费 400"})
        assert (filtered.words, filtered.category) == ("400", "admin.travel.lodging")
        assert [h.document["code"] for h in searches.hits({"description": "住宿费 400"})] == ["SP-ADM-LODGING-CITIES"]
        # No lodging standard says 150; the meeting standards do (伙食 150 元/人·天): the words alone find them.
        unfiltered = EmbeddedEngine(searches.session.connection()).search(SearchQuery(
            text="150 住宿费", regions=("qingpu",), statuses=tuple(sorted(IN_FORCE_STATUSES)), in_force_on=date(2025, 3, 1),
            page_size=10, with_facets=False))
        found = [h.document["code"] for h in searches.hits({"description": "住宿费 150"})]
        assert found == [h.document["code"] for h in unfiltered.hits] and "SP-ADM-MEETING" in found


def test_many_lines_with_one_description(seeded, client):
    lines = [_line(f"L{n}", description="会议费 二类会议" if n % 2 else "二类会议 青浦区 会议费", unit_price=str(600 + n))
             for n in range(100)]
    answer = _compare(client, *lines)
    assert answer["summary"]["by_verdict"] == {"over": 49, "within": 51}
    assert {line["standard_code"] for line in answer["lines"]} == {"SP-ADM-MEETING"}
    assert answer["summary"]["excess_amount"] == f"{sum(120 * (600 + n - 650) for n in range(51, 100)):.2f}"


@pytest.mark.parametrize("shared_page", [50, 3])
def test_kind_and_field_variants_rank_as_their_own_searches(seeded, monkeypatch, shared_page):
    """One ranking of the words serves its kind and field variants, or the variant is searched itself."""
    monkeypatch.setattr(describe, "SHARED_PAGE", shared_page)  # 3: the page fills, some variants search again
    monkeypatch.setattr(describe, "PAGE", 2)
    with _searches(seeded) as searches:
        engine = EmbeddedEngine(searches.session.connection())
        for words, field in [("元", None), ("元 公共服务标准", None), ("元 成本定额标准", "数字化"),
                             ("元 财政支出标准", "一般行政"), ("元", "城市运维"), ("元 公共服务标准", "数字化")]:
            line = {"description": words, "field": field}
            wanted = searches.describe(line)
            alone = engine.search(SearchQuery(
                text=wanted.words, kind=wanted.kind, field=wanted.field, regions=("qingpu",),
                statuses=tuple(sorted(IN_FORCE_STATUSES)), in_force_on=date(2025, 3, 1), page_size=2, with_facets=False))
            assert [(h.id, h.score) for h in searches.hits(line)] == [(h.id, h.score) for h in alone.hits], line
