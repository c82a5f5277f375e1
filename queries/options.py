"""Each numeric query option once: its default, its bounds and what it means to staff.

The queries check their arguments here; the command line's options and the API's query
parameters are made from the same objects, so the three cannot disagree.

>>> HOPS.check(2)
2
>>> MAX_HOPS.check(11)
Traceback (most recent call last):
graph.errors.InvalidQuery: max_hops 应在 1 到 10 之间，收到 11
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.errors import InvalidQuery


@dataclass(frozen=True)
class Bound:
    name: str
    default: int | None
    low: int
    high: int
    help: str

    def check(self, value: int) -> int:
        if not self.low <= value <= self.high:
            raise InvalidQuery(f"{self.name} 应在 {self.low} 到 {self.high} 之间，收到 {value}")
        return value


RESULTS = Bound("limit", 20, 1, 200, "最多几条")
OFFSET = Bound("offset", 0, 0, 1000, "跳过前几条")
HOPS = Bound("hops", 2, 1, 3, "几跳以内（1–3）")
NEIGHBOURS = Bound("limit", 50, 1, 500, "每页几个")
SKIP = Bound("offset", 0, 0, 1_000_000, "跳过前几个")
MAX_NODES = Bound("max_nodes", 500, 1, 5000, "最多几个节点")
MAX_HOPS = Bound("max_hops", 6, 1, 10, "最多几跳")
PATHS = Bound("limit", 10, 1, 100, "最多几条路径")
WINDOW_DAYS = Bound("window_days", 365, 1, 3660, "多少天内有联系才算联系过")
MAX_LOAD = Bound("max_load", 8, 0, 10000, "每位领导最多联系几人")
TOP = Bound("top", 10, 1, 100, "列出前几位")
FINDINGS = Bound("limit", 500, 1, 10000, "每项最多列出几个")
YEAR = Bound("year", None, 1950, 2100, "年度，默认统计日期所在年")
