"""What is around a node: the node itself, its ego network, and what two nodes share."""

from __future__ import annotations

from collections import Counter

from graph.errors import InvalidQuery
from graph.ontology import Ontology
from graph.records import Relationship, Step
from graph.store import Store
from queries.base import existing, node_ref, relationship_types, sort_key, with_cards
from queries.options import HOPS, MAX_NODES, NEIGHBOURS, SKIP

EXPAND_LIMIT = 20000  # relationships read for an entity page or shared neighbours


def relationship_ref(onto: Ontology, rel: Relationship) -> dict:
    """A relationship in a network answer: its ends and the properties its type shows."""
    shown = onto.relationships[rel.type].shown
    return {
        "type": rel.type,
        "from": rel.source,
        "to": rel.target,
        **{k: v for k, v in rel.properties.items() if k in shown},
    }


def entity(store: Store, node_id: str, *, neighbours: int = 50) -> dict:
    """A node's properties and its relationships by type and direction: ``count`` of them,
    ``others`` at their other ends (two contacts with one leader: 2 and 1), the first
    ``neighbours`` of those in Chinese order (:func:`neighbours` gives the rest)."""
    existing(store, node_id)
    node = store.get(node_id)
    steps = store.expand([node_id], list(store.ontology.relationships), EXPAND_LIMIT)
    summary: dict[str, dict] = {}
    for step in sorted(steps, key=lambda s: sort_key(s.other)):
        direction = "out" if step.relationship.source == node_id else "in"
        entry = summary.setdefault(
            f"{step.relationship.type}:{direction}",
            {
                "type": step.relationship.type,
                "zh": store.ontology.relationships[step.relationship.type].zh,
                "direction": direction,
                "count": 0,
                "neighbours": [],
                "seen": set(),
            },
        )
        entry["count"] += 1
        if step.other.id not in entry["seen"]:
            entry["seen"].add(step.other.id)
            if len(entry["neighbours"]) < neighbours:
                entry["neighbours"].append(node_ref(store, step.other))
    for entry in summary.values():
        entry["others"] = len(entry.pop("seen"))
        entry["neighbours"] = with_cards(store, entry["neighbours"])
    return {
        **node_ref(store, node),
        "properties": node.properties,
        "relationships": sorted(summary.values(), key=lambda e: (-e["count"], e["type"], e["direction"])),
    }


def neighbours(
    store: Store,
    node_id: str,
    type_: str,
    direction: str,
    *,
    offset: int = SKIP.default,
    limit: int = NEIGHBOURS.default,
) -> dict:
    """One of an entity's lists in full, a page at a time: the nodes at the other end of its
    ``type_`` relationships going ``direction`` (``out`` or ``in``), in Chinese order, each once.

    An entity page shows the first of each list; this gives the rest (成员 295 人)."""
    existing(store, node_id)
    rel = store.ontology.relationship(type_)
    if rel is None:
        raise InvalidQuery(f"未知关系类型「{type_}」")
    type_ = rel.name
    if direction not in ("out", "in"):
        raise InvalidQuery(f"方向应为 out 或 in，而不是「{direction}」")
    SKIP.check(offset)
    NEIGHBOURS.check(limit)
    steps = store.expand([node_id], [type_], EXPAND_LIMIT)
    others = {s.other.id: s.other for s in steps if (s.relationship.source == node_id) == (direction == "out")}
    ordered = sorted(others.values(), key=sort_key)
    return {
        "type": type_,
        "zh": store.ontology.relationships[type_].zh,
        "direction": direction,
        "total": len(ordered),
        "offset": offset,
        "neighbours": with_cards(store, [node_ref(store, n) for n in ordered[offset : offset + limit]]),
    }


def ego(store: Store, node_id: str, *, hops: int = HOPS.default, via=None, max_nodes: int = MAX_NODES.default) -> dict:
    """Nodes within ``hops`` of a node over ``via`` (default: all but the structural types),
    breadth first in a stable order; ``truncated`` says when ``max_nodes`` cut it."""
    HOPS.check(hops)
    MAX_NODES.check(max_nodes)
    center = existing(store, node_id)[node_id]
    types = relationship_types(store, via)
    kept, frontier, truncated = {node_id}, [node_id], False
    for _ in range(hops):
        room = max_nodes - len(kept)
        new = store.neighbour_ids(frontier, types, kept, room + 1)  # one more tells if it was cut
        truncated |= len(new) > room
        frontier = new[:room]
        kept.update(frontier)
        if not frontier:
            break
    nodes = store.brief(kept)
    relationships = store.relationships_among(kept, types)
    return {
        "center": node_ref(store, center),
        "hops": hops,
        "truncated": truncated,
        "nodes": [node_ref(store, nodes[i]) for i in sorted(kept)],
        "relationships": [relationship_ref(store.ontology, r) for r in relationships],
    }


def common(store: Store, a: str, b: str, *, via=None) -> dict:
    """Nodes linked directly to both ``a`` and ``b``, with how each is linked."""
    nodes = existing(store, a, b)
    types = relationship_types(store, via)
    links: dict[str, dict[str, list[Step]]] = {a: {}, b: {}}
    for step in store.expand([a, b], types, EXPAND_LIMIT):
        links[step.at].setdefault(step.other.id, []).append(step)
    shared = sorted(set(links[a]) & set(links[b]) - {a, b})
    found = []
    for other in sorted(shared, key=lambda i: sort_key(links[a][i][0].other)):
        found.append(
            {
                **node_ref(store, links[a][other][0].other),
                "via": [
                    [relationship_ref(store.ontology, s.relationship) for s in links[end][other]] for end in (a, b)
                ],
            }
        )
    kinds = Counter(label for item in found for label in item["labels"])
    return {
        "a": node_ref(store, nodes[a]),
        "b": node_ref(store, nodes[b]),
        "common": found,
        "count": len(found),
        "by_label": dict(sorted(kinds.items())),
    }
