"""Small helpers every benchmark shares: percentiles, and running one job in a fresh process
so its peak memory (RSS) is its own."""

from __future__ import annotations

import json
import resource
import statistics
import subprocess
import sys


def percentiles(samples: list[float]) -> dict[str, float]:
    """p50/p95/p99 in milliseconds of samples in seconds.

    >>> percentiles([0.001 * i for i in range(1, 101)])
    {'p50': 50.5, 'p95': 95.1, 'p99': 99.0, 'runs': 100}
    """
    cuts = statistics.quantiles(samples, n=100, method="inclusive") if len(samples) > 1 else samples * 99
    return {
        "p50": round(cuts[49] * 1000, 1),
        "p95": round(cuts[94] * 1000, 1),
        "p99": round(cuts[98] * 1000, 1),
        "runs": len(samples),
    }


def per_s(records: int, seconds: float) -> dict:
    """
    >>> per_s(1000, 2.0)
    {'records': 1000, 'seconds': 2.0, 'records_per_s': 500}
    """
    return {"records": records, "seconds": round(seconds, 2), "records_per_s": round(records / seconds)}


def in_child(module: str, *args: str, timeout: float | None = None) -> dict:
    """Run ``python -m module args`` and return the JSON object it prints last."""
    done = subprocess.run([sys.executable, "-m", module, *args], capture_output=True, text=True, timeout=timeout)
    if done.returncode != 0:
        raise RuntimeError(f"{module} {' '.join(args)} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (Linux reports KiB)."""
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
