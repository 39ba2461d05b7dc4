"""Authentication (bearer tokens) and the role check of every /api/v1 request."""
from __future__ import annotations

from flask import Flask, current_app, g, request

from registry import metrics
from registry.actor import Actor
from registry.db import get_db, request_session
from registry.errors import Forbidden, Unauthorized
from registry.ratelimit import FailedAuthLimiter
from registry.roles import POLICY, ROLE_NAMES, Role
from registry.services import tokens

ANONYMOUS_READER = Actor("anonymous", Role.READER.value)


def init_app(app: Flask) -> None:
    app.extensions["auth_limiter"] = FailedAuthLimiter(app.config["AUTH_FAILURE_LIMIT"], app.config["AUTH_FAILURE_WINDOW"])
    app.before_request(_authenticate_and_authorise)


def current_actor() -> Actor:
    return g.actor


def _authenticate_and_authorise() -> None:
    if not request.path.startswith("/api/") or request.endpoint is None or request.method == "OPTIONS":
        return  # health, docs and unknown paths (404) need no token
    g.actor = _limited(_actor)
    method = "GET" if request.method == "HEAD" else request.method
    allowed = POLICY.get((request.endpoint, method), frozenset())
    if Role(g.actor.role) not in allowed:
        names = "、".join(f"{r.value}（{ROLE_NAMES[r]}）" for r in Role if r in allowed) or "无"
        raise Forbidden(
            f"角色 {g.actor.role}（{ROLE_NAMES[Role(g.actor.role)]}）无权执行 {method} {request.path}；允许的角色：{names}",
            code="role_forbidden",
        )


def _limited(authenticate) -> Actor:
    """`authenticate()`, refused outright while this client has failed too often (see registry.ratelimit)."""
    if not request.headers.get("Authorization"):
        return authenticate()  # no token: anonymous or 401, nothing guessed
    limiter: FailedAuthLimiter = current_app.extensions["auth_limiter"]
    address = request.remote_addr or "unknown"
    limiter.check(address)
    try:
        return authenticate()
    except Unauthorized as failure:
        limiter.record_failure(address)
        metrics.AUTH_FAILURES.labels(failure.code).inc()
        raise


def _actor() -> Actor:
    header = request.headers.get("Authorization", "")
    if not header:
        if current_app.config["ANONYMOUS_READS"] and request.method in ("GET", "HEAD"):
            return ANONYMOUS_READER
        raise Unauthorized("需要身份认证：请在请求头中提供 Authorization: Bearer <令牌>", code="token_missing")
    scheme, _, secret = header.partition(" ")
    if scheme.lower() != "bearer" or not secret.strip():
        raise Unauthorized("Authorization 请求头格式应为：Bearer <令牌>", code="invalid_authorization")
    if request.method in ("GET", "HEAD"):
        return tokens.authenticate(request_session(), secret.strip())  # already a read session
    # A read session of its own: on SQLite the request's write session would take the file
    # lock here and hold it for the whole request, even for a long read such as a comparison.
    with get_db().read() as session:
        return tokens.authenticate(session, secret.strip())
