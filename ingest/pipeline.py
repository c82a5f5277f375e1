"""Ingest rosters into a store: read everything, check everything, then write or refuse.

By default any error writes nothing; ``skip_invalid`` writes the valid rows and reports
the rest.  Writes merge on ids and relationship keys, so a second run changes nothing.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import CellError, ValidationFailed
from graph.records import WriteResult
from graph.store import Store
from ingest.mapping import RosterMapping, apply_mapping, load_mapping
from ingest.readers import Table, read_file, roster_files
from ingest.resolve import resolve
from ingest.rows import Collected, Collector


@dataclass
class IngestReport(WriteResult):
    """An ingest's outcome: whether it was clean and written, the rows read, what changed, every
    bad cell, and every cell taken with a remark (``warnings`` never block the write)."""

    ok: bool = False
    written: bool = False
    rows: int = 0
    errors: list[CellError] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)

    def as_dict(self) -> dict:
        return {
            "ok": self.ok,
            "written": self.written,
            "rows": self.rows,
            **self.changes(),
            "errors": [e.as_dict() for e in self.errors],
            "warnings": [w.as_dict() for w in self.warnings],
        }


def read_all(paths: Iterable[Path]) -> tuple[list[Table], list[CellError]]:
    tables, errors = [], []
    for path in paths:
        try:
            files = roster_files(Path(path))
        except ValidationFailed as failed:
            errors.extend(failed.errors)
            continue
        for file in files:
            try:
                tables.extend(read_file(file))
            except ValidationFailed as failed:
                errors.extend(failed.errors)
    return tables, errors


def map_tables(store: Store, tables: list[Table], mapping: RosterMapping | None) -> Collected:
    """Standard templates by file or sheet name, or every table through ``mapping``."""
    collector = Collector(store.ontology, store.identity_key())
    for table in tables:
        if mapping is None:
            collector.add_table(table)
        else:
            apply_mapping(collector, mapping, table)
    return collector.out


def ingest(
    store: Store,
    paths: Iterable[Path],
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    mapping: Path | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> IngestReport:
    """Load roster files or folders into ``store``; never half-writes a refused batch.

    ``mapping`` reads every file through a mapping file instead of the standard templates.
    ``progress(n, total)`` follows the write: ``n`` more of ``total`` records are written."""
    try:
        read_through = load_mapping(store.ontology, Path(mapping)) if mapping else None
    except ValidationFailed as failed:
        return IngestReport(ok=False, written=False, rows=0, errors=failed.errors)
    tables, errors = read_all(paths)
    collected = map_tables(store, tables, read_through)
    del tables  # the raw cells; a city's rosters hold hundreds of megabytes of them
    collected.errors[:0] = errors
    nodes, relationships = resolve(store.ontology, store, collected, skip_invalid)
    collected.pending.clear()
    errors, warnings = collected.errors, collected.warnings
    if errors and not skip_invalid:
        return IngestReport(ok=False, written=False, rows=collected.rows, errors=errors, warnings=warnings)
    if dry_run:
        would = store.preview(nodes, relationships)
        return IngestReport(
            ok=not errors, written=False, rows=collected.rows, errors=errors, warnings=warnings, **would.changes()
        )
    store.ensure_schema()
    total = len(nodes) + len(relationships)
    result: WriteResult = store.write(
        nodes, relationships, progress=(lambda n: progress(n, total)) if progress else None
    )
    return IngestReport(
        ok=not errors, written=True, rows=collected.rows, errors=errors, warnings=warnings, **result.changes()
    )
