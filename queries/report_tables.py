"""What every table of the yearly report is made of: a key, a title, its 口径 and rows.

>>> seat_parts("区人大代表")
('区', '人大代表')
>>> seat_parts("全国政协委员")
('全国', '政协委员')
>>> counted(Counter(["乙", "甲", "乙"]), order=["乙"])
[['乙', 2], ['甲', 1]]
"""

from __future__ import annotations

from collections import Counter

SEAT_LEVELS = ("全国", "省", "市", "区")
NONE = "（未填）"


def seat_parts(seat: str) -> tuple[str, str]:
    """A political arrangement as (level, body): 区人大代表 → (区, 人大代表)."""
    level = next((lv for lv in SEAT_LEVELS if seat.startswith(lv)), "")
    return level, seat[len(level) :]


def table(key: str, title: str, basis: str, columns: list[str], rows: list[list]) -> dict:
    return {"key": key, "title": title, "basis": basis, "columns": columns, "rows": rows}


def in_order(order, seen) -> list:
    """The vocabulary's words in its order, then the other words written, sorted.

    >>> in_order(["甲", "乙"], {"丙", "甲"})
    ['甲', '乙', '丙']
    """
    return list(order) + sorted(set(seen) - set(order))


def counted(counter: Counter, order=()) -> list[list]:
    """A counter's rows, the vocabulary's order first, then what else was written."""
    return [[k, counter[k]] for k in in_order(order, counter) if k in counter]
