"""Neo4j, the system of record, over Bolt with the official driver.

Any URI scheme works (``bolt://``, ``neo4j://``, ``neo4j+s://``), so a cluster or Aura
can serve; reads go with READ routing.  Values always travel as parameters; the only
names spliced into Cypher are labels and types taken from the ontology.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, wait
from contextlib import contextmanager, suppress
from itertools import islice
from threading import Lock

import orjson
from neo4j.exceptions import (
    AuthError,
    ClientError,
    ConstraintError,
    DriverError,
    IncompleteCommit,
    Neo4jError,
    ServiceUnavailable,
    SessionExpired,
)

from graph import liaison_facts
from graph.cypher_guard import refuse_unsafe
from graph.errors import InvalidQuery, QueryTimeout, StoreUnavailable
from graph.matching import TESTS, TIERS, Match, cypher_test, rank_key
from graph.names import with_name_keys
from graph.ontology import ROOT_LABEL, Ontology
from graph.records import Node, Relationship, Step, WriteResult, now_stamp
from graph.settings import BATCH_SIZE
from graph.store import BRIEF, Progress, Staged, Store, briefly
from neo4j import READ_ACCESS, GraphDatabase, Query, RoutingControl, unit_of_work

REPEATS = 3  # runs of a transaction whose commit was lost or that lost a race
WRITERS = 2  # concurrent write transactions
STAGED_MOST = 100_000  # nodes written ahead of their load's judgement (Neo4jStore.stage)
QUERY_TIMEOUT = 30  # seconds; a question that takes longer is refused, not left running
# Search tiers on a property are read from these (the property, then the pinyin and id they are
# ordered by): the values come from the index, no node is read to order them.
_TIER_INDEXES = {"name": ("name", "pinyin", "id"), "pinyin": ("pinyin", "id"), "initials": ("initials", "pinyin", "id")}
FACT_LABEL = "TongxinFact"  # graph.liaison_facts's facts: outside the ontology's labels
FACT_BATCH = 5000
# Shortest paths Neo4j lists itself before the layered search takes over.  It counts two
# contacts on different days as two paths; at 10,000, province pairs of ~7,000 routes fell to
# the walk, which read up to a million relationships over Bolt (13-29 s): Neo4j lists them in 0.6 s.
DAG_PATHS = 100_000

# Each write first compares the incoming rows with what is stored, so the counts say what
# really changed; a preview (dry run) stops after the comparison.  Every lookup is told to seek
# its unique index (USING INDEX SEEK): replanned from the statistics of a store filling up, a
# province load's relationship batches scanned the whole key index for every row instead
# (10,000 rows took over 8 minutes, 55,000 page hits a row, and the load never ended).
_COMPARE_NODES = """
UNWIND $rows AS row
OPTIONAL MATCH (old:{root} {{id: row.id}}) USING INDEX SEEK old:{root}(id)
WITH row, old, old IS NULL AS created,
     old IS NOT NULL AND (
       any(k IN keys(row.props) WHERE old[k] IS NULL OR old[k] <> row.props[k])
       OR any(l IN $labels WHERE NOT l IN labels(old))) AS updated
"""
# Rows the comparison found new are created, changed ones updated, the rest left untouched:
# one index lookup per row, where MERGE would look again.
_WRITE_NODES = (
    _COMPARE_NODES
    + """
FOREACH (_ IN CASE WHEN created THEN [1] ELSE [] END |
  CREATE (n:{root}{labels} {{id: row.id}}) SET n += row.props, n.ingested_at = $stamp)
FOREACH (_ IN CASE WHEN updated THEN [1] ELSE [] END |
  SET old += row.props, old{labels}, old.ingested_at = $stamp)
"""
)
_COMPARE_RELATIONSHIPS = """
UNWIND $rows AS row
OPTIONAL MATCH ()-[old:{type} {{key: row.key}}]->() USING INDEX SEEK old:{type}(key)
WITH row, old, old IS NULL AS created,
     old IS NOT NULL AND any(k IN keys(row.props) WHERE old[k] IS NULL OR old[k] <> row.props[k])
       AS updated
"""
_WRITE_RELATIONSHIPS = (
    _COMPARE_RELATIONSHIPS
    + """
OPTIONAL MATCH (a:{root} {{id: row.from}}) USING INDEX SEEK a:{root}(id) WHERE created
OPTIONAL MATCH (b:{root} {{id: row.to}}) USING INDEX SEEK b:{root}(id) WHERE created
FOREACH (_ IN CASE WHEN created THEN [1] ELSE [] END |
  CREATE (a)-[r:{type} {{key: row.key}}]->(b) SET r += row.props, r.ingested_at = $stamp)
FOREACH (_ IN CASE WHEN updated THEN [1] ELSE [] END |
  SET old += row.props, old.ingested_at = $stamp)
"""
)
NODE_COLUMNS = ("id", "labels", "props")
_BRIEF = "{" + ", ".join(f".{k}" for k in BRIEF) + "}"  # a map projection of the brief properties
_COUNT = "RETURN sum(toInteger(created)) AS created, sum(toInteger(updated)) AS updated"


def json_safe(value):
    """Cypher values as JSON: nodes and relationships as their properties, dates as text."""
    if isinstance(value, dict):
        return {k: json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [json_safe(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "items"):
        return {k: json_safe(v) for k, v in value.items()}
    return str(value)


def _tier_index(prop: str) -> tuple[str, list[str]]:
    """The hint to read ``prop``'s tiers from its composite index, and the conditions that let
    Neo4j use it (every property of a composite index present)."""
    index = _TIER_INDEXES[prop]
    return f"USING INDEX n:{ROOT_LABEL}({', '.join(index)})", [f"n.{p} IS NOT NULL" for p in index[1:]]


def _batches(rows: Sequence, size: int):
    iterator = iter(rows)
    while batch := list(islice(iterator, size)):
        yield batch


class Neo4jStore(Store):
    def __init__(
        self,
        uri: str,
        user: str | None = None,
        password: str | None = None,
        database: str | None = None,
        ontology: Ontology | None = None,
        retry_seconds: float = 15.0,
        batch_size: int = BATCH_SIZE,
    ):
        super().__init__(ontology)
        self.uri = uri
        self.database = database
        self.batch_size = batch_size
        self._kept: tuple[str, int, dict] | None = None  # (generation, version, kept facts) last read
        self._schema_made = False  # by this object: the writes' index hints need the indexes
        auth = (user, password or "") if user else None
        try:
            self.driver = GraphDatabase.driver(
                uri, auth=auth, notifications_min_severity="OFF", max_transaction_retry_time=retry_seconds
            )
        except (ValueError, Neo4jError) as exc:
            raise StoreUnavailable(f"Neo4j 地址 {uri} 无效：{exc}") from None

    def close(self) -> None:
        self.driver.close()

    # -- running Cypher -------------------------------------------------------------

    def read(self, query: str, **params) -> list[dict]:
        """Run a read query, routed to a reader in a cluster, with a timeout; its records."""
        return self._execute(Query(query, timeout=QUERY_TIMEOUT), params, RoutingControl.READ)

    def rows(self, query: str, columns: Sequence[str], **params) -> list[dict]:
        """A read answered in one record that holds every row: the driver spends some 30 µs on
        each record it receives, which for thousands of rows costs more than the query."""
        fields = ", ".join(f"{c}: {c}" for c in columns)
        wrapped = Query(f"CALL () {{ {query} }} RETURN collect({{{fields}}}) AS rows", timeout=QUERY_TIMEOUT)
        # Plain maps and lists already: record.data() would walk them again, value by value.
        return self._records(wrapped, params, RoutingControl.READ)[0]["rows"]

    @contextmanager
    def _reaching(self):
        """Driver failures as this project's errors, in Chinese."""
        try:
            yield
        except IncompleteCommit:
            raise StoreUnavailable(
                f"与 Neo4j（{self.uri}）的连接在提交时中断，试了 {REPEATS} 次，服务器是否已提交无法确认"
            ) from None
        except (ServiceUnavailable, SessionExpired, AuthError, OSError) as exc:
            raise StoreUnavailable(f"无法连接 Neo4j（{self.uri}），请确认服务器在运行（驱动报告：{exc}）") from None
        except ClientError as exc:
            if "TransactionTimedOut" in (exc.code or ""):
                raise QueryTimeout(f"查询超过 {QUERY_TIMEOUT} 秒，请缩小范围（减少跳数或限定类型）") from None
            raise

    def _records(self, query: str | Query, params: dict, routing=RoutingControl.WRITE) -> list:
        with self._reaching():
            records, _, _ = self._repeating(
                lambda: self.driver.execute_query(query, params, routing_=routing, database_=self.database)
            )
        return records

    @staticmethod
    def _repeating(work):
        """Run ``work`` again when its commit went unanswered (``IncompleteCommit``: the server
        may or may not have kept it) or a concurrent ingest created one of its rows first.
        The driver leaves a lost commit to the caller because most transactions cannot be
        repeated; every one this store runs can: reads, schema statements that say
        ``IF NOT EXISTS``, and writes that compare before they write."""
        for attempt in range(REPEATS):
            try:
                return work()
            except (ConstraintError, IncompleteCommit):
                if attempt == REPEATS - 1:
                    raise

    def _execute(self, query: str | Query, params: dict, routing=RoutingControl.WRITE) -> list[dict]:
        return [record.data() for record in self._records(query, params, routing)]

    def _write_batch(self, query: str, batch: list[dict], params: dict) -> tuple[int, int]:
        """One transaction.  After a lost commit the counts miss the rows it wrote: the
        repeat finds them unchanged."""

        def work(tx):
            record = tx.run(query, rows=batch, **params).single()
            return record["created"] or 0, record["updated"] or 0

        with self.driver.session(database=self.database) as session:
            return self._repeating(lambda: session.execute_write(work))

    def _write_all(self, jobs: list[tuple[str, list[dict], dict]], progress: Progress | None) -> list[tuple[int, int]]:
        """Batches in ``WRITERS`` concurrent transactions, so the server works on several cores.

        The first failure cancels the batches not yet begun: with the server gone each would
        otherwise spend the driver's whole retry time before failing in turn."""
        lock = Lock()

        def run(job):
            query, rows, params = job
            counted = self._write_batch(query, rows, params)
            if progress:
                with lock:
                    progress(len(rows))
            return counted

        pool = ThreadPoolExecutor(WRITERS)
        try:
            with self._reaching():
                if not self._schema_made:  # a dry run or a first write by this object: the hints name its indexes
                    self.ensure_schema()
                return list(pool.map(run, jobs))
        except StoreUnavailable as exc:
            raise StoreUnavailable(
                f"{exc}。写入在中途中断：已提交的批次都保留，Neo4j 恢复后重新运行同一导入即可补齐，不会重复写入"
            ) from None
        finally:
            pool.shutdown(cancel_futures=True)

    # -- the Store interface ----------------------------------------------------------

    def ensure_schema(self) -> None:
        statements = [
            f"CREATE CONSTRAINT entity_id IF NOT EXISTS FOR (n:{ROOT_LABEL}) REQUIRE n.id IS UNIQUE",
            # A plain index: a uniqueness constraint made one transaction storing a city's facts
            # take 36 s instead of 0.3; each fact is deleted before it is written again, under a lock.
            "DROP CONSTRAINT tongxin_fact_id IF EXISTS",
            f"CREATE INDEX tongxin_fact_id IF NOT EXISTS FOR (f:{FACT_LABEL}) ON (f.id)",
            f"CREATE INDEX tongxin_fact_version IF NOT EXISTS FOR (f:{FACT_LABEL}) ON (f.version)",
            f"CREATE TEXT INDEX entity_name_text IF NOT EXISTS FOR (n:{ROOT_LABEL}) ON (n.name)",
            # The cjk analyzer's bigrams missed names across a Latin letter (城E in 鹿城E咖); the
            # text index above finds every substring.
            "DROP INDEX entity_name_fulltext IF EXISTS",
        ]
        for prop, index in _TIER_INDEXES.items():
            statements.append(
                f"CREATE INDEX entity_{prop}_tiers IF NOT EXISTS FOR (n:{ROOT_LABEL}) ON ({', '.join(f'n.{p}' for p in index)})"
            )
        # Stores made before 2026-11 had an id index per label; every lookup goes through
        # Entity's constraint, so they only slowed each write down.
        for label in self.ontology.concrete_labels:
            statements.append(f"DROP INDEX {label.lower()}_id IF EXISTS")
        for label, prop in self.ontology.indexed_properties():
            statements.append(f"CREATE INDEX {label.lower()}_{prop} IF NOT EXISTS FOR (n:{label}) ON (n.{prop})")
        for type_ in self.ontology.relationships:
            statements.append(
                f"CREATE CONSTRAINT {type_.lower()}_key IF NOT EXISTS FOR ()-[r:{type_}]-() REQUIRE r.key IS UNIQUE"
            )
        for statement in statements:
            self._execute(statement, {})
        self._execute("CALL db.awaitIndexes(300)", {})
        self._schema_made = True

    def write(
        self, nodes: Sequence[Node], relationships: Sequence[Relationship], progress: Progress | None = None
    ) -> WriteResult:
        return self.write_staged(Staged(), nodes, relationships, progress)

    def stage(self, nodes: Sequence[Node]) -> Staged:
        """Written in transactions held open until the load is judged (at most ``STAGED_MOST``
        nodes: their state lives in the server's heap until then), each node as it stands now."""
        if not nodes:
            return Staged()
        self.ensure_schema()
        return _Staged(self, [Node(n.id, n.labels, dict(n.properties)) for n in with_name_keys(nodes[:STAGED_MOST])])

    def write_staged(
        self,
        staged: Staged,
        nodes: Sequence[Node],
        relationships: Sequence[Relationship],
        progress: Progress | None = None,
    ) -> WriteResult:
        nodes = with_name_keys(nodes)
        try:
            rest = staged.rest(nodes)
            early = staged.written(progress) if rest is not None else None
            if early is None:  # none staged, changed since, or a staged write failed: all of them now
                staged.drop()
                early, rest = WriteResult(), nodes
            result = self._run(rest, relationships, _WRITE_NODES, _WRITE_RELATIONSHIPS, progress)
            result.add(early)
        except BaseException:
            staged.drop()
            with suppress(Exception):  # a write that failed half-way may have changed the graph
                self._bump_version()  # and the kept facts now lag the version: gathered again when read
            raise
        if any(vars(result).values()):
            self._keep_facts((nodes, relationships))
        return result

    def _bump_version(self) -> None:
        self._execute("MERGE (m:TongxinMeta {name: 'version'}) SET m.value = coalesce(m.value, 0) + 1", {})

    def version(self) -> str:
        """A counter on a node outside the ontology's labels, raised by every write and clear."""
        rows = self._execute(
            "OPTIONAL MATCH (m:TongxinMeta {name: 'version'}) RETURN coalesce(m.value, 0) AS value",
            {},
            RoutingControl.READ,
        )
        return str(rows[0]["value"])

    def preview(self, nodes: Sequence[Node], relationships: Sequence[Relationship]) -> WriteResult:
        nodes = with_name_keys(nodes)
        return self._run(nodes, relationships, _COMPARE_NODES, _COMPARE_RELATIONSHIPS, None)

    def _run(self, nodes, relationships, node_query: str, rel_query: str, progress: Progress | None) -> WriteResult:
        """Every node before any relationship, so each relationship finds its ends."""
        result, stamp = WriteResult(), now_stamp()
        for created, updated in self._write_all(self._node_jobs(nodes, node_query, stamp), progress):
            result.nodes_created += created
            result.nodes_updated += updated
        for created, updated in self._write_all(self._relationship_jobs(relationships, rel_query, stamp), progress):
            result.relationships_created += created
            result.relationships_updated += updated
        return result

    def _node_jobs(self, nodes: Sequence[Node], query: str, stamp: str) -> list[tuple[str, list[dict], dict]]:
        """Batches of rows grouped by label set, so the labels come from the ontology."""
        by_labels: dict[tuple[str, ...], list[dict]] = defaultdict(list)
        for node in nodes:
            by_labels[tuple(sorted(node.labels))].append({"id": node.id, "props": node.properties})
        jobs = []
        for labels, rows in by_labels.items():
            self._check_names(labels, self.ontology.labels)
            labelled = query.format(root=ROOT_LABEL, labels="".join(f":{label}" for label in labels)) + _COUNT
            jobs += [
                (labelled, batch, {"labels": list(labels), "stamp": stamp}) for batch in _batches(rows, self.batch_size)
            ]
        return jobs

    def _relationship_jobs(self, relationships: Sequence[Relationship], query: str, stamp: str) -> list:
        """Batches of rows grouped by type, so the types come from the ontology."""
        by_type: dict[str, list[dict]] = defaultdict(list)
        for rel in relationships:
            by_type[rel.type].append({"from": rel.source, "to": rel.target, "key": rel.key, "props": rel.properties})
        jobs = []
        for type_, rows in by_type.items():
            self._check_names([type_], self.ontology.relationships)
            typed = query.format(root=ROOT_LABEL, type=type_) + _COUNT
            jobs += [(typed, batch, {"stamp": stamp}) for batch in _batches(rows, self.batch_size)]
        return jobs

    @staticmethod
    def _check_names(names: Iterable[str], declared) -> None:
        unknown = [name for name in names if name not in declared]
        if unknown:
            raise ValueError(f"not in the ontology: {unknown}")

    def get(self, node_id: str) -> Node | None:
        rows = self.read(
            f"MATCH (n:{ROOT_LABEL} {{id: $id}}) RETURN labels(n) AS labels, properties(n) AS props",
            id=node_id,
        )
        if not rows:
            return None
        return Node(node_id, frozenset(rows[0]["labels"]) - {ROOT_LABEL}, rows[0]["props"])

    def nodes(self, ids: Iterable[str]) -> dict[str, Node]:
        rows = self.rows(
            f"UNWIND $ids AS id MATCH (n:{ROOT_LABEL} {{id: id}}) "
            "RETURN n.id AS id, labels(n) AS labels, properties(n) AS props",
            NODE_COLUMNS,
            ids=sorted(set(ids)),
        )
        return {row["id"]: Node(row["id"], frozenset(row["labels"]) - {ROOT_LABEL}, row["props"]) for row in rows}

    def brief(self, ids: Iterable[str]) -> dict[str, Node]:
        rows = self.rows(
            f"UNWIND $ids AS id MATCH (n:{ROOT_LABEL} {{id: id}}) "
            f"RETURN n.id AS id, labels(n) AS labels, n{_BRIEF} AS props",
            NODE_COLUMNS,
            ids=list(set(ids)),
        )
        return {row["id"]: self._node_of(row) for row in rows}

    def ids_by(self, label: str, prop: str, values: Iterable) -> dict:
        self._check_names([label], self.ontology.labels)
        self._check_names([prop], self.ontology.labels[label].properties)
        rows = self.read(
            f"UNWIND $values AS value MATCH (n:{label} {{{prop}: value}}) RETURN value, collect(n.id) AS ids",
            values=list(set(values)),
        )
        return {row["value"]: sorted(row["ids"]) for row in rows}

    def _stream(self, query: str) -> Iterator[dict]:
        with self._reaching(), self.driver.session(database=self.database, default_access_mode=READ_ACCESS) as session:
            for record in session.run(query):
                yield record.data()

    def iter_nodes(self) -> Iterator[Node]:
        query = f"MATCH (n:{ROOT_LABEL}) RETURN n.id AS id, labels(n) AS labels, properties(n) AS props"
        for row in self._stream(query):
            yield Node(row["id"], frozenset(row["labels"]) - {ROOT_LABEL}, row["props"])

    def iter_relationships(self) -> Iterator[Relationship]:
        query = (
            f"MATCH (a:{ROOT_LABEL})-[r]->(b:{ROOT_LABEL}) "
            "RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props"
        )
        for row in self._stream(query):
            yield self._relationship_of(row)

    # -- graph primitives ---------------------------------------------------------------

    def _pattern(self, types: Sequence[str]) -> str:
        self._check_names(types, self.ontology.relationships)
        return "|".join(types)

    @staticmethod
    def _node_of(row: dict, prefix: str = "") -> Node:
        return Node(
            row[f"{prefix}id"], frozenset(row[f"{prefix}labels"]) - {ROOT_LABEL}, briefly(row[f"{prefix}props"])
        )

    @staticmethod
    def _relationship_of(row: dict) -> Relationship:
        props = {k: v for k, v in row["props"].items() if k != "key"}
        return Relationship(row["type"], row["from"], row["to"], props, row["props"].get("key", ""))

    def ranked(self, match: Match, offset: int, limit: int, cap: int) -> tuple[int, list[tuple[Node, int]]]:
        """Tier by tier, best first, each read in pinyin order from an index that holds the pinyin
        and id beside the name (or pinyin, or initials), until the page is full; the later tiers are
        not read at all.  A one-character surname matches thousands of names: ordering all of them
        took 30 ms, the first page of its best tier takes 4.  The count (at most ``cap``) reads the
        cheap indexes first and stops at ``cap``."""
        need = min(offset + limit, cap)
        filters = [c for c, on in (("$label IN labels(n)", match.label), ("n.region = $region", match.region)) if on]
        tiers, better = [], []
        for score, prop, test in TIERS:
            if match.latin is None and TESTS[test][2] == "latin":
                continue
            hint, present = _tier_index(prop) if prop in _TIER_INDEXES and test != "contains" else ("", [])
            where = [cypher_test(test, prop, "v"), *(f"NOT coalesce({c}, false)" for c in better), *filters, *present]
            tiers.append(
                f"CALL (found) {{ WITH CASE WHEN size(found) < $need THEN ${TESTS[test][2]} END AS v "
                f"MATCH (n:{ROOT_LABEL}) {hint} WHERE {' AND '.join(where)} "
                + ("WITH n ORDER BY n.pinyin, n.id " if hint else "WITH n ORDER BY coalesce(n.pinyin, ''), n.id ")
                + f"LIMIT $need RETURN collect({{id: n.id, score: {score}}}) AS more }} "
                "WITH total, found + more AS found"
            )
            better.append(cypher_test(test, prop))
        query = (
            f"CALL () {{ CALL () {{ {self._matching(match.latin)} }} "
            + (f"WITH n WHERE {' AND '.join(filters)} " if filters else "")
            + "WITH n LIMIT $cap RETURN count(n) AS total } "
            "WITH total, [] AS found "
            + " ".join(tiers)
            + f" CALL (found) {{ UNWIND found AS f MATCH (n:{ROOT_LABEL} {{id: f.id}}) "
            f"RETURN collect({{id: n.id, labels: labels(n), props: n{_BRIEF}, score: f.score}}) AS page }} "
            "RETURN total, page"
        )
        rows = self.rows(
            query,
            ("total", "page"),
            ids=list(match.ids),
            name=match.name,
            latin=match.latin,
            label=match.label,
            region=match.region,
            cap=cap,
            need=need,
        )
        found = sorted(((self._node_of(item), item["score"]) for item in rows[0]["page"]), key=rank_key)
        return rows[0]["total"], found[offset:need]

    @staticmethod
    def _matching(latin: str | None) -> str:
        """A UNION of the ways a node can match, the ones read in index order first, so that
        counting up to a cap seldom reaches the name's text index (a one-character CONTAINS
        reads all of it)."""
        hint, present = _tier_index("name")
        branches = [
            f"MATCH (n:{ROOT_LABEL}) WHERE n.id IN $ids RETURN n",
            f"MATCH (n:{ROOT_LABEL}) {hint} WHERE {' AND '.join(['n.name STARTS WITH $name', *present])} RETURN n",
        ]
        if latin:
            branches.append(f"MATCH (n:{ROOT_LABEL}) WHERE n.pinyin STARTS WITH $latin RETURN n")
            branches.append(f"MATCH (n:{ROOT_LABEL}) WHERE n.initials STARTS WITH $latin RETURN n")
        branches.append(f"MATCH (n:{ROOT_LABEL}) WHERE n.name CONTAINS $name RETURN n")
        return " UNION ".join(branches)

    def search_candidates(self, name: str, ids: list[str], latin: str | None, limit: int) -> list[Node]:
        query = (
            f"CALL () {{ {self._matching(latin)} }} "
            f"RETURN n.id AS id, labels(n) AS labels, n{_BRIEF} AS props ORDER BY id LIMIT $limit"
        )
        rows = self.rows(query, NODE_COLUMNS, ids=ids, name=name, latin=latin, limit=limit)
        return [self._node_of(row) for row in rows]

    def expand(self, ids: Iterable[str], types: Sequence[str], limit: int) -> list[Step]:
        rows = self.rows(
            f"UNWIND $ids AS id MATCH (a:{ROOT_LABEL} {{id: id}})-[r:{self._pattern(types)}]-(b:{ROOT_LABEL}) "
            "RETURN a.id AS at, type(r) AS type, startNode(r).id AS from, endNode(r).id AS to, "
            f"properties(r) AS props, b.id AS b_id, labels(b) AS b_labels, b{_BRIEF} AS b_props "
            "ORDER BY at, type, b_id, r.key LIMIT $limit",
            ("at", "type", "from", "to", "props", "b_id", "b_labels", "b_props"),
            ids=sorted(set(ids)),
            limit=limit,
        )
        return [Step(row["at"], self._relationship_of(row), self._node_of(row, "b_")) for row in rows]

    def neighbour_ids(self, ids: Iterable[str], types: Sequence[str], exclude: Iterable[str], limit: int) -> list[str]:
        # Excluded ids are dropped here, not in Cypher: there `NOT b.id IN $list` scans the list
        # for every neighbour, which at 500 kept nodes made a hub's second ring take 0.5 s.
        exclude = set(exclude)
        rows = self.rows(
            f"UNWIND $ids AS id MATCH (:{ROOT_LABEL} {{id: id}})-[:{self._pattern(types)}]-(b:{ROOT_LABEL}) "
            "WITH DISTINCT b RETURN b.id AS id ORDER BY id LIMIT $limit",
            ("id",),
            ids=sorted(set(ids)),
            limit=limit + len(exclude),
        )
        return [row["id"] for row in rows if row["id"] not in exclude][:limit]

    def relationships_among(self, ids: Iterable[str], types: Sequence[str]) -> list[Relationship]:
        rows = self.rows(
            # Matching the ends as nodes, not by their ids, spares a property read per relationship.
            f"MATCH (n:{ROOT_LABEL}) WHERE n.id IN $ids WITH collect(n) AS kept UNWIND kept AS a "
            f"MATCH (a)-[r:{self._pattern(types)}]->(b) WHERE b IN kept "
            "RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props ORDER BY r.key",
            ("type", "from", "to", "props"),
            ids=sorted(set(ids)),
        )
        return [self._relationship_of(row) for row in rows]

    def between(self, pairs: Iterable[tuple[str, str]], types: Sequence[str]) -> list[Relationship]:
        rows = self.rows(
            f"UNWIND $pairs AS pair MATCH (a:{ROOT_LABEL} {{id: pair[0]}})-[r:{self._pattern(types)}]->(b) "
            "WHERE b.id = pair[1] "
            "RETURN type(r) AS type, a.id AS from, b.id AS to, properties(r) AS props ORDER BY r.key",
            ("type", "from", "to", "props"),
            pairs=sorted({(a, b) for a, b in pairs}),
        )
        return [self._relationship_of(row) for row in rows]

    def hops(self, ids: Sequence[str], types: Sequence[str], limit: int) -> list[tuple[str, Relationship]]:
        rows = self.rows(
            f"UNWIND $ids AS id MATCH (a:{ROOT_LABEL} {{id: id}})-[r:{self._pattern(types)}]-() "
            "RETURN id AS at, type(r) AS type, startNode(r).id AS from, endNode(r).id AS to, r.key AS key "
            "LIMIT $limit",
            ("at", "type", "from", "to", "key"),
            ids=list(ids),
            limit=limit,
        )
        return [(row["at"], Relationship(row["type"], row["from"], row["to"], {}, row["key"])) for row in rows]

    def shortest_dag(
        self, source: str, target: str, types: Sequence[str], max_hops: int, budget: int
    ) -> tuple[list[Relationship], bool]:
        """Neo4j's own ``allShortestPaths`` while the paths are few (their relationships are the
        answer); past ``DAG_PATHS`` of them, the layered search, which reads each relationship once."""
        rows = self.rows(
            f"MATCH (a:{ROOT_LABEL} {{id: $a}}), (b:{ROOT_LABEL} {{id: $b}}) "
            f"MATCH p = allShortestPaths((a)-[:{self._pattern(types)}*..{int(max_hops)}]-(b)) "
            "WITH p LIMIT $most WITH collect(p) AS found "
            "UNWIND found AS p UNWIND relationships(p) AS r "
            "WITH size(found) AS paths, collect(DISTINCT r) AS on_paths "
            "RETURN paths, [r IN on_paths | {type: type(r), from: startNode(r).id, to: endNode(r).id, "
            "props: {key: r.key}}] AS rels",
            ("paths", "rels"),
            a=source,
            b=target,
            most=DAG_PATHS,
        )
        if rows and rows[0]["paths"] >= DAG_PATHS:
            return super().shortest_dag(source, target, types, max_hops, budget)
        return ([self._relationship_of(r) for r in rows[0]["rels"]] if rows else []), False

    def without(self, label: str, types: Sequence[str], direction: str, limit: int) -> list[str]:
        self._check_names([label], self.ontology.labels)
        arrow = {"out": ("-", "->"), "in": ("<-", "-"), "both": ("-", "-")}[direction]
        rows = self.read(
            f"MATCH (n:{label}) WHERE NOT (n){arrow[0]}[:{self._pattern(types)}]{arrow[1]}() "
            "RETURN n.id AS id ORDER BY id LIMIT $limit",
            limit=limit,
        )
        return [row["id"] for row in rows]

    def duplicates(self, label: str, keys: Sequence[str], limit: int) -> list[list[str]]:
        self._check_names([label], self.ontology.labels)
        self._check_names(keys, self.ontology.labels[label].properties)
        filled = " AND ".join(f"n.{k} IS NOT NULL AND n.{k} <> ''" for k in keys)
        rows = self.read(
            f"MATCH (n:{label}) WHERE {filled} "
            f"WITH [{', '.join(f'n.{k}' for k in keys)}] AS key, n.id AS id ORDER BY id "
            "WITH key, collect(id) AS ids WHERE size(ids) > 1 "
            "RETURN ids ORDER BY ids[0] LIMIT $limit",
            limit=limit,
        )
        return [row["ids"] for row in rows]

    def ended(self, as_of: str) -> dict[str, int]:
        rows = self.read(
            "MATCH ()-[r]->() WHERE r.until < substring($as_of, 0, size(r.until)) RETURN type(r) AS type, count(r) AS n ORDER BY type",
            as_of=as_of,
        )
        return {row["type"]: row["n"] for row in rows}

    def nodes_where(self, label: str, equals: dict) -> dict[str, Node]:
        self._check_names([label], self.ontology.labels)
        self._check_names(equals, self.ontology.labels[label].properties)
        where = " AND ".join(f"n.{k} = $equals.{k}" for k in equals) or "true"
        rows = self.rows(
            f"MATCH (n:{label}) WHERE {where} RETURN n.id AS id, labels(n) AS labels, n{_BRIEF} AS props ORDER BY id",
            NODE_COLUMNS,
            equals=equals,
        )
        return {row["id"]: self._node_of(row) for row in rows}

    def relationships_of(
        self,
        types: Sequence[str],
        *,
        sources: Iterable[str] | None = None,
        targets: Iterable[str] | None = None,
        properties: Sequence[str] | None = None,
    ) -> list[Relationship]:
        """By the relationship-type index, or from each source or target by the id index."""
        if properties is not None:
            self._check_names(properties, {p for r in self.ontology.relationships.values() for p in r.properties})
        carried = (
            "properties(r)" if properties is None else "r{" + ", ".join(f".{p}" for p in ("key", *properties)) + "}"
        )
        pattern, returned = (
            self._pattern(types),
            f"RETURN type(r) AS type, a.id AS from, b.id AS to, {carried} AS props",
        )
        parts = [] if sources is None and targets is None else None
        if parts is not None:
            parts.append(f"MATCH (a)-[r:{pattern}]->(b) {returned}")
        else:
            parts = []
            if sources is not None:
                parts.append(f"UNWIND $sources AS id MATCH (a:{ROOT_LABEL} {{id: id}})-[r:{pattern}]->(b) {returned}")
            if targets is not None:
                parts.append(f"UNWIND $targets AS id MATCH (a)-[r:{pattern}]->(b:{ROOT_LABEL} {{id: id}}) {returned}")
        rows = self.rows(
            " UNION ".join(parts),
            ("type", "from", "to", "props"),
            sources=sorted(set(sources or ())),
            targets=sorted(set(targets or ())),
        )
        return [self._relationship_of(row) for row in rows]

    def kept_facts(self) -> dict[str, dict]:
        """Nodes of their own label (outside the ontology's, like the version counter), one per
        node with a role, each marked with the version that wrote it; a process reads them all
        once, then only those written since (a fact that went stays as a mark without data).
        When a write failed half-way they lag the version, and the first read gathers them all
        again (a new ``generation``)."""
        meta = self._meta()
        if not meta["kept"]:
            self._keep_facts(None)
            meta = self._meta()
        cached = self._kept
        if cached is not None and cached[:2] == (meta["generation"], meta["value"]):
            return cached[2]
        since = cached[1] if cached is not None and cached[0] == meta["generation"] else -1
        rows = self.rows(
            f"MATCH (f:{FACT_LABEL}) WHERE f.version > $since RETURN f.id AS id, f.data AS data",
            ("id", "data"),
            since=since,
        )
        facts = dict(cached[2]) if since >= 0 else {}
        for row in rows:
            if row["data"] is None:
                facts.pop(row["id"], None)
            else:
                facts[row["id"]] = orjson.loads(row["data"])
        self._kept = (meta["generation"], meta["value"], facts)
        return facts

    def _meta(self) -> dict:
        return self._execute(
            "OPTIONAL MATCH (m:TongxinMeta {name: 'version'}) "
            "RETURN coalesce(m.value, 0) AS value, m.facts_generation AS generation, "
            "m.facts = m.value AND m.facts_format = $format AS kept",
            {"format": liaison_facts.FORMAT},
            RoutingControl.READ,
        )[0]

    def _keep_facts(self, written: tuple[Sequence[Node], Sequence[Relationship]] | None) -> None:
        """In one transaction holding the version node's lock, so refreshes never interleave:
        after a write, refresh what it ``written`` touched and raise the version (the facts are
        marked as the new version's only if they were the old one's); with None, gather every
        fact afresh unless another process just did."""
        with (
            self._reaching(),
            self.driver.session(database=self.database) as session,
            session.begin_transaction() as tx,
        ):
            meta = tx.run(
                "MERGE (m:TongxinMeta {name: 'version'}) SET m.refreshes = coalesce(m.refreshes, 0) + 1 "
                "RETURN coalesce(m.value, 0) AS value, m.facts = m.value AND m.facts_format = $format AS kept",
                format=liaison_facts.FORMAT,
            ).single()
            value, kept = meta["value"], bool(meta["kept"])
            touched = liaison_facts.touched(self, *written) if written is not None and kept else set()
            value += written is not None
            if (written is None and not kept) or len(touched) > FACT_BATCH:  # all of them, afresh
                tx.run(f"MATCH (f:{FACT_LABEL}) DETACH DELETE f").consume()
                self._store_facts(tx, liaison_facts.gather(self), value, replacing=False)
                tx.run("MATCH (m:TongxinMeta {name: 'version'}) SET m.facts_generation = randomUUID()").consume()
            elif touched:
                self._store_facts(tx, liaison_facts.gather(self, touched), value, replacing=True)
            if kept or written is None:  # the facts are the new version's
                tx.run(
                    "MATCH (m:TongxinMeta {name: 'version'}) "
                    "SET m.value = $value, m.facts = $value, m.facts_format = $format",
                    value=value,
                    format=liaison_facts.FORMAT,
                ).consume()
            else:
                tx.run("MATCH (m:TongxinMeta {name: 'version'}) SET m.value = $value", value=value).consume()
            tx.commit()

    @staticmethod
    def _store_facts(tx, facts: dict[str, dict | None], version: int, replacing: bool) -> None:
        """Each fact ``replacing`` one deleted first, then written with its version (a mark
        without data where one went): no lookup per created row.  A few thousand deleted one
        by one cost seconds, hence all of them afresh past ``FACT_BATCH``."""
        gone = set()
        for batch in _batches(list(facts) if replacing else [], FACT_BATCH):
            gone |= {
                row["id"]
                for row in tx.run(
                    f"UNWIND $ids AS id MATCH (f:{FACT_LABEL} {{id: id}}) USING INDEX SEEK f:{FACT_LABEL}(id) "
                    "WITH f, f.id AS id DELETE f RETURN id",
                    ids=batch,
                )
            }
        rows = [
            {"id": i, "data": orjson.dumps(fact).decode() if fact else None}
            for i, fact in facts.items()
            if fact or i in gone
        ]
        for batch in _batches(rows, FACT_BATCH):
            tx.run(
                f"UNWIND $rows AS row CREATE (:{FACT_LABEL} {{id: row.id, data: row.data, version: $version}})",
                rows=batch,
                version=version,
            ).consume()

    def identity_key(self) -> bytes:
        """Kept on a node outside the ontology's labels, so exports, counts and clear() never see it."""
        rows = self._execute(
            "MERGE (m:TongxinMeta {name: 'identity'}) ON CREATE SET m.key = $key RETURN m.key AS key",
            {"key": secrets.token_hex(32)},
        )
        return bytes.fromhex(rows[0]["key"])

    def counts(self) -> dict[str, dict[str, int]]:
        """From the count store, in one round trip."""
        counts = self._zero_counts()
        branches = [
            f"MATCH (n:{label}) RETURN 'nodes' AS kind, '{label}' AS name, count(n) AS n" for label in counts["nodes"]
        ]
        branches += [
            f"MATCH ()-[r:{type_}]->() RETURN 'relationships' AS kind, '{type_}' AS name, count(r) AS n"
            for type_ in counts["relationships"]
        ]
        for row in self.read(" UNION ALL ".join(branches)):
            counts[row["kind"]][row["name"]] = row["n"]
        return counts

    def cypher(self, query: str, params: dict, limit: int) -> dict:
        """In a READ access-mode transaction, so a write is refused by the server itself; what
        READ mode lets through (files, procedures) is refused before (:mod:`graph.cypher_guard`)."""
        refuse_unsafe(query)

        @unit_of_work(timeout=QUERY_TIMEOUT)
        def work(tx):
            result = tx.run(query, params)
            rows = [record.data() for _, record in zip(range(limit + 1), result)]
            return result.keys(), rows

        try:
            with (
                self._reaching(),
                self.driver.session(database=self.database, default_access_mode=READ_ACCESS) as session,
            ):
                keys, rows = session.execute_read(work)
        except ClientError as exc:
            raise InvalidQuery(f"Cypher 被拒绝：{exc.message}") from None
        except Neo4jError as exc:  # the database failed on it: said, not a bare 500
            raise InvalidQuery(f"Neo4j 未能执行该查询：{exc.message or type(exc).__name__}") from None
        except (OverflowError, ValueError, TypeError) as exc:  # a parameter Bolt cannot carry (an int past 64 bits)
            raise InvalidQuery(f"Cypher 参数无法传给 Neo4j：{exc}") from None
        return {"columns": list(keys), "rows": json_safe(rows[:limit]), "truncated": len(rows) > limit}

    def ping(self) -> None:
        try:
            self.driver.verify_connectivity()
        except Exception as exc:  # the driver raises several kinds; all mean "not ready"
            raise StoreUnavailable(f"无法连接 Neo4j（{self.uri}）：{exc}") from None

    def clear(self) -> None:
        # CALL … IN TRANSACTIONS needs an auto-commit transaction, hence session.run.  The
        # relationships go first, so a dense node never has to be detached in one transaction.
        with self._reaching(), self.driver.session(database=self.database) as session:
            for statement in (
                "MATCH ()-[r]->() CALL (r) { DELETE r } IN TRANSACTIONS OF 10000 ROWS",
                f"MATCH (n:{ROOT_LABEL}) CALL (n) {{ DETACH DELETE n }} IN TRANSACTIONS OF 10000 ROWS",
                f"MATCH (f:{FACT_LABEL}) CALL (f) {{ DELETE f }} IN TRANSACTIONS OF 10000 ROWS",
            ):
                session.run(statement).consume()
        self._bump_version()
        self._keep_facts(None)  # none: so the next write keeps them up to date


class _Staged(Staged):
    """Nodes written a batch per transaction, by ``WRITERS`` threads, each transaction held open:
    other sessions never see them, :meth:`written` commits them and :meth:`drop` rolls them back.
    Meant to run while the load is still being checked, so the writers stop early once it is
    dropped.  A failed staged write leaves nothing (every staged transaction is rolled back) and
    the nodes are written the usual way."""

    def __init__(self, store: Neo4jStore, nodes: Sequence[Node]):
        self.store, self.nodes, self.dropped = store, nodes, False
        self.held: list[list] = []  # [session, transaction, rows, (created, updated)]
        self.lock = Lock()
        self.pool = ThreadPoolExecutor(WRITERS)
        self.work = [self.pool.submit(self._write, job) for job in store._node_jobs(nodes, _WRITE_NODES, now_stamp())]

    def _write(self, job) -> None:
        if self.dropped:
            return
        query, rows, params = job
        held = [self.store.driver.session(database=self.store.database), None, len(rows), None]
        with self.lock:
            self.held.append(held)  # closed with the others, whatever happens next
        tx = held[1] = held[0].begin_transaction()
        record = tx.run(query, rows=rows, **params).single()
        held[3] = (record["created"] or 0, record["updated"] or 0)

    def written(self, progress: Progress | None = None) -> WriteResult | None:
        if self.dropped:
            return None
        try:
            for done in self.work:
                done.result()
        except (Neo4jError, DriverError):
            self.drop()
            return None
        result = WriteResult()

        def commit(held):
            held[1].commit()
            return held

        with self.store._reaching():  # the server's work is mostly done at commit: several at once
            for _, _, rows, (created, updated) in self.pool.map(commit, self.held):
                result.nodes_created += created
                result.nodes_updated += updated
                if progress:
                    progress(rows)
        self._close()
        return result

    def drop(self) -> None:
        self.dropped, self.nodes = True, ()
        wait(self.work)
        for _, tx, *_ in self.held:
            with suppress(Exception):
                tx.rollback()
        self._close()

    def _close(self) -> None:
        for session, *_ in self.held:
            session.close()
        self.work, self.held = [], []
        self.pool.shutdown()
