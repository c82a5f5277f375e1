"""Resolve pending relationships against this batch and the store, and check their ends.

An end may be defined in the same batch or already be in the store; a ``region``-like
cell may name its target instead of giving its id.  Whatever cannot be resolved is a
cell error, and with ``skip_invalid`` the row is left out along with what depends on it.
"""

from __future__ import annotations

from collections import defaultdict

from graph.ontology import ROOT_LABEL, Ontology
from graph.records import Node, Relationship, relationship_key
from graph.store import Store
from ingest.rows import Collected, Pending, content, joined


def _kinds(onto: Ontology, labels) -> set[str]:
    """The labels just below the root: what kind of thing a node is (Person, Base …)."""
    return {onto.labels[label].lineage[-2] for label in labels if label != ROOT_LABEL}


class Resolver:
    def __init__(self, onto: Ontology, store: Store, out: Collected):
        self.onto, self.out = onto, out
        refs = {p.source for p in out.pending} | {p.target for p in out.pending}
        self.stored = store.brief(refs | set(out.nodes))
        self.by_name = self._ids_by_name(store)
        named = {i for ids in self.by_name.values() for i in ids} - set(self.stored) - set(out.nodes)
        self.stored.update(store.brief(named))

    def _ids_by_name(self, store: Store) -> dict[tuple[str, str], list[str]]:
        """Ids per (label, name) for every name a link cell gives, batch and store together."""
        wanted: dict[str, set[str]] = defaultdict(set)
        for p in self.out.pending:
            if p.target_by_name:
                for label in p.type.to_labels:
                    wanted[label].add(p.target)
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        for node, _ in self.out.nodes.values():
            for label in node.labels & set(wanted):
                if node.properties.get("name") in wanted[label]:
                    found[label, node.properties["name"]].add(node.id)
        for label, names in wanted.items():
            for name, ids in store.ids_by_name(label, names).items():
                found[label, name].update(ids)
        return {key: sorted(ids) for key, ids in found.items()}

    def node(self, ref: str) -> Node | None:
        if ref in self.out.nodes:
            return self.out.nodes[ref][0]
        return self.stored.get(ref)

    def check_stored_kinds(self) -> None:
        """A roster may add roles to a stored node but not turn a base into a person."""
        for node_id, (node, origin) in self.out.nodes.items():
            stored = self.stored.get(node_id)
            if stored and _kinds(self.onto, stored.labels) != _kinds(self.onto, node.labels):
                kinds = joined(self.onto.labels[label].zh for label in _kinds(self.onto, stored.labels))
                self.out.fail(origin, None, f"编号「{node_id}」在图库中已是{kinds}，不能再登记为其他类型")

    def target(self, p: Pending) -> str | None:
        if self.node(p.target) is not None or not p.target_by_name:
            return p.target
        ids = sorted({i for label in p.type.to_labels for i in self.by_name.get((label, p.target), [])})
        if len(ids) > 1:
            self.out.fail(p.origin, p.target_column, f"名称「{p.target}」对应多个编号（{joined(ids)}），请改填编号")
            return None
        return ids[0] if ids else p.target

    def relationship(self, p: Pending) -> Relationship | None:
        target = self.target(p)
        if target is None:
            return None
        ends = ((p.source, p.source_column, p.type.from_labels), (target, p.target_column, p.type.to_labels))
        for ref, column, allowed in ends:
            node = self.node(ref)
            if node is not None and not node.labels.isdisjoint(allowed):
                continue
            wanted = "或".join(self.onto.labels[label].zh for label in allowed)
            if node is None:
                self.out.fail(p.origin, column, f"「{ref}」不存在：「{p.type.zh}」关系的这一端应为已登记的{wanted}")
            else:
                self.out.fail(p.origin, column, f"「{p.type.zh}」关系的这一端应为{wanted}，而「{ref}」不是")
            return None
        key = relationship_key(p.type.name, p.source, target, [p.properties.get(k) for k in p.type.key])
        return Relationship(p.type.name, p.source, target, {**p.properties, **p.origin.provenance()}, key)


def resolve(onto: Ontology, store: Store, out: Collected, skip_invalid: bool) -> tuple[list[Node], list[Relationship]]:
    """The nodes and relationships to write; errors are added to ``out.errors``."""
    resolver = Resolver(onto, store, out)
    resolver.check_stored_kinds()
    resolved: dict[str, tuple[Relationship, Pending]] = {}
    for p in out.pending:
        rel = resolver.relationship(p)
        if rel is None:
            continue
        if p.name_property:
            out.nodes[p.source][0].properties[p.name_property] = resolver.node(rel.target).properties["name"]
        first = resolved.get(rel.key)
        if first is None:
            resolved[rel.key] = (rel, p)
        elif content(first[0].properties) != content(rel.properties):
            where = first[1].origin
            out.fail(p.origin, None, f"与 {where.file} 第 {where.row} 行的同一关系内容不同")
    dropped = {i for i, (_, origin) in out.nodes.items() if origin in out.bad} if skip_invalid else set()
    nodes = [node for i, (node, _) in out.nodes.items() if i not in dropped]
    rels = []
    for rel, p in resolved.values():
        lost = {rel.source, rel.target} & dropped
        if lost:
            out.fail(p.origin, None, f"「{joined(sorted(lost))}」的登记行有错误，本关系未写入")
        elif p.origin not in out.bad:
            rels.append(rel)
    return nodes, rels
