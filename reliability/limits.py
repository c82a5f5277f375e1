"""Out-of-bounds requests, and how fast they are refused: ``python -m reliability.limits``.

Each request asks for far more than the API allows (hops, path length, page sizes, ids
and lists of types thousands of characters long); each must be a 422 before any query.
The tests assert that; this times it, with the upload limit on a live server.
"""

from __future__ import annotations

import json
import socket
import statistics
import tempfile
import time
from pathlib import Path

from fastapi.testclient import TestClient

from api.access import Role, Tokens
from api.app import create_app
from graph.settings import Settings
from reliability.common import serving

KNOWN = "P0001"  # a liaison in the sample
LIMITS = [
    ("/api/entities/P0001/network", {"hops": 10**9}),
    ("/api/entities/P0001/network", {"hops": -1}),
    ("/api/entities/P0001/network", {"max_nodes": 10**9}),
    ("/api/paths", {"from": KNOWN, "to": KNOWN, "max_hops": 10**18}),
    ("/api/paths", {"from": KNOWN, "to": KNOWN, "limit": 10**9}),
    ("/api/search", {"q": "张" * 1000}),
    ("/api/search", {"q": "zw", "limit": 10**9}),
    ("/api/search", {"q": "zw", "offset": 10**9}),
    ("/api/brokers", {"top": 10**9}),
    ("/api/coverage", {"window_days": 10**9}),
    ("/api/coverage", {"max_load": 10**9}),
    ("/api/audit", {"limit": 10**9}),
    ("/api/audit", {"offset": -1}),
    ("/api/entities/" + "P" * 5000, {}),
    ("/api/paths", {"from": KNOWN, "to": KNOWN, "via": "KNOWS," * 1000}),
]


def _timed(call, runs: int = 20) -> float:
    """Median milliseconds of ``call``."""
    samples = []
    for _ in range(runs):
        started = time.perf_counter()
        call()
        samples.append(time.perf_counter() - started)
    return round(statistics.median(samples) * 1000, 2)


def main() -> None:
    with tempfile.TemporaryDirectory() as where:
        settings = Settings(store=str(Path(where) / "store"), config_dir=Path(where), max_upload_mb=50)
        token = Tokens(Path(where)).create(Role.admin)["token"]
        headers = {"Authorization": f"Bearer {token}"}
        app = create_app(settings)
        figures = {}
        with TestClient(app) as client:
            for url, params in LIMITS:
                response = client.get(url, params=params, headers=headers)
                assert response.status_code == 422, (url, response.text)
                name = f"{url[:40]} {','.join(f'{k}={str(v)[:12]}' for k, v in params.items())}"
                figures[name] = _timed(lambda url=url, params=params: client.get(url, params=params, headers=headers))
        with serving(app) as port:

            def declared_10_gb() -> None:
                with socket.create_connection(("127.0.0.1", port)) as sock:
                    sock.sendall(
                        (
                            f"POST /api/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
                            f"Content-Length: {10 << 30}\r\n\r\n"
                        ).encode()
                    )
                    assert sock.recv(65536).startswith(b"HTTP/1.1 413")

            figures["POST /api/ingest, Content-Length 10 GB (live server)"] = _timed(declared_10_gb)
    print(json.dumps(figures, ensure_ascii=False, indent=1))


if __name__ == "__main__":
    main()
