"""Parallel writers: no lost update, one winner, consistent periods, no duplicate events."""
from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

from sqlalchemy import func, select

from registry.db import get_db
from registry.models import Event
from tests.factories import standard_payload

BASE = "/api/v1/standards/SP-TEST-MEETING"


def _events(app, action: str | None = None) -> int:
    with app.app_context(), get_db().read() as session:
        query = select(func.count()).select_from(Event)
        if action:
            query = query.where(Event.action == action)
        return session.scalar(query)


def test_parallel_patches_lose_no_update(app, client, headers_for):
    client.post("/api/v1/standards", json=standard_payload())
    writers = 6
    headers = [headers_for("reviewer", name=f"审核员{n}") for n in range(writers)]

    def add_item(n: int) -> int:
        own = app.test_client()
        item = {"key": f"extra{n}", "name": f"附加{n}", "rule": "ceiling", "unit": "元/人·天", "max": str(100 + n)}
        for attempt in range(1, 50):
            etag = own.get(f"{BASE}/versions/1", headers=headers[n]).headers["ETag"]
            response = own.patch(f"{BASE}/versions/1", json={"items": [item]}, headers={**headers[n], "If-Match": etag})
            if response.status_code == 200:
                return attempt
            assert response.status_code == 412, response.json
        raise AssertionError("never got through")

    with ThreadPoolExecutor(writers) as pool:
        attempts = list(pool.map(add_item, range(writers)))
    keys = [i["key"] for i in client.get(f"{BASE}/versions/1").json["items"]]
    assert sorted(keys) == sorted(["class2", "class3"] + [f"extra{n}" for n in range(writers)])
    assert _events(app, "edited") == writers  # one event per applied edit, none for refused ones
    assert sum(attempts) >= writers


def test_two_reviewers_confirming_at_once_one_wins(app, client, headers_for):
    submitter = headers_for("submitter", department="finance", name="填报员")
    reviewers = [headers_for("reviewer", name="审核员甲"), headers_for("reviewer", name="审核员乙")]
    client.post("/api/v1/standards", json=standard_payload(effective_from="2025-01-01"), headers=submitter)
    client.post(f"{BASE}/versions/1/transitions", json={"action": "submit"}, headers=submitter)
    client.post(f"{BASE}/versions/1/transitions", json={"action": "confirm"}, headers=reviewers[0])
    client.post(f"{BASE}/versions", json={"effective_from": "2027-01-01"}, headers=submitter)
    client.post(f"{BASE}/versions/2/transitions", json={"action": "submit"}, headers=submitter)
    gate = threading.Barrier(2)

    def confirm(who: dict) -> int:
        own = app.test_client()
        gate.wait()
        return own.post(f"{BASE}/versions/2/transitions", json={"action": "confirm"}, headers=who).status_code

    with ThreadPoolExecutor(2) as pool:
        statuses = sorted(pool.map(confirm, reviewers))
    assert statuses == [200, 409]
    versions = client.get(f"{BASE}/versions").json["versions"]
    assert [(v["status"], v["effective_from"], v["effective_to"]) for v in versions] == [
        ("superseded", "2025-01-01", "2027-01-01"), ("confirmed", "2027-01-01", None),
    ]
    assert (_events(app, "confirmed"), _events(app, "superseded")) == (2, 1)


def test_retrying_a_request_writes_no_second_event(app, client):
    client.post("/api/v1/standards", json=standard_payload(effective_from="2025-01-01"))
    again = client.post("/api/v1/standards", json=standard_payload(effective_from="2025-01-01"))
    assert again.status_code == 409
    etag = client.get(f"{BASE}/versions/1").headers["ETag"]
    patch = {"note": "一次"}
    assert client.patch(f"{BASE}/versions/1", json=patch, headers={"If-Match": etag}).status_code == 200
    assert client.patch(f"{BASE}/versions/1", json=patch, headers={"If-Match": etag}).status_code == 412
    submit = {"action": "submit"}
    assert client.post(f"{BASE}/versions/1/transitions", json=submit).status_code == 200
    assert client.post(f"{BASE}/versions/1/transitions", json=submit).status_code == 409
    assert [e["action"] for e in client.get(f"{BASE}/history").json] == ["created", "edited", "submitted"]
