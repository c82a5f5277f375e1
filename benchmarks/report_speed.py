"""How long the yearly report takes, format by format, on the embedded store at generated scales.

    .venv/bin/python -m benchmarks.report_speed                 # the district (5k people)
    .venv/bin/python -m benchmarks.report_speed --scales district,city

Targets: each format of a district's report within 30 s, of a city's within 120 s (a report is
written a few times a year; the figures must not keep staff waiting for minutes).  Figures go to
``benchmarks/results/report.json``.
"""

from __future__ import annotations

import argparse
import json
import tempfile
import time
from pathlib import Path

from benchmarks.measure import in_child
from benchmarks.run import HERE, SCALES, dataset
from graph.embedded import EmbeddedStore
from graph.settings import Settings
from queries.report import report
from queries.report_document import REPORT_FORMATS

TARGET_S = {"district": 30, "city": 120, "province": 600}


def timed(scale: str, folder: Path, as_of: str) -> dict:
    font = Settings().report_font
    with tempfile.TemporaryDirectory() as where:
        store_dir = Path(where) / "store"
        in_child("benchmarks.ingest_once", str(store_dir), str(folder))
        with EmbeddedStore(store_dir) as store:
            store.counts()
            started = time.perf_counter()
            answer = report(store, as_of=as_of)
            figures = {"figures_s": round(time.perf_counter() - started, 2)}
            for name, chosen in REPORT_FORMATS.items():
                started = time.perf_counter()
                made = chosen.write(store, report(store, as_of=as_of), font)
                figures[name] = {
                    "seconds": round(time.perf_counter() - started, 2),  # counting and writing
                    "bytes": len(made),
                }
    slowest = max(v["seconds"] for v in figures.values() if isinstance(v, dict))
    return {
        "scale": scale,
        "people": SCALES[scale],
        "as_of": as_of,
        "tables": len(answer["tables"]),
        **figures,
        "target_s": TARGET_S[scale],
        "met": slowest <= TARGET_S[scale],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scales", default="district", help=f"comma-separated, of {', '.join(SCALES)}")
    parser.add_argument("--as-of", default="2025-12-31")
    parser.add_argument("--data", type=Path, default=HERE / "data")
    parser.add_argument("--out", type=Path, default=HERE / "results" / "report.json")
    args = parser.parse_args()
    results = json.loads(args.out.read_text()) if args.out.exists() else {}
    for scale in args.scales.split(","):
        results[scale] = timed(scale, dataset(scale, args.data), args.as_of)
        print(json.dumps(results[scale], ensure_ascii=False))
        args.out.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")


if __name__ == "__main__":
    main()
