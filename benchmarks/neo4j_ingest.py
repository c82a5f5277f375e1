"""What a Neo4j user would do instead of ``tongxin ingest``, on the same rows and constraints.

``load_csv``: the cleaned rows as one CSV per label set and per relationship type, loaded with
``LOAD CSV … CALL (row) {MERGE …} IN TRANSACTIONS``.  ``naive``: one auto-commit ``MERGE`` per row.
Both are given rows this project already validated, normalised and keyed, so they do less
work than ``tongxin ingest`` (which reads the raw rosters); the comparison is on rows/s.
"""

from __future__ import annotations

import csv
import json
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from benchmarks.measure import per_s
from graph.embedded import EmbeddedStore
from graph.neo4j_store import Neo4jStore
from graph.ontology import ROOT_LABEL, load
from graph.records import Node, Relationship, now_stamp
from graph.settings import open_store, settings_from_env
from ingest.pipeline import map_tables, read_all
from ingest.resolve import resolve

TRANSACTION_ROWS = 10000


def clean_records(folder: Path) -> tuple[list[Node], list[Relationship]]:
    """The nodes and relationships ``tongxin ingest`` would write into an empty store."""
    onto = load()
    tables, errors = read_all([folder])
    with tempfile.TemporaryDirectory() as empty:
        store = EmbeddedStore(Path(empty), onto)
        collected = map_tables(store, tables, None)
        nodes, rels = resolve(onto, store, collected, False)
    if errors or collected.errors:
        raise SystemExit(f"the dataset has errors: {(errors + collected.errors)[:3]}")
    return nodes, rels


def _conversion(value) -> str:
    if isinstance(value, bool):
        return "toBoolean({})"
    if isinstance(value, int):
        return "toInteger({})"
    if isinstance(value, float):
        return "toFloat({})"
    if isinstance(value, list):
        return "split({}, ';')"
    return "{}"


def _cell(value):
    if isinstance(value, list):
        return ";".join(map(str, value))
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def _write(path: Path, records: list, props) -> dict[str, str]:
    """One CSV of the records' properties; the Cypher conversion of each column."""
    keys = sorted({k for r in records for k in props(r)})
    kinds = {}
    for record in records:
        for k, v in props(record).items():
            kinds.setdefault(k, _conversion(v))
    with open(path, "w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(["_id", "_from", "_to", "_key", *keys])
        for r in records:
            ends = [r.id, "", "", ""] if isinstance(r, Node) else ["", r.source, r.target, r.key]
            writer.writerow([*ends, *[_cell(props(r).get(k, "")) for k in keys]])
    return {k: kinds[k] for k in keys}


def _sets(var: str, kinds: dict[str, str]) -> str:
    return ", ".join(f"{var}.`{k}` = " + kind.format(f"row.`{k}`") for k, kind in kinds.items())


def write_load_csv(nodes: list[Node], rels: list[Relationship], import_dir: Path) -> list[str]:
    """CSV files in the server's import folder and the LOAD CSV statements that read them."""
    import_dir.mkdir(parents=True, exist_ok=True)
    statements = []
    by_labels, by_type = defaultdict(list), defaultdict(list)
    for node in nodes:
        by_labels[tuple(sorted(node.labels))].append(node)
    for rel in rels:
        by_type[rel.type].append(rel)
    for i, (labels, group) in enumerate(sorted(by_labels.items())):
        kinds = _write(
            import_dir / f"nodes{i}.csv", group, lambda n: {k: v for k, v in n.properties.items() if k != "id"}
        )
        statements.append(
            f"LOAD CSV WITH HEADERS FROM 'file:///nodes{i}.csv' AS row CALL (row) {{ "
            f"MERGE (n:{ROOT_LABEL} {{id: row._id}}) SET n:{':'.join(labels)}, {_sets('n', kinds)}, "
            f"n.ingested_at = $stamp }} IN TRANSACTIONS OF {TRANSACTION_ROWS} ROWS"
        )
    for type_, group in sorted(by_type.items()):
        kinds = _write(import_dir / f"rels_{type_}.csv", group, lambda r: r.properties)
        statements.append(
            f"LOAD CSV WITH HEADERS FROM 'file:///rels_{type_}.csv' AS row CALL (row) {{ "
            f"MATCH (a:{ROOT_LABEL} {{id: row._from}}) MATCH (b:{ROOT_LABEL} {{id: row._to}}) "
            f"MERGE (a)-[r:{type_} {{key: row._key}}]->(b) SET {_sets('r', kinds)}, r.ingested_at = $stamp "
            f"}} IN TRANSACTIONS OF {TRANSACTION_ROWS} ROWS"
        )
    return statements


def load_csv(store: Neo4jStore, statements: list[str]) -> float:
    """Seconds to run the LOAD CSV statements (auto-commit, as CALL … IN TRANSACTIONS needs)."""
    stamp = now_stamp()
    start = time.perf_counter()
    with store.driver.session(database=store.database) as session:
        for statement in statements:
            session.run(statement, stamp=stamp).consume()
    return time.perf_counter() - start


def naive(store: Neo4jStore, nodes: list[Node], rels: list[Relationship], budget: float) -> tuple[int, float]:
    """One auto-commit MERGE per row, nodes first, until ``budget`` seconds pass: (rows, seconds)."""
    stamp, done = now_stamp(), 0
    start = time.perf_counter()
    with store.driver.session(database=store.database) as session:
        for node in nodes:
            session.run(
                f"MERGE (n:{ROOT_LABEL} {{id: $id}}) SET n:{':'.join(sorted(node.labels))}, "
                "n += $props, n.ingested_at = $stamp",
                id=node.id,
                props=node.properties,
                stamp=stamp,
            ).consume()
            done += 1
            if time.perf_counter() - start > budget:
                return done, time.perf_counter() - start
        for rel in rels:
            session.run(
                f"MATCH (a:{ROOT_LABEL} {{id: $from}}) MATCH (b:{ROOT_LABEL} {{id: $to}}) "
                f"MERGE (a)-[r:{rel.type} {{key: $key}}]->(b) SET r += $props, r.ingested_at = $stamp",
                {"from": rel.source, "to": rel.target, "key": rel.key, "props": rel.properties, "stamp": stamp},
            ).consume()
            done += 1
            if time.perf_counter() - start > budget:
                break
    return done, time.perf_counter() - start


def main(uri: str, folder: str, import_dir: str, naive_seconds: str) -> None:
    """In a process of its own, so the rows it holds are freed before ``tongxin ingest`` runs:
    writes the LOAD CSV files, runs the naive loop into the (cleared) database, prints both."""
    nodes, rels = clean_records(Path(folder))
    statements = write_load_csv(nodes, rels, Path(import_dir))
    with open_store(settings_from_env(uri)) as store:
        done, seconds = naive(store, nodes, rels, float(naive_seconds))
    print(
        json.dumps(
            {"statements": statements, "records": len(nodes) + len(rels), "naive": per_s(done, seconds)},
            ensure_ascii=False,
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
