"""The zero-setup store: a networkx multigraph kept as one JSON file in a folder.

Saves are atomic (write a temporary file, fsync, rename), so a crash leaves the last
complete state; a file lock serialises writers across processes, and each writer
re-reads the file under the lock so no other process's write is lost.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from itertools import chain, islice
from pathlib import Path

import networkx as nx
import orjson
from filelock import FileLock, Timeout

from graph import liaison_facts, shortest
from graph.collector import without_collector
from graph.errors import StoreUnavailable
from graph.matching import Match, rank_key
from graph.name_index import NameIndex
from graph.names import with_name_keys
from graph.ontology import ROOT_LABEL, Ontology
from graph.records import Node, Relationship, Step, WriteResult, ended_before, now_stamp
from graph.store import Progress, Store, briefly

FORMAT_VERSION = 2  # 2: a relationship is [type, from, to, key, properties]; 1 (read still): an object of those
SAVE_CHUNK = 20000  # items encoded at a time: the C encoder's speed without the whole file in memory
GRAPH_FILE = "graph.json"
FACTS = f"liaison_facts_{liaison_facts.FORMAT}"  # graph attribute and file key: another format's are left behind
LOCK_FILE = "graph.lock"
IDENTITY_FILE = "identity.key"  # the secret of derived ids (Store.identity_key); never in the graph


def _write_items(handle, items: Iterator) -> None:
    """A JSON array's items, comma separated, encoded a chunk at a time by orjson (the city's
    151 MB in 1.1 s; the standard library's encoder took 3.1 s for the same bytes)."""
    first = True
    while chunk := list(islice(items, SAVE_CHUNK)):
        handle.write((b"" if first else b",") + orjson.dumps(chunk)[1:-1])
        first = False


class EmbeddedStore(Store):
    """Nodes are keyed by id with ``labels`` and ``properties``; edges by relationship key."""

    def __init__(self, folder: str | os.PathLike, ontology: Ontology | None = None, lock_timeout: float = 60):
        super().__init__(ontology)
        self.folder = Path(folder)
        self.path = self.folder / GRAPH_FILE
        self._lock = FileLock(self.folder / LOCK_FILE, timeout=lock_timeout)
        self._stamp: tuple[int, int] | None = None
        self._saves = 0
        self._graph = nx.MultiDiGraph()
        self._index: tuple[nx.MultiDiGraph, NameIndex] | None = None

    @property
    def graph(self) -> nx.MultiDiGraph:
        """The current graph, re-read when another process has saved since."""
        try:
            stat = self.path.stat()
        except FileNotFoundError:
            return self._graph
        stamp = (stat.st_mtime_ns, stat.st_size)
        if stamp != self._stamp:
            self._graph = self._read()
            self._stamp = stamp
        return self._graph

    def ensure_schema(self) -> None:
        self.folder.mkdir(parents=True, exist_ok=True)

    def write(
        self, nodes: Sequence[Node], relationships: Sequence[Relationship], progress: Progress | None = None
    ) -> WriteResult:
        nodes = with_name_keys(nodes)
        self.ensure_schema()
        try:
            with self._lock:
                before = self.graph
                facts = dict(self.kept_facts())
                graph = before.copy()
                result = self._apply(graph, nodes, relationships)
                if any(vars(result).values()):
                    self._graph = graph  # what the facts are gathered from
                    try:
                        for node_id, fact in liaison_facts.gather(
                            self, liaison_facts.touched(self, nodes, relationships)
                        ).items():
                            if fact:
                                facts[node_id] = fact
                            else:
                                facts.pop(node_id, None)
                        graph.graph[FACTS] = facts
                        self._save(graph)
                    except BaseException:
                        self._graph = before
                        raise
        except Timeout:
            raise StoreUnavailable(f"嵌入式图库 {self.folder} 正被其他进程写入，请稍后重试") from None
        if progress:
            progress(len(nodes) + len(relationships))
        return result

    def preview(self, nodes: Sequence[Node], relationships: Sequence[Relationship]) -> WriteResult:
        nodes = with_name_keys(nodes)
        return self._apply(self.graph.copy(), nodes, relationships)

    def _apply(self, graph: nx.MultiDiGraph, nodes, relationships) -> WriteResult:
        result, stamp = WriteResult(), now_stamp()
        for node in nodes:
            self._merge_node(graph, node, result, stamp)
        for rel in relationships:
            self._merge_relationship(graph, rel, result, stamp)
        return result

    @staticmethod
    def _merge_node(graph: nx.MultiDiGraph, node: Node, result: WriteResult, stamp: str) -> None:
        if node.id not in graph:
            graph.add_node(node.id, labels=set(node.labels), properties={**node.properties, "ingested_at": stamp})
            result.nodes_created += 1
            return
        data = graph.nodes[node.id]
        old_labels, old_props = data["labels"], data["properties"]
        if node.labels <= old_labels and all(old_props.get(k) == v for k, v in node.properties.items()):
            return
        data["labels"] = old_labels | node.labels
        data["properties"] = {**old_props, **node.properties, "ingested_at": stamp}
        result.nodes_updated += 1

    @staticmethod
    def _merge_relationship(graph: nx.MultiDiGraph, rel: Relationship, result: WriteResult, stamp: str) -> None:
        if not graph.has_edge(rel.source, rel.target, rel.key):
            graph.add_edge(
                rel.source, rel.target, key=rel.key, type=rel.type, properties={**rel.properties, "ingested_at": stamp}
            )
            result.relationships_created += 1
            return
        data = graph.edges[rel.source, rel.target, rel.key]
        if all(data["properties"].get(k) == v for k, v in rel.properties.items()):
            return
        data["properties"] = {**data["properties"], **rel.properties, "ingested_at": stamp}
        result.relationships_updated += 1

    def get(self, node_id: str) -> Node | None:
        return self.nodes([node_id]).get(node_id)

    def nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        """The graph looked up once (``graph`` checks the file each time), not once a node."""
        graph = self.graph
        found = {}
        for i in sorted(set(ids)):
            if i in graph:
                data = graph.nodes[i]
                found[i] = Node(i, frozenset(data["labels"]), dict(data["properties"]))
        return found

    def brief(self, ids: Iterable[str]) -> dict[str, Node]:
        graph = self.graph
        return {i: self._node(graph, i) for i in ids if i in graph}

    def ids_by(self, label: str, prop: str, values: Iterable) -> dict:
        wanted, found = set(values), {}
        for node, data in self.graph.nodes(data=True):
            value = data["properties"].get(prop)
            if value in wanted and label in data["labels"]:
                found.setdefault(value, []).append(node)
        return {value: sorted(ids) for value, ids in found.items()}

    def iter_nodes(self) -> Iterator[Node]:
        for node, data in self.graph.nodes(data=True):
            yield Node(node, frozenset(data["labels"]), dict(data["properties"]))

    def iter_relationships(self) -> Iterator[Relationship]:
        for source, target, key, data in self.graph.edges(keys=True, data=True):
            yield Relationship(data["type"], source, target, dict(data["properties"]), key)

    # -- graph primitives ---------------------------------------------------------------

    @staticmethod
    def _node(graph: nx.MultiDiGraph, node_id: str) -> Node:
        """One node's brief, from the graph the caller holds (``graph`` checks the file each time)."""
        data = graph.nodes[node_id]
        return Node(node_id, frozenset(data["labels"]), briefly(data["properties"]))

    def search_candidates(self, name: str, ids: list[str], latin: str | None, limit: int) -> list[Node]:
        graph, wanted = self.graph, set(ids)

        def hit(node_id: str) -> bool:
            props = graph.nodes[node_id]["properties"]
            return bool(
                node_id in wanted
                or (name and name in props.get("name", ""))
                or (
                    latin and (props.get("pinyin", "").startswith(latin) or props.get("initials", "").startswith(latin))
                )
            )

        found = sorted(filter(hit, self._name_index().candidates(name, ids, latin)))
        return [self._node(graph, i) for i in found[:limit]]

    def ranked(self, match: Match, offset: int, limit: int, cap: int) -> tuple[int, list[tuple[Node, int]]]:
        graph, scored = self.graph, []
        for node_id in self._name_index().candidates(match.name, match.ids, match.latin):  # every match ranked
            data = graph.nodes[node_id]
            node = Node(node_id, data["labels"], data["properties"])
            if score := match.score(node):
                scored.append((node, score))
        scored = sorted(scored, key=rank_key)[:cap]
        return len(scored), [(self._node(graph, n.id), score) for n, score in scored[offset : offset + limit]]

    def _name_index(self) -> NameIndex:
        """Built at the first search of each version of the graph (a city's: 0.5 s), then kept."""
        graph = self.graph
        if self._index is None or self._index[0] is not graph:
            self._index = (graph, NameIndex((n, d["properties"]) for n, d in graph.nodes(data=True)))
        return self._index[1]

    def expand(self, ids: Iterable[str], types: Sequence[str], limit: int) -> list[Step]:
        graph, allowed, steps = self.graph, set(types), []
        for at in set(ids) & set(graph):
            edges = [(u, v, k, d, v) for u, v, k, d in graph.out_edges(at, keys=True, data=True)]
            edges += [(u, v, k, d, u) for u, v, k, d in graph.in_edges(at, keys=True, data=True)]
            for u, v, key, data, other in edges:
                if data["type"] in allowed:
                    rel = Relationship(data["type"], u, v, dict(data["properties"]), key)
                    steps.append(Step(at, rel, self._node(graph, other)))
        steps.sort(key=lambda s: (s.at, s.relationship.type, s.other.id, s.relationship.key))
        return steps[:limit]

    def neighbour_ids(self, ids: Iterable[str], types: Sequence[str], exclude: Iterable[str], limit: int) -> list[str]:
        allowed, skip = set(types), set(exclude)
        found = {n for node in set(ids) & set(self.graph) for n, _ in self._links(node, allowed)}
        return sorted(found - skip)[:limit]

    def relationships_among(self, ids: Iterable[str], types: Sequence[str]) -> list[Relationship]:
        allowed, inside, graph = set(types), set(ids) & set(self.graph), self.graph
        rels = [
            Relationship(d["type"], u, v, dict(d["properties"]), k)
            for node in inside
            for u, v, k, d in graph.out_edges(node, keys=True, data=True)
            if v in inside and d["type"] in allowed
        ]
        return sorted(rels, key=lambda r: r.key)

    def between(self, pairs: Iterable[tuple[str, str]], types: Sequence[str]) -> list[Relationship]:
        allowed, graph = set(types), self.graph
        rels = [
            Relationship(d["type"], u, v, dict(d["properties"]), k)
            for u, v in set(pairs)
            if graph.has_edge(u, v)
            for k, d in graph[u][v].items()
            if d["type"] in allowed
        ]
        return sorted(rels, key=lambda r: r.key)

    def _hop_links(self, allowed: set[str]):
        """(node, neighbour, edge) over allowed types for these nodes, at most ``most`` of them."""

        def links(ids: Sequence[str], most: int) -> list[tuple[str, str, tuple]]:
            found = []
            for node in ids:
                found += ((node, neighbour, edge) for neighbour, edge in self._links(node, allowed))
                if len(found) >= most:
                    return found[:most]
            return found

        return links

    @staticmethod
    def _route(edge: tuple) -> Relationship:
        """An edge of :meth:`_links` as a path carries it: type, ends and key."""
        return Relationship(edge[3]["type"], edge[0], edge[1], {}, edge[2])

    def _links(self, node: str, allowed: set[str]):
        """(neighbour, relationship) over allowed types, either direction."""
        graph = self.graph
        for neighbour, keyed in graph.succ[node].items():
            for key, data in keyed.items():
                if data["type"] in allowed:
                    yield neighbour, (node, neighbour, key, data)
        for neighbour, keyed in graph.pred[node].items():
            for key, data in keyed.items():
                if data["type"] in allowed:
                    yield neighbour, (neighbour, node, key, data)

    def hops(self, ids: Sequence[str], types: Sequence[str], limit: int) -> list[tuple[str, Relationship]]:
        return [(at, self._route(edge)) for at, _, edge in self._hop_links(set(types))(ids, limit)]

    def shortest_dag(
        self, source: str, target: str, types: Sequence[str], max_hops: int, budget: int
    ) -> tuple[list[Relationship], bool]:
        """Walked over the graph's own adjacency: a relationship is made only for the edges on a path."""
        links, relationship = self._hop_links(set(types)), self._route
        return shortest.shortest_dag(links, relationship, source, target, max_hops, budget)

    def without(self, label: str, types: Sequence[str], direction: str, limit: int) -> list[str]:
        graph, allowed, found = self.graph, set(types), []
        for node in sorted(graph):
            if label not in graph.nodes[node]["labels"] and label != ROOT_LABEL:
                continue
            edges = []
            if direction in ("out", "both"):
                edges += graph.out_edges(node, data="type")
            if direction in ("in", "both"):
                edges += graph.in_edges(node, data="type")
            if not any(t in allowed for _, _, t in edges):
                found.append(node)
        return found[:limit]

    def duplicates(self, label: str, keys: Sequence[str], limit: int) -> list[list[str]]:
        groups: dict[tuple, list[str]] = {}
        for node, data in self.graph.nodes(data=True):
            values = tuple(data["properties"].get(k) for k in keys)
            if label in data["labels"] and all(v not in (None, "") for v in values):
                groups.setdefault(values, []).append(node)
        return sorted(sorted(ids) for ids in groups.values() if len(ids) > 1)[:limit]

    def ended(self, as_of: str) -> dict[str, int]:
        counts: dict[str, int] = {}
        for *_, data in self.graph.edges(data=True):
            until = data["properties"].get("until")
            if ended_before(until, as_of):
                counts[data["type"]] = counts.get(data["type"], 0) + 1
        return dict(sorted(counts.items()))

    def nodes_where(self, label: str, equals: dict) -> dict[str, Node]:
        graph = self.graph
        found = (
            node
            for node, data in graph.nodes(data=True)
            if label in data["labels"] and all(data["properties"].get(k) == v for k, v in equals.items())
        )
        return {node: self._node(graph, node) for node in sorted(found)}

    def relationships_of(
        self,
        types: Sequence[str],
        *,
        sources: Iterable[str] | None = None,
        targets: Iterable[str] | None = None,
        properties: Sequence[str] | None = None,
    ) -> list[Relationship]:
        """Read off the adjacency dicts, not networkx's edge views: a write gathers the liaison
        facts of every person it touched, and the views cost 2.5 s of the city's ingest."""
        graph, allowed = self.graph, set(types)
        if sources is None and targets is None:
            edges = ((u, v, keyed) for u, around in graph.adjacency() for v, keyed in around.items())
        else:
            out = ((u, v, keyed) for u in set(sources or ()) if u in graph for v, keyed in graph.succ[u].items())
            into = ((u, v, keyed) for v in set(targets or ()) if v in graph for u, keyed in graph.pred[v].items())
            edges = chain(out, into)
        seen, rels = set(), []
        for u, v, keyed in edges:
            for k, d in keyed.items():
                if d["type"] in allowed and (u, v, k) not in seen:
                    seen.add((u, v, k))
                    kept = {p: value for p, value in d["properties"].items() if properties is None or p in properties}
                    rels.append(Relationship(d["type"], u, v, kept, k))
        return rels

    def kept_facts(self) -> dict[str, dict]:
        """Kept in the graph's file beside the graph, saved with every write; a file written
        before they were kept has them gathered once, in memory."""
        graph = self.graph
        if FACTS not in graph.graph:
            graph.graph[FACTS] = super().kept_facts()
        return graph.graph[FACTS]

    def identity_key(self) -> bytes:
        path = self.folder / IDENTITY_FILE
        self.folder.mkdir(parents=True, exist_ok=True)
        with self._lock:
            if not path.exists():
                descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
                with open(descriptor, "w", encoding="ascii") as handle:
                    handle.write(secrets.token_hex(32))
            return bytes.fromhex(path.read_text(encoding="ascii").strip())

    def counts(self) -> dict[str, dict[str, int]]:
        counts = self._zero_counts()
        graph = self.graph
        for _, labels in graph.nodes(data="labels"):
            for label in labels:
                counts["nodes"][label] += 1
        for *_, type_ in graph.edges(data="type"):
            counts["relationships"][type_] += 1
        return counts

    def ping(self) -> None:
        if self.path.exists() and not os.access(self.path, os.R_OK):
            raise StoreUnavailable(f"无法读取嵌入式图库文件 {self.path}")

    def version(self) -> str:
        _ = self.graph  # re-read if another process saved since
        return f"{self._stamp}:{self._saves}"

    def clear(self) -> None:
        self.ensure_schema()
        with self._lock:
            self._graph = nx.MultiDiGraph()
            self._graph.graph[FACTS] = {}
            self._save(self._graph)

    def _read(self) -> nx.MultiDiGraph:
        """The file as a graph, built without the collector's passes (graph/collector.py) and
        parsed by orjson: the city's opens in 5.5 s instead of 14; a relationship as an array,
        not an object of named fields, parses in a third of the time (city: 1.3 s → 0.5 s)."""
        with without_collector():
            try:
                document = orjson.loads(self.path.read_bytes())
            except (OSError, ValueError) as exc:
                raise StoreUnavailable(f"无法打开嵌入式图库 {self.path}：{exc}") from None
            version = document.get("version")
            if version not in (1, FORMAT_VERSION):
                raise StoreUnavailable(f"嵌入式图库 {self.path} 的格式版本不受支持")
            graph = nx.MultiDiGraph()
            for node in document["nodes"]:
                graph.add_node(node["id"], labels=set(node["labels"]), properties=node["properties"])
            rels = document["relationships"]
            if version == 1:  # saved as version 2 at the next write
                rels = ((r["type"], r["from"], r["to"], r["key"], r["properties"]) for r in rels)
            for type_, source, target, key, properties in rels:
                graph.add_edge(source, target, key=key, type=type_, properties=properties)
            if FACTS in document:
                graph.graph[FACTS] = document[FACTS]
            return graph

    def _save(self, graph: nx.MultiDiGraph) -> None:
        nodes = (
            {"id": n, "labels": sorted(d["labels"]), "properties": d["properties"]} for n, d in graph.nodes(data=True)
        )
        relationships = (
            (d["type"], u, v, k, d["properties"])
            for u, around in graph.adjacency()
            for v, keyed in around.items()
            for k, d in keyed.items()
        )
        for stale in self.folder.glob(".graph-*.tmp"):  # a writer died mid-save; this one holds the lock
            stale.unlink(missing_ok=True)
        handle = tempfile.NamedTemporaryFile("wb", dir=self.folder, prefix=".graph-", suffix=".tmp", delete=False)
        try:
            with handle:
                handle.write(b'{"version":%d,"nodes":[' % FORMAT_VERSION)
                _write_items(handle, nodes)
                handle.write(b'],"relationships":[')
                _write_items(handle, relationships)
                handle.write(b"]")
                if FACTS in graph.graph:
                    handle.write(b',"%s":' % FACTS.encode())
                    handle.write(orjson.dumps(graph.graph[FACTS]))
                handle.write(b"}")
                handle.flush()
                os.fsync(handle.fileno())
            os.replace(handle.name, self.path)
        except BaseException:
            Path(handle.name).unlink(missing_ok=True)
            raise
        directory = os.open(self.folder, os.O_RDONLY)
        try:
            os.fsync(directory)
        finally:
            os.close(directory)
        stat = self.path.stat()
        self._stamp = (stat.st_mtime_ns, stat.st_size)
        self._saves += 1  # two saves within the file system's clock tick, of one size, still differ
