"""What the fault harnesses share: a dataset, the ``tongxin`` command, a graph's digest."""

from __future__ import annotations

import hashlib
import json
import os
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import uvicorn

from graph.local_neo4j import free_port
from graph.ontology import load
from graph.store import Store
from ingest.synthetic import generate, write_dataset
from queries.export import export

TONGXIN = str(Path(sys.executable).with_name("tongxin"))


def dataset(folder: Path, people: int, seed: int = 7) -> Path:
    """Lucheng-like rosters (``tongxin generate``): about 5.2 roster rows per person."""
    if not (folder / ".generated").exists():
        write_dataset(load(), generate(people, seed), folder)
        (folder / ".generated").write_text(f"{people} {seed}\n")
    return folder


def roster_rows(folder: Path) -> int:
    """Data rows in a folder of CSV rosters (lines after each header)."""
    return sum(len(f.read_text(encoding="utf-8").splitlines()) - 1 for f in folder.glob("*.csv"))


def start_ingest(store_spec: str, *paths: Path, env: dict | None = None) -> subprocess.Popen:
    """``tongxin --store S ingest PATHS`` as staff run it, in its own process; ``env`` adds
    settings (``TONGXIN_BATCH_SIZE``, ``NEO4J_MAX_RETRY_SECONDS``)."""
    return subprocess.Popen(
        [TONGXIN, "--store", store_spec, "ingest", *map(str, paths)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def ingest(store_spec: str, *paths: Path, env: dict | None = None, timeout: float = 900) -> subprocess.CompletedProcess:
    """The same, waited for."""
    process = start_ingest(store_spec, *paths, env=env)
    stdout, stderr = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr)


@contextmanager
def serving(app) -> Iterator[int]:
    """``app`` under uvicorn in a thread on a free loopback port, for as long as the block
    runs; yields the port."""
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=free_port(), log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    try:
        yield server.config.port
    finally:
        server.should_exit = True
        thread.join(10)


def sizes(store: Store) -> tuple[int, int]:
    """Distinct nodes and relationships (``counts()`` counts a member under Person and Member)."""
    return sum(1 for _ in store.iter_nodes()), sum(1 for _ in store.iter_relationships())


def digest(store: Store) -> str:
    """SHA-256 of the whole graph as exported (JSON, sorted), without the write times:
    two stores with the same digest hold the same nodes, relationships and values."""
    data = json.loads(export(store, "json").content)
    for item in data["nodes"] + data["links"]:
        item.pop("ingested_at", None)
    canonical = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()
