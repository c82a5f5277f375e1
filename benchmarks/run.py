"""Run the benchmarks: ingest (ours, LOAD CSV, a naive loop), the embedded store, query latency
on both stores and the API under load, at district, city and province scale.

    .venv/bin/python -m benchmarks.run            # quick: the district (5k people)
    .venv/bin/python -m benchmarks.run --full     # district, city (100k), province (1M)
    .venv/bin/python -m benchmarks.run --scales city --api-seconds 60

Datasets come from ``tongxin generate`` and are kept in ``benchmarks/data``.  The Neo4j
part clears the database it is given: the project's local server unless ``--neo4j`` names
another.  Each scale's figures go to ``benchmarks/results/<scale>.json``.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from benchmarks import api_load, neo4j_ingest
from benchmarks.measure import in_child, per_s
from benchmarks.query_latency import inputs, latency
from graph import local_neo4j
from graph.embedded import EmbeddedStore
from graph.neo4j_store import Neo4jStore

HERE = Path(__file__).resolve().parent
SCALES = {"district": 5_000, "city": 100_000, "province": 1_000_000}
SEED = 7


def dataset(scale: str, data_dir: Path) -> Path:
    """The generated rosters of a scale, made once (by ``tongxin generate``) and kept."""
    folder = data_dir / scale
    done = folder / ".generated"
    if not done.exists():
        shutil.rmtree(folder, ignore_errors=True)
        command = [
            str(Path(sys.executable).with_name("tongxin")),
            "generate",
            "--people",
            str(SCALES[scale]),
            "--seed",
            str(SEED),
            "--out",
            str(folder),
        ]
        started = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        done.write_text(" ".join(command[1:]) + "\n")
        print(f"  generated {scale} in {time.perf_counter() - started:.0f} s")
    return folder


def _size_mb(folder: Path) -> float:
    return round(sum(f.stat().st_size for f in folder.rglob("*") if f.is_file()) / 2**20, 1)


def embedded(folder: Path, runs: int) -> dict:
    with tempfile.TemporaryDirectory() as where:
        store_dir = Path(where) / "store"
        result = {"ingest": in_child("benchmarks.ingest_once", str(store_dir), str(folder))}
        result["file_mb"] = _size_mb(store_dir)
        started = time.perf_counter()
        with EmbeddedStore(store_dir) as store:
            store.counts()
            result["open_s"] = round(time.perf_counter() - started, 2)
            result["ms"] = latency(store, *inputs(store), runs=runs)
    return result


def neo4j(
    folder: Path,
    uri: str,
    import_dir: Path,
    runs: int,
    naive_seconds: float,
    api_seconds: float,
    keep: Callable[[dict], None],
) -> dict:
    """The same rows three ways into the same cleared database and constraints; then queries.
    ``keep`` saves the figures so far after each phase, so a later failure loses none."""
    result = {}
    with Neo4jStore(uri) as store:
        store.clear()
        store.ensure_schema()
        prepared = in_child("benchmarks.neo4j_ingest", uri, str(folder), str(import_dir), str(naive_seconds))
        result["naive"] = prepared["naive"]
        keep(result)
        store.clear()
        seconds = neo4j_ingest.load_csv(store, prepared["statements"])
        loaded = store.counts()
        result["load_csv"] = per_s(prepared["records"], seconds)
        keep(result)
        store.clear()
        result["ours"] = in_child("benchmarks.ingest_once", uri, str(folder))
        if store.counts() != loaded:
            raise SystemExit("tongxin ingest and LOAD CSV wrote different graphs")
        ours = result["ours"]["records_per_s"]
        result["ratio_to_load_csv"] = round(ours / result["load_csv"]["records_per_s"], 2)
        result["ratio_to_naive"] = round(ours / result["naive"]["records_per_s"], 1)
        keep(result)
        people, names = inputs(store)
        result["ms"] = latency(store, people, names, runs=runs)
        keep(result)
    if api_seconds:
        result["api"] = api_load.load(uri, people, names, seconds=api_seconds)
        result["api_paced"] = api_load.load(uri, people, names, seconds=api_seconds, think=1.0)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--full", action="store_true", help="all three scales")
    parser.add_argument("--scales", help=f"comma-separated, of {', '.join(SCALES)}")
    parser.add_argument("--runs", type=int, default=50, help="random inputs per query")
    parser.add_argument("--naive-seconds", type=float, default=60, help="how long the naive loop runs")
    parser.add_argument("--api-seconds", type=float, default=30, help="how long the API is loaded; 0 skips it")
    parser.add_argument(
        "--embedded-max",
        type=int,
        default=SCALES["city"],
        help="largest scale (people) run on the embedded store, which holds the graph in memory",
    )
    parser.add_argument("--stores", default="embedded,neo4j", help="which stores to run (comma-separated)")
    parser.add_argument("--neo4j", help="a Neo4j URI whose database may be cleared (default: the local server)")
    parser.add_argument("--import-dir", type=Path, help="that server's import folder, for LOAD CSV")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--out", type=Path, default=HERE / "results")
    args = parser.parse_args()
    scales = args.scales.split(",") if args.scales else list(SCALES) if args.full else ["district"]
    stores = args.stores.split(",")
    uri = import_dir = None
    if "neo4j" in stores:
        if args.neo4j is None:
            server = local_neo4j.local_server()
            uri, import_dir = local_neo4j.start(server), server.import_dir
        else:
            uri, import_dir = args.neo4j, args.import_dir
    args.out.mkdir(parents=True, exist_ok=True)
    for scale in scales:
        print(f"{scale}: {SCALES[scale]} people")
        folder = dataset(scale, args.data)
        saved = args.out / f"{scale}.json"
        result = json.loads(saved.read_text()) if saved.exists() else {}  # a store not run keeps its figures
        result.update({"scale": scale, "people": SCALES[scale], "dataset_mb": _size_mb(folder)})

        def keep(store: str, figures: dict, result=result, saved=saved) -> None:
            result[store] = figures
            saved.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")

        if "embedded" in stores and SCALES[scale] <= args.embedded_max:
            keep("embedded", embedded(folder, args.runs))
            print("  embedded", json.dumps(result["embedded"], ensure_ascii=False))
        if "neo4j" in stores:
            keep(
                "neo4j",
                neo4j(
                    folder,
                    uri,
                    import_dir,
                    args.runs,
                    args.naive_seconds,
                    args.api_seconds,
                    lambda part: keep("neo4j", part),
                ),
            )
            print("  neo4j", json.dumps(result["neo4j"], ensure_ascii=False))


if __name__ == "__main__":
    main()
