"""Type-ahead: Chinese prefixes, full pinyin and pinyin initials (hyf → 会议费, lhyh → 绿化养护).

Terms (category and field names, the domain dictionary, standard titles) live in a small
table of the registry database, kept in the same transaction as the standards, so every
engine suggests alike.
"""
from __future__ import annotations

import re
from collections.abc import Iterable

from sqlalchemy import Connection, bindparam, text

from search.text import DATA, pinyin_keys

SCHEMA = (
    "CREATE TABLE search_terms (term VARCHAR(200) PRIMARY KEY, pinyin VARCHAR(800) NOT NULL, "
    "initials VARCHAR(200) NOT NULL, weight INTEGER NOT NULL)",
    "CREATE INDEX ix_search_terms_pinyin ON search_terms (pinyin)",
    "CREATE INDEX ix_search_terms_initials ON search_terms (initials)",
)
_LATIN = re.compile(r"^[a-z]+$")


def create_schema(connection: Connection) -> None:
    for statement in SCHEMA:
        connection.exec_driver_sql(statement)


def dictionary_terms() -> list[str]:
    lines = (DATA / "dictionary.txt").read_text(encoding="utf-8").splitlines()
    return [line.split()[0] for line in lines if line.strip()]


def add_terms(connection: Connection, terms: Iterable[tuple[str, int]]) -> None:
    """Insert terms that are new; a known term keeps the higher of its weights."""
    rows: dict[str, int] = {}
    for term, weight in terms:
        term = term.strip()[:200]
        if term:
            rows[term] = max(weight, rows.get(term, weight))
    if not rows:
        return
    existing = dict(connection.execute(
        text("SELECT term, weight FROM search_terms WHERE term IN :terms").bindparams(bindparam("terms", expanding=True)),
        {"terms": list(rows)}).all())
    for term, weight in rows.items():
        if term in existing:
            if weight > existing[term]:
                connection.execute(text("UPDATE search_terms SET weight = :w WHERE term = :t"), {"w": weight, "t": term})
            continue
        full, initials = pinyin_keys(term)
        connection.execute(
            text("INSERT INTO search_terms (term, pinyin, initials, weight) VALUES (:t, :p, :i, :w)"),
            {"t": term, "p": full[:800], "i": initials[:200], "w": weight})


def suggest(connection: Connection, prefix: str, limit: int = 10) -> list[dict]:
    """Terms starting with `prefix` (Chinese, pinyin or initials), best first."""
    prefix = prefix.strip().lower()
    if not prefix:
        return []
    pattern = _escape(prefix) + "%"
    if _LATIN.match(prefix):
        where = "initials LIKE :p ESCAPE '\\' OR pinyin LIKE :p ESCAPE '\\'"
        exact = "initials = :q OR pinyin = :q"
    else:
        where = "term LIKE :p ESCAPE '\\'"
        exact = "term = :q"
    rows = connection.execute(text(
        f"SELECT term, pinyin, initials FROM search_terms WHERE {where} "
        f"ORDER BY CASE WHEN {exact} THEN 0 ELSE 1 END, weight DESC, length(term), term LIMIT :limit"),
        {"p": pattern, "q": prefix, "limit": limit}).all()
    return [{"text": r.term, "pinyin": r.pinyin, "initials": r.initials} for r in rows]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
