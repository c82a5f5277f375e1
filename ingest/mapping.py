"""Rosters in other layouts, read through a mapping file (YAML).

A mapping says which columns of a roster make which nodes (through the standard
templates, so every cell is cleaned and checked the same way) and which relationships
join them.  One row of a 同心荟成员名单, say, gives a person, their employer, MEMBER_OF
and WORKS_FOR.  See ``data/mappings/`` for two examples with their rosters.

The format::

    name: 同心荟成员名单
    header_row: 2                 # the row that holds the headers (default 1)
    sheet: 成员名单               # for a workbook: the sheet to read (default: every sheet)
    nodes:
      person:                     # a name for the node, used by relationships below
        template: people          # the standard template whose columns the node fills
        columns: {id: 人员编号, name: 姓名, phone: 联系电话}   # template column: roster header
        values: {roles: 新阶层人士}                             # template column: fixed value
    relationships:
      - type: MEMBER_OF           # English or Chinese name
        source: person            # a node above, or {column: header}
        target: {column: 所属同心荟}   # a cell with an id, a name or a short name (抖音之家), or several
        columns: {role: 会内职务, since: 入会时间}              # relationship template columns

A header may be a list of the names offices give that column (``name: [领导姓名, 联系领导]``):
the first one the roster has is read.  A node whose id and name cells are both blank is not
made (a member without an employer, say), nor are its relationships.

The mappings in ``data/mappings/`` are built in: a sheet that has every column one of them
reads (headers compared as :func:`ingest.templates.header_key` compares them, the header row
searched as :mod:`ingest.sheets` searches it) is read through it with no ``--mapping``.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from graph.errors import CellError, ValidationFailed
from graph.ontology import Ontology, RelationshipType, Template
from graph.values import is_blank
from ingest.readers import Table, cell_text
from ingest.rows import Collector, Origin, Reading
from ingest.sheets import LOOK_AHEAD, best_fit, explain, rows_only
from ingest.templates import columns, header_key, template_for

FIXED = "（映射文件）"


@dataclass(frozen=True)
class NodeSpec:
    key: str
    template: Template
    columns: dict[str, str]
    values: dict[str, str]


@dataclass(frozen=True)
class EdgeSpec:
    type: RelationshipType
    source: str | dict
    target: str | dict
    columns: dict[str, str]


@dataclass(frozen=True)
class RosterMapping:
    name: str
    header_row: int
    sheet: str | None
    nodes: dict[str, NodeSpec]
    edges: list[EdgeSpec]
    optional: frozenset[str] = frozenset()  # headers a roster may lack
    path: str = ""

    @property
    def headers(self) -> list[tuple[str, ...]]:
        """Every column the mapping reads, each as the headers that may name it."""
        found = [h for n in self.nodes.values() for h in n.columns.values()]
        for edge in self.edges:
            found += list(edge.columns.values())
            found += [end["column"] for end in (edge.source, edge.target) if isinstance(end, dict)]
        return list(dict.fromkeys(_names(h) for h in found))

    def index(self, headers: list[str]) -> dict[str, int] | None:
        """Where each column the mapping reads is, by the name the mapping gives it first;
        None when one that is not optional is missing."""
        where = {header_key(h): i for i, h in enumerate(headers) if h}
        found = {}
        for names in self.headers:
            i = next((where[header_key(n)] for n in names if header_key(n) in where), None)
            if i is not None:
                found[names[0]] = i
            elif not self.optional & set(names):
                return None
        return found


def _names(header: str | list) -> tuple[str, ...]:
    return tuple(header) if isinstance(header, list) else (header,)


def _first(header: str | list) -> str:
    return _names(header)[0]


BUILT_IN = Path(__file__).resolve().parents[1] / "data" / "mappings"


@cache
def built_in(onto: Ontology) -> tuple[RosterMapping, ...]:
    """The mappings shipped in ``data/mappings/``, in file-name order."""
    return tuple(load_mapping(onto, path) for path in sorted(BUILT_IN.glob("*.yaml")))


def mapping_for(onto: Ontology, table: Table) -> tuple[RosterMapping, int] | None:
    """The built-in mapping that reads every column it needs from ``table``, with its header
    row; none when a standard template names more of the table's columns (a contact log has
    联系领导 and 联系对象, as a 列名联系一览表 does, and a date besides)."""
    lines = [(table.header_row, table.headers), *table.rows[:LOOK_AHEAD]]
    fits = []
    for mapping in built_in(onto):
        if mapping.sheet and table.sheet not in (None, mapping.sheet):
            continue
        for number, cells in lines:
            index = mapping.index([cell_text(c) for c in cells])
            if index is not None:
                fits.append((len(index), mapping, number))
                break
    if not fits:
        return None
    count, mapping, number = max(fits, key=lambda fit: fit[0])
    return (mapping, number) if count >= best_fit(onto, table)[0] else None


def load_mapping(onto: Ontology, path: Path) -> RosterMapping:
    """Read and check a mapping file; every mistake in it is reported at once."""
    problems: list[str] = []
    try:
        spec = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise _refuse(path, [f"无法读取映射文件：{exc}"]) from None
    if not isinstance(spec, dict) or not isinstance(spec.get("nodes") or {}, dict):
        raise _refuse(path, ["映射文件的 nodes（节点）一节应为 节点名: 设置"])
    nodes = {key: _node(onto, key, node, problems) for key, node in (spec.get("nodes") or {}).items()}
    edges = [_edge(onto, nodes, i, edge, problems) for i, edge in enumerate(spec.get("relationships") or [], 1)]
    if problems:
        raise _refuse(path, problems)
    return RosterMapping(
        str(spec.get("name") or path.stem),
        int(spec.get("header_row") or 1),
        spec.get("sheet"),
        nodes,
        edges,
        frozenset(spec.get("optional") or ()),
        str(path),
    )


def _refuse(path: Path, problems: list[str]) -> ValidationFailed:
    return ValidationFailed([CellError(path.name, None, None, None, p) for p in problems])


def _node(onto: Ontology, key: str, spec: dict, problems: list[str]) -> NodeSpec | None:
    template = template_for(onto, str(spec.get("template", "")))
    if template is None or template.label is None:
        node_templates = "、".join(t.name for t in onto.templates.values() if t.label is not None)
        problems.append(f"节点「{key}」的 template 应为节点名册之一：{node_templates}")
        return None
    known = columns(onto, template)
    cols, values = dict(spec.get("columns") or {}), dict(spec.get("values") or {})
    for name in list(cols) + list(values):
        if name not in known:
            problems.append(f"节点「{key}」：「{template.zh}」名册没有「{name}」这一列")
    if "id" not in cols and not onto.labels[template.label].identity:
        problems.append(f"节点「{key}」必须指明编号（id）所在的列")
    return NodeSpec(key, template, cols, values)


def _edge(onto: Ontology, nodes: dict, number: int, spec: dict, problems: list[str]) -> EdgeSpec | None:
    rel = onto.relationship(str(spec.get("type", "")))
    if rel is None:
        problems.append(f"第 {number} 个关系：未知关系类型「{spec.get('type')}」")
        return None
    for end in ("source", "target"):
        ref = spec.get(end)
        if isinstance(ref, dict) and "column" in ref:  # `by: id|name` of older mapping files: both work now
            continue
        if ref not in nodes:
            problems.append(f"第 {number} 个关系的 {end} 应为上面的节点名，或 {{column: 列名}}")
    usable = {p.column or p.name for p in rel.properties.values()}
    for name in spec.get("columns") or {}:
        if name not in usable:
            problems.append(f"第 {number} 个关系：「{rel.zh}」关系没有「{name}」这一项")
    return EdgeSpec(rel, spec.get("source"), spec.get("target"), dict(spec.get("columns") or {}))


def explain_table(onto: Ontology, table: Table) -> dict:
    """How ``table`` would be read with no ``--mapping``: through a built-in mapping (named, with
    its file to copy and edit) or as :func:`ingest.sheets.explain` says."""
    found = mapping_for(onto, table)
    if found is None:
        return explain(onto, table)
    mapping, header_row = found
    read = rows_only(table.at(header_row))
    return {
        "file": table.file,
        **({"sheet": table.sheet} if table.sheet else {}),
        "name": mapping.name,
        "mapping": mapping.path,
        "header_row": header_row,
        "rows": len(read.rows),
        "columns": {name: read.headers[i] for name, i in (mapping.index(read.headers) or {}).items()},
    }


def mapped_reading(
    collector: Collector, mapping: RosterMapping, table: Table, header_row: int | None = None
) -> Reading | None:
    """How each row of ``table`` becomes nodes and relationships; None, told, when the table
    lacks a column the mapping reads."""
    if mapping.sheet and table.sheet not in (None, mapping.sheet):
        return None
    header_row = header_row or mapping.header_row
    split = rows_only(table.at(header_row))
    index = mapping.index(split.headers)
    if index is None:
        present = {header_key(h) for h in split.headers if h}
        for names in mapping.headers:
            if not present & {header_key(n) for n in names}:
                collector.out.errors.append(
                    table.error(f"缺少映射文件「{mapping.name}」要求的列「{'/'.join(names)}」", header_row, names[0])
                )
        return None
    return Reading(split.rows, lambda into, rows: _map_rows(into, mapping, table, index, rows))


def _map_rows(collector: Collector, mapping: RosterMapping, table: Table, index: dict[str, int], rows: list) -> None:
    for number, cells in rows:
        origin = Origin(table.file, table.sheet, number)
        collector.begin_row(origin)
        cell = _reader(index, cells)
        made = {key: _make_node(collector, spec, origin, cell) for key, spec in mapping.nodes.items()}
        for edge in mapping.edges:
            _make_edge(collector, edge, origin, cell, made)


def _reader(index: dict[str, int], cells: list):
    def cell(header: str):
        i = index.get(header, len(cells))
        value = cells[i] if i < len(cells) else None
        return None if is_blank(value) else value

    return cell


def _make_node(collector: Collector, spec: NodeSpec, origin: Origin, cell) -> str | None:
    record = {
        name: (_first(header), cell(_first(header)))
        for name, header in spec.columns.items()
        if cell(_first(header)) is not None
    }
    if not {"id", "name"} & set(record):
        return None
    record |= {name: (FIXED, value) for name, value in spec.values.items()}
    return collector.node(spec.template, origin, record, {k: _first(h) for k, h in spec.columns.items()})


def _make_edge(collector: Collector, spec: EdgeSpec, origin: Origin, cell, made: dict) -> None:
    ends = []
    for ref in (spec.source, spec.target):
        if isinstance(ref, dict):
            value = cell(_first(ref["column"]))
            ends.append(None if value is None else (_first(ref["column"]), value))
        else:
            ends.append(None if made.get(ref) is None else (None, made[ref]))
    if None in ends:
        return
    record = {
        name: (_first(header), cell(_first(header)))
        for name, header in spec.columns.items()
        if cell(_first(header)) is not None
    }
    collector.edge(spec.type, origin, ends[0], ends[1], record)
