"""What every query shares: checking its inputs, the default relationship types, and the
plain shape a node takes in an answer."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

from graph.errors import InvalidQuery, NotFound
from graph.names import name_keys
from graph.records import Node
from graph.store import Store
from graph.values import clean_date


def default_types(store: Store) -> list[str]:
    """Ties and events: every relationship type but the structural ones, which say where
    things are, not who links to whom (DESIGN.md section 5)."""
    return store.ontology.relationship_types("tie", "event")


def relationship_types(store: Store, via: Iterable[str] | str | None) -> list[str]:
    """``via`` as ontology type names (English or Chinese, a list or ``A,B``), else the default."""
    if not via:
        return default_types(store)
    names = via.split(",") if isinstance(via, str) else list(via)
    types = []
    for name in filter(None, (n.strip() for n in names)):
        rel = store.ontology.relationship(name)
        if rel is None:
            raise InvalidQuery(f"未知关系类型「{name}」")
        types.append(rel.name)
    return sorted(set(types), key=list(store.ontology.relationships).index)


def day(value) -> str:
    """An as-of date in any spelling staff use, as ISO; today when not given."""
    if value is None:
        return dt.date.today().isoformat()
    try:
        return clean_date(value)
    except ValueError as exc:
        raise InvalidQuery(str(exc)) from None


def existing(store: Store, *ids: str) -> dict[str, Node]:
    found = store.brief(ids)
    missing = [i for i in ids if i not in found]
    if missing:
        raise NotFound(f"图中没有编号为「{'、'.join(missing)}」的节点")
    return found


def ordered_labels(store: Store, labels: Iterable[str]) -> list[str]:
    order = list(store.ontology.labels)
    return sorted(labels, key=order.index)


def node_ref(store: Store, node: Node) -> dict:
    return {"id": node.id, "name": node.properties.get("name"), "labels": ordered_labels(store, node.labels)}


def with_cards(store: Store, refs: list[dict]) -> list[dict]:
    """Node refs as rows of another node's list: each with the columns its label's ``card``
    declares (a proposal's year, kind and status), read in one go, when it has any."""
    onto = store.ontology
    carded = [r["id"] for r in refs if onto.labels[onto.kind(r["labels"])].card]
    full = store.nodes(carded) if carded else {}
    return [
        {**r, "card": {k: full[r["id"]].properties.get(k) for k in onto.labels[onto.kind(r["labels"])].card}}
        if r["id"] in full
        else r
        for r in refs
    ]


def sort_key(node: Node) -> tuple:
    """Chinese order: by pinyin, then by id (so namesakes keep a stable order)."""
    name = node.properties.get("name") or ""
    return (node.properties.get("pinyin") or name_keys(name)["pinyin"], name, node.id)
