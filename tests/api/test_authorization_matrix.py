"""Every endpoint × every role → allowed or denied, as the product intends.

The table below is written out by hand on purpose: it is the specification, checked
against the running app. An endpoint the app serves under /api/v1 without a row here
fails the test, so no endpoint ships without a decision about who may call it.
"""
from __future__ import annotations

import pytest

from registry.roles import Role
from tests.factories import standard_payload

R, S, V, I, A = "reader", "submitter", "reviewer", "integration", "admin"  # noqa: E741
ALL = {R, S, V, I, A}

EXPECTED: dict[tuple[str, str], set[str]] = {
    ("GET", "/api/v1/taxonomy"): ALL,
    ("POST", "/api/v1/taxonomy/<kind>"): {A},
    ("GET", "/api/v1/standards"): ALL,
    ("POST", "/api/v1/standards"): {S, V, A},
    ("GET", "/api/v1/standards/<code>"): ALL,
    ("PUT", "/api/v1/standards/<code>"): {I, A},
    ("GET", "/api/v1/standards/<code>/versions"): ALL,
    ("POST", "/api/v1/standards/<code>/versions"): {S, V, A},
    ("GET", "/api/v1/standards/<code>/versions/<int:number>"): ALL,
    ("PATCH", "/api/v1/standards/<code>/versions/<int:number>"): {S, V, A},
    ("GET", "/api/v1/standards/<code>/versions/<int:number>/diff"): ALL,
    ("GET", "/api/v1/standards/<code>/history"): ALL,
    ("POST", "/api/v1/standards/<code>/versions/<int:number>/transitions"): {S, V, A},
    ("GET", "/api/v1/reviews/pending"): {V, A},
    ("GET", "/api/v1/templates/standards.xlsx"): ALL,
    ("POST", "/api/v1/imports/standards"): {S, V, A},
    ("GET", "/api/v1/search"): ALL,
    ("GET", "/api/v1/search/suggest"): ALL,
    ("POST", "/api/v1/compare"): {R, V, I, A},
    ("GET", "/api/v1/reviews/<review_id>"): {R, V, I, A},
    ("GET", "/api/v1/templates/proposal.xlsx"): ALL,
    ("GET", "/api/v1/changes"): {V, I, A},
    ("GET", "/api/v1/baselines"): ALL,
    ("GET", "/api/v1/tokens"): {A},
    ("POST", "/api/v1/tokens"): {A},
    ("DELETE", "/api/v1/tokens/<int:token_id>"): {A},
}

SAMPLE_ARGS = {"code": "SP-TEST-MEETING", "number": "1", "kind": "departments", "token_id": "1", "review_id": "x"}


def _served(app) -> set[tuple[str, str]]:
    served = set()
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/api/v1"):
            continue
        for method in rule.methods - {"HEAD", "OPTIONS"}:
            pattern = rule.rule.replace("<any(fields, categories, regions, departments):kind>", "<kind>")
            served.add((method, pattern))
    return served


def test_every_served_endpoint_has_a_row(app):
    assert _served(app) == set(EXPECTED), "add the new endpoint to EXPECTED (and to registry.roles.POLICY)"


def _url(pattern: str) -> str:
    for name, value in SAMPLE_ARGS.items():
        pattern = pattern.replace(f"<int:{name}>", value).replace(f"<{name}>", value)
    return pattern


@pytest.mark.parametrize("role", [r.value for r in Role])
def test_matrix(client, headers_for, role):
    client.post("/api/v1/standards", json=standard_payload())
    headers = headers_for(role, department="finance" if role == S else None)
    mismatches = []
    for (method, pattern), allowed in sorted(EXPECTED.items()):
        response = client.open(_url(pattern), method=method, json={}, headers=headers)
        denied = response.status_code == 403 and response.json["code"] == "role_forbidden"
        if denied == (role in allowed):
            mismatches.append(f"{method} {pattern}: {response.status_code} {response.get_data(as_text=True)[:120]}")
        assert response.status_code < 500, (method, pattern, response.get_data(as_text=True))
    assert mismatches == []
