"""Heavy answers (exports, reports, coverage) kept per data version and shared by callers.

Fifty callers asking for the same whole-graph export get one computation (the first runs,
the others wait for it, :class:`api.flights.SingleFlight`) and later callers get the kept
bytes until the graph changes: the key holds :meth:`graph.store.Store.version`, which every
write and clear moves on, so a kept answer is never older than the graph.
"""

from __future__ import annotations

import sys
from collections import OrderedDict
from collections.abc import Callable, Hashable
from threading import Lock
from typing import TypeVar

from api.flights import SingleFlight

T = TypeVar("T")


class AnswerCache:
    """
    >>> answers = AnswerCache(entries=2)
    >>> answers.get(("report", 2025), "v1", lambda: "computed")
    'computed'
    >>> answers.get(("report", 2025), "v1", lambda: "again")  # kept
    'computed'
    >>> answers.get(("report", 2025), "v2", lambda: "after a write")
    'after a write'
    """

    def __init__(self, entries: int = 32, largest: int = 64 << 20):
        self.entries, self.largest = entries, largest
        self._kept: OrderedDict[Hashable, object] = OrderedDict()
        self._lock = Lock()
        self._flights = SingleFlight()

    def get(self, key: Hashable, version: str, compute: Callable[[], T]) -> T:
        """The answer for ``key`` at ``version``: kept, being computed, or computed now."""
        full = (key, version)
        with self._lock:
            if full in self._kept:
                self._kept.move_to_end(full)
                return self._kept[full]
        answer = self._flights.run(full, compute)
        if _size(answer) <= self.largest:
            with self._lock:
                self._kept[full] = answer
                self._kept.move_to_end(full)
                while len(self._kept) > self.entries:
                    self._kept.popitem(last=False)
        return answer


def _size(answer) -> int:
    content = getattr(answer, "content", answer)
    return len(content) if isinstance(content, (bytes, str)) else sys.getsizeof(answer)
