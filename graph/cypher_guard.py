"""What the admin's read-only Cypher console refuses before a query reaches the server.

The server's READ access mode refuses writes, but it lets through reading files (``LOAD
CSV``), procedures that change settings or reach the network, and anything a plugin adds.
Only reading the graph and a few procedures that describe it are allowed.
"""

from __future__ import annotations

import re

from graph.errors import InvalidQuery

ALLOWED_PROCEDURES = {
    "db.labels",
    "db.relationshiptypes",
    "db.propertykeys",
    "db.schema.visualization",
    "db.schema.nodetypeproperties",
    "db.schema.reltypeproperties",
}
_QUOTED = re.compile(r"'(?:[^'\\]|\\.)*'|\"(?:[^\"\\]|\\.)*\"|//[^\n]*|/\*.*?\*/", re.DOTALL)
_CALLS = re.compile(r"\bCALL\s+(`?[A-Za-z_][\w.`]*)", re.IGNORECASE)
_FORBIDDEN = [
    (re.compile(r"\bLOAD\s+CSV\b", re.IGNORECASE), "LOAD CSV（读取文件）"),
    (re.compile(r"\b(?:apoc|dbms|gds)\s*\.", re.IGNORECASE), "插件或系统过程"),
    (re.compile(r"\bUSE\s+\w", re.IGNORECASE), "切换数据库"),
    (re.compile(r"\b(?:CREATE|DROP|ALTER|GRANT|REVOKE|DENY|START|STOP|TERMINATE)\b", re.IGNORECASE), "管理命令"),
]


def refuse_unsafe(query: str) -> None:
    """Raise :class:`InvalidQuery` naming what the query may not do.

    >>> refuse_unsafe("MATCH (n:Person) RETURN n.name LIMIT 5")
    >>> refuse_unsafe("CALL db.labels()")
    >>> refuse_unsafe("LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line")
    Traceback (most recent call last):
    graph.errors.InvalidQuery: 只读控制台不允许 LOAD CSV（读取文件）
    >>> refuse_unsafe("MATCH (n) WHERE n.name = 'LOAD CSV' RETURN n")  # words inside strings are data
    """
    code = _QUOTED.sub("''", query)
    for pattern, what in _FORBIDDEN:
        if pattern.search(code):
            raise InvalidQuery(f"只读控制台不允许 {what}")
    for name in _CALLS.findall(code):
        if name.replace("`", "").lower() not in ALLOWED_PROCEDURES:
            allowed = "、".join(sorted(ALLOWED_PROCEDURES))
            raise InvalidQuery(f"只读控制台不允许调用过程「{name}」；可用的只有 {allowed}，或 CALL {{ … }} 子查询")
