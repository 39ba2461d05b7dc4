"""The engine interface, the query and result shapes, and what every engine shares."""
from __future__ import annotations

from collections.abc import Iterable
import dataclasses
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from search import text

FACETS = ("kind", "field", "category", "region", "status")


@dataclass
class SearchQuery:
    """What to look for. Filters are exact values; `category` matches a category and its descendants.

    `region` and `regions` both apply when both are given; `regions` keeps any of its values
    (e.g. the district and one town).
    """

    text: str = ""
    kind: str | None = None
    field: str | None = None
    category: str | None = None
    region: str | None = None
    regions: tuple[str, ...] | None = None
    statuses: tuple[str, ...] | None = None
    in_force_on: date | None = None  # with `statuses`, keeps versions whose period contains the day
    page: int = 1
    page_size: int = 20
    with_facets: bool = True  # counts and facets cost extra queries; lookups skip them
    _segmented: tuple[str, list[list[str]]] | None = dataclasses.field(default=None, init=False, repr=False, compare=False)

    @property
    def groups(self) -> list[list[str]]:
        """The query's word groups, segmented once per text (every hit's highlight asks again)."""
        if self._segmented is None or self._segmented[0] != self.text:
            self._segmented = (self.text, text.query_groups(self.text))
        return self._segmented[1]

    @property
    def offset(self) -> int:
        return (self.page - 1) * self.page_size


@dataclass
class Hit:
    id: str
    score: float
    document: dict
    highlight: dict[str, str] = field(default_factory=dict)


@dataclass
class SearchResult:
    total: int
    hits: list[Hit]
    facets: dict[str, dict[str, int]]
    engine: str


class SearchEngine(Protocol):
    """Every engine indexes plain documents (see `registry.search_index.document_for`)."""

    name: str

    def index(self, documents: Iterable[dict]) -> None: ...

    def delete(self, ids: Iterable[str]) -> None: ...

    def search(self, query: SearchQuery) -> SearchResult: ...

    def health(self) -> dict: ...


def tokens_of(document: dict) -> tuple[str, str]:
    """The segmented title and body an engine indexes (space-separated tokens).

    Segmentation is the costly step of indexing, so it happens once: the tokens travel in
    the document (outbox rows, the embedded index's stored copy) to every engine after, with
    the segmentation that cut them. Tokens cut another way (an outbox row written before a
    new dictionary was deployed) are cut again: they would no longer meet today's queries.
    """
    tokens = document.get("tokens")
    if not tokens or tokens.get("segmentation") != text.segmentation_version():
        tokens = document["tokens"] = {"title": " ".join(text.index_tokens(document["title"])),
                                       "body": " ".join(text.index_tokens(document["body"])),
                                       "segmentation": text.segmentation_version()}
    return tokens["title"], tokens["body"]


def highlights(document: dict, groups: list[list[str]]) -> dict[str, str]:
    """Marked title and a short marked passage of the body, computed here for every engine alike."""
    terms = text.highlight_terms(groups)
    found = {"title": text.highlight(document["title"], terms), "body": _snippet(document["body"], terms)}
    return {name: value for name, value in found.items() if value}


def _snippet(body: str, terms: list[str], width: int = 40) -> str | None:
    lowered = body.lower()
    positions = [lowered.find(t) for t in terms if t and lowered.find(t) >= 0]
    if not positions:
        return None
    start = max(0, min(positions) - width // 2)
    passage = body[start:start + width * 2]
    return ("…" if start else "") + (text.highlight(passage, terms) or passage) + ("…" if start + width * 2 < len(body) else "")


def segmentation_health(current: bool, remedy: str) -> dict:
    """What /health says of an index's tokens: cut with today's dictionary, or to be rebuilt."""
    if current:
        return {"segmentation": "current"}
    return {"segmentation": "outdated",
            "message": f"索引的分词与当前词典不一致，部分检索会漏检：请运行 {remedy}（index built with another dictionary）"}
