"""Faults, short: Neo4j killed mid-ingest, a commit whose answer is lost, the embedded store
killed mid-save, two ingests at once.  ``python -m reliability.run --full`` runs the same harnesses at 100k rows."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest

from graph.errors import StoreUnavailable
from graph.neo4j_store import Neo4jStore
from graph.records import Node
from ingest.pipeline import ingest
from reliability import concurrent, embedded_kills, neo4j_kills
from reliability.bolt_proxy import CommitCutter
from reliability.common import dataset
from tests.conftest import SAMPLE_DIR, snapshot

SMALL = {"TONGXIN_BATCH_SIZE": "200", "NEO4J_MAX_RETRY_SECONDS": "2"}  # many batches, quick failure


@pytest.fixture(scope="module")
def rosters(tmp_path_factory):
    return dataset(tmp_path_factory.mktemp("rosters"), people=600)


def test_neo4j_killed_mid_ingest_then_rerun_equals_a_clean_run(rosters, tmp_path):
    result = neo4j_kills.run(rosters, kills=2, seed=3, env=SMALL, home=tmp_path / "neo4j")
    total = sum(result["reference"]["sizes"])
    for trial in result["trials"]:
        assert trial["ingest_exit"] == 1 and not trial["traceback"], trial
        assert "写入在中途中断" in trial["message"] and "重新运行同一导入" in trial["message"]
        assert 0 < trial["partial_nodes"] + trial["partial_relationships"] < total, trial
        assert trial["rerun_exit"] == 0 and trial["equal"], trial


def test_embedded_store_killed_mid_save_opens_with_the_last_complete_state(rosters, tmp_path):
    result = embedded_kills.run(rosters, tmp_path, kills=3, seed=3)
    for trial in result["trials"]:
        assert trial["opened_as"] in ("A", "B"), trial
        assert trial["rerun_equal"] and trial["temporary_files_after_rerun"] == 0, trial
    assert any(t["opened_as"] == "A" and t["temporary_files_left"] for t in result["trials"])


@pytest.mark.parametrize("kind", ["embedded", "neo4j"])
def test_two_overlapping_ingests_at_once_lose_and_double_nothing(kind, rosters, tmp_path, request):
    spec = request.getfixturevalue("neo4j_uri") if kind == "neo4j" else str(tmp_path / "store")
    result = concurrent.run(spec, rosters, tmp_path, env=SMALL)
    assert result["exits"] == [0, 0], result["errors"]
    assert result["equal_digest"] and result["equal_counts"], result


def test_commits_whose_answers_are_lost_are_repeated_and_nothing_doubles(neo4j_store, neo4j_uri):
    assert ingest(neo4j_store, [SAMPLE_DIR]).ok
    clean = snapshot(neo4j_store)
    nodes, rels = list(neo4j_store.iter_nodes()), list(neo4j_store.iter_relationships())
    for write in (
        lambda store: ingest(store, [SAMPLE_DIR]).ok,  # reads, schema and writes
        lambda store: store.write(nodes, rels),
    ):  # write batches only
        neo4j_store.clear()
        with CommitCutter(urlsplit(neo4j_uri).port, cuts=2) as proxy, Neo4jStore(proxy.uri, batch_size=200) as store:
            assert write(store)
            assert proxy.cut == 2
        assert snapshot(neo4j_store) == clean


def test_commits_never_answered_end_in_a_plain_message(neo4j_store, neo4j_uri):
    nodes, rels = [Node(f"P{i}", frozenset({"Person"}), {"name": f"人{i}"}) for i in range(1000)], []
    with CommitCutter(urlsplit(neo4j_uri).port, cuts=10**6) as proxy, Neo4jStore(proxy.uri, batch_size=200) as store:
        with pytest.raises(StoreUnavailable, match="提交时中断"):
            ingest(store, [SAMPLE_DIR])
        with pytest.raises(StoreUnavailable, match="提交时中断.*写入在中途中断.*重新运行同一导入"):
            store.write(nodes, rels)
