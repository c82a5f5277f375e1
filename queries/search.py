"""Find people, bases, enterprises and places by Chinese name, pinyin, initials or id."""

from __future__ import annotations

import re
import unicodedata

from graph.errors import InvalidQuery
from graph.names import fold_query
from graph.records import Node
from graph.store import Store
from queries.base import node_ref
from queries.options import OFFSET, RESULTS

CANDIDATES = OFFSET.high  # matches read from the store; a page may start anywhere among them


def _score(node: Node, name: str, latin: str | None) -> int:
    props = node.properties
    found = props.get("name") or ""
    if node.id.upper() == name.upper():
        return 100
    if found == name:
        return 90
    if name and found.startswith(name):
        return 80
    if name and name in found:
        return 70
    if latin and props.get("pinyin") == latin:
        return 65
    if latin and props.get("initials") == latin:
        return 60
    if latin and props.get("pinyin", "").startswith(latin):
        return 50
    return 45  # initials start with the query


def search(
    store: Store,
    text: str,
    *,
    limit: int = RESULTS.default,
    offset: int = OFFSET.default,
    kind: str | None = None,
    region: str | None = None,
) -> dict:
    """People, bases and everything else whose name, pinyin, initials or id match ``text``;
    only those of a ``kind`` (a label, in English or Chinese: 同心荟) or a town when asked.

    Ranked: exact id, exact name, name prefix, name substring, full pinyin, initials;
    ``total`` matches (at most 1000), of which ``limit`` from ``offset`` are returned.
    Namesakes carry ``hint`` (region, birth year, employer) so staff can tell them apart.

    Examples
    --------
    >>> import tempfile
    >>> from graph.embedded import EmbeddedStore
    >>> search(EmbeddedStore(tempfile.mkdtemp()), "zw")["results"]
    []
    """
    limit, offset = RESULTS.check(limit), OFFSET.check(offset)
    name = re.sub(r"\s+", "", unicodedata.normalize("NFKC", text))
    latin = fold_query(text)
    latin = latin if latin and re.fullmatch(r"[0-9a-z]+", latin) else None
    ids = sorted({name, name.upper()}) if name else []
    candidates = store.search_candidates(name, ids, latin, CANDIDATES) if name else []
    if kind:
        label = next((n for n, lab in store.ontology.labels.items() if kind in (n, lab.zh)), None)
        if label is None:
            raise InvalidQuery(f"未知类别「{kind}」")
        candidates = [n for n in candidates if label in n.labels]
    if region:
        candidates = [n for n in candidates if n.properties.get("region") == region]
    ranked = sorted(candidates, key=lambda n: (-_score(n, name, latin), n.properties.get("pinyin", ""), n.id))
    page = ranked[offset : offset + limit]
    results = [dict(node_ref(store, n), score=_score(n, name, latin)) for n in page]
    _add_hints(store, results, {n.id: n for n in page})
    return {"query": text, "total": len(ranked), "offset": offset, "results": results}


def _add_hints(store: Store, results: list[dict], nodes: dict[str, Node]) -> None:
    employers: dict[str, list[str]] = {}
    people = [r["id"] for r in results if "Person" in r["labels"]]
    for step in store.expand(people, ["WORKS_FOR"], 10 * len(people) + 10):
        if step.relationship.source == step.at:
            employers.setdefault(step.at, []).append(step.other.properties.get("name", ""))
    for result in results:
        props = nodes[result["id"]].properties
        parts = [
            props.get("region"),
            f"{props['birth_year']}年生" if props.get("birth_year") else None,
            *employers.get(result["id"], []),
            props.get("category"),
            props.get("industry"),
        ]
        result["hint"] = " · ".join(str(p) for p in parts if p)
