"""Resolve pending relationships against this batch and the store, and check their ends.

An end may be defined in the same batch or already be in the store; a ``region``-like
cell may name its target instead of giving its id.  Whatever cannot be resolved is a
cell error, and with ``skip_invalid`` the row is left out along with what depends on it.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import replace

from graph.ontology import ROOT_LABEL, Ontology
from graph.records import Node, Relationship, relationship_key
from graph.store import Store
from ingest.rows import Collected, Pending, content, joined, merge


def _kinds(onto: Ontology, labels) -> set[str]:
    """The labels just below the root: what kind of thing a node is (Person, Base …)."""
    return {onto.labels[label].lineage[-2] for label in labels if label != ROOT_LABEL}


SMALL_KIND = 5000  # a kind with at most this many nodes is indexed whole, short names included


def short_names(name: str) -> set[str]:
    """What staff call a node for short: the part before a middle dot, without 同心荟 or 基地.

    >>> sorted(short_names("抖音之家·同心荟")), sorted(short_names("鹿城区新联会"))
    (['抖音之家'], [])
    """
    head = re.split(r"[·•・]", name, maxsplit=1)[0].strip()
    trimmed = re.sub(r"(同心荟|实践创新基地|基地)$", "", head).strip()
    return {n for n in (head, trimmed) if n and n != name}


class Resolver:
    """Each end of a pending relationship as an id: given as one, or found by its name or
    short name among the nodes its type allows; namesakes are refused with their candidates."""

    def __init__(self, onto: Ontology, store: Store, out: Collected):
        self.onto, self.out, self.store = onto, out, store
        refs = {p.source for p in out.pending} | {p.target for p in out.pending}
        self.stored = store.brief(refs | set(out.nodes))
        self.by_name = self._ids_by_name(refs - set(self.stored) - set(out.nodes))
        named = {i for ids in self.by_name.values() for i in ids} - set(self.stored) - set(out.nodes)
        self.stored.update(store.brief(named))

    def _ids_by_name(self, names: set[str]) -> dict[tuple[str, str], set[str]]:
        """Ids per (label, name or short name) for the refs that are not ids, batch and store together."""
        found: dict[tuple[str, str], set[str]] = defaultdict(set)
        if not names:  # every end given as an id: nothing to look up
            return found
        labels = set()  # only the kinds a name stands for at its end
        for p in self.out.pending:
            labels |= set(p.type.from_labels) if p.source in names else set()
            labels |= set(p.type.to_labels) if p.target in names else set()

        def add(node: Node) -> None:
            name = node.properties.get("name")
            for label in node.labels & labels:
                for word in {name, *short_names(name or "")} & names:
                    found[label, word].add(node.id)

        for node, _ in self.out.nodes.values():
            add(node)
        counts = self.store.counts()["nodes"]
        for label in labels:
            if counts.get(label, 0) <= SMALL_KIND:
                for node in self.store.nodes_where(label, {}).values():
                    add(node)
            else:
                for name, ids in self.store.ids_by(label, "name", names).items():
                    found[label, name].update(ids)
        return found

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

    def end(self, p: Pending, ref: str, column: str | None, allowed) -> tuple[str, Node | None] | None:
        """``ref`` as the id (and node) of a node ``allowed`` at this end; None, with the reason
        told, when it names several (the namesakes are listed, to pick one by id)."""
        node = self.node(ref)
        if node is not None:
            return ref, node
        ids = sorted({i for label in allowed for i in self.by_name.get((label, ref), ())})
        if len(ids) > 1:
            hints = "；".join(f"{i}（{_hint(self.node(i))}）" for i in ids[:6])
            self.out.fail(p.origin, column, f"「{ref}」对应多个：{hints}，请改填编号", ref)
            return None
        if ids:
            return ids[0], self.node(ids[0])
        if p.create is not None and ref == p.target:  # a unit no one knows yet: made here
            return p.create.id, self.out.nodes.setdefault(p.create.id, (p.create, p.origin))[0]
        return ref, None

    def relationship(self, p: Pending) -> Relationship | None:
        source = self._checked(p, p.source, p.source_column, p.type.from_labels)
        target = source and self._checked(p, p.target, p.target_column, p.type.to_labels)
        if not target:
            return None
        key = relationship_key(p.type.name, source, target, [p.properties.get(k) for k in p.type.key])
        return Relationship(p.type.name, source, target, {**p.properties, **p.origin.provenance()}, key)

    def _checked(self, p: Pending, ref: str, column: str | None, allowed) -> str | None:
        """The id at one end, or None with the reason told: no such node, or not of a kind allowed."""
        node = self.node(ref)
        if node is not None and not node.labels.isdisjoint(allowed):  # nearly every end: an id of its kind
            return ref
        found = self.end(p, ref, column, allowed)
        if found is None:
            return None
        found_id, node = found
        if node is not None and not node.labels.isdisjoint(allowed):
            return found_id
        wanted = "或".join(self.onto.labels[label].zh for label in allowed)
        if node is None:
            self.out.fail(p.origin, column, f"「{ref}」不存在：「{p.type.zh}」关系的这一端应为已登记的{wanted}", ref)
        else:
            self.out.fail(p.origin, column, f"「{p.type.zh}」关系的这一端应为{wanted}，而「{ref}」不是", ref)
        return None


def _hint(node: Node | None) -> str:
    """What tells namesakes apart: their town, birth year, kind."""
    if node is None:
        return ""
    props = node.properties
    parts = [props.get("region"), f"{props['birth_year']} 年生" if props.get("birth_year") else None]
    return "，".join(str(p) for p in parts if p) or "、".join(sorted(node.labels))


def known_nodes(onto: Ontology, store: Store, out: Collected) -> None:
    """Rows given without an id take the id of the node they describe when exactly one other node
    has their identity: one in the batch given with an id or known by a better identity (a roster
    with 编号, or with 身份证号 where this one has 手机), else one in the store (a base named as the
    store names it, a person found by ID number or phone).  None or several (namesakes): a new
    node.  Every identity the row fills is tried, best first; the row's cells join the node's,
    and a cell that contradicts it is an error."""
    if not out.derived:
        return
    made = {i: (onto.labels[label], rank) for i, (label, rank) in out.derived.items() if i in out.nodes}
    wanted: dict[tuple[str, str], set] = defaultdict(set)  # (label, property) → values rows without ids give
    for i, (label, _) in made.items():
        props = out.nodes[i][0].properties
        for key in _keys(label, props):
            wanted[label.name, key[0]].add(props[key[0]])
    candidates: dict[tuple, set[str]] = defaultdict(set)
    for (label, prop), values in wanted.items():
        for value, ids in store.ids_by(label, prop, values).items():
            candidates[label, prop, value] |= set(ids)
        for node, _ in out.nodes.values():
            if label in node.labels and node.properties.get(prop) in values:
                candidates[label, prop, node.properties[prop]].add(node.id)
    stored = store.nodes({i for ids in candidates.values() for i in ids} - set(out.nodes))

    def found(i: str) -> Node | None:
        return out.nodes[i][0] if i in out.nodes else stored.get(i)

    target = {}
    for i, (label, rank) in made.items():
        props = out.nodes[i][0].properties
        for key in _keys(label, props):
            same = {
                c
                for c in candidates[label.name, key[0], props[key[0]]]
                if c != i and made.get(c, (None, -1))[1] < rank and found(c) and _agrees(label, props, found(c), key)
            }
            if same:  # several: namesakes, the row stays a node of its own
                target.update({i: same.pop()} if len(same) == 1 else {})
                break

    def final(i: str) -> str:
        while i in target:  # ranks fall along the chain, so it ends
            i = target[i]
        return i

    for i in sorted(target, key=lambda i: made[i][1]):
        into = final(i)
        node, origin = out.nodes.pop(i)
        if into in out.nodes:
            merge(onto, out, into, node, origin)
        else:
            node.id, node.properties["id"] = into, into
            out.nodes[into] = (node, origin)
    for p in out.pending:
        p.source, p.target = final(p.source), final(p.target)


def _keys(label, props: dict) -> list[tuple[str, ...]]:
    return [key for key in label.identity if all(name in props for name in key)]


def _agrees(label, props: dict, other: Node, key: tuple[str, ...]) -> bool:
    """Whether ``other`` has this identity and no other identity that contradicts the row's
    (one phone, two ID numbers: two people)."""
    theirs = other.properties
    names = {name for k in label.identity for name in k}
    return all(name in theirs for name in key) and all(
        props[name] == theirs[name] for name in names if name in props and name in theirs
    )


def _join_undated(store: Store, resolved: dict[str, tuple[Relationship, Pending]]) -> None:
    """A relationship given without its key (a wide roster's 所属同心荟 has no 入会日期) is the one
    already standing between the same ends, in the batch or the store, not a second beside it;
    what it says is added to that one.  Ended ones do not count: membership may start again."""
    undated = {
        key for key, (rel, p) in resolved.items() if p.type.key and not any(rel.properties.get(k) for k in p.type.key)
    }
    if not undated:
        return
    stored = store.counts()["relationships"]
    types = sorted({resolved[key][0].type for key in undated if stored.get(resolved[key][0].type)})
    pairs = {(resolved[key][0].source, resolved[key][0].target) for key in undated}
    standing: dict[tuple, list[Relationship]] = defaultdict(list)
    batch = [rel for key, (rel, _) in resolved.items() if key not in undated and (rel.source, rel.target) in pairs]
    for rel in [*(store.between(pairs, types) if types else []), *batch]:
        if not rel.properties.get("until"):
            standing[rel.type, rel.source, rel.target].append(rel)
    for key in sorted(undated):
        rel, p = resolved[key]
        current = max(standing.get((rel.type, rel.source, rel.target), ()), key=_since, default=None)
        if current is None:
            continue
        del resolved[key]
        said = {k: v for k, v in content(rel.properties).items() if k not in current.properties}
        if said:
            merged = replace(current, properties={**current.properties, **said, **p.origin.provenance()})
            resolved[current.key] = (merged, resolved.get(current.key, (None, p))[1])


def _since(rel: Relationship) -> str:
    return str(rel.properties.get("since") or "")


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
    _join_undated(store, resolved)
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
