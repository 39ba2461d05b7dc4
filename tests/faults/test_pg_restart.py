"""PostgreSQL stopped and started again under a stream of writes: each write all or nothing,
every failure a clean 503, and the same app serving again once the server is back.

To be sure a write is cut in the middle, the test holds a lock on the search table (as any
long-running maintenance might) until a write transaction that has already inserted rows waits
on it, and stops the server right then: `pg_ctl stop -m fast` terminates that transaction.
"""
from __future__ import annotations

import threading
import time
from dataclasses import dataclass

from tests.factories import standard_payload
from tests.faults.stored import Stored, bearer, connection, dispose, registry_app, stored

DOWNTIME = 0.5  # seconds the server stays down while writes keep coming


@dataclass
class Outcome:
    action: str  # "create" or "submit"
    code: str
    status: int
    error: str | None  # the body's machine code when not a success
    message: str | None


class WriteStream(threading.Thread):
    """Create a standard, then submit it; again and again, recording every answer."""

    def __init__(self, client):
        super().__init__(daemon=True)
        self.client = client
        self.outcomes: list[Outcome] = []
        self.failure: BaseException | None = None
        self.done = threading.Event()

    def run(self) -> None:
        try:
            for n in range(100_000):
                if self.done.is_set():
                    return
                code = f"SP-RST-{n:05d}"
                if self._call("create", code, "/api/v1/standards", standard_payload(code=code)) == 201:
                    self._call("submit", code, f"/api/v1/standards/{code}/versions/1/transitions", {"action": "submit"})
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.failure = exc

    def _call(self, action: str, code: str, path: str, body: dict) -> int:
        response = self.client.post(path, json=body)
        ok = response.status_code < 300
        if not ok:
            time.sleep(0.02)  # a client backing off, not a hot loop while the server is away
        self.outcomes.append(Outcome(action, code, response.status_code, None if ok else response.json["code"],
                                     None if ok else response.json["message"]))
        return response.status_code

    def successes(self) -> int:
        return sum(o.action == "submit" and o.status == 200 for o in self.outcomes)

    def wait_for(self, successes: int, timeout: float = 30) -> None:
        deadline = time.monotonic() + timeout
        while self.successes() < successes and time.monotonic() < deadline and self.is_alive():
            time.sleep(0.05)
        assert self.successes() >= successes, (self.failure, self.outcomes[-5:])


DRAFT = Stored(standards=1, versions=[(1, "draft")], items=2, events=["created"], documents=[("{}/v1", "draft")])
SUBMITTED = Stored(standards=1, versions=[(1, "submitted")], items=2, events=["created", "submitted"],
                   documents=[("{}/v1", "submitted")])
NOTHING = Stored(standards=0, versions=[], items=0, events=[], documents=[])


def expected_states(outcomes: list[Outcome]) -> set[str]:
    """What the database may hold for one code given what the client was told."""
    create = outcomes[0]
    submit = outcomes[1] if len(outcomes) > 1 else None
    if create.status != 201:
        # Refused before COMMIT: nothing. Lost during COMMIT: committed or not, never half.
        return {"nothing"} if create.error == "database_unavailable" else {"nothing", "draft"}
    if submit is None or submit.error == "database_unavailable":
        return {"draft"}
    if submit.status == 200:
        return {"submitted"}
    return {"draft", "submitted"}  # commit_outcome_unknown


def state_of(conn, code: str) -> str:
    found = stored(conn, code)
    for name, shape in (("nothing", NOTHING), ("draft", DRAFT), ("submitted", SUBMITTED)):
        if found == Stored(**{**shape.__dict__, "documents": [(d.format(code), s) for d, s in shape.documents]}):
            return name
    return f"partial: {found}"


def wait_for_a_write_blocked_mid_transaction(watch_conn, timeout: float = 20) -> str:
    """The statement of a write transaction that has written rows (it has an xid) and now waits on a lock.

    `watch_conn` is in autocommit: inside a transaction pg_stat_activity would not change."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        row = watch_conn.execute(
            "SELECT query FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() "
            "AND wait_event_type = 'Lock' AND backend_xid IS NOT NULL").fetchone()
        if row:
            return row[0]
        time.sleep(0.02)
    raise AssertionError("no write came to wait on the lock")


def test_writes_across_a_restart_are_all_or_nothing_and_the_app_recovers(pg_server):
    url = pg_server.create_database("faults_restart")
    app = registry_app(url)
    client = app.test_client()
    client.environ_base["HTTP_AUTHORIZATION"] = bearer(app, "admin")["Authorization"]
    stream = WriteStream(client)
    stream.start()
    try:
        stream.wait_for(3)
        lock_conn, watch_conn = pg_server.connect("faults_restart"), pg_server.connect("faults_restart")
        try:
            lock_conn.execute("BEGIN")
            lock_conn.execute("LOCK TABLE search_documents IN EXCLUSIVE MODE")  # readers pass, writers wait
            blocked = wait_for_a_write_blocked_mid_transaction(watch_conn)
            in_flight = len(stream.outcomes)  # the blocked request is the next one to be recorded
            pg_server.stop("fast")  # terminates that transaction, ours, and every connection
        finally:
            lock_conn.close()
            watch_conn.close()
        time.sleep(DOWNTIME)
        pg_server.start()
        stream.wait_for(stream.successes() + 3)  # the same app, no restart: the pool reconnects
    finally:
        stream.done.set()
        stream.join(timeout=30)
    assert stream.failure is None, stream.failure
    assert "search_documents" in blocked

    cut = stream.outcomes[in_flight]
    assert (cut.status, cut.error) == (503, "database_unavailable"), cut
    assert cut.message.startswith("数据库暂时无法访问") and "未写入任何内容" in cut.message
    failures = [o for o in stream.outcomes if o.status >= 300]
    assert len(failures) > 1 and all(o.status == 503 for o in failures)
    assert {o.error for o in failures} <= {"database_unavailable", "commit_outcome_unknown"}
    assert stream.outcomes[-1].status == 200

    by_code: dict[str, list[Outcome]] = {}
    for outcome in stream.outcomes:
        by_code.setdefault(outcome.code, []).append(outcome)
    with connection(url) as conn:
        states = {code: state_of(conn, code) for code in by_code}
    mismatches = {code: (states[code], [(o.action, o.status, o.error) for o in outcomes])
                  for code, outcomes in by_code.items() if states[code] not in expected_states(outcomes)}
    assert not mismatches
    assert states[cut.code] == ("nothing" if cut.action == "create" else "draft")  # its rows were rolled back
    assert client.get("/health").json["status"] == "ok"
    dispose(app)
