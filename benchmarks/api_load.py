"""The API under load: ``clients`` threads on loopback, each with its own keep-alive connection,
asking a mix of reads for ``seconds``, back to back or with a pause to read each answer.

The server is ``tongxin serve`` in its own process, as staff would run it.
"""

from __future__ import annotations

import http.client
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from collections import defaultdict
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
    port = free_port()
    with tempfile.TemporaryDirectory() as config_dir:
        token = issue_token(config_dir, Role.officer, "benchmark")["token"]
        env = {**os.environ, "TONGXIN_CONFIG_DIR": config_dir}
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
        log = open(Path(config_dir) / "server.log", "w+")  # a file, not a pipe nobody drains
        server = subprocess.Popen(
            command, env={**env, "TONGXIN_STORE": store_spec}, stdout=log, stderr=subprocess.STDOUT, text=True
        )
        try:
            _wait_ready(port, server)
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
        finally:
            server.terminate()
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                server.kill()
            log.seek(0)
            server_log = log.read()[-3000:]
            log.close()
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
        "server_log_tail": server_log,
    }
