"""Query latency on a store: p50/p95/p99 of search, path, ego (2 hops), common and coverage
over many random inputs, with a fixed seed so runs compare.

    .venv/bin/tongxin generate --people 100000 --seed 7 --out /tmp/city
    .venv/bin/tongxin --store /tmp/city-store ingest /tmp/city
    .venv/bin/python -m benchmarks.query_latency --store /tmp/city-store --runs 50
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
import json
import random
import time

from benchmarks.measure import percentiles
from graph.errors import TongxinError
from graph.records import Relationship, relationship_key
from graph.settings import open_store, settings_from_env
from graph.store import Store
from queries.coverage import coverage
from queries.network import common, ego
from queries.paths import path
from queries.search import search

QUERIES = ("search", "path", "ego", "common", "coverage", "visit", "coverage_after_visit", "coverage_candidates")


def inputs(store: Store) -> tuple[list[str], list[str]]:
    """Every person's id and every distinct name, sorted: what the random questions pick from."""
    persons = [n for n in store.iter_nodes() if "Person" in n.labels]
    return sorted(n.id for n in persons), sorted({n.properties["name"] for n in persons})


def record_visit(store: Store, rng: random.Random, leaders: list[str], people: list[str]) -> None:
    """A leader's visit to someone, dated today, as the page records one (it stays in the store)."""
    leader, person, today = rng.choice(leaders), rng.choice(people), dt.date.today().isoformat()
    key = relationship_key("CONTACTED", leader, person, [today])
    store.write([], [Relationship("CONTACTED", leader, person, {"date": today, "method": "走访"}, key)])


def latency(
    store: Store, people: list[str], names: list[str], runs: int = 50, seed: int = 1, only: tuple[str, ...] = QUERIES
) -> dict[str, dict]:
    """Percentiles per query; coverage (a whole-graph report) runs a tenth as often."""
    rng = random.Random(seed)
    leaders = sorted(store.nodes_where("Liaison", {}))
    cases = {
        "search": lambda: search(
            store, rng.choice([rng.choice(names), rng.choice(names)[:1], rng.choice(["zw", "lc", "chen", "lin"])])
        ),
        "path": lambda: path(store, rng.choice(people), rng.choice(people)),
        "ego": lambda: ego(store, rng.choice(people), hops=2),
        "common": lambda: common(store, rng.choice(people), rng.choice(people)),
        "coverage": lambda: coverage(store),  # the figures, asked again with no write between
        "visit": lambda: record_visit(store, rng, leaders, people),  # a write, with the coverage facts it touches
        "coverage_after_visit": lambda: coverage(store),  # the figures, the first time after a visit
        "coverage_candidates": lambda: coverage(store, candidates=True),  # and who could take on each uncovered one
    }
    report = {}
    for name in only:
        heavy = name.startswith("coverage")
        try:
            for _ in range(1 if heavy else 5):  # warm caches and the plans of each shape (one character, pinyin…)
                cases[name]()
            samples = []
            for _ in range(max(5, runs // 10) if heavy else runs):
                if name == "coverage_after_visit":
                    record_visit(store, rng, leaders, people)
                start = time.perf_counter()
                cases[name]()
                samples.append(time.perf_counter() - start)
        except TongxinError as refused:  # a query the store refuses (a timeout) is a figure too
            report[name] = {"error": str(refused)}
            continue
        report[name] = percentiles(samples)
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", help="comma-separated queries to time (default: all)")
    args = parser.parse_args()
    only = tuple(args.only.split(",")) if args.only else QUERIES
    with open_store(settings_from_env(args.store)) as store:
        questions = inputs(store)
        gc.freeze()  # what is loaded lives on, as the server keeps it (api/app.py): no full passes over it
        report = latency(store, *questions, runs=args.runs, seed=args.seed, only=only)
    print(json.dumps({"store": args.store, "ms": report}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
