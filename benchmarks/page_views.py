"""How long each of the page's views takes in a real browser on a generated district.

    .venv/bin/python -m benchmarks.page_views                 # 5,000 people, 5 runs of each view
    .venv/bin/python -m benchmarks.page_views --people 2000 --runs 10

The district is generated and ingested into an embedded store, served as ``tongxin serve`` serves
it, and Debian's Chromium (Playwright) opens each view as a cadre would: from the click or the
key press until what the view shows is on the screen.  Target: each view under 300 ms (issue
21).  Figures go to ``benchmarks/results/page_views.json``; the first run of each view (cold
caches) is reported apart from the median of the others.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import Counter
from pathlib import Path

from api.access import Role, Tokens
from api.app import create_app
from graph.embedded import EmbeddedStore
from graph.ontology import load
from graph.settings import Settings
from ingest.pipeline import ingest
from ingest.synthetic import generate, write_dataset
from queries.coverage_table import coverage_table
from reliability.common import serving

HERE = Path(__file__).resolve().parent
TARGET_MS = 300
CHROMIUM = "/usr/bin/chromium"


def views(store, base: str) -> dict:
    """Each view as a cadre opens it: (what sets it up, untimed; what is timed, until it shows)."""
    members = Counter(r.target for r in store.iter_relationships() if r.type == "MEMBER_OF")
    biggest = members.most_common(1)[0][0]
    person = next(n.id for n in store.iter_nodes() if "Member" in n.labels)
    work = coverage_table(store)
    town = Counter(r["region"] for r in work["rows"]).most_common(1)[0][0]
    in_town = coverage_table(store, region=town)["shown"]

    def opened(where: str, ready: str):
        return lambda page: (page.goto(base + where), page.wait_for_selector(ready))

    def searched(page):
        page.fill("#q", "zh")
        page.press("#q", "Enter")
        page.wait_for_selector("#results-count:has-text('共')")

    def kept_to_town(page):
        page.select_option("#work-region", town)
        page.wait_for_selector(f"#work-count:has-text('共 {in_town} 人')")

    def cleared(page):  # every town again, as the page stood before the choice
        page.goto(base + "/#overview")
        if page.is_visible("#town-clear"):
            page.click("#town-clear")
        page.goto(base + "/#coverage")
        page.wait_for_selector(f"#work-count:has-text('共 {work['shown']} 人')")

    nothing = opened("/#overview", "#nodes td")
    return {
        "今日工作 home": (nothing, opened("/#home", "#home-towns article.card")),
        "查人 search “zh”": (opened("/#search", "#q"), searched),
        "人员 a person": (nothing, opened(f"/#entity/{person}", "#relationships p.neighbours")),
        "最大的同心荟 the biggest base": (nothing, opened(f"/#entity/{biggest}", "#relationships p.neighbours")),
        "覆盖与工作清单 coverage + work list": (nothing, opened("/#coverage", "#work-list tbody tr")),
        f"工作清单只看{town} one town": (cleared, kept_to_town),
    }


def measure(people: int, runs: int) -> dict:
    from playwright.sync_api import sync_playwright

    with tempfile.TemporaryDirectory() as rosters, tempfile.TemporaryDirectory() as folder:
        write_dataset(load(), generate(people, 7), Path(rosters))
        store = EmbeddedStore(folder)
        assert ingest(store, [Path(rosters)]).ok
        token = Tokens(Path(folder)).create(Role.officer, "benchmark")["token"]
        figures = {}
        with serving(create_app(Settings(store=folder))) as port, sync_playwright() as playwright:
            base = f"http://127.0.0.1:{port}"
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
            page = browser.new_page(viewport={"width": 1366, "height": 768}, locale="zh-CN")
            page.goto(base + "/")
            page.evaluate(f"sessionStorage.setItem('tongxin-token', '{token}')")
            page.goto(base + "/#home")
            page.reload()
            page.wait_for_selector("#home-towns article.card")
            for name, (before, timed) in views(store, base).items():
                times = []
                for _ in range(runs):
                    before(page)
                    started = time.perf_counter()
                    timed(page)
                    times.append((time.perf_counter() - started) * 1000)
                rest = times[1:] or times
                figures[name] = {
                    "first_ms": round(times[0], 1),
                    "median_ms": round(statistics.median(rest), 1),
                    "max_ms": round(max(rest), 1),
                    "runs": runs,
                }
            browser.close()
    return {"people": people, "target_ms": TARGET_MS, "views": figures}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    result = measure(args.people, args.runs)
    out = HERE / "results" / "page_views.json"
    out.parent.mkdir(exist_ok=True)
    out.write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
    for name, figure in result["views"].items():
        mark = "" if figure["median_ms"] <= TARGET_MS else "  (over the target)"
        print(f"{name:40} first {figure['first_ms']:8.1f} ms   median {figure['median_ms']:8.1f} ms{mark}")


if __name__ == "__main__":
    main()
