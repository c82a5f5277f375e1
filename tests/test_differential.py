"""Differential tests: on random small graphs both stores give the same answers, and those
answers agree with a plain reference computation written here from the definitions."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from graph import liaison_facts
from graph.matching import Match
from graph.names import name_keys
from graph.ontology import load
from graph.records import Node, Relationship, relationship_key
from queries import coverage as coverage_module
from queries.coverage import coverage
from queries.network import common, ego
from queries.paths import path
from queries.search import search

NAMES = ["张伟", "张伟", "曾敏", "单丽", "李强", "解芳", "王静", "陈杰"]
DATES = [None, "2024-01-01", "2024-06-30", "2024-07-01", "2025-01-01", "2025-06-30", "2025-07-01", "2026-01-01"]
AS_OF = "2025-06-30"


@st.composite
def graphs(draw):
    count = draw(st.integers(3, 8))
    people = []
    for i in range(count):
        labels = {"Person", draw(st.sampled_from(["Member", "Liaison", "Expert"]))}
        if draw(st.booleans()):
            labels.add("Member")
        props = {
            "id": f"P{i}",
            "name": draw(st.sampled_from(NAMES)),
            "region": draw(st.sampled_from(["五马街道", "七都街道"])),
        }
        if "Member" in labels:
            props["representative"] = draw(st.booleans())
        people.append(Node(f"P{i}", frozenset(labels), {**props, **name_keys(props["name"], person=True)}))
    bases = [
        Node(f"B{i}", frozenset({"Base"}), {"id": f"B{i}", "name": n, **name_keys(n)})
        for i, n in enumerate(["抖音之家·同心荟", "工艺美术·同心荟"])
    ]
    liaisons = [p.id for p in people if "Liaison" in p.labels]
    persons = [p.id for p in people]
    choices = [("KNOWS", persons, persons), ("MEMBER_OF", persons, [b.id for b in bases])]
    if liaisons:
        choices += [
            ("LIAISES_WITH", liaisons, persons),
            ("RESPONSIBLE_FOR", liaisons, [b.id for b in bases]),
            ("CONTACTED", liaisons, persons),
        ]
    rels = {}
    for _ in range(draw(st.integers(0, 14))):
        type_, sources, targets = draw(st.sampled_from(choices))
        source, target = draw(st.sampled_from(sources)), draw(st.sampled_from(targets))
        if source == target:
            continue
        if type_ == "CONTACTED":
            props = {"date": draw(st.sampled_from(DATES[1:]))}
        elif type_ == "KNOWS":
            props = {}
        else:
            props = {
                k: v for k, v in (("since", draw(st.sampled_from(DATES))), ("until", draw(st.sampled_from(DATES)))) if v
            }
        key = relationship_key(type_, source, target, [props.get("date") or props.get("since")])
        rels[key] = Relationship(type_, source, target, props, key)
        if type_ == "LIAISES_WITH" and draw(st.booleans()):  # a contact by the person's own liaison
            date = draw(st.sampled_from(DATES[1:]))
            key = relationship_key("CONTACTED", source, target, [date])
            rels[key] = Relationship("CONTACTED", source, target, {"date": date}, key)
    return people + bases, list(rels.values())


def reference_paths(nodes, rels, a, b, max_hops=6):
    """(length, number of shortest routes) by plain BFS: parallel relationships of different
    types are different routes, of one type and direction (two contacts) the same route."""
    adjacency = defaultdict(list)
    structural = load().relationship_types("structural")
    for type_, source, target in sorted({(r.type, r.source, r.target) for r in rels}):
        if type_ not in structural:
            adjacency[source].append(target)
            adjacency[target].append(source)
    dist, ways, queue = {a: 0}, {a: 1}, deque([a])
    while queue:
        u = queue.popleft()
        for v in adjacency[u]:
            if v not in dist:
                dist[v], ways[v] = dist[u] + 1, 0
                queue.append(v)
            if dist[v] == dist[u] + 1:
                ways[v] += ways[u]
    if b not in dist or dist[b] > max_hops:
        return None, 0
    return dist[b], ways[b]


def reference_coverage(nodes, rels, window_days=365, max_load=8):
    def active(r):
        return (r.properties.get("since") or "") <= AS_OF and (r.properties.get("until") or "9999") >= AS_OF

    reps = sorted(n.id for n in nodes if "Member" in n.labels and n.properties.get("representative"))
    listed = defaultdict(set)
    for r in rels:
        if r.type == "LIAISES_WITH" and active(r):
            listed[r.target].add(r.source)
    since = (dt.date.fromisoformat(AS_OF) - dt.timedelta(days=window_days)).isoformat()
    fresh = {
        r.target
        for r in rels
        if r.type == "CONTACTED" and r.source in listed[r.target] and since < r.properties["date"] <= AS_OF
    }
    loads = defaultdict(set)
    for r in rels:
        if r.type == "LIAISES_WITH" and active(r):
            loads[r.source].add(r.target)
    responsible = {r.target for r in rels if r.type == "RESPONSIBLE_FOR" and active(r)}
    return {
        "total": len(reps),
        "covered": sum(1 for p in reps if listed[p]),
        "uncovered": [p for p in reps if not listed[p]],
        "stale": [p for p in reps if listed[p] and p not in fresh],
        "overloaded_liaisons": sorted(
            ((leader, len(ps)) for leader, ps in loads.items() if len(ps) > max_load), key=lambda x: (-x[1], x[0])
        ),
        "bases_without_liaison": sorted(n.id for n in nodes if "Base" in n.labels and n.id not in responsible),
    }


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(graph=graphs(), pick=st.randoms(use_true_random=False))
def test_random_graphs_answer_alike_and_as_defined(embedded_store, neo4j_store, graph, pick):
    nodes, rels = graph
    for store in (embedded_store, neo4j_store):
        store.clear()
        store.write(nodes, rels)
    people = sorted(n.id for n in nodes if "Person" in n.labels)
    a, b = pick.choice(people), pick.choice(people + ["B0", "B1"])

    answers = [path(s, a, b) for s in (embedded_store, neo4j_store)]
    assert answers[0] == answers[1]
    length, count = reference_paths(nodes, rels, a, b)
    assert (answers[0]["length"], answers[0]["count"]) == ((0, 1) if a == b else (length, count))

    for query, args, options in [
        (ego, (a,), {"hops": 2}),
        (common, (a, b), {}),
        (search, (pick.choice(NAMES),), {}),
        (search, ("zw",), {}),
    ]:
        assert query(embedded_store, *args, **options) == query(neo4j_store, *args, **options)

    found = [coverage(s, as_of=AS_OF, max_load=1) for s in (embedded_store, neo4j_store)]
    assert found[0] == found[1]
    expected = reference_coverage(nodes, rels, max_load=1)
    found[0]["overloaded_liaisons"] = [(leader["id"], leader["load"]) for leader in found[0]["overloaded_liaisons"]]
    assert {k: found[0][k] for k in expected} == expected

    zhang = sorted(n.id for n in nodes if n.properties.get("name") == "张伟")
    assert [r["id"] for r in search(embedded_store, "zhangwei")["results"]] == zhang


@st.composite
def write_sequences(draw):
    """A random graph written in several pieces, with later writes that change what coverage
    counts: a person no longer (or newly) a representative, another industry or town, a base
    renamed, an assignment ended, a visit recorded."""
    nodes, rels = draw(graphs())
    writes = []
    pending = [*nodes, *rels]
    while pending:
        size = draw(st.integers(1, max(1, len(pending))))
        chunk, pending = pending[:size], pending[size:]
        writes.append(chunk)
    people = [n for n in nodes if "Person" in n.labels]
    liaisons = [n.id for n in people if "Liaison" in n.labels]
    listed = {r.target for r in rels if r.type == "LIAISES_WITH"}  # whose changes reach a leader's facts
    for _ in range(draw(st.integers(1, 5))):
        person = draw(st.sampled_from([p for p in people if p.id in listed] or people))
        change = draw(st.sampled_from(["representative", "industry", "region", "rename", "until", "visit"]))
        if change == "region":
            writes.append([Node(person.id, person.labels, {"region": draw(st.sampled_from(["五马街道", "七都街道"]))})])
        elif change == "rename":
            base = draw(st.sampled_from([n for n in nodes if "Base" in n.labels]))
            name = draw(st.sampled_from(["抖音之家·同心荟", "工艺美术·同心荟", "七都商盟·同心荟"]))
            writes.append([Node(base.id, base.labels, {"name": name, **name_keys(name)})])
        elif change == "representative":
            node = Node(person.id, frozenset({"Person", "Member"}), {"representative": draw(st.booleans())})
            writes.append([node])
        elif change == "industry":
            writes.append([Node(person.id, person.labels, {"industry": draw(st.sampled_from(["制造业", "律师"]))})])
        elif change == "until" and rels:
            r = draw(st.sampled_from(rels))
            if r.type != "CONTACTED":  # a contact has no end; an assignment may end
                until = draw(st.sampled_from(DATES[1:]))
                writes.append([Relationship(r.type, r.source, r.target, {**r.properties, "until": until}, r.key)])
        elif change == "visit" and liaisons:
            leader, date = draw(st.sampled_from(liaisons)), draw(st.sampled_from(DATES[1:]))
            method = draw(st.sampled_from(["走访", "电话"]))
            key = relationship_key("CONTACTED", leader, person.id, [date])
            writes.append([Relationship("CONTACTED", leader, person.id, {"date": date, "method": method}, key)])
    return writes


def merged(writes) -> tuple[list[Node], list[Relationship]]:
    """What the stores hold after these writes: properties merged key by key, labels added."""
    nodes, rels = {}, {}
    for item in (item for write in writes for item in write):
        if isinstance(item, Node):
            old = nodes.get(item.id, Node(item.id, frozenset(), {}))
            nodes[item.id] = Node(item.id, old.labels | item.labels, {**old.properties, **item.properties})
        elif item.source in nodes and item.target in nodes:
            old = rels.get(item.key, item)
            rels[item.key] = Relationship(
                item.type, item.source, item.target, {**old.properties, **item.properties}, item.key
            )
    return list(nodes.values()), list(rels.values())


def afresh(store, window_days: int) -> dict:
    """Coverage as a process that never evaluated the store before counts it."""
    evaluated = coverage_module._evaluated.pop(store, None)
    try:
        return coverage(store, as_of=AS_OF, window_days=window_days)
    finally:
        coverage_module._evaluated[store] = evaluated


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=write_sequences())
def test_kept_coverage_facts_equal_a_fresh_computation_after_every_write(embedded_store, neo4j_store, writes):
    for store in (embedded_store, neo4j_store):
        store.clear()
    for done in range(1, len(writes) + 1):
        write = writes[done - 1]
        for store in (embedded_store, neo4j_store):
            store.write([i for i in write if isinstance(i, Node)], [i for i in write if isinstance(i, Relationship)])
            fresh = {i: fact for i, fact in liaison_facts.gather(store).items() if fact}
            assert store.kept_facts() == fresh
        found = [coverage(s, as_of=AS_OF, max_load=1) for s in (embedded_store, neo4j_store)]
        assert found[0] == found[1]
        for store in (embedded_store, neo4j_store):  # counted on from the last write's, as counted afresh
            for window in (365, 90):
                assert coverage(store, as_of=AS_OF, window_days=window) == afresh(store, window)
        expected = reference_coverage(*merged(writes[:done]), max_load=1)
        found[0]["overloaded_liaisons"] = [(leader["id"], leader["load"]) for leader in found[0]["overloaded_liaisons"]]
        assert {k: found[0][k] for k in expected} == expected


SEARCHED = [
    "张伟",
    "张伟强",
    "伟张",
    "单丽",
    "曾敏",
    "林",
    "林林",
    "鹿城E咖·同心荟",
    "E咖",
    "科技园",
    "A座科技",
    "陈杰",
]


@st.composite
def searches(draw):
    """Nodes with names that share characters, prefixes and pinyin (some written without their
    pinyin), and a search typed as part of one: characters, the start of its pinyin or initials, an id."""
    nodes = []
    for i in range(draw(st.integers(1, 12))):
        name, person = draw(st.sampled_from(SEARCHED)), draw(st.booleans())
        keys = name_keys(name, person=person) if draw(st.integers(0, 3)) else {}  # a quarter without
        nodes.append(Node(f"N{i}", frozenset({"Person"} if person else {"Enterprise"}), {"name": name, **keys}))
    name = draw(st.sampled_from(SEARCHED))
    start = draw(st.integers(0, len(name) - 1))
    typed = draw(
        st.sampled_from(
            [
                name[start : start + draw(st.integers(1, 3))],
                name_keys(name)["pinyin"][: draw(st.integers(1, 6))],
                name_keys(name)["initials"][: draw(st.integers(1, 3))],
                f"n{draw(st.integers(0, 3))}",
            ]
        )
    )
    return nodes, typed, draw(st.integers(0, 4)), draw(st.integers(1, 3)), draw(st.integers(1, 12))


def reference_search(nodes, typed, offset, limit, cap):
    """The tiers of DESIGN.md over every node: id, name equal, starts, contains, pinyin equal,
    initials equal, pinyin starts, initials starts; then pinyin, then id; the best ``cap``."""
    latin = typed.lower() if typed.isascii() and typed.isalnum() else None

    def score(node):
        p = node.properties
        tests = [
            node.id in (typed, typed.upper()),
            p["name"] == typed,
            p["name"].startswith(typed),
            typed in p["name"],
            latin is not None and p["pinyin"] == latin,
            latin is not None and p["initials"] == latin,
            latin is not None and p["pinyin"].startswith(latin),
            latin is not None and p["initials"].startswith(latin),
        ]
        return next((s for s, t in zip((100, 90, 80, 70, 65, 60, 50, 45), tests, strict=True) if t), 0)

    ranked = sorted(
        ((n, s) for n in nodes if (s := score(n))), key=lambda x: (-x[1], x[0].properties["pinyin"], x[0].id)
    )
    ranked = ranked[:cap]
    return len(ranked), [(n.id, s) for n, s in ranked[offset : offset + limit]]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(case=searches())
def test_search_ranks_alike_on_both_stores_and_as_defined(embedded_store, neo4j_store, case):
    """Neo4j reads the tiers one by one from its indexes and stops when the page is full; the
    embedded store ranks every match: both give the reference ranking, page by page, under any cap."""
    nodes, typed, offset, limit, cap = case
    match = Match.of(typed)
    answers = []
    for store in (embedded_store, neo4j_store):
        store.clear()
        store.write(nodes, [])
        total, page = store.ranked(match, offset, limit, cap)
        answers.append((total, [(n.id, s) for n, s in page]))
    stored = list(embedded_store.iter_nodes())
    assert all(n.properties.get("pinyin") is not None for n in stored)  # given at the write when missing
    assert answers[0] == answers[1] == reference_search(stored, typed, offset, limit, cap)
