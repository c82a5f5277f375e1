"""What the liaison-coverage figures are counted from, kept per node so the dashboard reads
them instead of walking every relationship (issue 23): one fact per representative, leader
and base, holding that node's own side of the liaison relationships with their dates.

A fact does not depend on the day asked about: it keeps each assignment's ``since``/``until``
and each contact's date, and :mod:`queries.coverage` evaluates them for any ``as_of``.  Every
write refreshes the facts of the nodes it :func:`touched`, so they only change when rosters
load or a visit is recorded; :func:`gather` is both that refresh and the fresh computation
the kept facts must equal (the differential test).

A representative's fact: ``name``, ``region``, ``industry``, ``pinyin``, ``seats``,
``listed`` ([leader, since, until]), ``contacts`` ({leader: [[date, method], …] oldest
first}), ``member_of`` ([base, since, until]).  A leader's: ``name``, ``region``,
``keeps`` ([person, since, until]), ``industries`` ({person: industry}), ``answers_for``
([base, since, until]), ``contact_dates`` (oldest first).  A base's: ``name``,
``responsible`` ([leader, since, until]).  A node can hold several roles.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence

from graph.records import Node, Relationship

LEADS = ("LIAISES_WITH", "CONTACTED", "RESPONSIBLE_FOR")  # from a leader
TYPES = (*LEADS, "MEMBER_OF")
CARRIED = ["since", "until", "date", "method"]
ROLES = ("representative", "liaison", "base")
FORMAT = 3  # raised whenever a fact's shape changes: facts kept in another are gathered again


def roles(node: Node) -> list[str]:
    """The roles a node plays in the liaison system."""
    found = []
    if "Member" in node.labels and node.properties.get("representative") is True:
        found.append("representative")
    if "Liaison" in node.labels:
        found.append("liaison")
    if "Base" in node.labels:
        found.append("base")
    return found


def touched(store, nodes: Sequence[Node], relationships: Sequence[Relationship]) -> set[str]:
    """The nodes whose facts a write of these nodes and relationships can change: the people
    and bases written, both ends of the liaison relationships written, and the leaders listed
    with a person written (whose industry shows in their lists)."""
    kinds = {name for name, label in store.ontology.labels.items() if {"Person", "Base"} & set(label.lineage)}
    written = {n.id for n in nodes if n.labels & kinds}
    ends = {end for r in relationships if r.type in TYPES for end in (r.source, r.target)}
    leaders = {r.source for r in store.relationships_of(["LIAISES_WITH"], targets=written, properties=[])}
    return written | ends | leaders


def population(store) -> set[str]:
    """Every node with a role: representatives, leaders and bases."""
    found = set(store.nodes_where("Member", {"representative": True}))
    return found | set(store.nodes_where("Liaison", {})) | set(store.nodes_where("Base", {}))


def gather(store, ids: Iterable[str] | None = None) -> dict[str, dict | None]:
    """The facts of these nodes (every node with a role when None) as the store holds them
    now; None for a node without a role (its fact, if any, is to go)."""
    wanted = population(store) if ids is None else set(ids)
    nodes = store.nodes(wanted)
    facts: dict[str, dict | None] = dict.fromkeys(wanted)
    by_role = defaultdict(set)
    for node_id, node in nodes.items():
        played = roles(node)
        if played:
            props = node.properties
            facts[node_id] = {"roles": played, "name": props.get("name"), "region": props.get("region")}
        for role in played:
            by_role[role].add(node_id)
    reps, leaders, bases = (by_role[role] for role in ROLES)
    for node_id in reps:
        props = nodes[node_id].properties
        facts[node_id] |= {
            "industry": props.get("industry"),
            "pinyin": props.get("pinyin"),
            "seats": props.get("seats") or [],
            "listed": [],
            "contacts": defaultdict(list),
            "member_of": [],
        }
    for node_id in leaders:
        facts[node_id] |= {
            "keeps": [],
            "industries": {},
            "answers_for": [],
            "contact_dates": set(),
        }
    for node_id in bases:
        facts[node_id]["responsible"] = []
    out = store.relationships_of(LEADS, sources=leaders, properties=CARRIED) if leaders else []
    into = store.relationships_of(LEADS, targets=reps | bases, properties=CARRIED) if reps or bases else []
    for r in out:
        fact, props = facts[r.source], r.properties
        if r.type == "LIAISES_WITH":
            fact["keeps"].append([r.target, props.get("since"), props.get("until")])
        elif r.type == "RESPONSIBLE_FOR":
            fact["answers_for"].append([r.target, props.get("since"), props.get("until")])
        elif props.get("date"):
            fact["contact_dates"].add(props["date"])
    for r in into:
        fact, props = facts[r.target], r.properties
        if r.type == "LIAISES_WITH" and r.target in reps:
            fact["listed"].append([r.source, props.get("since"), props.get("until")])
        elif r.type == "RESPONSIBLE_FOR" and r.target in bases:
            fact["responsible"].append([r.source, props.get("since"), props.get("until")])
        elif r.type == "CONTACTED" and r.target in reps and props.get("date"):
            fact["contacts"][r.source].append([props["date"], props.get("method")])
    for r in store.relationships_of(["MEMBER_OF"], sources=reps, properties=["since", "until"]) if reps else []:
        facts[r.source]["member_of"].append([r.target, r.properties.get("since"), r.properties.get("until")])
    listed = {person for leader in leaders for person, *_ in facts[leader]["keeps"]}
    industry = {i: n.properties.get("industry") for i, n in store.brief(listed).items()}
    for leader in leaders:
        fact = facts[leader]
        fact["industries"] = {p: industry[p] for p, *_ in fact["keeps"] if industry.get(p) is not None}
        fact["contact_dates"] = sorted(fact["contact_dates"])
    for node_id in reps:
        fact = facts[node_id]
        fact["contacts"] = {
            leader: sorted(made, key=lambda c: (c[0], c[1] or "")) for leader, made in sorted(fact["contacts"].items())
        }
    for fact in facts.values():
        for key in ("listed", "member_of", "keeps", "answers_for", "responsible"):
            if fact and key in fact:
                fact[key].sort(key=lambda span: [part or "" for part in span])
    return facts
