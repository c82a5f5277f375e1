"""Turn template rows into nodes and pending relationships, checking every cell.

Relationships stay *pending* until :mod:`ingest.resolve` has seen every file, because a
row may name a node defined in a later file or already in the store.
"""

from __future__ import annotations

import hmac
import re
from collections.abc import Callable
from dataclasses import dataclass, field

from graph.errors import CellError
from graph.names import name_keys
from graph.ontology import ROOT_LABEL, Ontology, Property, RelationshipType, Template
from graph.records import Node
from graph.spreadsheet import looks_like_a_formula
from graph.values import UnknownWord, clean_list, clean_name, id_number_says, is_blank
from ingest.employers import split_position
from ingest.readers import Table
from ingest.sheets import recognise
from ingest.templates import PROVENANCE, Column, column_for, columns, fold, role_labels


@dataclass(frozen=True)
class Origin:
    file: str
    sheet: str | None
    row: int

    def error(self, column: str | None, message: str, value=None) -> CellError:
        return CellError(self.file, self.sheet, self.row, column, message, None if value is None else str(value))

    def provenance(self) -> dict:
        found = {"source_file": self.file, "source_sheet": self.sheet, "source_row": self.row}
        return {k: v for k, v in found.items() if v is not None}


@dataclass
class Pending:
    """A relationship whose ends are still what a roster wrote: an id, a name or a short name."""

    type: RelationshipType
    source: str
    target: str
    properties: dict
    origin: Origin
    source_column: str | None
    target_column: str
    name_property: str | None = None
    create: Node | None = None  # the target to make when the store and the batch do not know it


@dataclass
class Collected:
    nodes: dict[str, tuple[Node, Origin]] = field(default_factory=dict)
    pending: list[Pending] = field(default_factory=list)
    errors: list[CellError] = field(default_factory=list)
    warnings: list[CellError] = field(default_factory=list)
    bad: set[Origin] = field(default_factory=set)
    derived: dict[str, tuple[str, int]] = field(default_factory=dict)  # id made here → (label, identity key used)
    rows: int = 0
    # Read by a deferred collector (see Collector): the nodes in row order, and where each row's part begins.
    added: list[tuple[Node, Origin]] = field(default_factory=list)
    starts: list[tuple[Origin, tuple[int, int, int, int]]] = field(default_factory=list)

    def mark(self) -> tuple[int, int, int, int]:
        return len(self.errors), len(self.warnings), len(self.pending), len(self.added)

    def fail(self, origin: Origin, column: str | None, message: str, value=None) -> None:
        """A row that cannot be written: its key, a required cell or a reference is wrong."""
        self.errors.append(origin.error(column, message, value))
        self.bad.add(origin)

    def drop(self, origin: Origin, column: str | None, message: str, value=None) -> None:
        """An optional cell that cannot be read: an error, but with ``--skip-invalid`` the row
        is written without it."""
        self.errors.append(origin.error(column, message, value))

    def warn(self, origin: Origin, column: str | None, message: str, value=None) -> None:
        """A cell taken, with something staff should know; never blocks the write."""
        self.warnings.append(origin.error(column, message, value))


_KEPT_AS_WRITTEN = {"string", "text", "name", "list", "enum"}  # value types whose words are stored as staff wrote them
_REFS = re.compile(r"[、，,；;/\n]+")  # between the names in a cell that names several nodes


def joined(items) -> str:
    return "、".join(items)


def derived_id(key: bytes, label: str, parts: dict) -> str:
    """The id of a node known by who it is rather than by an id: a keyed hash (HMAC-SHA256) of
    its identity, which says nothing of it and cannot be guessed back without the key.

    >>> derived_id(b"k", "Person", {"id_number": "330302198503120015"})
    'P-473DEA5EFD02'
    """
    text = "|".join(f"{name}={value}" for name, value in parts.items())
    return f"{label[0]}-{hmac.new(key, text.encode(), 'sha256').hexdigest()[:12].upper()}"


@dataclass
class Reading:
    """A table's rows and how a collector reads a run of them, once its header is understood:
    :mod:`ingest.parallel` hands the runs to several processes."""

    rows: list[tuple[int, list]]
    read: Callable[[Collector, list[tuple[int, list]]], None]


class Collector:
    """Reads rows into :attr:`out`.  ``deferred``: each row's nodes are kept in ``out.added``,
    not checked against the nodes before them, which another process may have read; see
    :func:`ingest.parallel.join`."""

    def __init__(self, onto: Ontology, identity_key: bytes, deferred: bool = False):
        self.onto, self.identity_key, self.deferred = onto, identity_key, deferred
        self.out = Collected()

    def begin_row(self, origin: Origin) -> None:
        self.out.rows += 1
        if self.deferred:
            self.out.starts.append((origin, self.out.mark()))

    def reading(self, table: Table) -> Reading | None:
        """How ``table``'s rows are read; None, told in :attr:`out`, when they cannot be."""
        found = recognise(self.onto, table)
        template, table = found.template, found.table
        where = f"工作表「{table.sheet}」" if table.sheet else f"文件「{table.file}」"
        if found.summary:
            self.out.warnings.append(table.error(f"{where}看起来是汇总表，不是名册，未读取"))
            return None
        if template is None:
            known = joined(f"{t.zh}（{t.name}）" for t in self.onto.templates.values())
            self.out.errors.append(
                table.error(
                    f"无法识别{where}是哪种名册：表头中找不到名册的列（如 姓名、人员类别、名称）。请把文件或工作表"
                    f"命名为 {known} 之一，或让表头使用空白模板的列名，或用 --mapping 指定映射文件"
                )
            )
            return None
        for number in table.hidden:
            if number > table.header_row:
                self.out.warn(
                    Origin(table.file, table.sheet, number),
                    None,
                    "这一行在 Excel 中被隐藏（常用于已调离、已退出的人员），未导入；如需导入请取消隐藏后重新上传",
                )
        header = self._header(table, template)
        if header is None:
            return None
        written = {column.name: table.headers[i] for i, column in header.items()}
        return Reading(table.rows, lambda collector, rows: collector.read_rows(template, table, header, written, rows))

    def read_rows(self, template: Template, table: Table, header: dict[int, Column], written: dict, rows: list) -> None:
        for number, cells in rows:
            origin = Origin(table.file, table.sheet, number)
            self.begin_row(origin)
            record = {
                header[i].name: (table.headers[i], cell)
                for i, cell in enumerate(cells)
                if i in header and not is_blank(cell)
            }
            if template.label is not None:
                self.node(template, origin, record, written)
            else:
                self._edge_row(template, origin, record, written)

    def _header(self, table: Table, template: Template) -> dict[int, Column] | None:
        header, ok = {}, True
        for i, text in enumerate(table.headers):
            if not text:
                continue
            column = column_for(self.onto, template, text)
            if column is None:
                ok = False
                self.out.errors.append(
                    table.error(f"未知列「{text}」，「{template.zh}」名册没有这一列", table.header_row, text)
                )
            else:
                header[i] = column
        present = {c.name for c in header.values()}
        for column in columns(self.onto, template).values():
            if column.required and column.name not in present:
                ok = False
                self.out.errors.append(table.error(f"缺少必填列「{column.zh}」（{column.name}）", table.header_row))
        return header if ok else None

    def _missing(self, template: Template, origin: Origin, record: dict, written: dict) -> bool:
        missing = [c for c in columns(self.onto, template).values() if c.required and c.name not in record]
        for column in missing:
            self.out.fail(origin, written.get(column.name, column.zh), f"必填项「{column.zh}」为空", "")
        return bool(missing)

    # -- node rows ------------------------------------------------------------------

    def node(self, template: Template, origin: Origin, record: dict, written: dict) -> str | None:
        """Add the node a row describes; its id, or None when the row was refused.

        ``record`` maps template column names to (header as written, raw cell);
        ``written`` names the file's header of every column, for errors on blank cells."""
        missing = self._missing(template, origin, record, written)  # the other cells are still checked
        labels = self._labels(template, origin, record)
        props, links, named = {}, [], []
        for name, (header, raw) in record.items():
            column = columns(self.onto, template)[name]
            if column.link is not None and not self._instead(column.link, labels, props, header, raw):
                named.append((column, header, raw))
            if column.prop is None:
                continue
            if column.label not in labels:
                self.out.drop(origin, header, f"「{column.zh}」只适用于{self.onto.labels[column.label].zh}", raw)
                continue
            otherwise = columns(self.onto, template)[column.prop.otherwise].prop if column.prop.otherwise else None
            if not self._clean(column.prop, props, origin, header, raw, column.required, otherwise):
                continue
            if column.prop.link:
                links.append((column.prop, header))
        if "name" not in record and not missing and self.onto.labels[template.label].named_by:
            missing = not self._named(template, props, origin)
        if "id" not in props and not missing:
            props["id"] = self._identified(template, props, origin)
        if missing or props.get("id") is None:
            return None
        self._check_id_number(props, origin, record)
        keys = name_keys(props["name"], person="Person" in labels) if "name" in props else {}
        node = Node(props["id"], frozenset(labels), {**props, **keys, **origin.provenance()})
        if not self._add_node(node, origin, record.get("id", ("编号",))[0]) or origin in self.out.bad:
            return None
        for column, header, raw in named:  # 所属同心荟, 联系领导: other nodes by name or id
            rel = self.onto.relationships[column.link["relationship"]]
            this = (None, node.id)
            if "create" in column.link:
                self._employer(column.link, rel, origin, node, header, raw)
                continue
            ends = ((header, raw), this) if column.link.get("reverse") else (this, (header, raw))
            self.edge(rel, origin, *ends, {})
        for prop, header in links:
            self.out.pending.append(
                Pending(
                    self.onto.relationships[prop.link],
                    node.id,
                    props[prop.name],
                    {},
                    origin,
                    None,
                    header,
                    name_property=prop.name,
                )
            )
        return node.id

    def _named(self, template: Template, props: dict, origin: Origin) -> bool:
        """A row without a name is named by the values its label's ``named_by`` gives, when it
        gives them all (a base's figure: base, period, metric); told when it does not."""
        label = self.onto.labels[template.label]
        parts = [props.get(name) for name in label.named_by]
        if all(parts):
            props["name"] = " ".join(str(part) for part in parts)
            return True
        zh, ways = label.properties["name"].zh, "、".join(label.properties[n].zh for n in label.named_by)
        self.out.fail(origin, zh, f"必填项「{zh}」为空，也没有填全「{ways}」", "")
        return False

    def _instead(self, link: dict, labels: set[str], props: dict, header: str, raw) -> bool:
        """A 工作单位及职务 cell on a row whose kind keeps it as properties (a leader's 单位 and 职务)."""
        for label, names in (link.get("instead") or {}).items():
            if label in labels:
                unit, position = split_position(raw)
                props.setdefault(names["unit"], unit)
                if position and "position" in names:
                    props.setdefault(names["position"], position)
                return True
        return False

    def _employer(self, link: dict, rel: RelationshipType, origin: Origin, node: Node, header: str, raw) -> None:
        """WORKS_FOR the unit a 工作单位及职务 cell names, with the position it gives (else the row's
        职务); a unit the store and the batch do not know is made, known by its name."""
        unit, position = split_position(raw)
        try:
            unit = clean_name(unit)
        except ValueError as exc:
            self.out.fail(origin, header, str(exc), raw)
            return
        label = self.onto.labels[link["create"]]
        made = derived_id(self.identity_key, label.name, {"name": unit})
        labels = frozenset(set(label.lineage) - {ROOT_LABEL})
        new = Node(made, labels, {"id": made, "name": unit, **name_keys(unit), **origin.provenance()})
        position = position or node.properties.get(link.get("row_position", ""))
        props = {link["position"]: position} if position else {}
        self.out.pending.append(Pending(rel, node.id, unit, props, origin, None, header, create=new))

    def _clean(
        self, prop: Property, props: dict, origin: Origin, header: str, raw, required: bool, otherwise=None
    ) -> bool:
        """Put the cell's value into ``props``; False, with the reason told, when it cannot be read.

        A word outside an open vocabulary is kept as written, with a warning; so is a value
        of the ``otherwise`` property's kind, in that property; a bad required cell refuses
        the row, a bad optional one only itself."""
        if prop.type in _KEPT_AS_WRITTEN and looks_like_a_formula(raw):
            self.out.warn(origin, header, "这一格看起来是公式，已按文字保存（导出的表格中也只作文字，不会被执行）", raw)
        try:
            props[prop.name] = prop.clean(raw)
        except ValueError as exc:
            if isinstance(exc, UnknownWord) and prop.open:
                props[prop.name] = exc.word
                usual = joined(prop.values)
                self.out.warn(
                    origin, header, f"「{exc.word}」不在「{prop.zh}」的常用值（{usual}）中，已按原样保存", raw
                )
                return True
            if otherwise is not None and otherwise.name not in props:
                try:
                    props[otherwise.name] = otherwise.clean(raw)
                except ValueError:
                    pass
                else:
                    self.out.warn(origin, header, f"「{raw}」不是{prop.zh}，已存为「{otherwise.zh}」", raw)
                    return True
            (self.out.fail if required else self.out.drop)(origin, header, str(exc), raw)
            return False
        return True

    def _identified(self, template: Template, props: dict, origin: Origin) -> str | None:
        """The id of a row given without one, from the first identity it fills; None, told, when it fills none."""
        label = self.onto.labels[template.label]
        for rank, key in enumerate(label.identity):
            if all(name in props for name in key):
                made = derived_id(self.identity_key, label.name, {name: props[name] for name in key})
                self.out.derived[made] = (label.name, rank)
                return made
        if label.identity:
            ways = "；或".join("、".join(label.properties[n].zh for n in key) for key in label.identity)
            self.out.fail(origin, None, f"这一行没有编号，也无法确定是谁：请填写编号，或填写{ways}")
        return None

    def _check_id_number(self, props: dict, origin: Origin, record: dict) -> None:
        """An ID number that contradicts the row's gender or birth year: one of them is mistyped."""
        if "id_number" not in props:
            return
        for name, says in id_number_says(props["id_number"]).items():
            if name in props and props[name] != says:
                header = record["id_number"][0]
                self.out.warn(
                    origin,
                    header,
                    f"身份证号显示{'出生年份' if name == 'birth_year' else '性别'}为 {says}，"
                    f"与本行「{record[name][0]}」的 {props[name]} 不符，请核对",
                    record["id_number"][1],
                )

    def _labels(self, template: Template, origin: Origin, record: dict) -> set[str]:
        labels = set(self.onto.labels[template.label].lineage) - {ROOT_LABEL}
        if not template.roles:
            return labels
        header, raw = record[template.roles["column"]]
        words = role_labels(self.onto, template)
        for word in clean_list(raw):
            label = words.get(fold(word))
            if label is None:
                accepted = joined(self.onto.labels[label].role_zh or label for label in template.roles["labels"])
                self.out.fail(origin, header, f"未知人员类别「{word}」，应为：{accepted}", raw)
            else:
                labels |= set(self.onto.labels[label].lineage) - {ROOT_LABEL}
        return labels

    def _add_node(self, node: Node, origin: Origin, id_header: str) -> bool:
        """False when the id was defined before with other content; the same twice is fine."""
        if self.deferred:
            self.out.added.append((node, origin))
            return True
        seen = self.out.nodes.get(node.id)
        if seen is None:
            self.out.nodes[node.id] = (node, origin)
            return True
        if node.id in self.out.derived:  # the same person in two rosters, each with its own columns
            return merge(self.onto, self.out, node.id, node, origin)
        old, first = seen
        if old.labels != node.labels or content(old.properties) != content(node.properties):
            self.out.fail(origin, id_header, f"编号「{node.id}」已在 {first.file} 第 {first.row} 行定义，且内容不同")
            return False
        return True

    # -- relationship rows ----------------------------------------------------------

    def _edge_row(self, template: Template, origin: Origin, record: dict, written: dict) -> None:
        if self._missing(template, origin, record, written):
            return
        if template.relationship:
            rel = self.onto.relationships[template.relationship]
        else:
            rel = self._relationship_type(origin, record.pop("type"))
            if rel is None:
                return
        ends = {c.end: c.name for c in columns(self.onto, template).values() if c.end}
        source = record.pop(ends.get("from", "source"))
        target = record.pop(ends.get("to", "target"))
        self.edge(rel, origin, source, target, record)

    def edge(
        self,
        rel: RelationshipType,
        origin: Origin,
        source: tuple,
        target: tuple,
        record: dict,
    ) -> None:
        """Add pending relationships; ``source`` and ``target`` are (header, cell), a cell naming
        one node or several (``张三、李四``, one per line): one relationship for each pair."""
        ends = []
        for header, raw in (source, target):
            try:
                ends.append([clean_name(ref) for ref in _REFS.split(str(raw)) if ref.strip()])
            except ValueError as exc:
                self.out.fail(origin, header, str(exc), raw)
        if len(ends) < 2 or not all(ends):
            return
        props = self._edge_properties(rel, origin, record)
        if origin not in self.out.bad:
            for source_ref in ends[0]:
                for target_ref in ends[1]:
                    self.out.pending.append(Pending(rel, source_ref, target_ref, props, origin, source[0], target[0]))

    def _relationship_type(self, origin: Origin, cell) -> RelationshipType | None:
        header, raw = cell
        rel = self.onto.relationship(str(raw))
        if rel is None:
            known = joined(f"{r.zh}（{r.name}）" for r in self.onto.relationships.values())
            self.out.fail(origin, header, f"未知关系类型「{raw}」，应为：{known}", raw)
        return rel

    def _edge_properties(self, rel: RelationshipType, origin: Origin, record: dict) -> dict:
        by_column = {p.column or p.name: p for p in rel.properties.values()}
        props = {}
        for name, (header, raw) in record.items():
            prop = by_column.get(name)
            if prop is None:
                self.out.drop(origin, header, f"「{rel.zh}」关系没有「{header}」这一项，请留空", raw)
                continue
            self._clean(prop, props, origin, header, raw, prop.required or prop.name in rel.key)
        for prop in rel.properties.values():
            if prop.required and prop.name not in props and origin not in self.out.bad:
                self.out.fail(origin, None, f"「{rel.zh}」关系必须填写「{prop.zh}」")
        until = props.get("until", "9999")
        if until < props.get("since", "")[: len(until)]:
            self.out.fail(origin, record["until"][0], f"结束日期 {props['until']} 早于开始日期 {props['since']}")
        return props


def merge(onto: Ontology, out: Collected, into: str, node: Node, origin: Origin) -> bool:
    """Join a row's cells to those of another row about the same node (found by its identity,
    not by an id); False, told, when they contradict each other."""
    kept, first = out.nodes[into]
    agreed = True
    for name, value in content(node.properties).items():
        old = kept.properties.get(name)
        if old is None or name == "id":
            kept.properties.setdefault(name, value)
        elif old != value and name not in _FOLLOW_NAME:
            zh = next(
                (onto.labels[lab].properties[name].zh for lab in kept.labels if name in onto.labels[lab].properties),
                name,
            )
            kind = joined(onto.labels[lab].zh for lab in sorted(kept.labels) if onto.labels[lab].extends == ROOT_LABEL)
            out.fail(
                origin, zh, f"与 {first.file} 第 {first.row} 行是同一{kind}，但「{zh}」不同：那一行是「{old}」", value
            )
            agreed = False
    kept.labels = kept.labels | node.labels
    return agreed


_FOLLOW_NAME = {"pinyin", "initials"}  # made from the name: a name that differs says it once


def content(properties: dict) -> dict:
    """Properties without provenance: what a row says, not where it said it."""
    return {k: v for k, v in properties.items() if k not in PROVENANCE}
