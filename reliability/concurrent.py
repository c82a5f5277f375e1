"""Two ingests of overlapping rosters at once, into one store.

A is the rosters without the contact log, B without the ties between people (关系): both
carry the same people, bases, organisations and activities.  Started together, they must leave what A then B leaves: the same
digest (nothing lost) and the same counts (nothing doubled; the digest alone would not see
two Neo4j relationships with one key).
"""

from __future__ import annotations

import shutil
from pathlib import Path

from graph.settings import open_store, settings_from_env
from reliability.common import digest, ingest, sizes, start_ingest

LEFT_OUT = {"A": "联系记录.csv", "B": "关系.csv"}


def overlapping(rosters: Path, work: Path) -> dict[str, Path]:
    halves = {}
    for name, left_out in LEFT_OUT.items():
        folder = halves[name] = work / name
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        for file in rosters.glob("*.csv"):
            if file.name != left_out:
                shutil.copy(file, folder)
    return halves


def _state(spec: str) -> dict:
    with open_store(settings_from_env(spec)) as store:
        return {"digest": digest(store), "counts": store.counts(), "sizes": sizes(store)}


def _clear(spec: str) -> None:
    with open_store(settings_from_env(spec)) as store:
        store.clear()


def run(spec: str, rosters: Path, work: Path, env: dict | None = None) -> dict:
    """Sequential reference, then both at once, on the store ``spec`` (cleared first)."""
    halves = overlapping(rosters, work)
    _clear(spec)
    for half in halves.values():
        done = ingest(spec, half, env=env)
        if done.returncode != 0:
            raise RuntimeError(f"ingest of {half} failed:\n{done.stdout}{done.stderr}")
    reference = _state(spec)
    _clear(spec)
    processes = [start_ingest(spec, half, env=env) for half in halves.values()]
    outcomes = [(p.communicate(timeout=900), p.returncode) for p in processes]
    together = _state(spec)
    return {
        "exits": [code for _, code in outcomes],
        "errors": [out[1].strip()[-500:] for out, code in outcomes if code],
        "equal_digest": together["digest"] == reference["digest"],
        "equal_counts": together["counts"] == reference["counts"],
        "nodes": together["sizes"][0],
        "relationships": together["sizes"][1],
    }
