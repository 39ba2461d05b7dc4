"""Bearer tokens: missing, unknown, expired and revoked tokens get a 401 that says why."""
from __future__ import annotations

from datetime import date, timedelta

from registry.actor import Actor
from registry.db import get_db
from registry.models import Token
from registry.services import tokens

URL = "/api/v1/standards"


def _issue(app, **kwargs) -> tuple[int, str]:
    with app.app_context(), get_db().write() as session:
        issued = tokens.issue(session, kwargs.pop("name", "测试"), kwargs.pop("role", "reader"), Actor("t", "admin"), **kwargs)
        return issued.token.id, issued.secret


def test_missing_and_malformed_headers(app):
    client = app.test_client()
    missing = client.get(URL)
    assert missing.status_code == 401 and missing.json["code"] == "token_missing"
    assert "Bearer" in missing.json["message"] and missing.headers["WWW-Authenticate"].startswith("Bearer")
    basic = client.get(URL, headers={"Authorization": "Basic dXNlcjpwYXNz"})
    assert basic.status_code == 401 and basic.json["code"] == "invalid_authorization"
    unknown = client.get(URL, headers={"Authorization": "Bearer srk_not-a-real-token"})
    assert unknown.status_code == 401 and unknown.json["code"] == "invalid_token"


def test_valid_expired_and_revoked_tokens(app):
    client = app.test_client()
    token_id, secret = _issue(app, expires_on=date.today() + timedelta(days=30))
    assert client.get(URL, headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    with app.app_context(), get_db().write() as session:
        session.get(Token, token_id).expires_on = date.today() - timedelta(days=1)
    expired = client.get(URL, headers={"Authorization": f"Bearer {secret}"})
    assert expired.status_code == 401 and expired.json["code"] == "token_expired" and "过期" in expired.json["message"]
    _, other = _issue(app)
    with app.app_context(), get_db().write() as session:
        tokens.revoke(session, token_id + 1)
    revoked = client.get(URL, headers={"Authorization": f"Bearer {other}"})
    assert revoked.status_code == 401 and revoked.json["code"] == "token_revoked"


def test_secrets_are_stored_only_as_hashes(app):
    _, secret = _issue(app)
    with app.app_context(), get_db().read() as session:
        stored = session.query(Token).one()
        assert secret not in (stored.secret_hash, stored.prefix) and len(stored.secret_hash) == 64
        assert secret.startswith(stored.prefix)


def test_health_and_docs_need_no_token(app):
    client = app.test_client()
    assert client.get("/health").status_code == 200
    assert client.get("/openapi.json").status_code == 200
    docs = client.get("/docs")
    assert docs.status_code == 200
    assert docs.headers["X-Frame-Options"] == "DENY" and "frame-ancestors 'none'" in docs.headers["Content-Security-Policy"]
    assert docs.headers["X-Content-Type-Options"] == "nosniff"


def test_anonymous_reads_only_when_switched_on(app):
    client = app.test_client()
    assert client.get(URL).status_code == 401
    app.config["ANONYMOUS_READS"] = True
    assert client.get(URL).status_code == 200
    write = client.post(URL, json={})
    assert write.status_code == 401  # writes always need a token


def test_token_api_issues_lists_and_revokes(client):
    created = client.post("/api/v1/tokens", json={"name": "绿化局张工", "role": "submitter", "department": "greening"})
    assert created.status_code == 201, created.json
    secret = created.json["token"]
    assert created.json["department"] == "greening" and secret.startswith("srk_")
    listed = client.get("/api/v1/tokens").json
    assert all("token" not in t for t in listed) and any(t["name"] == "绿化局张工" for t in listed)
    assert client.get("/api/v1/taxonomy", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    assert client.delete(f"/api/v1/tokens/{created.json['id']}").json["revoked_at"]
    assert client.get("/api/v1/taxonomy", headers={"Authorization": f"Bearer {secret}"}).status_code == 401


def test_token_rules(client):
    unbound = client.post("/api/v1/tokens", json={"name": "x", "role": "submitter"})
    assert unbound.status_code == 422 and unbound.json["code"] == "department_required"
    bound_reader = client.post("/api/v1/tokens", json={"name": "x", "role": "reader", "department": "finance"})
    assert bound_reader.status_code == 422 and bound_reader.json["code"] == "department_not_allowed"
    past = client.post("/api/v1/tokens", json={"name": "x", "role": "reader", "expires_on": "2020-01-01"})
    assert past.status_code == 422 and past.json["code"] == "invalid_expiry"
    assert client.delete("/api/v1/tokens/999").status_code == 404


def test_cli_token_create_prints_the_token_last(app):
    runner = app.test_cli_runner()
    result = runner.invoke(args=["registry", "token", "create", "--name", "审核员王", "--role", "reviewer"])
    assert result.exit_code == 0, result.output
    secret = result.output.strip().splitlines()[-1]
    client = app.test_client()
    assert client.get("/api/v1/reviews/pending", headers={"Authorization": f"Bearer {secret}"}).status_code == 200
    listing = runner.invoke(args=["registry", "token", "list"])
    assert "审核员王" in listing.output and "reviewer" in listing.output and secret not in listing.output
    token_id = listing.output.split("\t")[0]
    assert runner.invoke(args=["registry", "token", "revoke", token_id]).exit_code == 0
    assert client.get("/api/v1/reviews/pending", headers={"Authorization": f"Bearer {secret}"}).status_code == 401
    bad = runner.invoke(args=["registry", "token", "create", "--name", "x", "--role", "submitter"])
    assert bad.exit_code != 0 and "部门" in bad.output


def test_admin_adds_taxonomy_entries(client, headers_for):
    body = {"code": "city_ops.greening.wetland", "name": "湿地养护", "field": "city_ops", "parent": "city_ops.greening"}
    assert client.post("/api/v1/taxonomy/categories", json=body).status_code == 201
    tree = client.get("/api/v1/taxonomy").json
    greening = next(c for f in tree["fields"] for c in f["categories"] if c["code"] == "city_ops.greening")
    assert "city_ops.greening.wetland" in [c["code"] for c in greening["children"]]
    assert client.post("/api/v1/taxonomy/categories", json=body).status_code == 409
    wrong = dict(body, code="admin.wetland")
    assert client.post("/api/v1/taxonomy/categories", json=wrong).json["code"] == "bad_category_code"
    reviewer = client.post("/api/v1/taxonomy/departments", json={"code": "x", "name": "某局"}, headers=headers_for("reviewer"))
    assert reviewer.status_code == 403


def test_cli_token_check(app):
    runner = app.test_cli_runner()
    secret = runner.invoke(args=["registry", "token", "create", "--name", "部门甲", "--role", "submitter",
                                 "--department", "青浦区财政局"]).output.strip().splitlines()[-1]
    ok = runner.invoke(args=["registry", "token", "check"], input=secret + "\n")
    assert ok.exit_code == 0 and "部门甲 (submitter, finance)" in ok.output
    bad = runner.invoke(args=["registry", "token", "check", "srk_nope"])
    assert bad.exit_code != 0 and "invalid_token" in bad.output
