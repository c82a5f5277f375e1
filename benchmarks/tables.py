"""The figures of ``benchmarks/results/*.json`` as the Markdown tables of RESULTS.md.

.venv/bin/python -m benchmarks.tables
"""

from __future__ import annotations

import json
from pathlib import Path

RESULTS = Path(__file__).resolve().parent / "results"
ORDER = ("district", "city", "province")
QUERIES = ("search", "path", "ego", "common", "coverage", "coverage_candidates")


def _load() -> list[dict]:
    found = {p.stem: json.loads(p.read_text()) for p in RESULTS.glob("*.json")}
    return [found[s] for s in ORDER if s in found]


def _table(header: list[str], rows: list[list]) -> str:
    lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def ingest(results: list[dict]) -> str:
    rows = []
    for r in results:
        n = r["neo4j"]
        if "ours" not in n:
            continue
        rows.append(
            [
                r["scale"],
                f"{n['ours']['records']:,}",
                f"{n['ours']['rows']:,}",
                f"{n['ours']['seconds']} s",
                f"{n['ours']['records_per_s']:,}",
                f"{n['load_csv']['seconds']} s",
                f"{n['load_csv']['records_per_s']:,}",
                f"{n['naive']['records_per_s']:,}",
                f"{n['ratio_to_load_csv']}×",
                f"{n['ratio_to_naive']}×",
                f"{n['ours']['peak_rss_mb']:,.0f} MB",
            ]
        )
    return _table(
        [
            "scale",
            "records",
            "roster rows",
            "tongxin ingest",
            "records/s",
            "LOAD CSV",
            "records/s",
            "naive records/s",
            "÷ LOAD CSV",
            "÷ naive",
            "client RSS",
        ],
        rows,
    )


def embedded(results: list[dict]) -> str:
    rows = []
    for r in results:
        e = r.get("embedded")
        if e:
            i = e["ingest"]
            rows.append(
                [
                    r["scale"],
                    f"{i['rows']:,}",
                    f"{i['seconds']} s",
                    f"{i['rows_per_s']:,}",
                    f"{i['records_per_s']:,}",
                    f"{i['peak_rss_mb']:,.0f} MB",
                    f"{e['file_mb']} MB",
                    f"{e['open_s']} s",
                ]
            )
    return _table(["scale", "roster rows", "ingest", "rows/s", "records/s", "peak RSS", "file", "open"], rows)


def _cell(figures: dict | None) -> str:
    if figures is None:
        return "–"
    if "error" in figures:
        return "refused: " + figures["error"]
    return " / ".join(str(figures[p]) for p in ("p50", "p95", "p99"))


def latency(results: list[dict]) -> str:
    rows = []
    for r in results:
        for store in ("embedded", "neo4j"):
            ms = r.get(store, {}).get("ms")
            if ms:
                rows.append([r["scale"], store, *[_cell(ms.get(q)) for q in QUERIES]])
    return _table(["scale", "store", *QUERIES], rows)


def api(results: list[dict]) -> str:
    rows = []
    for r in results:
        for key in ("api", "api_paced"):
            a = r["neo4j"].get(key)
            if a:
                rows.append(
                    [
                        r["scale"],
                        a["clients"],
                        f"{a.get('think_s', 0)} s",
                        a["seconds"],
                        a["requests"],
                        a["per_s"],
                        a["errors"],
                        a["ms"]["p50"],
                        a["ms"]["p95"],
                        a["ms"]["p99"],
                        ", ".join(f"{k} {v['p95']}" for k, v in a["by_kind"].items()),
                    ]
                )
    return _table(
        [
            "scale",
            "clients",
            "think",
            "seconds",
            "requests",
            "per s",
            "errors",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "p95 ms by request",
        ],
        rows,
    )


def main() -> None:
    results = _load()
    for title, render in (
        ("Ingest into Neo4j", ingest),
        ("Embedded store", embedded),
        ("Query latency, ms p50 / p95 / p99", latency),
        ("API under load", api),
    ):
        print(f"### {title}\n\n{render(results)}\n")


if __name__ == "__main__":
    main()
