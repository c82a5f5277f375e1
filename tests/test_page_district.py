"""The page on a generated 5,000-person district (about 7,000 people, bases, enterprises and
activities, 26,000 rows): the walks a cadre takes on the sample, at the size of a real district."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from api.access import Role, Tokens
from api.app import create_app
from graph.embedded import EmbeddedStore
from graph.ontology import load
from graph.settings import Settings
from ingest.pipeline import ingest
from ingest.synthetic import generate, write_dataset
from queries.coverage_table import coverage_table
from queries.paths import path
from queries.search import search
from reliability.common import serving
from tests.conftest import open_signed_in
from tests.page_walks import SHOTS, biggest_base, home_and_town

PEOPLE, SEED = 5000, 7


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    rosters, folder = tmp_path_factory.mktemp("district-rosters"), tmp_path_factory.mktemp("district")
    write_dataset(load(), generate(PEOPLE, SEED), Path(rosters))
    store = EmbeddedStore(folder)
    assert ingest(store, [rosters]).ok
    token = Tokens(folder).create(Role.officer, "全区页面测试")["token"]
    with serving(create_app(Settings(store=str(folder)))) as port:
        yield f"http://127.0.0.1:{port}", token, store


def test_the_districts_biggest_base_is_grouped_and_counted(page, live):
    biggest_base(page, live, "district-biggest-base.png")


def test_the_districts_home_and_its_busiest_town(page, live):
    rows = coverage_table(live[2])["rows"]
    busiest = Counter(r["region"] for r in rows if r["region"]).most_common(1)[0][0]
    home_and_town(page, live, busiest, "district-home.png")


def test_a_path_between_namesakes_in_the_district(page, live):
    base, token, store = live
    surname = "张"
    people = [r for r in search(store, surname, limit=200, kind="Person")["results"] if len(r["name"]) > 1]
    name = Counter(r["name"] for r in people).most_common(1)[0][0]
    namesakes = [r for r in search(store, name, limit=50)["results"] if r["name"] == name]
    assert len(namesakes) > 1, name
    other = next(r for r in search(store, "陈", limit=50, kind="Member")["results"])
    open_signed_in(page, base, token, "path")
    page.wait_for_selector("#path:not([hidden])")
    page.fill("#from", name)
    page.wait_for_selector("#from-list li[data-id]")
    options = page.locator("#from-list li[data-id]")
    same = [options.nth(i) for i in range(options.count()) if options.nth(i).locator("b").inner_text() == name]
    hints = [option.locator(".hint").inner_text() for option in same]
    assert len(same) == len(namesakes) and len(set(hints)) == len(hints)  # each namesake told apart
    page.locator(f"#from-list li[data-id='{namesakes[-1]['id']}']").dispatch_event("mousedown")
    page.fill("#to", other["id"])
    page.click("#path-form button[type=submit]")
    page.wait_for_selector("#path-count:has-text('共'), #sentences li")
    found = path(store, namesakes[-1]["id"], other["id"], limit=20)
    if found["found"]:
        assert f"共 {found['count']} 条路径" in page.inner_text("#path-count")
        assert page.locator("#sentences li").count() == len(found["paths"])
    page.screenshot(path=str(SHOTS / "district-path.png"))


def test_finding_a_person_in_the_district_by_name_and_by_pinyin(page, live):
    base, token, store = live
    someone = next(n for n in store.iter_nodes() if "Member" in n.labels and len(n.properties["name"]) == 3)
    open_signed_in(page, base, token, "search")
    page.wait_for_selector("#search:not([hidden])")
    for asked in (someone.properties["name"], someone.properties["pinyin"]):
        expected = search(store, asked)
        page.fill("#q", asked)
        page.press("#q", "Enter")
        page.wait_for_selector(f"#results-count:has-text('共 {expected['total']} 个')")
        shown = page.eval_on_selector_all("#results li[data-id]", "items => items.map(i => i.dataset.id)")
        assert someone.id in shown and shown == [r["id"] for r in expected["results"]]
