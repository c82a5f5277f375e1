"""The embedded store's search index, built from its graph once per version of it: which nodes
hold each character of a name, and the pinyin and initials in sorted order, so a search looks
at the nodes that can match instead of every node (:mod:`graph.matching` then ranks them).

>>> index = NameIndex([("P1", {"name": "张伟", "pinyin": "zhangwei", "initials": "zw"}),
...                    ("B1", {"name": "抖音之家", "pinyin": "douyinzhijia", "initials": "dyzj"})])
>>> sorted(index.candidates("张", ("张",), None)), sorted(index.candidates("", (), "zh"))
(['P1'], ['P1'])
>>> sorted(index.candidates("之家", (), None)), sorted(index.candidates("ZW", ("ZW",), "zw"))
(['B1'], ['P1'])
"""

from __future__ import annotations

from bisect import bisect_left
from collections import defaultdict
from collections.abc import Iterable


class NameIndex:
    def __init__(self, nodes: Iterable[tuple[str, dict]]):
        self.ids: set[str] = set()
        self.by_char: dict[str, set[str]] = defaultdict(set)
        latin = {"pinyin": [], "initials": []}
        for node_id, props in nodes:
            self.ids.add(node_id)
            for char in set(props.get("name") or ""):
                self.by_char[char].add(node_id)
            for prop, values in latin.items():
                if props.get(prop):
                    values.append((props[prop], node_id))
        self.latin = {prop: sorted(values) for prop, values in latin.items()}

    def candidates(self, name: str, ids: Iterable[str], latin: str | None) -> set[str]:
        """Nodes that may match: one of ``ids``, a name holding every character of ``name``, or a
        pinyin or initials starting with ``latin``.  A superset: the tiers decide."""
        found = {i for i in ids if i in self.ids}
        if name:
            holding = sorted((self.by_char.get(char, set()) for char in set(name)), key=len)
            found |= set.intersection(*holding) if holding else set()
        if latin:
            for values in self.latin.values():
                at = bisect_left(values, (latin,))
                while at < len(values) and values[at][0].startswith(latin):
                    found.add(values[at][1])
                    at += 1
        return found
