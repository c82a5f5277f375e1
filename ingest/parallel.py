"""Reading a large batch's rows in several processes, joined as one process would have read them.

Cleaning and checking each cell (dates, phones, ID numbers, names and their pinyin) is most of
an ingest's Python time and one row's check needs no other row, so runs of :data:`RUN_ROWS`
rows go to worker processes.  Only a node's id looks at other rows (defined before? with the
same content? the same person to join?), so :func:`join` takes a worker's rows in order as it
read them when their nodes are new, and reads a row again here, against every row before it,
when one of its ids was seen before: the nodes, relationships, errors (in the same order) and
warnings come out as from one process.

Workers are forked, so they see the tables and the ontology without copying them; where a
platform cannot fork, the rows are read here.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from functools import partial

from graph.ontology import Ontology
from ingest.readers import Table
from ingest.rows import Collected, Collector, Reading

RUN_ROWS = 10_000

Plan = Callable[[Collector, Table], Reading | None]  # how a table is read (ingest.pipeline.reading_for)

_work: tuple[Ontology, bytes, list[Reading | None]] | None = None  # what forked workers read from


def usable_cores() -> int:
    """The cores this process may run on (a container or ``taskset`` may allow fewer than the machine has)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def can_fork() -> bool:
    return "fork" in multiprocessing.get_all_start_methods()


def collect(
    onto: Ontology, identity_key: bytes, tables: list[Table], plan: Plan, workers: int, run_rows: int = RUN_ROWS
) -> Collected:
    """Every table's rows read by ``workers`` processes, ``run_rows`` rows at a time.

    >>> from graph.ontology import load
    >>> from ingest.readers import Table
    >>> rows = [(n, [f"B{n}", f"基地{n}", "孵化型", "五马街道"]) for n in range(2, 7)]
    >>> table = Table("基地.csv", None, "基地", ["编号", "名称", "类别", "所属镇街"], rows)
    >>> out = collect(load(), b"k", [table], lambda c, t: c.reading(t), workers=2, run_rows=2)
    >>> sorted(out.nodes), out.rows, out.errors
    (['B2', 'B3', 'B4', 'B5', 'B6'], 5, [])
    """
    global _work
    told, readings = [], []  # what each table's header made known, and how its rows are read
    for table in tables:
        collector = Collector(onto, identity_key, deferred=True)
        readings.append(plan(collector, table))
        told.append(collector.out)
    runs = [(i, start) for i, r in enumerate(readings) if r for start in range(0, len(r.rows), run_rows)]
    here = Collector(onto, identity_key)  # reads again the rows whose ids were seen before
    _work = (onto, identity_key, readings)
    try:
        with ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("fork")) as pool:
            parts = pool.map(_read_run, runs, [run_rows] * len(runs))
            for header, reading in zip(told, readings):
                join(here.out, header, [], None)  # its header's errors and warnings; no rows
                for start in range(0, len(reading.rows) if reading else 0, run_rows):
                    rows = reading.rows[start : start + run_rows]
                    join(here.out, _as_here(onto, next(parts)), rows, partial(reading.read, here))
    finally:
        _work = None
    return here.out


def join(out: Collected, part: Collected, rows: list, again: Callable[[list], None] | None) -> None:
    """Add to ``out`` what a deferred collector read from ``rows``, the rows after those ``out``
    holds: a row whose nodes are all new as it was read; a row with an id seen before, or twice
    in it, read ``again`` into ``out``, so that it is merged or refused as one process would."""
    begin = part.starts[0][1] if part.starts else part.mark()
    out.errors += part.errors[: begin[0]]  # the table's own: its header
    out.warnings += part.warnings[: begin[1]]
    out.derived |= part.derived  # an id made from an identity is only ever made from that identity
    made = [node.id for node, _ in part.added[begin[3] :]]
    if len(set(made)) == len(made) and not any(i in out.nodes for i in made):  # every row as it was read
        _take(out, part, begin, part.mark(), [origin for origin, _ in part.starts])
        return
    ends = [start for _, start in part.starts[1:]] + [part.mark()]
    for row, (origin, start), end in zip(rows, part.starts, ends):
        nodes = part.added[start[3] : end[3]]
        ids = {node.id for node, _ in nodes}
        if len(ids) < len(nodes) or any(i in out.nodes for i in ids):
            again([row])
        else:
            _take(out, part, start, end, [origin])


def _take(out: Collected, part: Collected, start: tuple, end: tuple, origins: list) -> None:
    """The rows of ``origins`` as ``part`` read them, between its marks ``start`` and ``end``."""
    out.rows += len(origins)
    out.errors += part.errors[start[0] : end[0]]
    out.warnings += part.warnings[start[1] : end[1]]
    out.pending += part.pending[start[2] : end[2]]
    out.nodes.update((node.id, (node, where)) for node, where in part.added[start[3] : end[3]])
    out.bad.update(origin for origin in origins if origin in part.bad)


def _read_run(run: tuple[int, int], run_rows: int) -> Collected:
    """In a worker: one run of a table's rows; relationship types travel by name."""
    onto, identity_key, readings = _work
    table, start = run
    collector = Collector(onto, identity_key, deferred=True)
    reading = readings[table]
    reading.read(collector, reading.rows[start : start + run_rows])
    for pending in collector.out.pending:
        pending.type = pending.type.name
    return collector.out


def _as_here(onto: Ontology, part: Collected) -> Collected:
    for pending in part.pending:
        pending.type = onto.relationships[pending.type]
    return part
