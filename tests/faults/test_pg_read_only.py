"""A PostgreSQL database that accepts only read-only transactions (as a hot standby does)."""
from __future__ import annotations

from tests.factories import standard_payload
from tests.faults.stored import bearer, connection, dispose, registry_app, stored


def test_a_read_only_postgresql_serves_reads_and_refuses_writes_with_503(pg_server):
    url = pg_server.create_database("faults_read_only")
    app = registry_app(url)
    headers = bearer(app, "admin")
    client = app.test_client()
    assert client.post("/api/v1/standards", json=standard_payload(), headers=headers).status_code == 201
    with pg_server.connect() as admin:
        admin.execute("ALTER DATABASE faults_read_only SET default_transaction_read_only = on")
    dispose(app)  # new sessions pick the setting up

    created = client.post("/api/v1/standards", json=standard_payload(code="SP-RO-PG"), headers=headers)
    assert (created.status_code, created.json["code"]) == (503, "storage_read_only"), created.json
    assert created.json["message"].startswith("数据库当前为只读") and "Retry-After" not in created.headers
    submitted = client.post("/api/v1/standards/SP-TEST-MEETING/versions/1/transitions", json={"action": "submit"},
                            headers=headers)
    assert (submitted.status_code, submitted.json["code"]) == (503, "storage_read_only")
    version = client.get("/api/v1/standards/SP-TEST-MEETING/versions/1", headers=headers)
    assert version.status_code == 200 and version.json["status"] == "draft"
    with connection(url) as conn:
        assert stored(conn, "SP-RO-PG").standards == 0
        assert stored(conn, "SP-TEST-MEETING").events == ["created"]
    dispose(app)
