"""What the stores write: nodes and relationships with their provenance, and what changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field, fields


@dataclass
class Node:
    """A node; ``labels`` are concrete ontology labels (``Person``, ``Member`` …)."""

    id: str
    labels: frozenset[str]
    properties: dict = field(default_factory=dict)


@dataclass
class Relationship:
    """A relationship; its identity is ``key``: type, ends and the type's key properties."""

    type: str
    source: str
    target: str
    properties: dict = field(default_factory=dict)
    key: str = ""


@dataclass(frozen=True)
class Step:
    """One relationship seen from the node ``at``, with the node at its other end."""

    at: str
    relationship: Relationship
    other: Node


@dataclass
class GraphPath:
    nodes: list[str]
    relationships: list[Relationship]


def relationship_key(type_: str, source: str, target: str, key_values=()) -> str:
    """Deterministic identity of a relationship, so a re-import merges instead of doubling.

    >>> relationship_key("CONTACTED", "L1", "P1", ["2024-03-05", "走访"])
    'CONTACTED:L1->P1|2024-03-05|走访'
    """
    tail = "".join(f"|{'' if v is None else v}" for v in key_values)
    return f"{type_}:{source}->{target}{tail}"


def active_on(properties: dict, day: str) -> bool:
    """Whether a relationship holds on ``day`` (ISO date): its ``since``/``until`` span, both
    ends included, contains it; a missing end is open, and an end known only to the month
    (``2024-05``) covers that whole month.  One rule for coverage and the report.

    >>> active_on({"since": "2024-01-01"}, "2023-12-31"), active_on({"until": "2024-01-01"}, "2024-01-01")
    (False, True)
    >>> active_on({"since": "2024-05", "until": "2024-05"}, "2024-05-31")
    True
    """
    return (properties.get("since") or "") <= day and not ended_before(properties.get("until"), day)


def ended_before(until: str | None, day: str) -> bool:
    """Whether an end date (``YYYY-MM-DD``, or ``YYYY-MM`` covering its month) is past on ``day``.

    >>> ended_before("2024-05", "2024-05-31"), ended_before("2024-05-30", "2024-05-31"), ended_before(None, "2024-05-31")
    (False, True, False)
    """
    return bool(until) and until < day[: len(until)]


def now_stamp() -> str:
    """The ``ingested_at`` of a write: local time with its offset, to the second."""
    return dt.datetime.now(dt.UTC).astimezone().isoformat(timespec="seconds")


@dataclass
class WriteResult:
    """What a write changed (or, previewed, would change): the four counters every ingest
    report, audit record and API answer carries."""

    nodes_created: int = 0
    nodes_updated: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0

    def changes(self) -> dict[str, int]:
        return {f.name: getattr(self, f.name) for f in fields(WriteResult)}

    def add(self, other: WriteResult) -> None:
        for name, count in other.changes().items():
            setattr(self, name, getattr(self, name) + count)
