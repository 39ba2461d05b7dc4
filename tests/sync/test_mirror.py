"""The reference sync client against a real WSGI server, while writers publish, supersede and retire."""
from __future__ import annotations

import threading

import requests
from werkzeug.serving import make_server

from registry.mirror import Mirror
from registry.services.clock import today
from tests.factories import standard_payload


class LiveServer:
    def __init__(self, app):
        self.server = make_server("127.0.0.1", 0, app, threaded=True)
        self.url = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.thread.join()


def _token(headers: dict) -> str:
    return headers["Authorization"].split()[1]


def _writers(app, people, day: str) -> list[threading.Thread]:
    def act(client, code, number, action, who, **extra):
        response = client.post(f"/api/v1/standards/{code}/versions/{number}/transitions",
                               json={"action": action, **extra}, headers=people[who])
        assert response.status_code == 200, response.json

    def publish_new() -> None:
        client = app.test_client()
        for n in range(6):
            code = f"SP-MIRROR-{n}"
            client.post("/api/v1/standards", json=standard_payload(code=code, effective_from="2025-01-01"), headers=people["sub"])
            act(client, code, 1, "submit", "sub")
            act(client, code, 1, "confirm", "rev1")
            act(client, code, 1, "publish", "rev2")

    def supersede() -> None:
        client = app.test_client()
        for code in ("SP-ADM-MEETING", "SP-ADM-CITY-TRANSPORT", "SP-ADM-MEALS"):
            change = {"effective_from": day, "note": "新版本"}
            assert client.post(f"/api/v1/standards/{code}/versions", json=change, headers=people["sub"]).status_code == 201
            act(client, code, 2, "submit", "sub")
            act(client, code, 2, "confirm", "rev1")

    def retire() -> None:
        client = app.test_client()
        for code in ("SP-ADM-LECTURE", "SP-ADM-EXPERT"):
            act(client, code, 1, "retire", "rev2", effective_to=day)

    return [threading.Thread(target=f) for f in (publish_new, supersede, retire)]


def test_mirror_equals_the_snapshot_after_concurrent_changes(seeded, headers_for, tmp_path):
    people = {"sub": headers_for("submitter", department="finance", name="填报员"),
              "rev1": headers_for("reviewer", name="审核员一"), "rev2": headers_for("reviewer", name="审核员二"),
              "sync": headers_for("integration", name="一体化系统")}
    day = today().isoformat()
    with LiveServer(seeded) as live:
        mirror = Mirror(live.url, _token(people["sync"]), str(tmp_path / "mirror.sqlite"), backoff=0.05)
        mirror.snapshot()
        stop = threading.Event()
        follower = threading.Thread(target=lambda: mirror.run(interval=0.05, stop=stop.is_set))
        follower.start()
        writers = _writers(seeded, people, day)
        for w in writers:
            w.start()
        for w in writers:
            w.join()
        stop.set()
        follower.join(timeout=60)
        restarted = Mirror(live.url, _token(people["sync"]), str(tmp_path / "mirror.sqlite"))  # as after a crash
        restarted.sync()
        expected = requests.get(f"{live.url}/api/v1/baselines", params={"as_of": day},
                                headers=people["sync"], timeout=30).json()
        assert restarted.sync() == 0  # nothing new: nothing applied twice
    rows = restarted.rows()
    mirror.close()
    restarted.close()
    assert rows == expected
    codes = {r["code"] for r in expected}
    assert {f"SP-MIRROR-{n}" for n in range(6)} <= codes
    assert not {"SP-ADM-LECTURE", "SP-ADM-EXPERT"} & codes  # retired today
    assert {r["version"] for r in expected if r["code"] == "SP-ADM-MEETING"} == {2}  # superseded v1
