"""Who links to whom: every shortest path between two nodes, said in Chinese too."""

from __future__ import annotations

from graph.records import GraphPath
from graph.shortest import Routes, routes_between
from graph.store import Store
from queries.base import existing, node_ref, relationship_types
from queries.options import MAX_HOPS, PATHS

SEARCH_BUDGET = 1_000_000  # relationships a path search reads at most; far above any district's
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
    (:func:`graph.shortest.shortest_routes`): how many there are, and the first ``limit`` in a
    stable order (by the ids along the path, then the types), each with the people on the way
    (``go_between``).  Not found is an answer; ``truncated`` says the search read as many
    relationships as it may and stopped.

    ``store`` may be a part of ``whole`` (a town-scoped view): a shorter path through the rest
    is then told as ``outside``, its length only, naming no one on it.
    """
    MAX_HOPS.check(max_hops)
    PATHS.check(limit)
    nodes = existing(store, source, target)
    types = relationship_types(store, via)
    found = routes(store, source, target, types, max_hops, limit)
    shown = found.paths
    briefs = store.brief({i for p in shown for i in p.nodes}) | nodes
    answer = {
        "from": node_ref(store, nodes[source]),
        "to": node_ref(store, nodes[target]),
        "found": bool(found.count),
        "length": found.length,
        "count": found.count,
        "truncated": found.truncated,
        "paths": [],
        "outside": None,
    }
    if whole is not None and source != target:
        around = routes(whole, source, target, types, max_hops, 0)
        if around.count and (not found.count or around.length < found.length):
            answer["outside"] = {"length": around.length, "note": OUTSIDE_NOTE.format(hops=around.length)}
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


def routes(store: Store, source: str, target: str, types: list[str], max_hops: int, limit: int) -> Routes:
    """The shortest routes between two nodes on ``store`` (:mod:`graph.shortest`)."""
    if source == target:
        return Routes(0, 1, [GraphPath([source], [])])
    on_paths, truncated = store.shortest_dag(source, target, types, max_hops, SEARCH_BUDGET)
    found = routes_between(on_paths, source, target, limit)
    found.truncated = truncated
    return found


def sentence(store: Store, p: GraphPath, briefs) -> str:
    """张三 —成员→ 抖音之家·同心荟 ←负责联系— 李四"""
    words = [briefs[p.nodes[0]].properties.get("name", p.nodes[0])]
    for here, there, rel in zip(p.nodes, p.nodes[1:], p.relationships):
        zh = store.ontology.relationships[rel.type].zh
        words.append(f"—{zh}→" if rel.source == here else f"←{zh}—")
        words.append(briefs[there].properties.get("name", there))
    return " ".join(words)
