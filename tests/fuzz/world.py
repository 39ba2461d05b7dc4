"""The registry the fuzzer runs against, and the write guard that watches it.

The world is the bundled seed (published, superseded and submitted versions) plus a draft
and a saved review, so that generated requests can reach real resources: path parameters
are drawn from `path_values` part of the time instead of always being random 404s.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from flask import Flask
from sqlalchemy import text

from registry.models import Base
from tests.conftest import get_db_of
from tests.factories import standard_payload

DRAFT_CODE = "SP-TEST-MEETING"  # a draft of the finance department, editable by its submitter
# Beside the mapped tables, the embedded search engine's own: a rejected request must not touch them either.
SEARCH_TABLES = ("search_documents", "search_terms")


class WriteCounter:
    """Counts every row inserted, updated or deleted in the registry's tables, by trigger.

    Stricter than comparing row counts (an UPDATE keeps them) and than digests of the rows (a
    write of the same values leaves them); a write that is rolled back takes its count with it,
    so the counter moves exactly when a request commits something.
    """

    TABLE = "fuzz_writes"

    def __init__(self, app: Flask):
        self.engine = get_db_of(app).write_engine
        self.tables = [t.name for t in Base.metadata.sorted_tables] + list(SEARCH_TABLES)

    def install(self) -> None:
        self.uninstall()  # whatever an interrupted run left
        with self.engine.begin() as conn:
            conn.execute(text(f"CREATE TABLE {self.TABLE} (n INTEGER NOT NULL)"))
            conn.execute(text(f"INSERT INTO {self.TABLE} VALUES (0)"))
            bump = f"UPDATE {self.TABLE} SET n = n + 1"
            if self.engine.dialect.name == "postgresql":
                conn.execute(text(f"CREATE FUNCTION {self.TABLE}_bump() RETURNS trigger LANGUAGE plpgsql "
                                  f"AS $$ BEGIN {bump}; RETURN NULL; END $$"))
            for table, event in ((t, e) for t in self.tables for e in ("INSERT", "UPDATE", "DELETE")):
                name = f"{self.TABLE}_{table}_{event.lower()}"
                if self.engine.dialect.name == "postgresql":
                    conn.execute(text(f"CREATE TRIGGER {name} AFTER {event} ON {table} "
                                      f"FOR EACH ROW EXECUTE FUNCTION {self.TABLE}_bump()"))
                else:
                    conn.execute(text(f"CREATE TRIGGER {name} AFTER {event} ON {table} BEGIN {bump}; END"))

    def uninstall(self) -> None:
        with self.engine.begin() as conn:
            for table, event in ((t, e) for t in self.tables for e in ("insert", "update", "delete")):
                on = f" ON {table}" if self.engine.dialect.name == "postgresql" else ""
                conn.execute(text(f"DROP TRIGGER IF EXISTS {self.TABLE}_{table}_{event}{on}"))
            if self.engine.dialect.name == "postgresql":
                conn.execute(text(f"DROP FUNCTION IF EXISTS {self.TABLE}_bump()"))
            conn.execute(text(f"DROP TABLE IF EXISTS {self.TABLE}"))

    def value(self) -> int:
        with self.engine.connect() as conn:
            return conn.execute(text(f"SELECT n FROM {self.TABLE}")).scalar_one()


@dataclass
class FuzzWorld:
    app: Flask
    role: str
    token: str  # the bearer token of `role`, sent with every generated request
    own_token_ids: frozenset[int]  # tokens the run itself uses: never revoked by a generated DELETE
    writes: WriteCounter
    path_values: dict[str, list] = field(default_factory=dict)


def build_world(app: Flask, headers_for, role: str) -> FuzzWorld:
    """Seeded app + a draft + a saved review + tokens: `role`'s own, and spares that may be revoked."""
    admin = headers_for("admin", name="fuzz-setup")
    client = app.test_client()
    created = client.post("/api/v1/standards", json=standard_payload(code=DRAFT_CODE), headers=admin)
    assert created.status_code == 201, created.get_data(as_text=True)
    review = client.post("/api/v1/compare", headers=admin, json={
        "as_of": "2025-03-01", "save": True,
        "lines": [{"line_id": "L1", "standard_code": "SP-ADM-MEETING", "conditions": {"会议类别": "二类"},
                   "unit": "元/人·天", "quantity": "100", "unit_price": "700"}],
    })
    assert review.status_code == 200, review.get_data(as_text=True)
    headers = headers_for(role, department="finance" if role == "submitter" else None, name=f"fuzz-{role}")
    tokens = client.get("/api/v1/tokens", headers=admin).get_json()
    own = frozenset(t["id"] for t in tokens)  # the setup token and `role`'s
    spares = [client.post("/api/v1/tokens", headers=admin, json={"name": f"spare-{n}", "role": "reader"}).get_json()["id"]
              for n in range(2)]
    return FuzzWorld(
        app=app, role=role, token=headers["Authorization"].removeprefix("Bearer "), own_token_ids=own, writes=WriteCounter(app),
        path_values={
            "code": [DRAFT_CODE, "SP-ADM-TRAINING", "SP-ADM-LODGING-SH", "SP-ADM-MEETING"],
            "number": [1, 2, 3],
            "review_id": [review.get_json()["review_id"]],
            "token_id": spares,
        },
    )
