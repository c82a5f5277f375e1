"""Every shortest path between two nodes, found by a layered search from both ends: the
embedded store runs it on its whole graph, a town-scoped view on the town's part."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Iterable

from graph.records import GraphPath, Relationship

Links = Callable[[str], Iterable[tuple[str, Hashable]]]


def shortest_paths(
    links: Links, relationship: Callable[[object], Relationship], source: str, target: str, max_hops: int, limit: int
) -> list[GraphPath]:
    """Paths of least length between ``source`` and ``target``, at most ``max_hops`` long and
    ``limit`` many; ``links(node)`` gives (neighbour, edge) either direction, ``relationship(edge)``
    the edge as a path carries it.  Always widens the smaller side; when the sides meet, every
    shortest path joins a path from each side at a meeting node.

    >>> edges = {"a": [("b", ("a", "b"))], "b": [("a", ("a", "b")), ("c", ("b", "c"))], "c": [("b", ("b", "c"))]}
    >>> found = shortest_paths(edges.get, lambda e: Relationship("KNOWS", *e), "a", "c", 4, 10)
    >>> [p.nodes for p in found]
    [['a', 'b', 'c']]
    """
    sides = [({source: 0}, {source: []}, [source]), ({target: 0}, {target: []}, [target])]
    meeting: list[str] = []
    for _ in range(max_hops):
        seen, parents, frontier = min(sides, key=lambda side: len(side[2]))
        next_frontier = []
        for node in frontier:
            for neighbour, edge in links(node) or ():
                if neighbour not in seen:
                    seen[neighbour] = seen[node] + 1
                    parents[neighbour] = []
                    next_frontier.append(neighbour)
                if seen[neighbour] == seen[node] + 1:
                    parents[neighbour].append((node, edge))
        frontier[:] = next_frontier
        met = set(next_frontier) & set(sides[0][0] if seen is sides[1][0] else sides[1][0])
        if met:  # only meeting nodes on a shortest path: the least total depth
            total = {m: sides[0][0][m] + sides[1][0][m] for m in met}
            meeting = sorted(m for m in met if total[m] == min(total.values()))
        if meeting or not next_frontier:
            break
    paths = []
    for middle in meeting:
        for head in _walks(sides[0][1], middle, limit):
            for tail in _walks(sides[1][1], middle, limit):
                nodes = [n for n, _ in head] + [middle] + [n for n, _ in reversed(tail)]
                edges = [e for _, e in head] + [e for _, e in reversed(tail)]
                paths.append(GraphPath(nodes, [relationship(e) for e in edges]))
                if len(paths) >= limit:
                    return paths
    return paths


def _walks(parents: dict, node: str, limit: int) -> list[list[tuple]]:
    """Every way back from ``node`` to its side's start, as (node, edge) steps from the start."""
    if not parents[node]:
        return [[]]
    walks = []
    for previous, edge in parents[node]:
        for walk in _walks(parents, previous, limit):
            walks.append(walk + [(previous, edge)])
            if len(walks) >= limit:
                return walks
    return walks
