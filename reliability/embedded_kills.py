"""The embedded store's ingest killed (``kill -9``) in the middle of its save.

The store holds roster set A; an ingest of the larger set B is killed at a random moment
while its temporary file is being written (the window is measured on a clean run first).
The store must then open with A's digest, or B's when the rename had already happened,
never a torn file; the next ingest of B removes the dead writer's temporary file and
ends with B's digest.
"""

from __future__ import annotations

import os
import random
import shutil
import signal
import time
from pathlib import Path

from graph.embedded import EmbeddedStore
from reliability.common import digest, ingest, start_ingest

TEMPORARY = ".graph-*.tmp"


def _digest(folder: Path) -> str:
    with EmbeddedStore(folder) as store:
        return digest(store)


def _loaded(folder: Path, rosters: Path) -> Path:
    shutil.rmtree(folder, ignore_errors=True)
    done = ingest(str(folder), rosters)
    if done.returncode != 0:
        raise RuntimeError(f"ingest of {rosters} failed:\n{done.stdout}{done.stderr}")
    return folder


def _save_window(folder: Path, rosters: Path) -> float:
    """Seconds the temporary file of B's save exists, on a clean run."""
    process = start_ingest(str(folder), rosters)
    while not any(folder.glob(TEMPORARY)):
        if process.poll() is not None:
            raise RuntimeError("the ingest ended before it saved")
        time.sleep(0.001)
    began = time.perf_counter()
    while any(folder.glob(TEMPORARY)):
        time.sleep(0.001)
    window = time.perf_counter() - began
    process.communicate()
    return window


def trial(work: Path, a: Path, b: Path, digests: dict, window: float, rng: random.Random) -> dict:
    folder = _loaded(work / "store", a)
    process = start_ingest(str(folder), b)
    while not any(folder.glob(TEMPORARY)) and process.poll() is None:
        time.sleep(0.001)
    delay = rng.uniform(0, window)
    time.sleep(delay)
    os.kill(process.pid, signal.SIGKILL)
    process.communicate()
    left = len(list(folder.glob(TEMPORARY)))
    after = _digest(folder)
    state = {digests["a"]: "A", digests["b"]: "B"}.get(after, "torn")
    rerun = ingest(str(folder), b)
    return {
        "killed_into_save": round(delay, 3),
        "temporary_files_left": left,
        "opened_as": state,
        "rerun_exit": rerun.returncode,
        "temporary_files_after_rerun": len(list(folder.glob(TEMPORARY))),
        "rerun_equal": rerun.returncode == 0 and _digest(folder) == digests["b"],
    }


def run(rosters: Path, work: Path, kills: int, seed: int = 1) -> dict:
    """A is ``rosters`` without its contact log, B all of it."""
    a = work / "A"
    shutil.rmtree(a, ignore_errors=True)
    a.mkdir(parents=True)
    for file in rosters.glob("*.csv"):
        if file.name != "联系记录.csv":
            shutil.copy(file, a)
    digests = {"a": _digest(_loaded(work / "store", a))}
    window = _save_window(work / "store", rosters)
    digests["b"] = _digest(work / "store")
    rng = random.Random(seed)
    trials = [trial(work, a, rosters, digests, window, rng) for _ in range(kills)]
    return {"save_seconds": round(window, 3), "trials": trials}
