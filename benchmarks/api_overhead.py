"""What the API itself costs per request (issue 23): each route asked ``runs`` times in a row by
one client over a keep-alive connection to ``tongxin serve`` in its own process, beside the same
query function called directly on the same store in this process.  The difference of the two
medians is the API's own share: the token, the throttle, the audit log, the answer's shape check
and encoding, HTTP on loopback.

    python -m benchmarks.api_overhead [STORE] [--runs 200]

STORE defaults to the sample ingested into a fresh embedded store; results go to
``benchmarks/results/api_overhead.json``.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

from api.access import Role
from api.admin_commands import issue_token
from benchmarks.api_load import serving
from graph.settings import Settings, open_store
from ingest.pipeline import ingest
from queries.network import entity
from queries.paths import path
from queries.search import search
from queries.stats import stats

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample"
RESULTS = Path(__file__).resolve().parent / "results" / "api_overhead.json"
A, B = "P0083", "P0120"  # two members of the sample in different bases
ROUTES = {  # route → (its URL, the query function the route calls, with the route's defaults)
    "search": ("/api/search?q=zhang", lambda store: search(store, "zhang")),
    "entity": (f"/api/entities/{A}", lambda store: entity(store, A)),
    "stats": ("/api/stats", stats),
    "path": (f"/api/paths?from={A}&to={B}", lambda store: path(store, A, B)),
}


def median_ms(samples: list[float]) -> float:
    return round(statistics.median(samples) * 1000, 3)


def direct(store, call, runs: int) -> list[float]:
    for _ in range(10):
        call(store)
    took = []
    for _ in range(runs):
        start = time.perf_counter()
        call(store)
        took.append(time.perf_counter() - start)
    return took


def over_http(port: int, token: str, url: str, runs: int) -> list[float]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    headers = {"Authorization": f"Bearer {token}"}
    took = []
    for i in range(runs + 10):
        start = time.perf_counter()
        connection.request("GET", url, headers=headers)
        response = connection.getresponse()
        response.read()
        if response.status != 200:
            raise RuntimeError(f"{url}: HTTP {response.status}")
        if i >= 10:  # the first ten warm the server
            took.append(time.perf_counter() - start)
    connection.close()
    return took


def measure(store_spec: str, runs: int = 200, workers: int = 1) -> dict:
    store = open_store(Settings(store=store_spec))
    try:
        calls = {name: median_ms(direct(store, call, runs)) for name, (_, call) in ROUTES.items()}
    finally:
        store.close()  # the embedded store is opened by one process at a time
    with tempfile.TemporaryDirectory() as config_dir:
        token = issue_token(config_dir, Role.officer, "overhead")["token"]
        os.environ["TONGXIN_RATE_PER_MINUTE"] = str(100 * runs * len(ROUTES))  # the throttle stays on, wide open
        with serving(store_spec, config_dir, workers) as (port, _):
            health = median_ms(over_http(port, token, "/health", runs))
            served = {name: median_ms(over_http(port, token, url, runs)) for name, (url, _) in ROUTES.items()}
    return {
        "store": store_spec,
        "runs": runs,
        "health_ms": health,
        "routes": {
            name: {
                "direct_ms": calls[name],
                "api_ms": served[name],
                "overhead_ms": round(served[name] - calls[name], 3),
            }
            for name in ROUTES
        },
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("store", nargs="?", help="a store address; default: the sample in a fresh embedded store")
    parser.add_argument("--runs", type=int, default=200)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        spec = args.store
        if spec is None:
            spec = str(Path(folder) / "sample")
            sample = open_store(Settings(store=spec))
            assert ingest(sample, [SAMPLE]).ok
            sample.close()
        result = measure(spec, args.runs)
    result["store"] = args.store or "the sample, embedded"
    print(f"/health {result['health_ms']} ms (p50, {args.runs} runs)")
    for name, row in result["routes"].items():
        print(
            f"{name:7} direct {row['direct_ms']:8.3f} ms   API {row['api_ms']:8.3f} ms   overhead {row['overhead_ms']:7.3f} ms"
        )
    RESULTS.write_text(json.dumps(result, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
