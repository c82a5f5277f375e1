"""Find people, bases, enterprises and places by Chinese name, pinyin, initials or id."""

from __future__ import annotations

from graph.errors import InvalidQuery
from graph.matching import Match
from graph.records import Node
from graph.store import Store
from queries.base import node_ref
from queries.options import OFFSET, RESULTS

CANDIDATES = OFFSET.high  # matches read from the store; a page may start anywhere among them


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
    label = None
    if kind:
        label = next((n for n, lab in store.ontology.labels.items() if kind in (n, lab.zh)), None)
        if label is None:
            raise InvalidQuery(f"未知类别「{kind}」")
    match = Match.of(text, label, region or None)
    total, page = store.ranked(match, offset, limit, CANDIDATES) if match.name else (0, [])
    results = [dict(node_ref(store, n), score=score) for n, score in page]
    _add_hints(store, results, {n.id: n for n, _ in page})
    return {"query": text, "total": total, "offset": offset, "results": results}


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
