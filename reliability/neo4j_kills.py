"""Neo4j killed (``kill -9``) at random points of an ingest, restarted, the ingest run again.

Runs on a server of its own (``reliability/run/neo4j``, a free port), so the suite's server
is never touched.  Every trial starts from an emptied database; the kill falls when a random
share of the clean run's records is written (the count store is polled), so each one lands
among the write batches, not before or after them.  The trial passes when the interrupted
ingest failed with the project's error (exit 1, no traceback) and the re-run left the
digest of the clean run: nothing lost, nothing doubled.
"""

from __future__ import annotations

import os
import random
import signal
import time
from pathlib import Path

from graph import local_neo4j
from graph.neo4j_store import Neo4jStore
from reliability.common import digest, ingest, sizes, start_ingest

HOME = Path(__file__).resolve().parent / "run" / "neo4j"


def server(home: Path = HOME) -> local_neo4j.LocalNeo4j:
    """A second local server that shares the first one's jars."""
    main = local_neo4j.local_server()
    local_neo4j.fetch(main)
    home.mkdir(parents=True, exist_ok=True)
    if not (home / "lib").exists():
        (home / "lib").symlink_to(main.lib, target_is_directory=True)
    return local_neo4j.LocalNeo4j(home, local_neo4j.free_port())


def _empty(srv: local_neo4j.LocalNeo4j) -> None:
    """The server up with nothing in it (constraints and indexes stay)."""
    local_neo4j.start(srv)
    with Neo4jStore(srv.uri) as store:
        store.clear()


def _sizes(uri: str) -> tuple[int, int]:
    with Neo4jStore(uri) as store:
        return sizes(store)


def _graph_digest(uri: str) -> str:
    with Neo4jStore(uri) as store:
        return digest(store)


def _wait_for(uri: str, target: int, process) -> tuple[int, int]:
    """Poll the count store until ``target`` nodes and relationships are written."""
    with Neo4jStore(uri) as store:
        while process.poll() is None:
            written = store.read(
                "CALL () { MATCH (n) RETURN count(n) AS n } "
                "CALL () { MATCH ()-[r]->() RETURN count(r) AS r } RETURN n, r"
            )[0]
            if written["n"] + written["r"] >= target:
                return written["n"], written["r"]
            time.sleep(0.02)
    raise RuntimeError("the ingest ended before the kill")


def clean_run(srv: local_neo4j.LocalNeo4j, rosters: Path, env: dict) -> dict:
    """The reference: time, sizes and digest of an uninterrupted ingest."""
    _empty(srv)
    started = time.perf_counter()
    done = ingest(srv.uri, rosters, env=env)
    if done.returncode != 0:
        raise RuntimeError(f"clean ingest failed:\n{done.stdout}{done.stderr}")
    return {
        "seconds": round(time.perf_counter() - started, 2),
        "sizes": _sizes(srv.uri),
        "digest": _graph_digest(srv.uri),
    }


def trial(srv: local_neo4j.LocalNeo4j, rosters: Path, reference: dict, rng: random.Random, env: dict) -> dict:
    """One kill once a random share (5–95 %) of the records is written."""
    _empty(srv)
    share = rng.uniform(0.05, 0.95)
    process = start_ingest(srv.uri, rosters, env=env)
    started = time.perf_counter()
    seen = _wait_for(srv.uri, int(share * sum(reference["sizes"])), process)
    os.kill(local_neo4j.status(srv)["pid"], signal.SIGKILL)
    killed = time.perf_counter()
    _, stderr = process.communicate(timeout=300)
    failed_after = time.perf_counter() - killed
    restarted = time.perf_counter()
    local_neo4j.start(srv)
    restart_seconds = time.perf_counter() - restarted
    partial = _sizes(srv.uri)
    rerun_started = time.perf_counter()
    rerun = ingest(srv.uri, rosters, env=env)
    return {
        "kill_share": round(share, 3),
        "kill_at": round(killed - started, 2),
        "seen_at_kill": seen,
        "ingest_exit": process.returncode,
        "ingest_failed_after": round(failed_after, 2),
        "message": (stderr.strip().splitlines() or [""])[-1][:300],
        "traceback": "Traceback" in stderr,
        "partial_nodes": partial[0],
        "partial_relationships": partial[1],
        "restart_seconds": round(restart_seconds, 1),
        "rerun_exit": rerun.returncode,
        "rerun_seconds": round(time.perf_counter() - rerun_started, 2),
        "equal": rerun.returncode == 0 and _graph_digest(srv.uri) == reference["digest"],
    }


def run(rosters: Path, kills: int, seed: int = 1, env: dict | None = None, home: Path = HOME) -> dict:
    """``kills`` trials on a server of their own in ``home``, stopped at the end; ``env``
    holds the ingest's settings (smaller batches give a kill more places to fall)."""
    srv, env = server(home), env or {}
    try:
        reference = clean_run(srv, rosters, env)
        rng = random.Random(seed)
        trials = [trial(srv, rosters, reference, rng, env) for _ in range(kills)]
    finally:
        local_neo4j.stop(srv)
    return {"reference": reference, "trials": trials}
