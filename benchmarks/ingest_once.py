"""One ``tongxin ingest`` of a folder into a store, in its own process: seconds, roster rows/s,
records (nodes and relationships written)/s, peak RSS.

    python -m benchmarks.ingest_once STORE FOLDER [WORKERS]

WORKERS: processes that check the rows, as ``tongxin ingest --workers`` (default: the cores).
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from benchmarks.measure import peak_rss_mb
from graph.settings import open_store, settings_from_env
from ingest.parallel import usable_cores
from ingest.pipeline import ingest


def main(store_spec: str, folder: str, workers: str | None = None) -> None:
    processes = int(workers or usable_cores())
    with open_store(settings_from_env(store_spec)) as store:
        start = time.perf_counter()
        report = ingest(store, [Path(folder)], workers=processes)
        seconds = time.perf_counter() - start
    if not report.ok:
        raise SystemExit(f"ingest refused the dataset: {report.errors[:3]}")
    records = report.nodes_created + report.relationships_created
    print(
        json.dumps(
            {
                "rows": report.rows,
                "workers": processes,
                "records": records,
                "seconds": round(seconds, 2),
                "rows_per_s": round(report.rows / seconds),
                "records_per_s": round(records / seconds),
                "peak_rss_mb": peak_rss_mb(),
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
