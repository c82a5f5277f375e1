"""Identical whole-graph questions asked at the same moment share one answer.

Thirty staff opening the coverage dashboard together would otherwise run thirty copies of
the heaviest query side by side; the first one runs, the others wait for its answer.
Nothing is kept afterwards, so no answer is ever older than the question.
"""

from __future__ import annotations

from collections.abc import Callable, Hashable
from concurrent.futures import Future
from threading import Lock
from typing import TypeVar

T = TypeVar("T")


class SingleFlight:
    """
    >>> flights = SingleFlight()
    >>> flights.run(("coverage", None), lambda: {"rate": 0.5})
    {'rate': 0.5}
    """

    def __init__(self):
        self._lock = Lock()
        self._flying: dict[Hashable, Future] = {}

    def run(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            future = self._flying.get(key)
            leader = future is None
            if leader:
                future = self._flying[key] = Future()
        if leader:
            try:
                future.set_result(compute())
            except Exception as exc:  # every waiter gets the same error
                future.set_exception(exc)
            finally:
                with self._lock:
                    del self._flying[key]
        return future.result()
