"""The embedded engine: full-text inside the registry's own database, in its transaction.

SQLite uses an FTS5 table, PostgreSQL a weighted tsvector with a GIN index; both index the
project's own segmentation (space-separated tokens), so they match exactly alike. The
engine works on the caller's connection: documents change in the same transaction as the
rows they describe, and a search never sees a stale index.
"""
from __future__ import annotations

import json
import re
from collections.abc import Iterable

from sqlalchemy import Connection, String, bindparam, text

from search.engine import FACETS, Hit, SearchQuery, SearchResult, highlights, tokens_of

COLUMNS = ("id", "code", "version", "kind", "field", "category", "category_path", "region", "status",
           "effective_from", "effective_to", "seq")
_UNSAFE = re.compile(r"[^\w\u4e00-\u9fff]+", re.UNICODE)

SQLITE_SCHEMA = (
    "CREATE TABLE search_documents (rid INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, code TEXT NOT NULL, "
    "version INTEGER NOT NULL, kind TEXT, field TEXT, category TEXT, category_path TEXT, region TEXT, "
    "status TEXT, effective_from TEXT, effective_to TEXT, seq INTEGER, document TEXT NOT NULL)",
    "CREATE INDEX ix_search_documents_code ON search_documents (code)",
    "CREATE VIRTUAL TABLE search_fts USING fts5(title, body, tokenize = 'unicode61 remove_diacritics 0')",
)
POSTGRES_SCHEMA = (
    "CREATE TABLE search_documents (id TEXT PRIMARY KEY, code TEXT NOT NULL, version INTEGER NOT NULL, "
    "kind TEXT, field TEXT, category TEXT, category_path TEXT, region TEXT, status TEXT, "
    "effective_from DATE, effective_to DATE, seq BIGINT, document JSONB NOT NULL, tsv TSVECTOR NOT NULL)",
    "CREATE INDEX ix_search_documents_code ON search_documents (code)",
    "CREATE INDEX ix_search_documents_tsv ON search_documents USING gin (tsv)",
)


def create_schema(connection: Connection) -> None:
    for statement in SQLITE_SCHEMA if connection.dialect.name == "sqlite" else POSTGRES_SCHEMA:
        connection.exec_driver_sql(statement)


def drop_schema(connection: Connection) -> None:
    for table in ("search_fts", "search_documents") if connection.dialect.name == "sqlite" else ("search_documents",):
        connection.exec_driver_sql(f"DROP TABLE IF EXISTS {table}")


class EmbeddedEngine:
    """Search in the registry database, on the connection (and transaction) it is given."""

    def __init__(self, connection: Connection):
        self.connection = connection
        self.sqlite = connection.dialect.name == "sqlite"
        self.name = "embedded-sqlite" if self.sqlite else "embedded-postgresql"

    def index(self, documents: Iterable[dict], *, fresh: bool = False) -> None:
        """Write documents, replacing those with the same id (`fresh`: none exist yet)."""
        for document in documents:
            if not fresh:
                self.delete([document["id"]])
            title, body = tokens_of(document)  # before serialising: the stored copy keeps its tokens
            row = {name: document.get(name) for name in COLUMNS}
            row["category_path"] = "|" + "|".join(document["category_path"]) + "|"
            row["document"] = json.dumps(document, ensure_ascii=False)
            if self.sqlite:
                rid = self.connection.execute(text(
                    f"INSERT INTO search_documents ({', '.join(COLUMNS)}, document) "
                    f"VALUES ({', '.join(':' + c for c in COLUMNS)}, :document) RETURNING rid"), row).scalar()
                self.connection.execute(text("INSERT INTO search_fts (rowid, title, body) VALUES (:rid, :t, :b)"),
                                        {"rid": rid, "t": title, "b": body})
            else:
                self.connection.execute(text(
                    f"INSERT INTO search_documents ({', '.join(COLUMNS)}, document, tsv) "
                    f"VALUES ({', '.join(_pg_value(c) for c in COLUMNS)}, CAST(:document AS JSONB), "
                    "setweight(to_tsvector('simple', :t), 'A') || setweight(to_tsvector('simple', :b), 'B'))"),
                    row | {"t": title, "b": body})

    def delete(self, ids: Iterable[str]) -> None:
        ids = list(ids)
        if not ids:
            return
        if self.sqlite:
            self.connection.execute(text(
                "DELETE FROM search_fts WHERE rowid IN (SELECT rid FROM search_documents WHERE id IN :ids)"
            ).bindparams(bindparam("ids", expanding=True)), {"ids": ids})
        self.connection.execute(
            text("DELETE FROM search_documents WHERE id IN :ids").bindparams(bindparam("ids", expanding=True)),
            {"ids": ids})

    def delete_code(self, code: str) -> None:
        ids = self.connection.execute(text("SELECT id FROM search_documents WHERE code = :c"), {"c": code}).scalars()
        self.delete(list(ids))

    def search(self, query: SearchQuery) -> SearchResult:
        groups = [[_safe(t) for t in g if _safe(t)] for g in query.groups]
        groups = [g for g in groups if g]
        where, params = _filters(query)
        if self.sqlite and "day" in params:
            params["day"] = params["day"].isoformat()  # dates are ISO text in SQLite
        source = "search_documents d"
        score = "0.0"
        if groups:
            if self.sqlite:
                source = "search_fts JOIN search_documents d ON d.rid = search_fts.rowid"
                where.append("search_fts MATCH :match")
                params["match"] = " AND ".join("(" + " OR ".join(f'"{t}"' for t in g) + ")" for g in groups)
                score = "-bm25(search_fts, 3.0, 1.0)"
            else:
                where.append("d.tsv @@ to_tsquery('simple', :match)")
                params["match"] = " & ".join("(" + " | ".join(f"'{t}'" for t in g) + ")" for g in groups)
                # ts_rank knows no term rarity; weighting the words as typed (not their
                # sub-words and synonyms) gives the ordering BM25 gives the other engines.
                params["exact"] = " | ".join(f"'{g[0]}'" for g in groups)
                score = ("ts_rank(d.tsv, to_tsquery('simple', :match)) "
                         "+ 2 * ts_rank(d.tsv, to_tsquery('simple', :exact))")
        clause = " AND ".join(where) or "1 = 1"
        order = "score DESC, d.code, d.version" if groups else "d.code, d.version"
        # Rank ids only: carrying every match's stored document through the sort costs far more.
        rows = self._rows(
            f"SELECT d.id, {score} AS score FROM {source} WHERE {clause} "
            f"ORDER BY {order} LIMIT :limit OFFSET :offset",
            params | {"limit": query.page_size, "offset": query.offset})
        stored = self._documents([row.id for row in rows])
        hits = []
        for row in rows:
            document = stored[row.id]
            marks = highlights(document, query.groups) if query.with_facets else {}
            hits.append(Hit(row.id, round(float(row.score), 6), document, marks))
        if not query.with_facets:
            return SearchResult(len(hits), hits, {}, self.name)
        total, facets = self._facets(source, clause, params)
        return SearchResult(total, hits, facets, self.name)

    def _documents(self, ids: list[str]) -> dict[str, dict]:
        if not ids:
            return {}
        rows = self.connection.execute(
            text("SELECT id, document FROM search_documents WHERE id IN :ids").bindparams(bindparam("ids", expanding=True)),
            {"ids": ids})
        return {r.id: r.document if isinstance(r.document, dict) else json.loads(r.document) for r in rows}

    def _facets(self, source: str, clause: str, params: dict) -> tuple[int, dict[str, dict[str, int]]]:
        """The total and every facet from one grouped pass over the matches (not one per facet)."""
        columns = ", ".join(f"d.{name}" for name in FACETS)
        facets: dict[str, dict[str, int]] = {name: {} for name in FACETS}
        total = 0
        for row in self._rows(f"SELECT {columns}, count(*) FROM {source} WHERE {clause} GROUP BY {columns}", params):
            count = row[-1]
            total += count
            for name, value in zip(FACETS, row[:-1]):
                facets[name][value] = facets[name].get(value, 0) + count
        ordered = {name: dict(sorted(values.items(), key=lambda kv: (-kv[1], kv[0] or ""))) for name, values in facets.items()}
        return total, ordered

    def stored(self, batch: int = 1000):
        """Every indexed document, tokens included, in id order, read in batches."""
        after = ""
        while True:
            rows = self._rows("SELECT id, document FROM search_documents WHERE id > :after ORDER BY id LIMIT :n",
                              {"after": after, "n": batch})
            if not rows:
                return
            for row in rows:
                yield row.document if isinstance(row.document, dict) else json.loads(row.document)
            after = rows[-1].id

    def count(self) -> int:
        return self._scalar("SELECT count(*) FROM search_documents", {})

    def versions(self) -> dict[str, int]:
        """id → seq of every indexed document (to compare an index with the database)."""
        return dict(self._rows("SELECT id, seq FROM search_documents", {}))

    def health(self) -> dict:
        return {"engine": self.name, "state": "ok", "documents": self.count()}

    def _statement(self, sql: str, params: dict):
        statement = text(sql)
        for name in ("statuses", "regions"):
            if name in params:
                # Typed: an empty list renders as an empty set PostgreSQL must still compare with text.
                statement = statement.bindparams(bindparam(name, expanding=True, type_=String))
        return statement

    def _scalar(self, sql: str, params: dict):
        return self.connection.execute(self._statement(sql, params), params).scalar()

    def _rows(self, sql: str, params: dict):
        return self.connection.execute(self._statement(sql, params), params).all()


def _filters(query: SearchQuery) -> tuple[list[str], dict]:
    where, params = [], {}
    for name in ("kind", "field", "region"):
        value = getattr(query, name)
        if value:
            where.append(f"d.{name} = :{name}")
            params[name] = value
    if query.category:
        where.append("d.category_path LIKE :category ESCAPE '\\'")
        escaped = query.category.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
        params["category"] = f"%|{escaped}|%"
    if query.regions is not None:
        where.append("d.region IN :regions")
        params["regions"] = list(query.regions)
    if query.statuses:
        where.append("d.status IN :statuses")
        params["statuses"] = list(query.statuses)
    if query.in_force_on:
        where.append("d.effective_from <= :day AND (d.effective_to IS NULL OR d.effective_to > :day)")
        params["day"] = query.in_force_on
    return where, params


def _pg_value(column: str) -> str:
    return f"CAST(:{column} AS DATE)" if column.startswith("effective_") else f":{column}"


def _safe(token: str) -> str:
    """A token as the engines' query syntax takes it: word characters only."""
    return _UNSAFE.sub("", token)
