"""Ingest rosters into a store: read everything, check everything, then write or refuse.

By default any error writes nothing; ``skip_invalid`` writes the valid rows and reports
the rest.  Writes merge on ids and relationship keys, so a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field, replace
from functools import partial
from pathlib import Path

from graph.collector import without_collector
from graph.errors import CellError, ValidationFailed
from graph.records import Node, Relationship, WriteResult
from graph.store import Store
from ingest import parallel
from ingest.mapping import RosterMapping, load_mapping, mapped_reading, mapping_for
from ingest.readers import CITY_SIZED, ReadLimits, Table, read_file, roster_files, told_apart
from ingest.resolve import known_nodes, resolve
from ingest.rows import Collected, Collector, Reading, content


@dataclass
class IngestReport(WriteResult):
    """An ingest's outcome: whether it was clean and written, the rows read, what changed, every
    bad cell, and every cell taken with a remark (``warnings`` never block the write)."""

    ok: bool = False
    written: bool = False
    rows: int = 0
    errors: list[CellError] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)
    preview: list[dict] = field(default_factory=list)  # with dry_run: node by node, what would change

    def as_dict(self, listed: int = 1000) -> dict:
        """The report as JSON; at most ``listed`` errors and warnings are listed, all are counted
        (100,000 bad columns need not make a 13 MB answer)."""
        return {
            "ok": self.ok,
            "written": self.written,
            "rows": self.rows,
            **self.changes(),
            "error_count": len(self.errors),
            "warning_count": len(self.warnings),
            "errors": [e.as_dict() for e in self.errors[:listed]],
            "warnings": [w.as_dict() for w in self.warnings[:listed]],
            "preview": self.preview,
        }


PREVIEW_LIMIT = 2000  # nodes and relationships listed one by one; the counts cover the rest


def preview(store: Store, nodes: list[Node], relationships: list[Relationship]) -> list[dict]:
    """What a write would do, one entry a node or relationship: 新建; 更新 with each changed
    field as [old, new] and the roles added; for a relationship, 结束 when it gains an end date.
    Unchanged ones are left out; at most :data:`PREVIEW_LIMIT` entries."""
    entries = []
    stored = store.nodes(n.id for n in nodes[:PREVIEW_LIMIT])
    for node in nodes[:PREVIEW_LIMIT]:
        old = stored.get(node.id)
        entry = {"kind": "node", "id": node.id, "name": node.properties.get("name")}
        if old is None:
            entries.append({**entry, "action": "新建", "labels": sorted(node.labels), "fields": {}})
            continue
        fields = {
            k: [old.properties.get(k), v] for k, v in content(node.properties).items() if old.properties.get(k) != v
        }
        added = sorted(node.labels - old.labels)
        if fields or added:
            entries.append({**entry, "action": "更新", "labels": added, "fields": fields})
    rels = relationships[: max(0, PREVIEW_LIMIT - len(entries))]
    types = sorted({r.type for r in rels})
    steps = store.expand({r.source for r in rels}, types, 50 * PREVIEW_LIMIT) if types else []
    known = {s.relationship.key: s.relationship for s in steps}
    names = {n.id: n.properties.get("name") for n in nodes}
    ends = {end for rel in rels for end in (rel.source, rel.target)} - set(names)
    names |= {i: n.properties.get("name") for i, n in store.brief(ends).items()}
    for rel in rels:
        old = known.get(rel.key)
        entry = {
            "kind": "relationship",
            "type": rel.type,
            "from": rel.source,
            "to": rel.target,
            "from_name": names.get(rel.source),
            "to_name": names.get(rel.target),
        }
        if old is None:
            entries.append({**entry, "action": "新建", "fields": {}})
            continue
        fields = {
            k: [old.properties.get(k), v] for k, v in content(rel.properties).items() if old.properties.get(k) != v
        }
        if fields:
            entries.append(
                {
                    **entry,
                    "action": "结束" if "until" in fields and not old.properties.get("until") else "更新",
                    "fields": fields,
                }
            )
    return entries


def read_all(paths: Iterable[Path], limits: ReadLimits = CITY_SIZED) -> tuple[list[Table], list[CellError]]:
    """Every table of the files and folders; files of one name are told apart by their folders."""
    files, tables, errors = [], [], []
    for path in paths:
        try:
            files += roster_files(Path(path))
        except ValidationFailed as failed:
            errors.extend(failed.errors)
    for file, label in zip(files, told_apart(files)):
        try:
            tables.extend(replace(table, file=label) for table in read_file(file, limits))
        except ValidationFailed as failed:
            errors.extend(replace(error, file=label) if error.file == file.name else error for error in failed.errors)
    return tables, errors


def reading_for(collector: Collector, table: Table, mapping: RosterMapping | None) -> Reading | None:
    """``table`` read through ``mapping``; without one, through the built-in mapping that reads
    all its columns, else as the standard template it is recognised as."""
    if mapping is not None:
        return mapped_reading(collector, mapping, table)
    if found := mapping_for(collector.onto, table):
        return mapped_reading(collector, found[0], table, found[1])
    return collector.reading(table)


def map_tables(
    store: Store, tables: list[Table], mapping: RosterMapping | None, workers: int = 1, run_rows: int | None = None
) -> Collected:
    """Every table's rows as nodes and pending relationships (see :func:`reading_for`); with
    ``workers`` > 1 and more than ``run_rows`` rows (:data:`ingest.parallel.RUN_ROWS`), read
    in that many processes."""
    run_rows = run_rows or parallel.RUN_ROWS
    if workers > 1 and parallel.can_fork() and sum(len(t.rows) for t in tables) > run_rows:
        plan = partial(reading_for, mapping=mapping)
        return parallel.collect(store.ontology, store.identity_key(), tables, plan, workers, run_rows)
    collector = Collector(store.ontology, store.identity_key())
    for table in tables:
        if reading := reading_for(collector, table, mapping):
            reading.read(collector, reading.rows)
    return collector.out


def ingest(
    store: Store,
    paths: Iterable[Path],
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    mapping: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
    limits: ReadLimits = CITY_SIZED,
    workers: int = 1,
) -> IngestReport:
    """Load roster files or folders into ``store``; never half-writes a refused batch.

    ``mapping`` reads every file through a mapping file instead of the standard templates.
    ``progress(n, total)`` follows the write: ``n`` more of ``total`` records are written.
    ``limits`` bound what one file may hold.  ``workers``: processes that check the rows
    (see :mod:`ingest.parallel`)."""
    try:
        read_through = load_mapping(store.ontology, Path(mapping)) if mapping else None
    except ValidationFailed as failed:
        return IngestReport(ok=False, written=False, rows=0, errors=failed.errors)
    with without_collector():  # the rows, records and graph made here live on: see graph/collector.py
        tables, errors = read_all(paths, limits)
        return ingest_tables(
            store,
            tables,
            errors,
            skip_invalid=skip_invalid,
            dry_run=dry_run,
            mapping=read_through,
            progress=progress,
            workers=workers,
        )


def ingest_tables(
    store: Store,
    tables: list[Table],
    errors: list[CellError] = (),
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    mapping: RosterMapping | None = None,
    progress: Callable[[int, int], None] | None = None,
    workers: int = 1,
) -> IngestReport:
    """:func:`ingest` from tables already read (``errors``: what reading them found), or made in
    memory: a visit recorded on the page is a one-row 联系记录 checked like any roster.  The list
    is emptied as it is read."""
    collected = map_tables(store, tables, mapping, workers)
    tables.clear()  # the raw cells; a city's rosters hold hundreds of megabytes of them
    collected.errors[:0] = errors
    known_nodes(store.ontology, store, collected)
    ahead = not (collected.errors or dry_run or skip_invalid)  # a load already refused, or one that may drop rows
    with store.stage([node for node, _ in collected.nodes.values()] if ahead else []) as staged:
        nodes, relationships = resolve(store.ontology, store, collected, skip_invalid)
        collected.pending.clear()
        errors, warnings = collected.errors, collected.warnings
        if errors and not skip_invalid:
            return IngestReport(ok=False, written=False, rows=collected.rows, errors=errors, warnings=warnings)
        if dry_run:
            would = store.preview(nodes, relationships)
            return IngestReport(
                ok=not errors,
                written=False,
                rows=collected.rows,
                errors=errors,
                warnings=warnings,
                preview=preview(store, nodes, relationships),
                **would.changes(),
            )
        if not staged.nodes:  # a staging made the schema first
            store.ensure_schema()
        total = len(nodes) + len(relationships)
        result: WriteResult = store.write_staged(
            staged, nodes, relationships, progress=(lambda n: progress(n, total)) if progress else None
        )
    return IngestReport(
        ok=not errors, written=True, rows=collected.rows, errors=errors, warnings=warnings, **result.changes()
    )
