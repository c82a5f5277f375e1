"""The API under load: ``clients`` threads on loopback, each with its own keep-alive connection,
asking a mix of reads for ``seconds``, back to back or with a pause to read each answer.

The server is ``tongxin serve`` in its own process, as staff would run it.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import quote, urlencode

from api.access import Role
from api.admin_commands import issue_token
from benchmarks.measure import percentiles
from graph.local_neo4j import free_port

# How often each read is asked: lookups dominate, coverage is the dashboard's occasional refresh.
MIX = {"search": 30, "entity": 25, "ego": 15, "path": 15, "common": 10, "coverage": 1, "stats": 4}


def _requests(rng: random.Random, people: list[str], names: list[str]):
    a, b = rng.choice(people), rng.choice(people)
    return {
        "search": lambda: (
            "/api/search?"
            + urlencode(
                {"q": rng.choice([rng.choice(names), rng.choice(names)[:1], rng.choice(["zw", "lc", "chen", "lin"])])}
            )
        ),
        "entity": lambda: f"/api/entities/{quote(a)}",
        "ego": lambda: f"/api/entities/{quote(a)}/network?hops=2",
        "path": lambda: "/api/paths?" + urlencode({"from": a, "to": b}),
        "common": lambda: "/api/common?" + urlencode({"a": a, "b": b}),
        "coverage": lambda: "/api/coverage",
        "stats": lambda: "/api/stats",
    }


def _client(port: int, token: str, people, names, until: float, seed: int, think: float, results: list) -> None:
    rng = random.Random(seed)
    kinds = list(MIX)
    weights = [MIX[k] for k in kinds]
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    while time.perf_counter() < until:
        kind = rng.choices(kinds, weights)[0]
        url = _requests(rng, people, names)[kind]()
        start = time.perf_counter()
        try:
            connection.request("GET", url, headers={"Authorization": f"Bearer {token}"})
            response = connection.getresponse()
            response.read()
            ok = 200 <= response.status < 300
        except (OSError, http.client.HTTPException):
            ok = False
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        results.append((kind, time.perf_counter() - start, ok))
        if think:
            time.sleep(rng.uniform(0, 2 * think))
    connection.close()


def _wait_ready(port: int, server: subprocess.Popen, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"the API server stopped (exit {server.returncode})")
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            connection.request("GET", "/ready")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.5)
    raise RuntimeError("tongxin serve did not become ready")


@contextmanager
def serving(store_spec: str, config_dir: str, workers: int = 1) -> Iterator[tuple[int, list[str]]]:
    """``tongxin``'s API served from its own process, as staff run it: (port, the end of its log after)."""
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "uvicorn",
        "api.app:from_environment",
        "--factory",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
        "--log-level",
        "warning",
        "--no-access-log",
    ]
    environment = {**os.environ, "TONGXIN_CONFIG_DIR": config_dir, "TONGXIN_STORE": store_spec}
    log = open(Path(config_dir) / "server.log", "w+")  # a file, not a pipe nobody drains
    server = subprocess.Popen(command, env=environment, stdout=log, stderr=subprocess.STDOUT, text=True)
    tail: list[str] = []
    try:
        _wait_ready(port, server)
        yield port, tail
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
        log.seek(0)
        tail.append(log.read()[-3000:])
        log.close()


def load(
    store_spec: str,
    people: list[str],
    names: list[str],
    clients: int = 32,
    seconds: float = 60,
    workers: int = 1,
    think: float = 0,
) -> dict:
    """Throughput, latency percentiles and errors of a read mix against a fresh server;
    ``think`` > 0 makes each client pause a random 0–2×think seconds between requests,
    as staff reading an answer do."""
    with tempfile.TemporaryDirectory() as config_dir:
        token = issue_token(config_dir, Role.officer, "benchmark")["token"]
        # the clients share one token: its limits (api/throttle.py) opened wide, or most answers are 429
        os.environ.update(TONGXIN_RATE_PER_MINUTE=str(10**9), TONGXIN_IN_FLIGHT_PER_TOKEN=str(clients))
        with serving(store_spec, config_dir, workers) as (port, tail):
            results: list = []
            until = time.perf_counter() + seconds
            threads = [
                threading.Thread(target=_client, args=(port, token, people, names, until, i, think, results))
                for i in range(clients)
            ]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
    by_kind = defaultdict(list)
    for kind, took, _ in results:
        by_kind[kind].append(took)
    return {
        "clients": clients,
        "seconds": seconds,
        "workers": workers,
        "think_s": think,
        "requests": len(results),
        "per_s": round(len(results) / seconds, 1),
        "errors": sum(not ok for *_, ok in results),
        "ms": percentiles([took for _, took, _ in results]),
        "by_kind": {k: percentiles(v) for k, v in sorted(by_kind.items())},
        "server_log_tail": tail[0] if tail else "",
    }


def _get(port: int, url: str, token: str) -> tuple[float, int]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    start = time.perf_counter()
    connection.request("GET", url, headers={"Authorization": f"Bearer {token}"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return time.perf_counter() - start, response.status


def burst(store_spec: str, url: str, callers: int = 50) -> dict:
    """``callers`` officers, each with a token of their own, ask ``url`` at the same moment while
    another caller asks ``/api/me`` every 50 ms: how long the burst takes, and how long a light
    request waits meanwhile (issue 20: 50 whole-graph HTML exports took 71 s, /api/me waited 52 s)."""
    with tempfile.TemporaryDirectory() as config_dir:
        tokens = [issue_token(config_dir, Role.officer, f"burst {i}")["token"] for i in range(callers)]
        watcher = issue_token(config_dir, Role.viewer, "watcher")["token"]
        with serving(store_spec, config_dir) as (port, _):
            answers: list[tuple[float, int]] = []
            light: list[float] = []
            started = time.perf_counter()
            threads = [threading.Thread(target=lambda t=t: answers.append(_get(port, url, t))) for t in tokens]
            for thread in threads:
                thread.start()
            while any(thread.is_alive() for thread in threads):
                light.append(_get(port, "/api/me", watcher)[0])
                time.sleep(0.05)
            took = time.perf_counter() - started
    return {
        "url": url,
        "callers": callers,
        "seconds": round(took, 2),
        "statuses": dict(sorted(Counter(status for _, status in answers).items())),
        "answer_ms": percentiles([t for t, _ in answers]),
        "me_ms": percentiles(light),
    }


def main() -> None:
    """``python -m benchmarks.api_load STORE URL [CALLERS]``: one burst, as JSON."""
    store_spec, url, *rest = sys.argv[1:]
    print(json.dumps(burst(store_spec, url, int(rest[0]) if rest else 50), ensure_ascii=False))


if __name__ == "__main__":
    main()
