"""Pictures of the network: a scope of the graph, in a format a tool can open.

Scopes: ``all`` (the whole graph, streamed), ``base:ID`` (a base, its members and their
ties), ``region:ID`` (what is located in a town), ``ego:ID[:HOPS]``, ``path:FROM:TO`` and
``gaps`` (uncovered representatives with their candidate liaisons).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from graph.errors import InvalidQuery
from graph.masking import mask
from graph.records import Node, Relationship
from graph.store import Store
from queries import formats
from queries.coverage import coverage
from queries.network import ego
from queries.paths import path

LIMIT = 200_000  # relationships read for one scope


@dataclass
class Export:
    content: bytes
    media_type: str
    filename: str
    people: list[str] = field(default_factory=list)  # whose records left: the audit names them


def _among(store: Store, ids: set[str]) -> tuple[list[Node], list[Relationship]]:
    nodes = store.nodes(ids)
    steps = store.expand(sorted(nodes), list(store.ontology.relationships), LIMIT)
    rels = {s.relationship.key: s.relationship for s in steps if s.other.id in nodes}
    return [nodes[i] for i in sorted(nodes)], [rels[k] for k in sorted(rels)]


def subgraph(store: Store, scope: str | None = None) -> tuple[list[Node], list[Relationship]]:
    kind, _, rest = (scope or "all").partition(":")
    if kind == "all":
        return sorted(store.iter_nodes(), key=lambda n: n.id), sorted(store.iter_relationships(), key=lambda r: r.key)
    if kind in ("base", "region"):
        inner = "MEMBER_OF" if kind == "base" else "LOCATED_IN"
        members = {s.other.id for s in store.expand([rest], [inner], LIMIT)}
        if kind == "base":  # members and their ties: their employers, liaisons, other bases
            members |= {s.other.id for s in store.expand(members, ["WORKS_FOR", "LIAISES_WITH", "KNOWS"], LIMIT)}
        return _among(store, members | {rest})
    if kind == "ego":
        center, _, hops = rest.partition(":")
        if hops and not (hops.isascii() and hops.isdigit()):
            raise InvalidQuery(f"范围「{scope}」中的跳数应为整数，如 ego:编号:2")
        return _among(store, {n["id"] for n in ego(store, center, hops=int(hops or 2))["nodes"]})
    if kind == "path":
        source, _, target = rest.partition(":")
        found = path(store, source, target, limit=100)
        return _among(store, {n["id"] for p in found["paths"] for n in p["nodes"]} | {source, target})
    if kind == "gaps":
        gaps = coverage(store, candidates=True)
        ids = set(gaps["uncovered"]) | {c["id"] for cs in gaps["candidates"].values() for c in cs}
        return _among(store, ids)
    raise InvalidQuery(
        f"未知范围「{scope}」，应为 all、base:编号、region:编号、ego:编号[:跳数]、path:起点:终点 或 gaps"
    )


def export(store: Store, fmt: str, scope: str | None = None, *, masked: bool = False) -> Export:
    """The scope in format ``fmt``; ``masked`` hides personal information (viewers)."""
    chosen = formats.FORMATS.get(fmt)
    if chosen is None:
        raise InvalidQuery(f"未知格式「{fmt}」，应为：{'、'.join(formats.FORMATS)}")
    nodes, rels = subgraph(store, scope)
    if masked:
        nodes = [Node(n.id, n.labels, mask(n.properties)) for n in nodes]
    name = re.sub(r"[^\w.-]+", "_", (scope or "all").replace(":", "-"))  # a file name, whatever the scope held
    people = sorted(n.id for n in nodes if "Person" in n.labels)
    return Export(
        chosen.write(store.ontology, nodes, rels), chosen.media_type, f"tongxin-{name}.{chosen.suffix}", people
    )
