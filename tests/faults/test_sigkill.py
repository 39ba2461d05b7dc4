"""SIGKILL in the middle of an Excel import and of a publish: afterwards, all of it or none of it.

The workloads are real and merely large (a 3,000-row workbook, a version of 2,000 items whose
search document takes a while to build); see tests/faults/processes.py for how each kill is
placed inside the operation and proven to be there.
"""
from __future__ import annotations

import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import text

from registry import create_app
from tests.factories import standard_payload
from tests.faults.processes import FLASK, Child, Server, sqlite_write_lock_held, wal_size
from tests.faults.stored import bearer, connection, dispose, many_items, registry_app, stored, totals
from tests.services.test_imports import meeting_row, xlsx_bytes

IMPORT_STANDARDS = 1500  # two rows each; the import flushes every 1,000 standards
BIG_VERSION_ITEMS = 2000  # the most a version may hold
CODE = "SP-KILL-PUBLISH"


def test_sigkill_during_an_excel_import_leaves_nothing_of_it(tmp_path: Path):
    path = tmp_path / "registry.sqlite3"
    url = f"sqlite:///{path}"
    dispose(registry_app(url))
    before = totals(url)  # the last connection to close also empties the WAL
    workbook = tmp_path / "big.xlsx"
    workbook.write_bytes(xlsx_bytes([meeting_row(标准代码=f"SP-KILL-{s:05d}", 条目键=f"k{i}", 条件=f"会议类别=类{i}")
                                     for s in range(IMPORT_STANDARDS) for i in (1, 2)]))

    child = Child([*FLASK, "registry", "import", str(workbook)], url)
    try:
        child.wait_until(lambda: "写入标准" in child.lines, "the write phase")  # every row checked, writing begins
        written_from = wal_size(path)
        # Pages of the unfinished transaction reach the WAL once the first 1,000 standards are flushed.
        child.wait_until(lambda: wal_size(path) > written_from + 1_000_000, "uncommitted pages in the WAL")
        child.freeze()
        assert sqlite_write_lock_held(path)  # frozen with its transaction open: nothing committed
        child.kill()
    finally:
        child.stop()
    assert not any(line.startswith("已导入") for line in child.lines), child.output

    assert totals(url) == before  # every uncommitted page in the WAL was discarded
    with connection(url) as conn:
        assert conn.scalar(text("SELECT count(*) FROM standards WHERE code LIKE 'SP-KILL-%'")) == 0
    app = create_app({"TESTING": True, "DATABASE_URL": url})  # and the app serves, and writes, again
    headers = bearer(app, "admin")
    client = app.test_client()
    assert client.get("/api/v1/standards", headers=headers).status_code == 200
    assert client.post("/api/v1/standards", json=standard_payload(), headers=headers).status_code == 201
    assert totals(url)["standards"] == before["standards"] + 1
    dispose(app)


@pytest.fixture(params=["sqlite", "postgresql"])
def empty_database(request, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return f"sqlite:///{tmp_path / 'registry.sqlite3'}"
    return request.getfixturevalue("pg_server").create_database("faults_publish")


class Call(threading.Thread):
    """One request to the server, answered or cut off."""

    def __init__(self, server: Server, path: str, body: dict, headers: dict):
        super().__init__(daemon=True)
        self.args = ("POST", path, body, headers)
        self.server = server
        self.answer: tuple[int, dict] | None = None
        self.error: OSError | None = None

    def run(self) -> None:
        try:
            self.answer = self.server.request(*self.args)
        except OSError as exc:  # the connection dies with the server
            self.error = exc


def sqlite_transaction_cpu(path: Path, server: Server, call: Call) -> float:
    """The CPU time `server` spends on `call` while it holds the write lock (BEGIN … COMMIT)."""
    first = last = None
    call.start()
    while call.is_alive():
        if sqlite_write_lock_held(path):
            last = server.cpu_seconds()
            first = first if first is not None else last
        time.sleep(0.002)
    assert call.answer and call.answer[0] == 200, call.answer
    assert first is not None and last > first, "never saw the write transaction at work"
    return last - first


def wait_for_sqlite_transaction(path: Path, server: Server, call: Call, cpu: float) -> str:
    """Once `call` holds the write lock and the server has spent `cpu` seconds of work in it."""
    while not sqlite_write_lock_held(path):
        assert call.is_alive(), call.answer
        time.sleep(0.002)
    start = server.cpu_seconds()
    while server.cpu_seconds() - start < cpu:
        assert call.is_alive(), call.answer
        time.sleep(0.002)
    return f"{(server.cpu_seconds() - start) * 1000:.0f} ms of CPU into the write transaction"


def wait_for_postgres_writes(pg_server, database: str, call: Call) -> str:
    """Once a transaction of the server has written rows (it has an xid) and not committed."""
    with pg_server.connect(database) as watch:
        while True:
            row = watch.execute(
                "SELECT backend_xid::text, state FROM pg_stat_activity WHERE datname = current_database() "
                "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL").fetchone()
            if row:
                return f"transaction {row[0]} has written ({row[1]})"
            assert call.is_alive(), call.answer
            time.sleep(0.002)


def postgres_transaction_open(pg_server, database: str) -> bool:
    with pg_server.connect(database) as watch:
        return watch.execute("SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                             "AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL").fetchone()[0] == 1


def test_sigkill_during_a_publish_leaves_the_version_confirmed(empty_database: str, request):
    url = empty_database
    sqlite_path = Path(url.split("///", 1)[1]) if url.startswith("sqlite") else None
    app = registry_app(url)
    admin, reviewer = bearer(app, "admin"), bearer(app, "reviewer")
    client = app.test_client()
    assert client.post("/api/v1/standards", json=standard_payload(code=CODE, items=many_items(BIG_VERSION_ITEMS)),
                       headers=admin).status_code == 201
    transitions = f"/api/v1/standards/{CODE}/versions/1/transitions"
    assert client.post(transitions, json={"action": "submit"}, headers=admin).status_code == 200
    dispose(app)

    server = Server(url)
    try:
        # The first search (q=会议费) loads the word segmenter, which every later request merely uses.
        assert server.request("GET", "/api/v1/search?q=%E4%BC%9A%E8%AE%AE%E8%B4%B9", headers=reviewer)[0] == 200
        confirm = Call(server, transitions, {"action": "confirm"}, reviewer)
        if sqlite_path:
            # A confirm does the work of a publish (a status, an event, the search document rebuilt):
            # half its CPU time inside the transaction is a moment in the middle of the publish.
            halfway = sqlite_transaction_cpu(sqlite_path, server, confirm) / 2
        else:
            confirm.run()
            assert confirm.answer[0] == 200, confirm.answer
        with connection(url) as conn:
            confirmed = stored(conn, CODE)
        publish = Call(server, transitions, {"action": "publish"}, reviewer)
        publish.start()
        if sqlite_path:
            moment = wait_for_sqlite_transaction(sqlite_path, server, publish, halfway)
            server.freeze()
            assert sqlite_write_lock_held(sqlite_path), f"the publish had committed {moment}"
        else:
            pg_server = request.getfixturevalue("pg_server")
            moment = wait_for_postgres_writes(pg_server, "faults_publish", publish)
            server.freeze()
            assert postgres_transaction_open(pg_server, "faults_publish"), moment
        server.kill()
        publish.join(timeout=30)
    finally:
        server.stop()
    assert publish.answer is None and publish.error is not None, (moment, publish.answer)

    assert confirmed.versions == [(1, "confirmed")] and confirmed.events == ["created", "submitted", "confirmed"]
    assert confirmed.documents == [(f"{CODE}/v1", "confirmed")] and confirmed.items == BIG_VERSION_ITEMS
    before = totals(url)
    with connection(url) as conn:
        assert stored(conn, CODE) == confirmed, moment  # no status, event or document of the publish
    app = create_app({"TESTING": True, "DATABASE_URL": url})  # the app serves, and publishes, again
    published = app.test_client().post(transitions, json={"action": "publish"}, headers=reviewer)
    assert published.status_code == 200, published.json
    with connection(url) as conn:
        after = stored(conn, CODE)
    assert after.versions == [(1, "published")] and after.events[-1] == "published"
    assert after.documents == [(f"{CODE}/v1", "published")]
    assert totals(url) == before | {"events": before["events"] + 1}
    dispose(app)
