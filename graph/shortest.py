"""Shortest paths between two nodes, the same on every store: the relationships on some shortest
path (found by a layered search from both ends over the store's :meth:`graph.store.Store.hops`,
or by the store itself), then the routes read off them in one order — by the ids along them,
then the kinds of tie — as many as are shown, with their exact number.  A hub with thousands
of members or a million equal routes never makes it list more than it shows; only the search
has a bound (relationships read), and ``truncated`` says when that bound cut it."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import product

from graph.records import GraphPath, Relationship

Hops = Callable[[list[str], int], list[tuple[str, Relationship]]]  # (at, relationship) of these nodes, at most n
Links = Callable[[list[str], int], list[tuple[str, str, object]]]  # (at, neighbour, edge) of these nodes, at most n


@dataclass
class Routes:
    length: int | None = None
    count: int = 0  # every shortest route, each once (:func:`routes_between`), not only those listed
    paths: list[GraphPath] = field(default_factory=list)
    truncated: bool = False


def shortest_dag(
    links: Links, relationship: Callable[[object], Relationship], source: str, target: str, max_hops: int, budget: int
) -> tuple[list[Relationship], bool]:
    """Every relationship on a shortest path from ``source`` to ``target`` (none when there is
    no path of at most ``max_hops``), and whether ``budget`` (relationships read) cut the search.
    ``links(ids, n)`` gives at most ``n`` (node, neighbour, edge) of these nodes, either direction;
    ``relationship(edge)`` the edge as a path carries it (made only for the edges on a path).
    Always widens the smaller side; when the sides meet, every shortest path runs through a
    meeting node."""
    depth = ({source: 0}, {target: 0})
    back = (defaultdict(list), defaultdict(list))  # node → (neighbour one step nearer that side's end, edge)
    frontier, meeting = [[source], [target]], []
    for _ in range(max_hops):
        side = 0 if len(frontier[0]) <= len(frontier[1]) else 1
        steps = links(sorted(frontier[side]), budget + 1)
        budget -= len(steps)
        if budget < 0:
            return [], True
        seen, reached = depth[side], []
        for at, other, edge in steps:
            if other not in seen:
                seen[other] = seen[at] + 1
                reached.append(other)
            if seen[other] == seen[at] + 1:
                back[side][other].append((at, edge))
        frontier[side] = reached
        met = {m: depth[0][m] + depth[1][m] for m in reached if m in depth[1 - side]}
        if met:
            meeting = [m for m, total in met.items() if total == min(met.values())]
            break
        if not reached:
            break
    found: dict[str, Relationship] = {}
    for side in (0, 1):
        queue, done = list(meeting), set(meeting)
        while queue:
            for nearer, edge in back[side][queue.pop()]:
                rel = relationship(edge)
                found[rel.key] = rel
                if nearer not in done:
                    done.add(nearer)
                    queue.append(nearer)
    return list(found.values()), False


def hopping(hops: Hops) -> Links:
    """:meth:`graph.store.Store.hops` as :func:`shortest_dag`'s ``links``."""
    return lambda ids, most: [(at, r.target if r.source == at else r.source, r) for at, r in hops(ids, most)]


def routes_between(on_paths: list[Relationship], source: str, target: str, limit: int) -> Routes:
    """The shortest routes made of ``on_paths`` (every relationship on a shortest path from
    ``source`` to ``target``, as :func:`shortest_dag` or a store finds them): their length,
    number and first ``limit`` by the ids along them, then by their ties' types and keys.

    A route is a path as staff read it: the same people, the same kinds of tie, the same way
    round — two contacts between the same two people on different days are one route.

    >>> R = lambda t, a, b, k="": Relationship(t, a, b, {}, k or f"{a}{b}")
    >>> ties = [R("KNOWS", "a", "b"), R("KNOWS", "a", "c"), R("KNOWS", "b", "d"), R("KNOWS", "c", "d"),
    ...         R("CONTACTED", "d", "b", "1"), R("CONTACTED", "d", "b", "2")]
    >>> hops = lambda ids, n: [(i, r) for i in ids for r in ties if i in (r.source, r.target)][:n]
    >>> on_paths, truncated = shortest_dag(hopping(hops), lambda r: r, "a", "d", 4, 100)
    >>> found = routes_between(on_paths, "a", "d", 10)
    >>> found.length, found.count, [(p.nodes, [r.type for r in p.relationships]) for p in found.paths]
    (2, 3, [(['a', 'b', 'd'], ['KNOWS', 'CONTACTED']), (['a', 'b', 'd'], ['KNOWS', 'KNOWS']), (['a', 'c', 'd'], ['KNOWS', 'KNOWS'])])
    """
    links = defaultdict(list)
    for rel in on_paths:
        links[rel.source].append((rel.target, rel))
        links[rel.target].append((rel.source, rel))
    layer, queue = {source: 0}, [source]
    for node in queue:  # layers from the source: every tie then runs from one layer to the next
        for other, _ in links[node]:
            if other not in layer:
                layer[other] = layer[node] + 1
                queue.append(other)
    if target not in layer:
        return Routes()
    ahead: dict[str, dict[str, dict[tuple, Relationship]]] = defaultdict(lambda: defaultdict(dict))
    for rel in on_paths:
        start, end = sorted((rel.source, rel.target), key=lambda n: layer.get(n, -1))
        kept, route = ahead[start][end], (rel.type, rel.source, rel.target)
        if route not in kept or rel.key < kept[route].key:  # one relationship per type and direction
            kept[route] = Relationship(rel.type, rel.source, rel.target, {}, rel.key)
    onward = {
        node: {nxt: sorted(routes.values(), key=lambda r: (r.type, r.key)) for nxt, routes in steps.items()}
        for node, steps in ahead.items()
    }
    return Routes(layer[target], _count(onward, source, target), _first(onward, source, target, limit))


def _count(ahead: dict, source: str, target: str) -> int:
    ways: dict[str, int] = {target: 1}

    def count(node: str) -> int:
        if node not in ways:
            ways[node] = sum(len(routes) * count(nxt) for nxt, routes in ahead[node].items())
        return ways[node]

    return count(source)


def _first(ahead: dict, source: str, target: str, limit: int) -> list[GraphPath]:
    """The first ``limit`` routes by the ids along them, then by their ties' types and keys."""
    paths: list[GraphPath] = []
    stack = [[source]]
    while stack and len(paths) < limit:
        nodes = stack.pop()
        if nodes[-1] == target:
            steps = [ahead[a][b] for a, b in zip(nodes, nodes[1:])]
            for rels in product(*steps):
                paths.append(GraphPath(nodes, list(rels)))
                if len(paths) == limit:
                    break
            continue
        stack.extend(nodes + [nxt] for nxt in sorted(ahead[nodes[-1]], reverse=True))
    return paths
