"""How long a cold ``tongxin`` takes to answer: staff scripts and cron jobs call it many times.

    .venv/bin/python -m benchmarks.cli_start             # 10 runs of each command
    .venv/bin/python -m benchmarks.cli_start --runs 20

Each run is a new process, as a script would start it.  Targets: ``tongxin --help`` ≤ 0.5 s and
``tongxin --store S stats`` on the sample ≤ 1 s, median.  Figures go to ``benchmarks/results/cli.json``;
``python -X importtime -c "import api.cli"`` tells where the time goes.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
TONGXIN = Path(sys.executable).parent / "tongxin"
SAMPLE = HERE.parent / "data" / "sample"
TARGET_S = {"help": 0.5, "stats": 1.0}


def seconds(*args: str, runs: int) -> dict:
    """Median, min and max wall time of ``runs`` cold runs of ``tongxin args``."""
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        subprocess.run([str(TONGXIN), *args], check=True, capture_output=True)
        times.append(time.perf_counter() - started)
    return {
        "median_s": round(statistics.median(times), 3),
        "min_s": round(min(times), 3),
        "max_s": round(max(times), 3),
        "runs": runs,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=10)
    parser.add_argument("--out", type=Path, default=HERE / "results" / "cli.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as store:
        subprocess.run([str(TONGXIN), "--store", store, "ingest", str(SAMPLE)], check=True, capture_output=True)
        results = {
            "help": seconds("--help", runs=args.runs),
            "stats": seconds("--store", store, "stats", runs=args.runs),
        }
    for name, figures in results.items():
        figures.update(target_s=TARGET_S[name], met=figures["median_s"] <= TARGET_S[name])
    print(json.dumps(results, ensure_ascii=False))
    args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
