"""A town's part of the graph, for the cadres of a 镇街 (PIPL's minimum necessary): the nodes
in those towns (ontology ``places``) and the ties among them, behind the same interface as a
whole store, so every query, export, report and page answers from it without knowing.

A tie that crosses the boundary is kept only where a count depends on it, naming no one: in
:meth:`ScopedStore.relationships_of` with the outside end a pseudonym (a town's representative listed with a
district leader is covered) and in :meth:`ScopedStore.without` (a member of another town's base
is not "without a base").
"""

from __future__ import annotations

import hashlib
import hmac
from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Sequence
from functools import cached_property

from graph.errors import NotSupported
from graph.ontology import ROOT_LABEL
from graph.records import Node, Relationship, Step, WriteResult, ended_before
from graph.store import Progress, Store

EVERYTHING = 10**9  # a limit that never cuts: the whole store, then the town's part of it
OUTSIDE = "辖区外"


def places_within(store: Store, regions: Iterable[str]) -> frozenset[str]:
    """Ids of the nodes in these towns, given by name or id.

    A town holds the places within it, the nodes located in any of them (by relationship or
    by the property that names the place) and the nodes whose place is where they are linked
    ``through`` (an activity held at one of its bases)."""
    places = store.ontology.places
    if places is None:
        return frozenset()
    wanted = set(regions)
    every = store.nodes_where(places.label, {})
    chosen = {i for i, n in every.items() if i in wanted or n.properties.get("name") in wanted}
    children = defaultdict(set)
    for r in store.relationships_among(list(every), [places.within]):
        children[r.target].add(r.source)
    towns, queue = set(chosen), list(chosen)
    while queue:
        for child in children[queue.pop()] - towns:
            towns.add(child)
            queue.append(child)
    names = {every[i].properties.get("name") for i in towns} - {None}
    inside = set(towns)
    inside |= {s.other.id for s in store.expand(sorted(towns), [places.located], EVERYTHING) if s.other.id not in every}
    for label, prop in store.ontology.place_properties().items():
        inside |= {i for ids in store.ids_by(label, prop, names).values() for i in ids}
    ends = sorted(inside)
    for label, rel in places.through.items():
        inside |= {s.other.id for s in store.expand(ends, [rel], EVERYTHING) if label in s.other.labels}
    return frozenset(inside)


def _kept(fetch: Callable[[int], list], keep: Callable[[object], bool], limit: int) -> list:
    """The first ``limit`` items ``fetch`` gives that ``keep`` keeps, asking for more until it
    has them or ``fetch`` runs out (the store's order is kept)."""
    asked = max(limit, 1)
    while True:
        got = fetch(asked)
        kept = [item for item in got if keep(item)]
        if len(kept) >= limit or len(got) < asked:
            return kept[:limit]
        asked *= 4


class ScopedStore(Store):
    """The part of ``whole`` in ``regions`` (names or ids of places), read-only.

    ``inside`` is worked out once per view (:func:`places_within`); a view is made per
    request, for the data version of that moment."""

    def __init__(self, whole: Store, regions: Iterable[str], inside: frozenset[str] | None = None):
        super().__init__(whole.ontology)
        self.whole, self.regions = whole, tuple(sorted(set(regions)))
        self.inside = places_within(whole, self.regions) if inside is None else inside
        self._pseudonyms: dict[str, str] = {}

    def __repr__(self) -> str:
        return f"ScopedStore({self.whole!r}, {self.regions!r})"

    def _in(self, ids: Iterable[str]) -> list[str]:
        return sorted(set(ids) & self.inside)

    def _among(self, rel: Relationship) -> bool:
        return rel.source in self.inside and rel.target in self.inside

    # -- read-only: a scoped caller never writes ---------------------------------------

    def _refuse(self, *_args, **_kwargs):
        raise NotSupported("限定镇街的令牌只能查询，不能写入或清空图库")

    def ensure_schema(self) -> None:
        self._refuse()

    def write(self, nodes, relationships, progress: Progress | None = None) -> WriteResult:
        self._refuse()

    def preview(self, nodes, relationships) -> WriteResult:
        self._refuse()

    def clear(self) -> None:
        self._refuse()

    def cypher(self, query: str, params: dict, limit: int) -> dict:
        self._refuse()

    # -- nodes --------------------------------------------------------------------------

    def get(self, node_id: str) -> Node | None:
        return self.whole.get(node_id) if node_id in self.inside else None

    def nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        return self.whole.nodes(self._in(ids))

    def brief(self, ids: Iterable[str]) -> dict[str, Node]:
        return self.whole.brief(self._in(ids))

    def ids_by(self, label: str, prop: str, values: Iterable) -> dict:
        found = {v: self._in(ids) for v, ids in self.whole.ids_by(label, prop, values).items()}
        return {v: ids for v, ids in found.items() if ids}

    def iter_nodes(self) -> Iterator[Node]:
        yield from self.whole.nodes(self.inside).values()

    def iter_relationships(self) -> Iterator[Relationship]:
        yield from self.whole.relationships_among(self.inside, list(self.ontology.relationships))

    def nodes_where(self, label: str, equals: dict) -> dict[str, Node]:
        return {i: n for i, n in self.whole.nodes_where(label, equals).items() if i in self.inside}

    def search_candidates(self, name: str, ids: list[str], latin: str | None, limit: int) -> list[Node]:
        return _kept(
            lambda asked: self.whole.search_candidates(name, self._in(ids), latin, asked),
            lambda node: node.id in self.inside,
            limit,
        )

    # -- relationships ------------------------------------------------------------------

    def expand(self, ids: Iterable[str], types: Sequence[str], limit: int) -> list[Step]:
        starts = self._in(ids)
        return _kept(lambda asked: self.whole.expand(starts, types, asked), lambda s: s.other.id in self.inside, limit)

    def neighbour_ids(self, ids: Iterable[str], types: Sequence[str], exclude: Iterable[str], limit: int) -> list[str]:
        starts, skip = self._in(ids), list(exclude)
        return _kept(
            lambda asked: self.whole.neighbour_ids(starts, types, skip, asked), lambda i: i in self.inside, limit
        )

    def relationships_among(self, ids: Iterable[str], types: Sequence[str]) -> list[Relationship]:
        return self.whole.relationships_among(self._in(ids), types)

    def between(self, pairs: Iterable[tuple[str, str]], types: Sequence[str]) -> list[Relationship]:
        return self.whole.between([(a, b) for a, b in pairs if a in self.inside and b in self.inside], types)

    def hops(self, ids: Sequence[str], types: Sequence[str], limit: int) -> list[tuple[str, Relationship]]:
        return _kept(
            lambda asked: self.whole.hops(self._in(ids), types, asked),
            lambda hop: self._among(hop[1]),
            limit,
        )

    def without(self, label: str, types: Sequence[str], direction: str, limit: int) -> list[str]:
        """A tie to elsewhere counts (as in :meth:`relationships_of`): a member of another town's base has a base."""
        candidates = [i for i, n in self.whole.brief(self.inside).items() if label == ROOT_LABEL or label in n.labels]
        linked = {
            s.at
            for s in self.whole.expand(candidates, types, EVERYTHING)
            if direction == "both" or (s.relationship.source == s.at) == (direction == "out")
        }
        return sorted(set(candidates) - linked)[:limit]

    def duplicates(self, label: str, keys: Sequence[str], limit: int) -> list[list[str]]:
        groups = (self._in(group) for group in self.whole.duplicates(label, keys, EVERYTHING))
        return sorted(group for group in groups if len(group) > 1)[:limit]

    def ended(self, as_of: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for r in self.iter_relationships():
            if ended_before(r.properties.get("until"), as_of):
                counts[r.type] = counts.get(r.type, 0) + 1
        return counts

    def relationships_of(
        self,
        types: Sequence[str],
        *,
        sources: Iterable[str] | None = None,
        targets: Iterable[str] | None = None,
        properties: Sequence[str] | None = None,
    ) -> list[Relationship]:
        """Those with an end in the towns; an end outside is a pseudonym (:meth:`outsider`),
        so a representative listed with a leader from elsewhere counts as covered, unnamed."""
        starts = None if sources is None else self._in(sources)
        ends = None if targets is None else self._in(targets)
        kept = []
        for r in self.whole.relationships_of(types, sources=starts, targets=ends, properties=properties):
            if r.source in self.inside or r.target in self.inside:
                source, target = (e if e in self.inside else self.outsider(e) for e in (r.source, r.target))
                kept.append(Relationship(r.type, source, target, r.properties, r.key if self._among(r) else ""))
        return kept

    def outsider(self, node_id: str) -> str:
        """A stable stand-in for a node outside the towns: distinct per node, names no one."""
        if node_id not in self._pseudonyms:
            digest = hmac.new(self._secret, node_id.encode(), hashlib.sha256).hexdigest()
            self._pseudonyms[node_id] = f"{OUTSIDE}·{digest[:10]}"
        return self._pseudonyms[node_id]

    @cached_property
    def _secret(self) -> bytes:
        return self.whole.identity_key()

    # -- the rest -----------------------------------------------------------------------

    def counts(self) -> dict[str, dict[str, int]]:
        counts = self._zero_counts()
        for node in self.whole.brief(self.inside).values():
            for label in node.labels & set(counts["nodes"]):
                counts["nodes"][label] += 1
        for r in self.iter_relationships():
            counts["relationships"][r.type] += 1
        return counts

    def identity_key(self) -> bytes:
        return self.whole.identity_key()

    def version(self) -> str:
        return f"{self.whole.version()}@{'、'.join(self.regions)}"

    def ping(self) -> None:
        self.whole.ping()
