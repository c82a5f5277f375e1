"""How names are searched: folded text, full pinyin and initials, surnames read as surnames.

The pinyin of every name is computed once, at ingest, and stored on the node, so both
stores search the same fields the same way.

>>> name_keys("曾小单", person=True)
{'pinyin': 'zengxiaodan', 'initials': 'zxd'}
>>> name_keys("单子轩", person=True)["pinyin"]
'shanzixuan'
>>> name_keys("鹿城E咖·同心荟")
{'pinyin': 'luchengekatongxinhui', 'initials': 'lcektxh'}
>>> fold_query(" Zhang Wei ")
'zhangwei'
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence
from functools import lru_cache

from graph.records import Node

# Characters whose reading as a surname differs from their everyday reading.
SURNAMES = {
    "曾": "zeng",
    "单": "shan",
    "解": "xie",
    "区": "ou",
    "查": "zha",
    "仇": "qiu",
    "朴": "piao",
    "乐": "yue",
    "盖": "ge",
    "燕": "yan",
    "缪": "miao",
    "覃": "qin",
    "翟": "zhai",
    "种": "chong",
    "尉": "yu",
    "折": "she",
    "召": "shao",
    "万俟": "moqi",
    "尉迟": "yuchi",
    "长孙": "zhangsun",
    "秘": "bi",
    "冼": "xian",
    "宁": "ning",
    "繁": "po",
    "员": "yun",
    "阚": "kan",
    "黑": "he",
}
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


def fold_query(text: str) -> str:
    """What a search box gets, folded: full-width to half-width, lower case, no blanks."""
    folded = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text).lower())
    return unicodedata.normalize("NFKC", folded)  # "A´" is "A", a space, a mark: joined they compose to "á"


def _syllables(name: str, person: bool) -> list[str]:
    from pypinyin import lazy_pinyin  # 0.2 s to load: by a search or an ingest, not by every command

    if person:
        for length in (2, 1):
            surname = name[:length]
            if len(surname) == length and surname in SURNAMES:
                head = SURNAMES[surname]
                return [head] + lazy_pinyin(name[length:])
    return lazy_pinyin(name)


@lru_cache(maxsize=1 << 17)  # rosters repeat names; pypinyin takes ~50 µs a name
def name_keys(name: str, person: bool = False) -> dict[str, str]:
    """``pinyin`` (all syllables run together) and ``initials`` (their first letters)."""
    syllables = [_NOT_ALNUM.sub("", s.lower()) for s in _syllables(fold_query(name), person)]
    syllables = [s for s in syllables if s]
    return {
        "pinyin": "".join(syllables),
        "initials": "".join(s if s.isdigit() else s[0] for s in syllables),
    }


def with_name_keys(nodes: Sequence[Node]) -> Sequence[Node]:
    """``nodes``, each written with a name but without its pinyin given those keys: every named
    node in a store carries them, so a store may find and order names by them alone (Neo4j's
    search reads them from its indexes).  Ingest computes them already; this is for the rest.

    >>> with_name_keys([Node("P1", frozenset({"Person"}), {"name": "单子轩"})])[0].properties["initials"]
    'szx'
    """
    if all("pinyin" in n.properties or "name" not in n.properties for n in nodes):
        return nodes
    return [
        n
        if "pinyin" in n.properties or "name" not in n.properties
        else Node(n.id, n.labels, {**n.properties, **name_keys(n.properties["name"], person="Person" in n.labels)})
        for n in nodes
    ]
