"""Who links to whom: every shortest path between two nodes, said in Chinese too."""

from __future__ import annotations

from graph.records import GraphPath
from graph.store import Store
from queries.base import existing, node_ref, relationship_types
from queries.options import MAX_HOPS, PATHS

ENUMERATE = 1000  # shortest paths read from the store before ordering; more is a cut
OUTSIDE_NOTE = "经过您辖区以外的人员或机构，有一条 {hops} 步的关系路径；按权限不显示其中的人名"


def path(
    store: Store,
    source: str,
    target: str,
    *,
    max_hops: int = MAX_HOPS.default,
    via=None,
    limit: int = PATHS.default,
    whole: Store | None = None,
) -> dict:
    """All shortest paths between ``source`` and ``target`` ignoring direction, over ``via``
    (default: all but LOCATED_IN and PART_OF), up to ``max_hops`` long, each route once
    (:func:`distinct`); the first ``limit`` in a stable order (by the ids along the path, then
    the types), each with the people on the way (``go_between``).  Not found is an answer.

    ``store`` may be a part of ``whole`` (a town-scoped view): a shorter path through the rest
    is then told as ``outside``, its length only, naming no one on it.
    """
    MAX_HOPS.check(max_hops)
    PATHS.check(limit)
    nodes = existing(store, source, target)
    types = relationship_types(store, via)
    if source == target:
        found = [GraphPath([source], [])]
    else:
        found = store.shortest_paths(source, target, types, max_hops, ENUMERATE)
    found.sort(key=lambda p: (p.nodes, [(r.type, r.key) for r in p.relationships]))
    found = distinct(found)
    shown = found[:limit]
    briefs = store.brief({i for p in shown for i in p.nodes}) | nodes
    answer = {
        "from": node_ref(store, nodes[source]),
        "to": node_ref(store, nodes[target]),
        "found": bool(found),
        "length": len(found[0].relationships) if found else None,
        "count": len(found),
        "truncated": len(found) >= ENUMERATE,
        "paths": [],
        "outside": None,
    }
    if whole is not None and source != target:
        around = whole.shortest_paths(source, target, types, max_hops, 1)
        if around and (not found or len(around[0].relationships) < answer["length"]):
            hops = len(around[0].relationships)
            answer["outside"] = {"length": hops, "note": OUTSIDE_NOTE.format(hops=hops)}
    for p in shown:
        answer["paths"].append(
            {
                "nodes": [node_ref(store, briefs[i]) for i in p.nodes],
                "relationships": [{"type": r.type, "from": r.source, "to": r.target} for r in p.relationships],
                "sentence": sentence(store, p, briefs),
                "go_between": [node_ref(store, briefs[i]) for i in p.nodes[1:-1] if "Person" in briefs[i].labels],
            }
        )
    return answer


def distinct(paths: list[GraphPath]) -> list[GraphPath]:
    """One path per route as staff read it (the same people, the same kinds of tie, the same
    way round): two contacts on different days between the same two people are one route.

    >>> from graph.records import Relationship as R
    >>> twice = [GraphPath(["a", "b"], [R("CONTACTED", "b", "a", key=k)]) for k in ("d1", "d2")]
    >>> len(distinct(twice))
    1
    """
    seen, kept = set(), []
    for p in paths:
        route = (tuple(p.nodes), tuple((r.type, r.source, r.target) for r in p.relationships))
        if route not in seen:
            seen.add(route)
            kept.append(p)
    return kept


def sentence(store: Store, p: GraphPath, briefs) -> str:
    """张三 —成员→ 抖音之家·同心荟 ←负责联系— 李四"""
    words = [briefs[p.nodes[0]].properties.get("name", p.nodes[0])]
    for here, there, rel in zip(p.nodes, p.nodes[1:], p.relationships):
        zh = store.ontology.relationships[rel.type].zh
        words.append(f"—{zh}→" if rel.source == here else f"←{zh}—")
        words.append(briefs[there].properties.get("name", there))
    return " ".join(words)
