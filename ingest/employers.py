"""A 工作单位及职务 cell: the unit and the position staff write into one cell.

Offices write 「温州某某科技有限公司 总经理」, 「某某律师事务所主任」, 「某某协会（会长）」 or
「某某公司/董事长」.  The unit ends where a separator stands or, with none, after the last word
that ends a unit's name (公司, 事务所, 协会 …); what follows, if short, is the position.
"""

from __future__ import annotations

import re

UNIT_ENDINGS = (
    "有限责任公司",
    "股份有限公司",
    "有限公司",
    "公司",
    "集团",
    "事务所",
    "工作室",
    "合作社",
    "商会",
    "协会",
    "学会",
    "联合会",
    "研究会",
    "促进会",
    "研究院",
    "设计院",
    "医院",
    "学院",
    "大学",
    "学校",
    "中心",
    "银行",
    "支行",
    "分行",
    "酒店",
    "商行",
    "工厂",
    "厂",
    "店",
    "馆",
    "社",
    "所",
    "处",
    "部",
    "局",
    "委",
    "办",
)
LONGEST_POSITION = 12  # characters after a unit's ending that can still be a position
_BREAKS = re.compile(r"\s+|[/／|｜，,]|[（(]")


def split_position(cell: str) -> tuple[str, str | None]:
    """The unit and the position in a cell that may hold both.

    >>> split_position("温州某某科技有限公司 总经理、设计总监")
    ('温州某某科技有限公司', '总经理、设计总监')
    >>> split_position("鹿城区委统战部副部长")
    ('鹿城区委统战部', '副部长')
    >>> split_position("温州市鹿城区网络文化协会（会长）")
    ('温州市鹿城区网络文化协会', '会长')
    >>> split_position("某某电子商务有限公司/董事长兼总经理")
    ('某某电子商务有限公司', '董事长兼总经理')
    >>> split_position("五马街道某某 科员")
    ('五马街道某某', '科员')
    >>> split_position("温州市鹿城区五马街道某某文化工作室")
    ('温州市鹿城区五马街道某某文化工作室', None)
    >>> split_position("自由职业")
    ('自由职业', None)
    """
    text = " ".join(str(cell).split())
    breaks = list(_BREAKS.finditer(text))
    for found in breaks:  # a separator after a unit's name
        unit, rest = text[: found.start()], text[found.end() :].strip().rstrip("）)").strip()
        if unit.endswith(UNIT_ENDINGS) and _position(rest):
            return unit, rest
    best = max((text.rfind(e) + len(e) for e in UNIT_ENDINGS if text.rfind(e) > 0), default=None)
    while best is not None and 0 < len(text) - best < 2:  # 「统战部副部|长」: the ending was inside the position
        best = max((i + len(e) for e in UNIT_ENDINGS for i in _all(text, e) if i + len(e) < best), default=None)
    if best is not None and _position(text[best:]):
        return text[:best], text[best:]
    if breaks and breaks[-1].group().isspace() and _position(text[breaks[-1].end() :]):
        return text[: breaks[-1].start()], text[breaks[-1].end() :]
    return text, None


def _position(rest: str) -> bool:
    return 0 < len(rest) <= LONGEST_POSITION and not rest.endswith(UNIT_ENDINGS)


def _all(text: str, word: str) -> list[int]:
    return [m.start() for m in re.finditer(re.escape(word), text) if m.start() > 0]
