"""The fuzz run's write guard must itself be right: it sees every committed row change (even
one that leaves counts and values as they were) and nothing that was rolled back."""
from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.conftest import get_db_of
from tests.factories import standard_payload
from tests.fuzz.world import WriteCounter


@pytest.fixture
def counter(app, client):  # after `client`, whose token is the set-up's own write
    counter = WriteCounter(app)
    counter.install()
    yield counter
    counter.uninstall()


def test_counts_inserts_updates_and_deletes(app, counter, client):
    assert counter.value() == 0
    client.post("/api/v1/standards", json=standard_payload())
    created = counter.value()
    assert created >= 4  # standard, version, two items, event, search rows …
    engine = get_db_of(app).write_engine
    with engine.begin() as conn:
        conn.execute(text("UPDATE standards SET title = title"))  # same value: counts and digests unchanged
    assert counter.value() == created + 1
    with engine.begin() as conn:
        conn.execute(text("DELETE FROM items WHERE key = 'class3'"))
    assert counter.value() == created + 2


def test_a_rolled_back_write_leaves_the_counter(app, counter):
    engine = get_db_of(app).write_engine
    with engine.connect() as conn:
        transaction = conn.begin()
        conn.execute(text("INSERT INTO departments (code, name, position) VALUES ('fuzz-guard', '测试部门', 999)"))
        transaction.rollback()
    assert counter.value() == 0


def test_a_refused_request_writes_nothing_and_an_accepted_one_does(counter, client):
    refused = client.post("/api/v1/standards", json=standard_payload(field="no-such-field"))
    assert refused.status_code == 422 and refused.json["code"] == "unknown_field"
    assert counter.value() == 0
    assert client.post("/api/v1/tokens", json={"name": "x", "role": "reader"}).status_code == 201
    assert counter.value() == 1


def test_uninstall_removes_every_trace(app, counter):
    counter.uninstall()
    with get_db_of(app).write_engine.connect() as conn:
        if conn.dialect.name == "sqlite":
            left = conn.execute(text("SELECT name FROM sqlite_master WHERE name LIKE 'fuzz_writes%'")).all()
        else:
            left = conn.execute(text("SELECT tgname FROM pg_trigger WHERE tgname LIKE 'fuzz_writes%' "
                                     "UNION ALL SELECT tablename FROM pg_tables WHERE tablename = 'fuzz_writes'")).all()
    assert left == []
    counter.install()  # the fixture's teardown uninstalls again
