"""SQLite on storage that refuses writes: a read-only database file and a full disk.

Reads keep working, every write answers a clean 503/507 with a Chinese message and a code,
nothing is half-written, and once the storage is writable again the same app writes again.
"""
from __future__ import annotations

import io
from pathlib import Path

from sqlalchemy import text
from werkzeug.datastructures import FileStorage, MultiDict
from werkzeug.test import encode_multipart

from registry import create_app
from tests.factories import standard_payload
from tests.faults.mounts import fill, read_only_file, small_disk
from tests.faults.stored import bearer, connection, dispose, many_items, registry_app, stored, totals
from tests.services.test_imports import meeting_row, xlsx_bytes

CODE = "SP-TEST-MEETING"


def upload(client, data: bytes, headers: dict):
    boundary, body = encode_multipart(MultiDict({"file": FileStorage(io.BytesIO(data), "standards.xlsx")}))
    return client.post("/api/v1/imports/standards", data=body, content_type=f"multipart/form-data; boundary={boundary}",
                       headers=headers)


def assert_reads_work(client, headers: dict) -> None:
    version = client.get(f"/api/v1/standards/{CODE}/versions/1", headers=headers)
    assert version.status_code == 200 and [i["max"] for i in version.json["items"]] == ["650", "550"]
    found = client.get("/api/v1/search", query_string={"q": "会议费", "status": "draft"}, headers=headers)
    assert found.status_code == 200 and [h["code"] for h in found.json["hits"]] == [CODE]
    assert client.get("/health").json["status"] == "ok"


def assert_refused(response, status: int, code: str, message: str) -> None:
    assert (response.status_code, response.json["code"], response.json["status"]) == (status, code, status), response.json
    assert response.json["message"].startswith(message) and "未写入任何内容" in response.json["message"]


def test_a_read_only_database_file_serves_reads_and_refuses_writes_with_503(tmp_path: Path):
    path = tmp_path / "registry.sqlite3"
    url = f"sqlite:///{path}"
    app = registry_app(url)
    headers = bearer(app, "admin")
    assert app.test_client().post("/api/v1/standards", json=standard_payload(), headers=headers).status_code == 201
    dispose(app)
    before = totals(url)

    with read_only_file(path):
        app = create_app({"TESTING": True, "DATABASE_URL": url})  # the service started on a file it cannot write
        client = app.test_client()
        assert_reads_work(client, headers)
        refusals = [
            client.post("/api/v1/standards", json=standard_payload(code="SP-RO-NEW"), headers=headers),
            client.post(f"/api/v1/standards/{CODE}/versions/1/transitions", json={"action": "submit"}, headers=headers),
            upload(client, xlsx_bytes([meeting_row(标准代码="SP-RO-IMPORT")]), headers),
        ]
        for response in refusals:
            assert_refused(response, 503, "storage_read_only", "数据库当前为只读")
            assert "Retry-After" not in response.headers  # waiting will not help: someone must fix the storage
        assert_reads_work(client, headers)
        dispose(app)

    assert totals(url) == before
    with connection(url) as conn:
        assert stored(conn, CODE).versions == [(1, "draft")]
        assert stored(conn, "SP-RO-NEW").standards == stored(conn, "SP-RO-IMPORT").standards == 0


def test_a_full_disk_refuses_writes_with_507_keeps_reads_and_recovers_when_space_returns(tmp_path: Path):
    with small_disk(tmp_path / "disk", "16m") as disk:
        url = f"sqlite:///{disk / 'registry.sqlite3'}"
        app = registry_app(url)
        headers = bearer(app, "admin")
        client = app.test_client()
        assert client.post("/api/v1/standards", json=standard_payload(), headers=headers).status_code == 201
        with connection(url) as conn:
            # An emptied WAL: the next write must claim new disk space, however small it is.
            conn.execute(text("PRAGMA wal_checkpoint(TRUNCATE)"))
        before = totals(url)
        filler = fill(disk)

        big = standard_payload(code="SP-FULL", items=many_items(1500))
        refusals = [
            client.post("/api/v1/standards", json=big, headers=headers),
            client.post(f"/api/v1/standards/{CODE}/versions/1/transitions", json={"action": "submit"}, headers=headers),
        ]
        for response in refusals:
            assert_refused(response, 507, "storage_full", "数据库所在磁盘已满")
        assert_reads_work(client, headers)
        assert totals(url) == before

        filler.unlink()  # space again: the same app, without a restart, writes again
        created = client.post("/api/v1/standards", json=big, headers=headers)
        assert created.status_code == 201, created.json
        with connection(url) as conn:
            assert stored(conn, "SP-FULL").items == 1500
        assert totals(url)["standards"] == before["standards"] + 1
        dispose(app)
