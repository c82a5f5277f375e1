"""What only the embedded store must prove: atomic saves and safe concurrent writers."""

from __future__ import annotations

import json
import multiprocessing
import os

import pytest

from graph.embedded import GRAPH_FILE, EmbeddedStore
from graph.records import Node
from ingest.pipeline import ingest
from tests.conftest import SAMPLE_DIR


def _write_many(folder: str, prefix: str, count: int) -> None:
    store = EmbeddedStore(folder)
    for i in range(count):
        store.write([Node(f"{prefix}{i}", frozenset({"Region"}), {"id": f"{prefix}{i}", "name": "镇街"})], [])


def test_two_processes_writing_at_once_lose_nothing(tmp_path):
    context = multiprocessing.get_context("spawn")
    workers = [context.Process(target=_write_many, args=(str(tmp_path), p, 40)) for p in "AB"]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
        assert worker.exitcode == 0
    assert EmbeddedStore(tmp_path).counts()["nodes"]["Region"] == 80


def test_a_failed_save_leaves_the_last_complete_state(tmp_path, monkeypatch):
    store = EmbeddedStore(tmp_path)
    store.write([Node("R1", frozenset({"Region"}), {"id": "R1", "name": "五马街道"})], [])

    def crash(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(os, "fsync", crash)  # a failing disk cannot be produced here for real
    with pytest.raises(OSError):
        store.write([Node("R2", frozenset({"Region"}), {"id": "R2", "name": "松台街道"})], [])
    monkeypatch.undo()
    reopened = EmbeddedStore(tmp_path)
    assert reopened.get("R1") is not None and reopened.get("R2") is None
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".tmp"] == []
    assert store.get("R2") is None  # the writer's own view was not changed either


def test_another_process_write_is_seen_without_reopening(tmp_path):
    reader = EmbeddedStore(tmp_path)
    assert reader.get("X1") is None
    _write_many(str(tmp_path), "X", 2)
    assert reader.get("X1") is not None


def test_a_store_saved_in_the_first_format_opens_alike_and_is_saved_in_the_second(tmp_path):
    ingest(EmbeddedStore(tmp_path), [SAMPLE_DIR])
    now = EmbeddedStore(tmp_path)
    before = ({(n.id, n.labels) for n in now.iter_nodes()}, {r.key for r in now.iter_relationships()})
    facts = now.kept_facts()
    path = tmp_path / GRAPH_FILE
    document = json.loads(path.read_text(encoding="utf-8"))
    assert document["version"] == 2 and isinstance(document["relationships"][0], list)
    fields = ("type", "from", "to", "key", "properties")
    document |= {"version": 1, "relationships": [dict(zip(fields, r)) for r in document["relationships"]]}
    path.write_text(json.dumps(document, ensure_ascii=False), encoding="utf-8")
    old = EmbeddedStore(tmp_path)
    assert ({(n.id, n.labels) for n in old.iter_nodes()}, {r.key for r in old.iter_relationships()}) == before
    assert old.kept_facts() == facts and old.counts() == now.counts()
    old.write([Node("R99", frozenset({"Region"}), {"id": "R99", "name": "新镇街"})], [])
    saved = json.loads(path.read_text(encoding="utf-8"))
    assert saved["version"] == 2 and len(saved["relationships"]) == len(before[1])
    assert {r.key for r in EmbeddedStore(tmp_path).iter_relationships()} == before[1]
