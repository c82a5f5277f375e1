"""What a search matches and how it ranks, declared once: the embedded store and the scoped
view evaluate the tiers in Python, the Neo4j store reads them one by one with their Cypher tests.

>>> match = Match.of("张伟")
>>> match.score(Node("P1", frozenset({"Person"}), {"name": "张伟", "pinyin": "zhangwei"}))
90
>>> match.score(Node("P2", frozenset({"Person"}), {"name": "张伟强", "pinyin": "zhangweiqiang"}))
80
>>> Match.of("zw").score(Node("P1", frozenset({"Person"}), {"name": "张伟", "initials": "zw"}))
60
>>> Match.of("zhang").score(Node("B1", frozenset({"Base"}), {"name": "抖音之家", "pinyin": "douyinzhijia"}))
0
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from graph.records import Node

# (score, property, test), best first.  A node matches when one of them holds.
TIERS = (
    (100, "id", "is"),  # the id typed, as typed or in capitals
    (90, "name", "equals"),
    (80, "name", "starts"),
    (70, "name", "contains"),
    (65, "pinyin", "equals_latin"),
    (60, "initials", "equals_latin"),
    (50, "pinyin", "starts_latin"),
    (45, "initials", "starts_latin"),
)
TESTS = {  # a test in Python (the property's value, the match), in Cypher (for the property p and the value v)
    # and the search parameter it compares with
    "is": (lambda value, m: value in m.ids, "n.{p} IN {v}", "ids"),
    "equals": (lambda value, m: value == m.name, "n.{p} = {v}", "name"),
    "starts": (lambda value, m: value.startswith(m.name), "n.{p} STARTS WITH {v}", "name"),
    "contains": (lambda value, m: m.name in value, "n.{p} CONTAINS {v}", "name"),
    "equals_latin": (lambda value, m: m.latin is not None and value == m.latin, "n.{p} = {v}", "latin"),
    "starts_latin": (
        lambda value, m: m.latin is not None and value.startswith(m.latin),
        "n.{p} STARTS WITH {v}",
        "latin",
    ),
}


def cypher_test(test: str, prop: str, value: str | None = None) -> str:
    """``test`` on ``n.prop`` in Cypher, against ``value`` (by default the search parameter)."""
    return TESTS[test][1].format(p=prop, v=value or f"${TESTS[test][2]}")


@dataclass(frozen=True)
class Match:
    """A search as typed (``name``: spaces gone, full-width folded), the ids it could be, its
    pinyin/initials form when it has one, and the kind and town it is kept to."""

    name: str
    ids: tuple[str, ...]
    latin: str | None
    label: str | None = None
    region: str | None = None

    @classmethod
    def of(cls, text: str, label: str | None = None, region: str | None = None) -> Match:
        from graph.names import fold_query  # pypinyin: loaded by a search, not by every command

        name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
        latin = fold_query(text)
        latin = latin if latin and re.fullmatch(r"[0-9a-z]+", latin) else None
        return cls(name, tuple(sorted({name, name.upper()})) if name else (), latin, label, region)

    def score(self, node: Node) -> int:
        """The best tier ``node`` meets, 0 when none (or it is not of the kind or town asked)."""
        if (self.label and self.label not in node.labels) or (
            self.region and node.properties.get("region") != self.region
        ):
            return 0
        for score, prop, test in TIERS:
            value = node.id if prop == "id" else node.properties.get(prop)
            if value and TESTS[test][0](value, self):
                return score
        return 0


def rank_key(scored: tuple[Node, int]) -> tuple:
    """Best tier first, then pinyin, then id: the order every store gives."""
    node, score = scored
    return (-score, node.properties.get("pinyin") or "", node.id)
