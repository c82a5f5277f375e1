"""One caller cannot tie the server up: per-token limits on requests in flight and per minute.

Fifty whole-graph exports sent at once by one token used to keep every other caller waiting
for a minute.  Each token may have a few requests in flight and a steady rate with a burst
(a token bucket); past either, the answer is 429 with ``Retry-After``.  The limits live in
this process (each worker of ``tongxin serve --workers N`` keeps its own).
"""

from __future__ import annotations

import math
import time
from threading import Lock

from graph.errors import TongxinError


class TooManyRequests(TongxinError):
    """A caller past its limits; ``retry_after`` seconds until it may ask again."""

    def __init__(self, message: str, retry_after: int):
        super().__init__(message)
        self.retry_after = retry_after


class Throttle:
    """
    >>> throttle = Throttle(per_minute=60, in_flight=1)
    >>> throttle.enter("t1")
    >>> try:
    ...     throttle.enter("t1")
    ... except TooManyRequests as refused:
    ...     refused.retry_after
    1
    >>> throttle.leave("t1"); throttle.enter("t1")
    """

    def __init__(self, per_minute: int, in_flight: int, clock=time.monotonic):
        self.rate, self.burst, self.in_flight, self.clock = per_minute / 60, max(1, per_minute // 4), in_flight, clock
        self._lock = Lock()
        self._buckets: dict[str, tuple[float, float]] = {}  # token → (tokens left, when counted)
        self._flying: dict[str, int] = {}

    def enter(self, token: str) -> None:
        with self._lock:
            now = self.clock()
            left, then = self._buckets.get(token, (self.burst, now))
            left = min(self.burst, left + (now - then) * self.rate)
            if self._flying.get(token, 0) >= self.in_flight:
                raise TooManyRequests(f"同一令牌同时进行的请求已有 {self.in_flight} 个，请等前面的完成后再试", 1)
            if left < 1:
                wait = math.ceil((1 - left) / self.rate)
                raise TooManyRequests(
                    f"请求过于频繁（每分钟至多 {round(self.rate * 60)} 次），请 {wait} 秒后再试", wait
                )
            self._buckets[token] = (left - 1, now)
            self._flying[token] = self._flying.get(token, 0) + 1

    def leave(self, token: str) -> None:
        with self._lock:
            self._flying[token] -= 1
