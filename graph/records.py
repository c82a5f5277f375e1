"""What the stores write: nodes and relationships with their provenance, and what changed."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field


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


def now_stamp() -> str:
    """The ``ingested_at`` of a write: local time with its offset, to the second."""
    return dt.datetime.now(dt.timezone.utc).astimezone().isoformat(timespec="seconds")


@dataclass
class WriteResult:
    nodes_created: int = 0
    nodes_updated: int = 0
    relationships_created: int = 0
    relationships_updated: int = 0

    def add(self, other: "WriteResult") -> None:
        for name in vars(self):
            setattr(self, name, getattr(self, name) + getattr(other, name))
