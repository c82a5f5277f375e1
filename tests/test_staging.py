"""Nodes written while their load is still being checked (Neo4j's ``stage``): seen by no one
until the load is judged sound, and never written when it is refused."""

from __future__ import annotations

import time
from concurrent.futures import wait

from graph.records import Node
from ingest.pipeline import ingest
from queries.stats import stats
from tests.conftest import TINY_DIR, write_csv


def person(node_id: str, name: str) -> Node:
    return Node(node_id, frozenset({"Person"}), {"name": name})


def open_writes(store) -> list[str]:
    """Transactions writing rows (nodes or relationships) just now."""
    rows = store.read("SHOW TRANSACTIONS YIELD transactionId AS id, currentQuery AS query RETURN id, query")
    return [row["id"] for row in rows if "UNWIND $rows" in (row["query"] or "")]


def staged_in(store) -> list:
    """Every staging ``store`` begins: the ids it was given, and whether its nodes were committed
    as staged (the real methods run)."""
    begun, stage = [], store.stage

    def spied(nodes):
        staged, seen = stage(nodes), [sorted(node.id for node in nodes), False]
        written = staged.written

        def committed(progress=None):
            result = written(progress)
            seen[1] = result is not None
            return result

        staged.written = committed
        begun.append(seen)
        return staged

    store.stage = spied
    return begun


def test_staged_nodes_are_seen_by_no_one_until_written(neo4j_store):
    before = int(neo4j_store.version())
    load = [person("P1", "张三"), person("P2", "李四"), person("P3", "王五")]
    staged = neo4j_store.stage(load[:2])
    wait(staged.work)
    assert all(done.exception() is None for done in staged.work)  # the writes ran, in their own transactions
    assert neo4j_store.get("P1") is None and neo4j_store.counts()["nodes"]["Person"] == 0
    result = neo4j_store.write_staged(staged, load, [])
    assert (result.nodes_created, result.nodes_updated) == (3, 0)
    assert neo4j_store.get("P1").properties["name"] == "张三" and neo4j_store.get("P3") is not None
    assert int(neo4j_store.version()) == before + 1  # one write, as the dashboards count them


def test_a_dropped_staging_writes_nothing(neo4j_store):
    neo4j_store.write([person("P1", "张三")], [])
    with neo4j_store.stage([person("P1", "张三丰"), person("P2", "李四")]) as staged:
        wait(staged.work)
    assert neo4j_store.get("P1").properties["name"] == "张三" and neo4j_store.get("P2") is None
    assert open_writes(neo4j_store) == []


def test_a_load_refused_while_its_nodes_were_staged_writes_nothing(neo4j_store, tmp_path, tiny_expected):
    ingest(neo4j_store, [TINY_DIR])
    people = write_csv(tmp_path, "人员.csv", "编号,姓名,身份\nP7,赵六,新阶层人士\nP8,钱七,新阶层人士\n")
    ties = write_csv(tmp_path, "关系.csv", "起点,关系,终点,角色\nP7,成员,B1,成员\nP9,成员,B1,成员\n")
    begun = staged_in(neo4j_store)
    report = ingest(neo4j_store, [people, ties])
    assert not report.written and [(e.file, e.row) for e in report.errors] == [("关系.csv", 3)]
    assert begun == [[["P7", "P8"], False]]  # held until the load was refused
    assert neo4j_store.get("P7") is None and stats(neo4j_store) == tiny_expected
    assert open_writes(neo4j_store) == []


def test_a_sound_load_writes_its_staged_nodes_with_the_rest(neo4j_store, tmp_path):
    ingest(neo4j_store, [TINY_DIR])
    people = write_csv(tmp_path, "人员.csv", "编号,姓名,身份\nP7,赵六,新阶层人士\nP8,钱七,新阶层人士\n")
    ties = write_csv(tmp_path, "关系.csv", "起点,关系,终点,角色\nP7,成员,B1,成员\n")
    begun = staged_in(neo4j_store)
    report = ingest(neo4j_store, [people, ties])
    assert report.ok and (report.nodes_created, report.relationships_created) == (2, 1)
    assert begun == [[["P7", "P8"], True]]  # committed as staged
    assert neo4j_store.get("P8").properties["name"] == "钱七"
    assert [r.target for r in neo4j_store.relationships_of(["MEMBER_OF"], sources=["P7"])] == ["B1"]


def test_a_node_that_changed_since_it_was_staged_is_written_as_it_ends(neo4j_store, tmp_path):
    """Resolving the load's references names a town given by its id: the staged node had the id."""
    ingest(neo4j_store, [TINY_DIR])
    people = write_csv(
        tmp_path, "人员.csv", "编号,姓名,身份,所属镇街\nP7,赵六,新阶层人士,R1\nP8,钱七,新阶层人士,五马街道\n"
    )
    begun = staged_in(neo4j_store)
    report = ingest(neo4j_store, [people])
    assert report.ok and (report.nodes_created, report.relationships_created) == (2, 2)
    assert begun == [[["P7", "P8"], False]]  # rolled back, and all of them written afresh
    assert [neo4j_store.get(i).properties["region"] for i in ("P7", "P8")] == ["五马街道", "五马街道"]


def test_a_staged_write_that_fails_is_written_the_usual_way(neo4j_store):
    """A staged transaction stopped by the server (here: terminated while it waits for a lock
    another transaction holds) is rolled back, and its nodes go in with the rest."""
    neo4j_store.write([person("P1", "张三")], [])
    with neo4j_store.driver.session() as holder, holder.begin_transaction() as holding:
        holding.run("MATCH (n:Entity {id: 'P1'}) SET n.name = '张三'").consume()
        load = [person("P1", "张三丰"), person("P2", "李四")]
        staged = neo4j_store.stage(load)
        for _ in range(1000):  # the staged write shows once it waits for the lock
            if waiting := open_writes(neo4j_store):
                break
            time.sleep(0.01)
        assert waiting
        neo4j_store.read("TERMINATE TRANSACTIONS $ids", ids=waiting)
        wait(staged.work)
        holding.rollback()
    assert staged.work[0].exception() is not None
    result = neo4j_store.write_staged(staged, load, [])
    assert (result.nodes_created, result.nodes_updated) == (1, 1)
    assert neo4j_store.get("P1").properties["name"] == "张三丰" and neo4j_store.get("P2") is not None
