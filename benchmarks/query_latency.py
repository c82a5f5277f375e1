"""Query latency on a store: p50/p95/p99 of search, path, ego (2 hops), common and coverage
over many random inputs, with a fixed seed so runs compare.

    .venv/bin/tongxin generate --people 100000 --seed 7 --out /tmp/city
    .venv/bin/tongxin --store /tmp/city-store ingest /tmp/city
    .venv/bin/python benchmarks/query_latency.py --store /tmp/city-store --runs 50
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import time

from graph.settings import open_store, settings_from_env
from queries.coverage import coverage
from queries.network import common, ego
from queries.paths import path
from queries.search import search


def percentiles(samples: list[float]) -> dict[str, float]:
    cuts = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else samples * 99
    return {"p50": round(cuts[49] * 1000, 1), "p95": round(cuts[94] * 1000, 1), "p99": round(cuts[98] * 1000, 1),
            "runs": len(samples)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--store", required=True)
    parser.add_argument("--runs", type=int, default=50)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--only", help="comma-separated queries to time (default: all)")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    with open_store(settings_from_env(args.store)) as store:
        persons = [n for n in store.iter_nodes() if "Person" in n.labels]  # inputs, read once
        people = sorted(n.id for n in persons)
        names = sorted({n.properties["name"] for n in persons})
        cases = {
            "search": lambda: search(store, rng.choice([rng.choice(names), rng.choice(names)[:1],
                                                        rng.choice(["zw", "lc", "chen", "lin"])])),
            "path": lambda: path(store, rng.choice(people), rng.choice(people)),
            "ego": lambda: ego(store, rng.choice(people), hops=2),
            "common": lambda: common(store, rng.choice(people), rng.choice(people)),
            "coverage": lambda: coverage(store, candidates=False),
        }
        report = {}
        chosen = args.only.split(",") if args.only else list(cases)
        for name, run in ((n, cases[n]) for n in chosen):
            run()  # warm caches and query plans
            samples = []
            for _ in range(args.runs if name != "coverage" else max(5, args.runs // 10)):
                start = time.perf_counter()
                run()
                samples.append(time.perf_counter() - start)
            report[name] = percentiles(samples)
    print(json.dumps({"store": args.store, "ms": report}, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
