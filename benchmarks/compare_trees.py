"""The same ingest with the code of two checkouts, runs interleaved: is a change slower?

    git worktree add /tmp/before 25271c3
    python -m benchmarks.compare_trees /tmp/before . --folder /tmp/city --store embedded --runs 3

Each run is a fresh process whose current directory is the tree, so that tree's packages come
first on ``sys.path`` (``python -c`` from another checkout would import that one's instead).
The embedded store is a fresh folder per run; ``--store bolt://…`` is cleared before each run.
The machine's noise is large (±15 % on two cores): compare medians of several runs.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

RUN = """
import json, sys, time
from pathlib import Path
import ingest.pipeline as pipeline
from graph.settings import open_store, settings_from_env
tree, store_spec, folder = sys.argv[1:4]
assert pipeline.__file__.startswith(tree), pipeline.__file__
store = open_store(settings_from_env(store_spec))
store.clear()
started = time.perf_counter()
report = pipeline.ingest(store, [Path(folder)])
print(json.dumps({"ok": report.ok, "rows": report.rows, "seconds": round(time.perf_counter() - started, 1)}))
"""


def run_once(tree: Path, store: str, folder: str) -> dict:
    with tempfile.TemporaryDirectory() as scratch:
        spec = store if store != "embedded" else str(Path(scratch) / "store")
        done = subprocess.run(
            [sys.executable, "-", str(tree), spec, folder], input=RUN, cwd=tree, capture_output=True, text=True
        )
    if done.returncode:
        raise SystemExit(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("trees", nargs=2, type=lambda p: Path(p).resolve())
    parser.add_argument("--folder", required=True)
    parser.add_argument("--store", default="embedded", help="embedded, or a Bolt URI (cleared before each run)")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    seconds: dict[Path, list[float]] = {tree: [] for tree in args.trees}
    for _ in range(args.runs):
        for tree in args.trees:
            answer = run_once(tree, args.store, args.folder)
            if not answer["ok"]:
                raise SystemExit(f"{tree}: the ingest was refused")
            seconds[tree].append(answer["seconds"])
            print(json.dumps({"tree": str(tree), **answer}), flush=True)
    first, second = (statistics.median(seconds[tree]) for tree in args.trees)
    print(json.dumps({"medians": [first, second], "ratio": round(second / first, 3)}))


if __name__ == "__main__":
    main()
