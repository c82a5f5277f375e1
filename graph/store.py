"""The one interface both stores implement; the contract suite holds them to the same answers."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator, Sequence

from graph import liaison_facts, shortest
from graph.errors import NotSupported
from graph.matching import Match, rank_key
from graph.ontology import Ontology, load
from graph.records import Node, Relationship, Step, WriteResult

Progress = Callable[[int], None]
# What a node carries in lists (search results, neighbours, briefs): enough to name it,
# sort it in Chinese order and tell namesakes apart, without its personal information.
BRIEF = ("name", "pinyin", "initials", "region", "birth_year", "category", "level", "industry")


def briefly(properties: dict) -> dict:
    return {k: properties[k] for k in BRIEF if properties.get(k) is not None}


class Staged:
    """Nodes a store began writing before the load they belong to was judged (:meth:`Store.stage`),
    as they stood then: they take effect with :meth:`Store.write_staged`, or never once dropped
    (a refused load).  This one holds none: a store that cannot write ahead writes at the end."""

    nodes: Sequence[Node] = ()

    def rest(self, nodes: Sequence[Node]) -> Sequence[Node] | None:
        """The load's final ``nodes`` less the staged ones; None when a staged one changed or
        went since it was staged (checking the load's references may name a town afresh)."""
        if not self.nodes:
            return nodes
        staged = {node.id: node for node in self.nodes}
        rest = [node for node in nodes if node.id not in staged]
        if len(nodes) - len(rest) != len(staged) or any(staged.get(node.id, node) != node for node in nodes):
            return None
        return rest

    def written(self, progress: Progress | None = None) -> WriteResult | None:
        """What the staged writes changed, made visible now (``progress`` told of each batch);
        None when nothing was written (a staging of none, or one that failed and was dropped)."""
        return None

    def drop(self) -> None:
        """Nothing staged takes effect; safe to repeat, and after :meth:`written`."""

    def __enter__(self) -> Staged:
        return self

    def __exit__(self, *exc) -> None:
        self.drop()


class Store(ABC):
    """A property graph of the ontology's labels and relationship types.

    Writes merge: a node's properties are updated key by key and labels are only added,
    so loading one roster never erases what another roster said.
    """

    def __init__(self, ontology: Ontology | None = None):
        self.ontology = ontology or load()

    @abstractmethod
    def ensure_schema(self) -> None:
        """Create what the ontology asks for (constraints, indexes); safe to repeat."""

    @abstractmethod
    def write(
        self, nodes: Sequence[Node], relationships: Sequence[Relationship], progress: Progress | None = None
    ) -> WriteResult:
        """Merge nodes, then relationships between existing nodes; report what changed.

        ``progress(n)`` is told each time another ``n`` records are written."""

    def stage(self, nodes: Sequence[Node]) -> Staged:
        """Begin writing ``nodes`` while their load's references are still being checked, seen
        by no one until :meth:`write_staged`; leaving the returned context without it writes
        nothing."""
        return Staged()

    def write_staged(
        self,
        staged: Staged,
        nodes: Sequence[Node],
        relationships: Sequence[Relationship],
        progress: Progress | None = None,
    ) -> WriteResult:
        """:meth:`write` of the load's ``nodes`` and ``relationships``, taking the staged nodes
        as written when they are still what was staged (else writing them afresh)."""
        staged.drop()
        return self.write(nodes, relationships, progress)

    @abstractmethod
    def preview(self, nodes: Sequence[Node], relationships: Sequence[Relationship]) -> WriteResult:
        """What :meth:`write` would change, changing nothing (``--dry-run``)."""

    @abstractmethod
    def get(self, node_id: str) -> Node | None:
        """One node with all its properties, or None."""

    def nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        """Those ids that exist, with every property (exports)."""
        return {i: node for i in sorted(set(ids)) if (node := self.get(i)) is not None}

    @abstractmethod
    def brief(self, ids: Iterable[str]) -> dict[str, Node]:
        """Labels and :data:`BRIEF` properties of those ids that exist."""

    @abstractmethod
    def ids_by(self, label: str, prop: str, values: Iterable) -> dict:
        """Ids of ``label`` nodes per value of ``prop`` among ``values``: rosters name a town
        instead of its id, or give a person by ID number or phone without an id."""

    @abstractmethod
    def iter_nodes(self) -> Iterator[Node]:
        """Every node, streamed (exports, comparisons); never a list of the whole graph."""

    @abstractmethod
    def iter_relationships(self) -> Iterator[Relationship]:
        """Every relationship, streamed."""

    # -- graph primitives the queries are built from ----------------------------------

    @abstractmethod
    def search_candidates(self, name: str, ids: list[str], latin: str | None, limit: int) -> list[Node]:
        """Nodes (brief) whose name contains ``name``, whose id is one of ``ids``, or whose
        pinyin or initials start with ``latin``; at most ``limit``, in id order."""

    def ranked(self, match: Match, offset: int, limit: int, cap: int) -> tuple[int, list[tuple[Node, int]]]:
        """How many nodes ``match`` finds (at most ``cap``) and ``limit`` of them from ``offset``,
        brief, with their scores, in :func:`graph.matching.rank_key` order.  By default the first
        ``cap`` candidates in id order are ranked; a store that can rank all of them does."""
        found = self.search_candidates(match.name, list(match.ids), match.latin, cap)
        scored = sorted(((n, s) for n in found if (s := match.score(n))), key=rank_key)
        return len(scored), scored[offset : offset + limit]

    @abstractmethod
    def expand(self, ids: Iterable[str], types: Sequence[str], limit: int) -> list[Step]:
        """Relationships of these types touching these nodes, either direction, with the
        node (brief) at the other end; ordered by (at, type, other, key), at most ``limit``."""

    @abstractmethod
    def neighbour_ids(self, ids: Iterable[str], types: Sequence[str], exclude: Iterable[str], limit: int) -> list[str]:
        """Distinct neighbours of these nodes over ``types`` (either direction), not in
        ``exclude``, in id order, at most ``limit``."""

    @abstractmethod
    def relationships_among(self, ids: Iterable[str], types: Sequence[str]) -> list[Relationship]:
        """Relationships of ``types`` whose two ends are both among ``ids``, in key order."""

    @abstractmethod
    def between(self, pairs: Iterable[tuple[str, str]], types: Sequence[str]) -> list[Relationship]:
        """Relationships of ``types`` from each pair's first node to its second, in key order."""

    @abstractmethod
    def hops(self, ids: Sequence[str], types: Sequence[str], limit: int) -> list[tuple[str, Relationship]]:
        """(node, relationship) for every relationship of ``types`` touching these nodes, either
        direction, at most ``limit``, in no particular order; the relationships carry type, ends
        and key but no properties (:mod:`graph.shortest` walks them: a path is a route, not a record)."""

    def shortest_dag(
        self, source: str, target: str, types: Sequence[str], max_hops: int, budget: int
    ) -> tuple[list[Relationship], bool]:
        """Every relationship (type, ends, key) on a shortest path between two different nodes,
        ignoring direction, at most ``max_hops`` long, and whether reading ``budget``
        relationships cut the search (:func:`graph.shortest.shortest_dag`)."""
        links = shortest.hopping(lambda ids, most: self.hops(ids, types, most))
        return shortest.shortest_dag(links, lambda rel: rel, source, target, max_hops, budget)

    @abstractmethod
    def without(self, label: str, types: Sequence[str], direction: str, limit: int) -> list[str]:
        """Ids of ``label`` nodes with no relationship of ``types`` in ``direction``
        (``out``, ``in`` or ``both``), in id order, at most ``limit``."""

    @abstractmethod
    def duplicates(self, label: str, keys: Sequence[str], limit: int) -> list[list[str]]:
        """Groups of ``label`` ids that share every one of ``keys`` (none of them empty),
        each group in id order, groups in order of their first id; at most ``limit``."""

    @abstractmethod
    def ended(self, as_of: str) -> dict[str, int]:
        """Relationships whose ``until`` is before ``as_of``, counted by type."""

    @abstractmethod
    def nodes_where(self, label: str, equals: dict) -> dict[str, Node]:
        """``label`` nodes (brief) whose properties equal every value of ``equals``, in id order."""

    @abstractmethod
    def relationships_of(
        self,
        types: Sequence[str],
        *,
        sources: Iterable[str] | None = None,
        targets: Iterable[str] | None = None,
        properties: Sequence[str] | None = None,
    ) -> list[Relationship]:
        """Relationships of ``types``, only those starting at ``sources`` or ending at ``targets``
        when given, carrying only ``properties`` when given (a city's contact notes are
        megabytes); in no particular order.  Whether one holds on a day is
        :func:`graph.records.active_on`'s to say."""

    def kept_facts(self) -> dict[str, dict]:
        """The liaison facts (:mod:`graph.liaison_facts`) of every node with a role, by id.

        A store that keeps them up to date at every write reads them; a view over part of a
        store (:class:`graph.scope.ScopedStore`) gathers its own."""
        return {i: fact for i, fact in liaison_facts.gather(self).items() if fact}

    @abstractmethod
    def identity_key(self) -> bytes:
        """This store's secret for ids made from personal information (a keyed hash: an ID
        number never shows as an id, and cannot be guessed back from one); made once, kept
        through :meth:`clear`."""

    @abstractmethod
    def counts(self) -> dict[str, dict[str, int]]:
        """``{"nodes": {label: n}, "relationships": {type: n}}`` over every ontology name."""

    @abstractmethod
    def version(self) -> str:
        """A token that changes whenever the graph does (any write or clear, from any process
        that writes through a store), so an answer kept under it is never stale."""

    @abstractmethod
    def ping(self) -> None:
        """Raise :class:`graph.errors.StoreUnavailable` when the store cannot answer."""

    @abstractmethod
    def clear(self) -> None:
        """Remove every node and relationship (tests, full reloads)."""

    def cypher(self, query: str, params: dict, limit: int) -> dict:
        """Run a read-only Cypher query (the admins' console); only Neo4j can."""
        raise NotSupported("嵌入式图库不支持 Cypher 查询，请连接 Neo4j（--store bolt://…）")

    def close(self) -> None:  # noqa: B027 - most stores hold nothing to release
        """Release connections and locks."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def _zero_counts(self) -> dict[str, dict[str, int]]:
        return {
            "nodes": dict.fromkeys(self.ontology.concrete_labels, 0),
            "relationships": dict.fromkeys(self.ontology.relationships, 0),
        }
