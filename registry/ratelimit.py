"""Failed-authentication rate limiting: an address that keeps presenting bad tokens is held off.

Tokens carry 256 random bits, so guessing one is hopeless anyway; the limit is there to cut
the noise and the load of a misconfigured client or a scanner hammering the API. It counts
per client address (the socket's, or the one a trusted proxy reports: REGISTRY_PROXY_HOPS)
in a sliding window. While an address is over the limit every authenticated request from it
is refused with 429 before the token is even looked up — also a correct one, or the limit
would only slow a guesser down instead of stopping it.

The counts live in the worker's memory: under gunicorn with W workers an address gets at
most W × limit tries per window before each worker refuses it. That is enough for its
purpose and needs no shared store.
"""
from __future__ import annotations

import math
import threading
import time
from collections import OrderedDict, deque
from typing import Callable

from registry.errors import DomainError


class TooManyFailedAttempts(DomainError):
    status = 429
    code = "too_many_failed_attempts"

    def __init__(self, retry_after: int):
        super().__init__(f"认证失败次数过多，请 {retry_after} 秒后再试；请检查令牌是否正确、是否已过期或被吊销",
                         extra={"retry_after": retry_after})
        self.headers = {"Retry-After": str(retry_after)}


class FailedAuthLimiter:
    """At most `limit` failures per address within `window` seconds."""

    MAX_ADDRESSES = 10_000  # a flood from many addresses forgets the oldest, never grows without bound

    def __init__(self, limit: int, window: float, clock: Callable[[], float] = time.monotonic):
        self.limit = limit
        self.window = window
        self._clock = clock
        self._failures: OrderedDict[str, deque[float]] = OrderedDict()
        self._lock = threading.Lock()

    def check(self, address: str) -> None:
        """Raise 429 while `address` is over the limit."""
        if self.limit <= 0:
            return
        with self._lock:
            failures = self._recent(address)
            if len(failures) >= self.limit:
                wait = failures[0] + self.window - self._clock()
                raise TooManyFailedAttempts(max(1, math.ceil(wait)))

    def record_failure(self, address: str) -> None:
        if self.limit <= 0:
            return
        with self._lock:
            failures = self._recent(address)
            failures.append(self._clock())
            self._failures[address] = failures
            self._failures.move_to_end(address)
            while len(self._failures) > self.MAX_ADDRESSES:
                self._failures.popitem(last=False)

    def _recent(self, address: str) -> deque[float]:
        failures = self._failures.get(address, deque())
        horizon = self._clock() - self.window
        while failures and failures[0] <= horizon:
            failures.popleft()
        if not failures:
            self._failures.pop(address, None)
        return failures
