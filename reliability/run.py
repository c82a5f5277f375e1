"""The fault runs at full size: ``python -m reliability.run`` (about 100k roster rows, ten
kills each) or smaller with ``--people`` and ``--kills``.  Figures are printed and saved to
``reliability/results/<people>.json``; ``docs/RELIABILITY.md`` quotes them.
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from graph import local_neo4j
from reliability import concurrent, embedded_kills, neo4j_kills
from reliability.common import dataset, roster_rows

HERE = Path(__file__).resolve().parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "--people", type=int, default=19_000, help="people in the generated rosters (19,000 ≈ 100k rows)"
    )
    parser.add_argument("--kills", type=int, default=10, help="kills per store")
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    work = HERE / "run"
    rosters = dataset(work / f"rosters-{args.people}", args.people)
    figures = {"people": args.people, "roster_rows": roster_rows(rosters)}
    print(f"rosters: {figures['roster_rows']} rows in {rosters}")
    results = HERE / "results" / f"{args.people}.json"
    results.parent.mkdir(exist_ok=True)

    def phase(name: str, run) -> None:
        started = time.perf_counter()
        figures[name] = run()
        figures[name]["wall_seconds"] = round(time.perf_counter() - started)
        results.write_text(json.dumps(figures, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
        print(f"{name}: {json.dumps(figures[name], ensure_ascii=False)}")

    phase("neo4j_kills", lambda: neo4j_kills.run(rosters, args.kills, args.seed))
    phase("embedded_kills", lambda: embedded_kills.run(rosters, work / "embedded", args.kills, args.seed))
    phase(
        "embedded_concurrent", lambda: concurrent.run(str(work / "concurrent" / "store"), rosters, work / "concurrent")
    )
    server = neo4j_kills.server()
    local_neo4j.start(server)
    try:
        phase("neo4j_concurrent", lambda: concurrent.run(server.uri, rosters, work / "concurrent"))
    finally:
        local_neo4j.stop(server)
    print(f"saved {results}")


if __name__ == "__main__":
    main()
