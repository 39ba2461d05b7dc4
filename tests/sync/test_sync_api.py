"""The sync protocol: change feed, snapshots with their high-water mark, idempotent PUTs."""
from __future__ import annotations

import csv
import io
import json
import threading

from openpyxl import load_workbook
from sqlalchemy import func, select

from registry.db import get_db
from registry.models import Event
from tests.factories import standard_payload


def _all_events(app) -> list[int]:
    with app.app_context(), get_db().read() as session:
        return list(session.scalars(select(Event.seq).order_by(Event.seq)))


def test_change_feed_pages_and_cursor(seeded, client, headers_for):
    integration = headers_for("integration")
    first = client.get("/api/v1/changes?since=0&limit=10", headers=integration)
    body = first.json
    assert [e["seq"] for e in body["events"]] == list(range(1, 11)) and body["next"] == 10 and body["has_more"] is True
    event = body["events"][0]
    assert set(event) == {"seq", "event", "code", "version", "status", "effective_from", "effective_to", "at", "actor"}
    seen, cursor = [], 0
    while True:
        page = client.get(f"/api/v1/changes?since={cursor}&limit=7", headers=integration).json
        seen += [e["seq"] for e in page["events"]]
        cursor = page["next"]
        if not page["has_more"]:
            break
    assert seen == _all_events(seeded)
    idle = client.get(f"/api/v1/changes?since={cursor}", headers=integration)
    assert idle.json["events"] == [] and idle.headers["ETag"] == f'"seq-{cursor}"'
    not_modified = client.get(f"/api/v1/changes?since={cursor}", headers={**integration, "If-None-Match": idle.headers["ETag"]})
    assert not_modified.status_code == 304 and not_modified.data == b""
    client.post("/api/v1/standards", json=standard_payload())
    fresh = client.get(f"/api/v1/changes?since={cursor}", headers={**integration, "If-None-Match": idle.headers["ETag"]})
    assert fresh.status_code == 200 and [e["event"] for e in fresh.json["events"]] == ["created"]
    assert client.get("/api/v1/changes", headers=headers_for("reader")).status_code == 403


def test_parallel_writers_and_a_polling_reader_never_skip(app, client, headers_for):
    """Seq order is commit order: a page's end is never passed by a later commit of a lower seq."""
    writers = [headers_for("submitter", department="finance", name=f"writer{n}") for n in range(4)]
    reader = headers_for("integration")
    done = threading.Event()
    seen: list[int] = []

    def write(n: int) -> None:
        own = app.test_client()
        for k in range(8):
            code = f"SP-PAR-{n}-{k}"
            assert own.post("/api/v1/standards", json=standard_payload(code=code), headers=writers[n]).status_code == 201
            own.post(f"/api/v1/standards/{code}/versions/1/transitions", json={"action": "submit"}, headers=writers[n])

    def read() -> None:
        own, cursor = app.test_client(), 0
        while True:
            finished = done.is_set()
            page = own.get(f"/api/v1/changes?since={cursor}&limit=5", headers=reader).json
            seen.extend(e["seq"] for e in page["events"])
            cursor = page["next"]
            if finished and not page["events"]:
                return

    poller = threading.Thread(target=read)
    poller.start()
    threads = [threading.Thread(target=write, args=(n,)) for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    done.set()
    poller.join(timeout=60)
    assert seen == _all_events(app) and len(seen) == 4 * 8 * 2


def test_snapshot_formats_agree_and_carry_the_high_water_mark(seeded, client):
    url = "/api/v1/baselines?as_of=2025-03-01"
    as_json = client.get(url)
    rows = as_json.json
    seq = int(as_json.headers["X-Registry-Seq"])
    assert seq == max(_all_events(seeded))
    assert {r["code"] for r in rows} >= {"SP-ADM-MEETING", "SP-ADM-LODGING-SH"}
    meeting = next(r for r in rows if r["code"] == "SP-ADM-MEETING" and r["item_key"] == "class2")
    assert (meeting["max"], meeting["unit"], meeting["conditions"]) == ("650", "元/人·天", {"会议类别": "二类"})
    lodging_versions = {r["version"] for r in rows if r["code"] == "SP-ADM-LODGING-SH"}
    assert lodging_versions == {2}
    ndjson = [json.loads(line) for line in client.get(url + "&format=ndjson").data.decode().splitlines()]
    assert ndjson == rows
    table = list(csv.DictReader(io.StringIO(client.get(url + "&format=csv").data.decode("utf-8-sig"))))
    assert [(r["code"], r["item_key"], r["max"]) for r in table] == [(r["code"], r["item_key"], r["max"] or "") for r in rows]
    sheet = load_workbook(io.BytesIO(client.get(url + "&format=xlsx").data)).active
    assert len(list(sheet.iter_rows())) == len(rows) + 1
    old = client.get("/api/v1/baselines?as_of=2015-06-01&code=SP-ADM-LODGING-SH").json
    assert {r["version"] for r in old} == {1}


def test_spreadsheet_cells_cannot_inject_formulas(client, app):
    body = standard_payload(code="SP-EVIL", title="=HYPERLINK(\"http://x\",\"点我\")", effective_from="2025-01-01")
    client.post("/api/v1/standards", json=body)
    from tests.api.test_standards import _publish
    from datetime import date
    _publish(app, "SP-EVIL", 1, date(2025, 1, 1))
    table = list(csv.DictReader(io.StringIO(client.get("/api/v1/baselines?as_of=2025-03-01&format=csv").data.decode("utf-8-sig"))))
    assert all(r["title"].startswith("'=HYPERLINK") for r in table)
    sheet = load_workbook(io.BytesIO(client.get("/api/v1/baselines?as_of=2025-03-01&format=xlsx").data)).active
    titles = {row[6].value for row in list(sheet.iter_rows())[1:]}
    assert titles == {"'=HYPERLINK(\"http://x\",\"点我\")"}


def _put(client, headers, key, **overrides):
    body = {k: v for k, v in standard_payload(**overrides).items() if k != "code"} | {"external_id": "YTH-001"}
    return client.put("/api/v1/standards/SP-YTH-1", json=body, headers={**headers, "Idempotency-Key": key})


def _events(app) -> int:
    with app.app_context(), get_db().read() as session:
        return session.scalar(select(func.count()).select_from(Event))


def test_idempotent_put_creates_revises_and_replays(app, client, headers_for):
    system = headers_for("integration", name="预算一体化系统")
    created = _put(client, system, "k-1")
    assert created.status_code == 201 and created.json["external_id"] == "YTH-001"
    assert created.json["version"]["status"] == "draft"
    events = _events(app)
    replay = _put(client, system, "k-1")
    assert (replay.status_code, replay.data) == (201, created.data) and _events(app) == events
    reused = _put(client, system, "k-1", title="换了内容")
    assert reused.status_code == 422 and reused.json["code"] == "idempotency_key_reused"
    items = [{"key": "class2", "name": "二类会议综合定额", "rule": "ceiling", "unit": "元/人·天", "max": "660"}]
    revised = _put(client, system, "k-2", items=items)
    assert revised.status_code == 200 and [i["key"] for i in revised.json["version"]["items"]] == ["class2"]
    assert revised.json["version"]["number"] == 1  # the draft itself was rewritten
    assert client.put("/api/v1/standards/SP-YTH-1", json={}, headers=system).status_code in (422, 428)
    no_key = client.put("/api/v1/standards/SP-YTH-1", json=json.loads(json.dumps(
        {k: v for k, v in standard_payload().items() if k != "code"} | {"external_id": "YTH-001"})), headers=system)
    assert no_key.status_code == 428 and no_key.json["code"] == "idempotency_key_required"
    assert _put(client, headers_for("reader"), "k-3").status_code == 403
