"""Building a large graph without the garbage collector's full passes.

Reading a city's rosters or its stored graph makes millions of objects that live on; the
collector, counting them as they come, keeps stopping to walk them all, which costs more than
the work itself (city: 13.4 s of 14 to open the embedded store).  None of them form cycles,
so reference counting frees what is dropped; the collector comes back when the work is done,
with what the block made frozen (``gc.freeze``): its first pass would otherwise still walk
them all once (0.9–1.7 s after the city's open), and they live on or are freed by reference
counting either way.

>>> import gc
>>> with without_collector():
...     gc.isenabled()
False
>>> gc.isenabled()
True
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def without_collector() -> Iterator[None]:
    """The collector off for the block, back on after unless it was already off (another
    thread's block may still run: the last to finish of those that found it on turns it on)."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.freeze()
            gc.enable()
