"""Engine-level filters the API does not expose but services use (compare: the district and one town)."""
from __future__ import annotations

from registry import search_index
from registry.db import get_db
from search.embedded import EmbeddedEngine
from search.engine import SearchQuery
from tests.conftest import CLUSTERS


def _search(app, backend: str, query: SearchQuery) -> list[tuple[str, str]]:
    with app.app_context():
        if backend in CLUSTERS:
            result = search_index.cluster_link().engine().search(query)
        else:
            with get_db().read() as session:
                result = EmbeddedEngine(session.connection()).search(query)
    assert sum(result.facets["region"].values()) == result.total == len(result.hits)
    return sorted({(hit.document["code"], hit.document["region"]) for hit in result.hits})


def test_regions_keep_any_of_their_values(seeded, backend):
    def codes(**filters) -> list[tuple[str, str]]:
        return _search(seeded, backend, SearchQuery(text="道路保洁", page_size=100, **filters))

    district = ("SV-CITY-ROAD-CLEAN", "qingpu")
    town = ("SV-CITY-ROAD-CLEAN-ZJJ-SAMPLE", "zhujiajiao")
    assert codes() == [district, town]
    assert codes(regions=("qingpu", "zhujiajiao")) == [district, town]
    assert codes(regions=("zhujiajiao", "xujing")) == [town]
    assert codes(regions=("xujing",)) == []
    assert codes(regions=()) == []  # any of none: nothing
    assert codes(region="qingpu") == [district]  # the single filter still works
    assert codes(region="qingpu", regions=("qingpu", "zhujiajiao")) == [district]  # both apply
    assert codes(region="zhujiajiao", regions=("qingpu",)) == []


def test_regions_combine_with_the_other_filters_and_an_empty_text(seeded, backend):
    query = SearchQuery(kind="service", regions=("zhujiajiao", "qingpu"), page_size=100)
    assert _search(seeded, backend, query) == [("SV-CITY-ROAD-CLEAN", "qingpu"),
                                               ("SV-CITY-ROAD-CLEAN-ZJJ-SAMPLE", "zhujiajiao")]
    query = SearchQuery(kind="service", regions=("zhujiajiao",), statuses=("published",), page_size=100)
    assert _search(seeded, backend, query) == [("SV-CITY-ROAD-CLEAN-ZJJ-SAMPLE", "zhujiajiao")]
