"""The project's own Neo4j: idempotent start, clear refusals."""

from __future__ import annotations

import socket

import pytest

from graph import local_neo4j
from graph.errors import StoreUnavailable
from graph.local_neo4j import free_port


def test_start_is_idempotent(neo4j_uri):
    server = local_neo4j.local_server()
    if server.uri != neo4j_uri:
        pytest.fail("the suite must run on the project's own Neo4j to test it; unset NEO4J_URI")
    pid = local_neo4j.status(server)["pid"]
    assert local_neo4j.start(server) == neo4j_uri
    assert local_neo4j.status(server) == {"running": True, "pid": pid, "uri": neo4j_uri, "home": str(server.home)}


def test_a_port_held_by_another_program_is_refused(tmp_path):
    with socket.socket() as other:
        other.bind(("127.0.0.1", 0))
        other.listen()
        server = local_neo4j.LocalNeo4j(tmp_path, other.getsockname()[1])
        with pytest.raises(StoreUnavailable, match="已被其他程序占用"):
            local_neo4j.start(server)


def test_missing_java_is_told_plainly(tmp_path, monkeypatch):
    monkeypatch.setenv("PATH", str(tmp_path))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(StoreUnavailable, match="找不到 java"):
        local_neo4j.start(local_neo4j.LocalNeo4j(tmp_path, free_port()))


def test_missing_maven_is_told_plainly(tmp_path, monkeypatch):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    (bin_dir / "java").symlink_to(local_neo4j._java())
    monkeypatch.setenv("PATH", str(bin_dir))
    monkeypatch.delenv("JAVA_HOME", raising=False)
    with pytest.raises(StoreUnavailable, match="找不到 mvn"):
        local_neo4j.fetch(local_neo4j.LocalNeo4j(tmp_path / "home"))
