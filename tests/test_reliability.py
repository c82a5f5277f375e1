"""Faults, short: Neo4j killed mid-ingest, the embedded store killed mid-save, two ingests
at once.  ``python -m reliability.run --full`` runs the same harnesses at 100k rows."""

from __future__ import annotations

import pytest

from reliability import concurrent, embedded_kills, neo4j_kills
from reliability.common import dataset

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
