"""Finding standards for description-only lines: one search per distinct normalised description.

Each ranked full-text search costs milliseconds, most of it spent on words that match nearly
every document. So before searching, the parts of a description that name a filter become
that filter: a region's name (only the district's and the request's town's standards apply,
and that is the search's region filter anyway), a kind's name (公共服务标准 …) the kind filter; a
serial number 第792号 is searched as 792 (every title carries 第…号), and a category named
beside a number becomes the category filter. Elsewhere a category's name stays words to rank
on: "二类会议 住宿费" means the meeting standard's lodging part, not the travel-lodging
category. A search its category filter leaves empty is retried without it, so naming a
category never loses a standard the words alone would find. Lines whose descriptions differ
only in word order or in those names share one search.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, replace
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from registry.enums import IN_FORCE_STATUSES, KIND_NAMES
from registry.models import Category, Field, Region
from registry.services import taxonomy
from search.embedded import EmbeddedEngine
from search.engine import Hit, SearchQuery

PAGE = 10  # hits per description: enough for five candidates after the unit and tier checks
SHARED_PAGE = 50  # one ranked page of the same words, shared by their kind and field variants
_SERIAL = re.compile(r"第\s*(\d+)\s*号")
_WORD = re.compile(r"\w")
_NUMBERS = re.compile(r"[\W_]*(\d+[\W_]+)*\d+[\W_]*")  # digits, nothing else but punctuation and spaces


@dataclass(frozen=True)
class Described:
    """What a description asks for, split into words to rank on and filters."""

    words: str
    kind: str | None
    field: str | None
    category: str | None
    named_category: str | None  # the category name the words left out, to fall back on

    @property
    def key(self) -> tuple:
        words = sorted(w for w in self.words.split() if _WORD.search(w))  # punctuation alone segments to nothing
        return tuple(words), self.kind, self.field, self.category


class DescriptionSearches:
    """Search hits per description for one request, each distinct search run once."""

    def __init__(self, session: Session, as_of: date, regions: tuple[str, ...]):
        self.session, self.as_of, self.regions = session, as_of, regions
        self._hits: dict[tuple, list[Hit]] = {}
        self._shared: dict[tuple, list[Hit]] = {}
        self._described: dict[tuple, Described] = {}
        self._fields: dict[str, str] = {}
        self._region_names = sorted((n for n, in session.execute(select(Region.name))), key=len, reverse=True)
        self._categories: dict[str, set[tuple[str, str]]] = {}  # name → {(category code, field code)}
        for name, code, field in session.execute(select(Category.name, Category.code, Field.code).join(Field)):
            self._categories.setdefault(name, set()).add((code, field))
        self._category_names = sorted(self._categories, key=len, reverse=True)

    def hits(self, line: dict) -> list[Hit]:
        """The ranked hits for the line's description and filters."""
        asked = line["description"], line.get("field"), line.get("category")
        if asked not in self._described:
            self._described[asked] = self.describe(line)
        described = self._described[asked]
        if described.key not in self._hits:
            hits = self._filtered(described)
            if not hits and described.named_category:
                hits = self._filtered(replace(described, words=f"{described.words} {described.named_category}",
                                            category=self._category_code(line.get("category")),
                                            field=self._field_code(line.get("field")), named_category=None))
            self._hits[described.key] = hits
        return self._hits[described.key]

    @property
    def searched(self) -> int:
        """How many distinct searches the lines asked for (descriptions after normalising)."""
        return len(self._hits)

    def found_codes(self) -> set[str]:
        return {hit.document["code"] for hits in self._hits.values() for hit in hits}

    def describe(self, line: dict) -> Described:
        """Words and filters of a line's description, field and category."""
        words = _SERIAL.sub(r" \1 ", line["description"])
        for name in self._region_names:
            words = words.replace(name, " ")
        kinds = [kind for kind, name in KIND_NAMES.items() if name in words]
        kind = kinds[0].value if len(kinds) == 1 else None
        if kind:
            words = words.replace(KIND_NAMES[kinds[0]], " ")
        field, category = self._field_code(line.get("field")), self._category_code(line.get("category"))
        named = None
        if category is None and (found := self._named_category(words)):
            rest = words.replace(found[1], " ")
            if _NUMBERS.fullmatch(rest):  # 第792号 道路保洁: the number names the standard, the category where
                (category, category_field), named = found
                words = rest
                if field == category_field:
                    field = None  # the category implies it: one search for lines with and without it
        words = " ".join(words.split()) or " ".join(line["description"].split())
        return Described(words, kind, field, category, named)

    def _filtered(self, described: Described) -> list[Hit]:
        """The top hits with the kind and field filters, taken from one ranking of the words when it can.

        A filter changes no score, so the filtered ranking is the unfiltered one without the
        hits it drops: exact when the shared page keeps a full page, or held every match.
        """
        unfiltered = replace(described, kind=None, field=None)
        if unfiltered.key not in self._shared:
            self._shared[unfiltered.key] = self._search(unfiltered, SHARED_PAGE)
        shared = self._shared[unfiltered.key]
        kept = [hit for hit in shared if described.kind in (None, hit.document["kind"])
                and described.field in (None, hit.document["field"])]
        if len(kept) >= PAGE or len(shared) < SHARED_PAGE:
            return kept[:PAGE]
        return self._search(described, PAGE)

    def _search(self, described: Described, page_size: int) -> list[Hit]:
        query = SearchQuery(text=described.words, kind=described.kind, field=described.field,
                            category=described.category, regions=self.regions,
                            statuses=tuple(sorted(IN_FORCE_STATUSES)), in_force_on=self.as_of, page_size=page_size,
                            with_facets=False)
        return EmbeddedEngine(self.session.connection()).search(query).hits

    def _named_category(self, words: str) -> tuple[tuple[str, str], str] | None:
        """((category code, field code), name) when the words name exactly one category."""
        found, rest = [], words
        for name in self._category_names:  # longest first: 公共绿地养护 before 绿化养护
            if name in rest:
                found.append(name)
                rest = rest.replace(name, " ")
        if len(found) != 1 or len(self._categories[found[0]]) != 1:
            return None
        return next(iter(self._categories[found[0]])), found[0]

    def _field_code(self, value: str | None) -> str | None:
        if not value:
            return None
        if value not in self._fields:
            self._fields[value] = taxonomy.resolve(self.session, Field, value, path="field").code
        return self._fields[value]

    def _category_code(self, value: str | None) -> str | None:
        """The code of a category given by code or name; an unknown one is kept and finds nothing."""
        if not value:
            return None
        if value in self._categories:
            return min(code for code, _ in self._categories[value])
        return value
