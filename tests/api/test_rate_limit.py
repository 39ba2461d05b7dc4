"""Failed-authentication rate limiting: per client address, sliding window, 429 with Retry-After."""
from __future__ import annotations

import pytest

from registry.ratelimit import FailedAuthLimiter, TooManyFailedAttempts


class FakeClock:
    def __init__(self):
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_limiter_refuses_after_limit_and_forgets_after_window():
    clock = FakeClock()
    limiter = FailedAuthLimiter(limit=3, window=60, clock=clock)
    for _ in range(3):
        limiter.check("10.0.0.1")
        limiter.record_failure("10.0.0.1")
        clock.now += 10
    with pytest.raises(TooManyFailedAttempts) as refused:
        limiter.check("10.0.0.1")
    assert refused.value.headers == {"Retry-After": "30"}  # the first failure (t=1000) leaves the window at t=1060
    limiter.check("10.0.0.2")  # other addresses are not affected
    clock.now = 1060.5
    limiter.check("10.0.0.1")  # one failure has left the window


def test_limit_zero_disables():
    limiter = FailedAuthLimiter(limit=0, window=60)
    for _ in range(100):
        limiter.record_failure("a")
    limiter.check("a")


def test_address_table_is_bounded():
    limiter = FailedAuthLimiter(limit=5, window=60)
    limiter.MAX_ADDRESSES = 100
    for n in range(1000):
        limiter.record_failure(f"10.0.{n // 256}.{n % 256}")
    assert len(limiter._failures) == 100


@pytest.fixture
def strict_app(app):
    app.extensions["auth_limiter"] = FailedAuthLimiter(3, 60)  # what AUTH_FAILURE_LIMIT=3 builds at start
    return app


def test_bad_tokens_get_429_then_even_a_good_token_waits(strict_app, headers_for):
    good = headers_for("reader")
    web = strict_app.test_client()
    assert web.get("/api/v1/standards", headers=good).status_code == 200
    for n in range(3):
        answer = web.get("/api/v1/standards", headers={"Authorization": f"Bearer srk_wrong{n}"})
        assert answer.status_code == 401 and answer.json["code"] == "invalid_token"
    refused = web.get("/api/v1/standards", headers={"Authorization": "Bearer srk_wrong4"})
    assert refused.status_code == 429
    assert refused.json["code"] == "too_many_failed_attempts" and "秒后再试" in refused.json["message"]
    assert 1 <= int(refused.headers["Retry-After"]) <= 60
    assert refused.json["retry_after"] == int(refused.headers["Retry-After"])
    # The right token from the same address is refused too, or the limit would only slow a guesser.
    assert web.get("/api/v1/standards", headers=good).status_code == 429
    # Without a trusted proxy configured, a forged X-Forwarded-For does not escape the limit.
    assert web.get("/api/v1/standards", headers=good | {"X-Forwarded-For": "198.51.100.7"}).status_code == 429
    # Another address is served; requests without a token (nothing guessed) are not counted.
    other = web.get("/api/v1/standards", headers=good, environ_base={"REMOTE_ADDR": "10.1.2.3"})
    assert other.status_code == 200
    assert web.get("/api/v1/standards").status_code == 401


def test_forwarded_address_counts_behind_a_trusted_proxy(app, headers_for):
    from registry import create_app

    url = app.config["DATABASE_URL"]
    behind_proxy = create_app({"TESTING": True, "DATABASE_URL": url, "PROXY_HOPS": 1, "AUTH_FAILURE_LIMIT": 2})
    web = behind_proxy.test_client()
    for _ in range(2):
        web.get("/api/v1/standards", headers={"Authorization": "Bearer srk_x", "X-Forwarded-For": "203.0.113.9"})
    good = headers_for("reader")
    assert web.get("/api/v1/standards", headers=good | {"X-Forwarded-For": "203.0.113.9"}).status_code == 429
    assert web.get("/api/v1/standards", headers=good | {"X-Forwarded-For": "203.0.113.10"}).status_code == 200
