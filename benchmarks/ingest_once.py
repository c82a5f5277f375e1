"""One ``tongxin ingest`` of a folder into a store, in its own process: seconds, rows/s, peak RSS.

    python -m benchmarks.ingest_once STORE FOLDER
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path

from benchmarks.measure import peak_rss_mb
from graph.settings import open_store, settings_from_env
from ingest.pipeline import ingest


def main(store_spec: str, folder: str) -> None:
    with open_store(settings_from_env(store_spec)) as store:
        start = time.perf_counter()
        report = ingest(store, [Path(folder)])
        seconds = time.perf_counter() - start
    if not report.ok:
        raise SystemExit(f"ingest refused the dataset: {report.errors[:3]}")
    print(json.dumps({"rows": report.rows, "seconds": round(seconds, 2),
                      "rows_per_s": round(report.rows / seconds), "peak_rss_mb": peak_rss_mb(),
                      "nodes": report.nodes_created, "relationships": report.relationships_created}))


if __name__ == "__main__":
    main(*sys.argv[1:])
