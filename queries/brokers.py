"""Who bridges bases and groups: betweenness and communities on a bounded projection."""

from __future__ import annotations

import networkx as nx

from graph.errors import InvalidQuery
from graph.store import Store
from queries.base import default_types, existing, node_ref
from queries.options import TOP

WHOLE_GRAPH_LIMIT = 5000  # nodes; above it a scope (a base or a region) is required
SCOPE_LIMIT = 50_000  # relationships read for one projection


def projection(store: Store, scope: str | None = None) -> tuple[nx.Graph, dict]:
    """The undirected graph of a base's members (or a region's people and places, or the
    whole graph when small) and the relationships among them and their neighbours."""
    types = default_types(store)
    if scope is None:
        total = sum(store.counts()["nodes"][kind] for kind in store.ontology.kinds)
        if total > WHOLE_GRAPH_LIMIT:
            raise InvalidQuery(f"全图有 {total} 个节点，超过 {WHOLE_GRAPH_LIMIT}，请指定一个同心荟或镇街（--scope）")
        seeds = [n.id for n in store.iter_nodes()]
    else:
        center = existing(store, scope)[scope]
        inner = ["MEMBER_OF"] if "Base" in center.labels else ["LOCATED_IN"]
        seeds = sorted({s.other.id for s in store.expand([scope], inner, SCOPE_LIMIT)} | {scope})
    steps = store.expand(seeds, types, SCOPE_LIMIT)
    graph, nodes = nx.Graph(), {}
    for step in steps:
        nodes.setdefault(step.other.id, step.other)
    nodes.update(store.brief(set(seeds) - set(nodes)))
    graph.add_nodes_from(sorted(nodes))
    graph.add_edges_from(sorted({tuple(sorted((s.relationship.source, s.relationship.target))) for s in steps}))
    return graph, nodes


def brokers(store: Store, *, scope: str | None = None, top: int = TOP.default) -> dict:
    """People with the highest betweenness in the projection, with the bases they belong to,
    and the communities (Louvain, fixed seed) of that projection."""
    TOP.check(top)
    graph, nodes = projection(store, scope)
    centrality = nx.betweenness_centrality(graph, normalized=True) if graph.number_of_edges() else {}
    people = sorted(
        (n for n in graph if "Person" in nodes[n].labels), key=lambda n: (-round(centrality.get(n, 0), 9), n)
    )
    communities = nx.community.louvain_communities(graph, seed=2024) if graph.number_of_edges() else []
    groups = sorted((sorted(c) for c in communities if len(c) > 1), key=lambda c: (-len(c), c[0]))
    return {
        "scope": scope,
        "nodes": graph.number_of_nodes(),
        "relationships": graph.number_of_edges(),
        "brokers": [
            dict(
                node_ref(store, nodes[n]),
                betweenness=round(centrality.get(n, 0), 6),
                bases=sorted(nodes[m].properties.get("name") for m in graph[n] if "Base" in nodes[m].labels),
            )
            for n in people[:top]
        ],
        "communities": [
            {"size": len(c), "members": c[:20], "names": [nodes[m].properties.get("name") for m in c[:20]]}
            for c in groups
        ],
    }
