"""What only the embedded store must prove: atomic saves and safe concurrent writers."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from graph.embedded import EmbeddedStore
from graph.records import Node


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
