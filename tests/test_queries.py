"""The questions staff ask, on both stores: hand-checked answers on small fixtures, and the
same answers from both stores on the sample."""

from __future__ import annotations

import json

import pytest

from graph import neo4j_store as neo4j_store_module
from graph.errors import InvalidQuery, NotFound
from graph.records import Node
from ingest.pipeline import ingest
from queries.brokers import brokers
from queries.coverage import coverage, coverage_series
from queries.network import common, ego, entity
from queries.paths import path
from queries.quality import quality
from queries.search import search
from tests.conftest import SAMPLE_DIR, TESTS_DIR, TINY_DIR, write_csv

COVERAGE_DIR = TESTS_DIR / "fixtures" / "coverage"


@pytest.fixture
def tiny(store):
    assert ingest(store, [TINY_DIR]).errors == []
    return store


def ids(result) -> list[str]:
    return [r["id"] for r in result["results"]]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("张伟", ["P1"]),
        ("张", ["P1"]),
        ("zhangwei", ["P1"]),
        ("zw", ["P1"]),
        ("ZhangWei", ["P1"]),
        ("zengxiaodan", ["P2"]),
        ("zxd", ["P2"]),  # 曾 read as a surname: Zeng, not Ceng
        ("cengxiaodan", []),
        ("p1", ["P1"]),
        ("工艺美术", ["B1", "E1"]),
        ("同心荟", ["B1", "B2"]),
    ],
)
def test_search_by_name_pinyin_initials_and_id(tiny, text, expected):
    assert ids(search(tiny, text)) == expected


def test_search_ranks_exact_before_partial_and_hints_tell_namesakes_apart(tiny, tmp_path):
    roster = tmp_path / "people.csv"
    roster.write_text("id,name,roles,region,birth_year\nP8,张伟,新阶层人士,七都街道,1990\n", encoding="utf-8")
    ingest(tiny, [roster])
    results = search(tiny, "张伟")["results"]
    assert [(r["id"], r["score"]) for r in results] == [("P1", 90), ("P8", 90)]  # same pinyin: by id
    assert results[0]["hint"] == "五马街道 · 1985年生 · 温州瓯江工艺美术工作室 · 非遗工艺"
    assert results[1]["hint"] == "七都街道 · 1990年生"


def test_path_finds_every_shortest_route_once_in_a_stable_order(tiny):
    answer = path(tiny, "P1", "L1")  # two contacts on different days are one route
    assert (answer["found"], answer["length"], answer["count"]) == (True, 1, 2)
    assert [p["relationships"][0]["type"] for p in answer["paths"]] == ["CONTACTED", "LIAISES_WITH"]
    assert answer["paths"][1]["sentence"] == "张伟 ←列名联系— 李建国"
    two = path(tiny, "P2", "L1", via="成员,列名联系,认识")
    assert two["length"] == 2 and two["paths"][0]["sentence"] == "曾小单 ←认识— 张伟 ←列名联系— 李建国"
    assert [n["name"] for n in two["paths"][0]["go_between"]] == ["张伟"]


def test_not_found_is_an_answer_and_structural_types_only_on_request(tiny):
    assert path(tiny, "B2", "R0")["found"] is False
    assert (
        path(tiny, "B2", "R0", via="LOCATED_IN,PART_OF")["paths"][0]["sentence"]
        == "七都商盟·同心荟 —位于→ 七都街道 —隶属→ 鹿城区"
    )
    assert path(tiny, "P2", "L1", max_hops=1)["found"] is False
    with pytest.raises(NotFound):
        path(tiny, "P1", "nobody")
    with pytest.raises(InvalidQuery):
        path(tiny, "P1", "L1", max_hops=99)
    with pytest.raises(InvalidQuery):
        path(tiny, "P1", "L1", via="FRIEND")


def test_ego_network_and_its_node_cap(tiny):
    one = ego(tiny, "P1", hops=1)
    assert [n["id"] for n in one["nodes"]] == ["B1", "E1", "L1", "P1", "P2"] and not one["truncated"]
    # P1's six (member, works, knows, listed, two contacts) and the two among its neighbours
    # (L1 responsible for B1, E1 settled in B1), as in networkx's ego_graph
    assert len(one["relationships"]) == 8
    by_type = {r["type"]: r for r in one["relationships"]}
    assert by_type["KNOWS"]["context"] == "同在非遗展"  # every property the ontology shows
    assert by_type["WORKS_FOR"]["position"] == "创始人"
    contacts = [r for r in one["relationships"] if r["type"] == "CONTACTED"]
    assert {r["method"] for r in contacts} == {"走访", "电话"} and not any("note" in r for r in contacts)
    capped = ego(tiny, "P1", hops=2, max_nodes=3)
    assert capped["truncated"] and len(capped["nodes"]) == 3
    with pytest.raises(InvalidQuery):
        ego(tiny, "P1", hops=4)


def test_common_connections_and_entity(tiny):
    shared = common(tiny, "P1", "L1")
    assert shared["count"] == 1 and shared["common"][0]["id"] == "B1"  # P1 is a member, L1 responsible
    page = entity(tiny, "B1")
    assert page["labels"] == ["Base"] and page["properties"]["level"] == "市级"
    counts = {(r["type"], r["direction"]): r["count"] for r in page["relationships"]}
    assert counts == {
        ("MEMBER_OF", "in"): 1,
        ("SETTLED_IN", "in"): 1,
        ("RESPONSIBLE_FOR", "in"): 1,
        ("LOCATED_IN", "out"): 1,
    }


def test_coverage_boundaries_match_the_design(store):
    assert ingest(store, [COVERAGE_DIR]).errors == []
    expected = json.loads((TESTS_DIR / "fixtures" / "coverage.expected.json").read_text(encoding="utf-8"))
    answer = coverage(store, as_of="2025-06-30", window_days=365, max_load=2, candidates=True)
    assert {k: answer[k] for k in expected} == expected
    assert answer["candidates"]["R7"][0]["id"] in ("L2", "L3")  # L1 has no spare load
    series = coverage_series(store, ["2025-07-01", "2024-01-01"], max_load=2)
    assert [(s["as_of"], s["covered"]) for s in series] == [("2024-01-01", 6), ("2025-07-01", 5)]


QUESTIONS = [
    (search, ("zw",), {}),
    (search, ("张",), {}),
    (search, ("抖音",), {}),
    (search, ("lc",), {}),
    (path, ("P0083", "B17"), {}),
    (path, ("P0001", "P0099"), {"via": "列名联系,联系记录"}),
    (ego, ("B01",), {"hops": 2}),
    (ego, ("P0083",), {"hops": 3, "max_nodes": 50}),
    (common, ("P0083", "P0099"), {}),
    (common, ("B01", "B02"), {}),
    (coverage, (), {"as_of": "2026-06-30"}),
    (coverage, (), {"as_of": "2025-01-01", "max_load": 4, "candidates": True}),
    (brokers, (), {"scope": "B01"}),
    (brokers, (), {"scope": "R05"}),
    (quality, (), {"as_of": "2026-06-30"}),
]


def test_both_stores_answer_alike_on_the_sample(embedded_store, neo4j_store):
    for s in (embedded_store, neo4j_store):
        assert ingest(s, [SAMPLE_DIR]).errors == []
    for query, args, options in QUESTIONS:
        assert query(embedded_store, *args, **options) == query(neo4j_store, *args, **options), query.__name__
    served = [r for r in ego(neo4j_store, "P0025", hops=1)["relationships"] if r["type"] == "SERVES"]
    assert {(r["to"], r["service"]) for r in served} >= {("B01", "律师服务")}
    a, b = entity(embedded_store, "P0083"), entity(neo4j_store, "P0083")
    for answer in (a, b):
        answer["properties"].pop("ingested_at")
    assert a == b


def test_quality_findings(tiny, tmp_path):
    roster = tmp_path / "people.csv"
    roster.write_text("id,name,roles,birth_year,phone\nP9,张伟,新阶层人士,1985,13800138000\n", encoding="utf-8")
    assert ingest(tiny, [roster]).errors == []
    found = quality(tiny, as_of="2025-12-31")
    assert found["duplicates"] == {
        "same_name_and_birth_year": [["P1", "P9"]],
        "same_phone": [["P1", "P9"]],
        "same_id_number": [],
    }
    assert found["isolated"] == ["P9"]
    assert found["members_without_base"] == ["P9"]
    assert found["bases_without_members"] == []
    assert found["liaisons_without_contact"] == []
    assert quality(tiny, as_of="2027-01-01")["liaisons_without_contact"] == ["L1"]


def test_brokers_bridge_the_groups(tiny):
    found = brokers(tiny)
    assert found["brokers"][0]["id"] == "P1" and found["brokers"][0]["bases"] == ["工艺美术·同心荟"]
    assert found["nodes"] == 9
    assert brokers(tiny, scope="B1")["brokers"][0]["id"] == "P1"


def test_search_finds_any_part_of_a_name_that_mixes_letters_and_characters(store, tmp_path):
    """「城E」 is in 鹿城E咖: Neo4j's cjk full-text index once cut names into pairs of Chinese
    characters and missed every part that crosses a letter."""
    roster = write_csv(tmp_path, "基地.csv", "编号,名称,类别\nB9,鹿城E咖·同心荟,服务型\n")
    assert ingest(store, [roster]).errors == []
    for typed in ("城E", "城E咖", "E咖·", "鹿城Ｅ", "lcek"):  # Ｅ: full width
        assert ids(search(store, typed)) == ["B9"], typed


def test_coverage_figures_are_kept_until_the_next_write(tiny):
    """Counted once per data version (a province's breakdowns take a second); a caller that
    replaces a figure does not change the next caller's, and a write is counted at once."""
    first = coverage(tiny, as_of="2025-06-30")
    first["uncovered"] = ["changed by a caller"]
    again = coverage(tiny, as_of="2025-06-30")
    assert "changed by a caller" not in again["uncovered"] and again["total"] == first["total"]
    tiny.write([Node("PX", frozenset({"Person", "Member"}), {"name": "新代表", "representative": True})], [])
    after = coverage(tiny, as_of="2025-06-30")
    assert after["total"] == again["total"] + 1 and "PX" in after["uncovered"]
    assert after["by_region"]["未填镇街"]["total"] == again["by_region"].get("未填镇街", {"total": 0})["total"] + 1


def test_neo4j_gives_the_same_paths_through_its_own_search_and_the_layered_walk(neo4j_store, monkeypatch):
    """Past ``DAG_PATHS`` paths Neo4j's answer comes from the walk over ``hops``: the same routes."""
    assert ingest(neo4j_store, [SAMPLE_DIR]).ok
    people = sorted(neo4j_store.nodes_where("Member", {}))[:40:4]
    pairs = [("P0083", "B17"), *zip(people, reversed(people))]
    own = [path(neo4j_store, a, b) for a, b in pairs]
    monkeypatch.setattr(neo4j_store_module, "DAG_PATHS", 1)
    walked = [path(neo4j_store, a, b) for a, b in pairs]
    assert walked == own and any(answer["count"] > 1 for answer in own)


def test_search_pages_through_its_matches(tiny):
    first, second = search(tiny, "同心荟", limit=1), search(tiny, "同心荟", limit=1, offset=1)
    assert (first["total"], ids(first), ids(second)) == (2, ["B1"], ["B2"])


def test_co_authors_are_linked_through_their_proposal(tiny, tmp_path):
    """Two people who signed one proposal: a path of two steps through it, the proposal in common,
    and whoever co-signs with two otherwise separate people is the broker between them."""
    before = path(tiny, "P2", "L1")
    was = {b["id"]: b["betweenness"] for b in brokers(tiny, top=50)["brokers"]}
    roster = write_csv(
        tmp_path,
        "提案建议.csv",
        "编号,题目,类别,年度,撰写人\nY1,关于非遗工坊进社区的提案,提案,2024,P2、L1\nY2,关于直播电商规范的建议,建议,2024,P2、P1\n",
    )
    assert ingest(tiny, [roster]).errors == []
    found = path(tiny, "P2", "L1")
    assert found["length"] == 2 and found["length"] <= before["length"]
    through = [p for p in found["paths"] if [n["id"] for n in p["nodes"]] == ["P2", "Y1", "L1"]]
    assert through and [r["type"] for r in through[0]["relationships"]] == ["AUTHORED", "AUTHORED"]
    shared = common(tiny, "P2", "L1")
    assert "Y1" in [c["id"] for c in shared["common"]] and shared["by_label"]["Proposal"] == 1
    centrality = {b["id"]: b["betweenness"] for b in brokers(tiny, top=50)["brokers"]}
    assert centrality["P2"] > was["P2"]


def test_search_ranks_every_match_before_it_cuts_at_a_thousand(store, tmp_path):
    """More than a thousand matches: the best of them all come first (an exact name whose id sorts
    last, then full pinyin), not the best of the first thousand ids; the total says the cut."""
    rows = "".join(f"P{i:05d},林{chr(0x4E00 + i)}{chr(0x4E00 + i + 1)},新阶层人士\n" for i in range(1100))
    roster = write_csv(tmp_path, "人员.csv", "编号,姓名,人员类别\n" + rows + "Z99999,林,新阶层人士\n")
    assert ingest(store, [roster]).errors == []
    found = search(store, "林", limit=5)
    assert found["total"] == 1000 and found["results"][0]["id"] == "Z99999" and found["results"][0]["score"] == 90
    assert [r["score"] for r in found["results"][1:]] == [80] * 4
    pinyin = search(store, "lin", limit=3)
    assert pinyin["results"][0]["id"] == "Z99999" and pinyin["results"][0]["score"] == 65
    assert (
        search(store, "林", limit=5, offset=998)["results"]
        and search(store, "林", offset=999, limit=5)["total"] == 1000
    )
