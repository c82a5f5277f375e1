"""The page in a real browser against a live server on the sample: sign in, search by
pinyin initials, open a person, see the network, find a path, read the dashboard — and
the same answers as the API, with no request leaving localhost."""

from __future__ import annotations

import io
from collections import defaultdict

import openpyxl
import pytest

from api.access import Role, Tokens
from api.app import create_app
from graph.embedded import EmbeddedStore
from graph.ontology import load
from graph.settings import Settings
from ingest.blank_workbook import blank_workbook
from ingest.pipeline import ingest
from queries.coverage import coverage
from queries.network import ego
from queries.paths import path
from queries.search import search
from reliability.common import serving
from tests.conftest import SAMPLE_DIR, open_signed_in, snapshot
from tests.page_walks import SHOTS, biggest_base, home_and_town


@pytest.fixture(scope="module")
def live(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    store = EmbeddedStore(folder)
    assert ingest(store, [SAMPLE_DIR]).errors == []
    token = Tokens(folder).create(Role.officer, "页面测试")["token"]
    with serving(create_app(Settings(store=str(folder)))) as port:
        yield f"http://127.0.0.1:{port}", token, store


def test_staff_sign_in_search_open_a_person_and_see_the_network(page, live):
    base, token, store = live
    SHOTS.mkdir(exist_ok=True)
    page.goto(base + "/")
    page.wait_for_selector("#signin:not([hidden])")
    page.fill("#token", token)
    page.click("#signin-form button")
    page.wait_for_selector("#home:not([hidden])")  # the day's work first
    assert "页面测试" in page.inner_text("#who")
    page.click("nav button[data-view='search']")
    page.fill("#q", "zw")
    page.press("#q", "Enter")
    page.wait_for_selector("#results li[data-id]")
    shown = page.eval_on_selector_all("#results li[data-id]", "items => items.map(i => i.dataset.id)")
    assert shown == [r["id"] for r in search(store, "zw")["results"]]
    page.fill("#q", "")
    page.type("#q", "zhang", delay=30)  # results follow the typing, with their total and pages
    everyone = search(store, "zhang", limit=200)
    page.wait_for_selector(f"#results-count:has-text('共 {everyone['total']} 个')")
    if everyone["total"] > 20:
        assert "显示第 1–20 个" in page.inner_text("#results-count")
        page.click("#results-next")
        page.wait_for_selector("#results-count:has-text('显示第 21–')")
        second = page.eval_on_selector_all("#results li[data-id]", "items => items.map(i => i.dataset.id)")
        assert second == [r["id"] for r in everyone["results"][20:40]]
    page.select_option("#q-kind", "Base")
    page.wait_for_selector("#results-count:has-text('共')")
    page.wait_for_function(
        "() => [...document.querySelectorAll('#results li .hint')].every(h => h.textContent.startsWith('同心荟'))"
    )
    page.select_option("#q-kind", "")
    page.fill("#q", "zw")
    page.press("#q", "Enter")
    page.wait_for_selector(f"#results li[data-id='{shown[0]}']")
    page.screenshot(path=str(SHOTS / "search.png"))
    page.click(f"#results li[data-id='{shown[0]}'] a")
    page.wait_for_selector("#entity:not([hidden]) #network canvas")
    first = ego(store, shown[0], hops=1)["nodes"]
    page.wait_for_function(f"() => window.tongxinNetwork && window.tongxinNetwork.nodes().length === {len(first)}")
    # the wheel zooms at the pointer: the point under it stays where it was
    box = page.locator("#network").bounding_box()
    pointer = (box["x"] + box["width"] * 0.7, box["y"] + box["height"] * 0.3)
    under = "([x, y]) => { const c = window.tongxinNetwork, p = c.pan(), z = c.zoom(); return [(x - p.x) / z, (y - p.y) / z, z]; }"
    inside = [box["width"] * 0.7, box["height"] * 0.3]
    before = page.evaluate(under, inside)
    page.mouse.move(*pointer)
    page.mouse.wheel(0, -300)
    page.wait_for_timeout(200)
    after = page.evaluate(under, inside)
    assert after[2] > before[2] and abs(after[0] - before[0]) < 2 and abs(after[1] - before[1]) < 2
    page.click("#network-fit")
    page.click("#expand")
    around = ego(store, shown[0], hops=2)["nodes"]
    page.wait_for_function(f"() => window.tongxinNetwork.nodes().length === {len(around)}")
    # each node in its label's colour from the ontology, and a legend of exactly the kinds drawn
    onto = store.ontology
    kinds = {onto.kind(n["labels"]) for n in around}
    fills = page.evaluate("() => window.tongxinNetwork.nodes().map(n => n.data('colour'))")
    assert set(fills) == {onto.labels[k].colour for k in kinds}
    assert page.locator("#network-legend .legend-item").all_inner_texts() == [
        label.zh for name, label in onto.labels.items() if name in kinds
    ]
    page.screenshot(path=str(SHOTS / "person.png"))


def test_the_path_finder_and_the_dashboard_say_what_the_api_says(page, live):
    base, token, store = live
    open_signed_in(page, base, token, "path")
    page.wait_for_selector("#path:not([hidden])")
    page.fill("#from", "P0083")
    page.fill("#to", "B17")
    page.keyboard.press("Enter")
    page.wait_for_selector("#sentences li")
    found = path(store, "P0083", "B17", limit=20)
    expected = [said(p) for p in found["paths"]]
    assert page.eval_on_selector_all("#sentences li", "items => items.map(i => i.textContent)") == expected
    assert page.locator("#path-picture g.node").count() == len({n["id"] for p in found["paths"] for n in p["nodes"]})
    page.screenshot(path=str(SHOTS / "path.png"))
    page.click("nav button[data-view='coverage']")
    page.wait_for_selector("#by-region rect", state="attached")
    page.fill("#as-of", "2026-06-30")  # a fixed date: the figures, and the guide's screenshot, stay put
    page.eval_on_selector("#coverage-form", "form => form.requestSubmit()")
    page.wait_for_selector("#totals:has-text('截至 2026-06-30')")
    page.locator("#as-of").blur()
    figures = coverage(store, as_of="2026-06-30")
    totals = page.inner_text("#totals")
    assert f"代表人士 {figures['total']} 人" in totals and f"已列名联系 {figures['covered']} 人" in totals
    assert page.locator("#by-region rect").count() == len(figures["by_region"])
    page.wait_for_selector("#work-list tbody tr")
    uncovered = page.locator("#work-list tbody tr.uncovered")
    assert sorted(uncovered.evaluate_all("rows => rows.map(r => r.dataset.id)")) == sorted(figures["uncovered"])
    assert page.locator("#overloaded li").count() == len(figures["overloaded_liaisons"])
    page.screenshot(path=str(SHOTS / "coverage.png"), full_page=True)


def said(found_path: dict) -> str:
    """A path as the page says it: the go-between first, then the sentence."""
    people = "、".join(n["name"] for n in found_path["go_between"])
    return (f"可经 {people} 引荐：" if people else "") + found_path["sentence"]


def test_a_path_between_two_names_tells_namesakes_apart(page, live):
    base, token, store = live
    namesakes = [r for r in search(store, "吴艳")["results"] if r["name"] == "吴艳"]
    assert len(namesakes) > 1  # the sample has two people called 吴艳
    open_signed_in(page, base, token, "path")
    page.wait_for_selector("#path:not([hidden])")
    page.fill("#to", "鹿城青年创客")
    page.wait_for_selector("#to-list li[data-id]")
    page.locator("#to-list li[data-id]").first.dispatch_event("mousedown")
    page.fill("#from", "吴艳")
    page.wait_for_selector("#from-list li[data-id]")
    options = page.locator("#from-list li[data-id]")
    hints = options.locator(".hint").all_inner_texts()
    assert options.count() == len(namesakes) and len(set(hints)) == len(hints)  # told apart by town, year, employer
    page.click("#path-form button[type=submit]")  # not chosen yet: which 吴艳?
    page.wait_for_selector("#path-error:has-text('有 2 个')")
    assert page.locator("#sentences li").count() == 0
    second = namesakes[1]["id"]
    page.fill("#from", "吴艳")
    page.wait_for_selector(f"#from-list li[data-id='{second}']")
    page.locator(f"#from-list li[data-id='{second}']").dispatch_event("mousedown")
    page.click("#path-form button[type=submit]")
    page.wait_for_selector("#path-count:has-text('共')")
    target = page.get_attribute("#to", "data-id")
    found = path(store, second, target, limit=20)
    assert page.inner_text("#path-error") == ""
    shown = len(found["paths"])
    assert f"共 {found['count']} 条路径" in page.inner_text("#path-count")
    assert page.eval_on_selector_all("#sentences li", "items => items.map(i => i.textContent)") == [
        said(p) for p in found["paths"]
    ]
    sentences = [p["sentence"] for p in found["paths"]]
    assert len(set(sentences)) == shown  # each route once
    drawn = {r["type"] for p in found["paths"] for r in p["relationships"]}
    labels = {k for t in page.locator("#path-picture .edge-label").all_text_contents() for k in t.split("、")}
    assert labels == {store.ontology.relationships[t].zh for t in drawn}
    page.screenshot(path=str(SHOTS / "path-by-name.png"))


def test_a_viewer_sees_masked_personal_information_on_the_page(page, live):
    base, _, store = live
    viewer = Tokens(store.folder).create(Role.viewer, "查看者测试")["token"]
    open_signed_in(page, base, viewer, "entity/P0083")
    page.wait_for_selector("#properties td")
    text = page.inner_text("#properties")
    raw = store.get("P0083").properties
    assert raw["phone"] not in text and raw["id_number"] not in text
    assert raw["phone"][:3] + "****" + raw["phone"][-4:] in text


def _workbook(path, people=(), relationships=(), bases=()):
    """The blank template with these rows typed in."""
    book = openpyxl.load_workbook(io.BytesIO(blank_workbook(load())))
    for sheet, rows in (("人员", people), ("关系", relationships), ("基地", bases)):
        headers = [c.value for c in book[sheet][1]]
        for row in rows:
            book[sheet].append([row.get(h) for h in headers])
    book.save(path)
    return path


def test_an_admin_uploads_a_roster_sees_its_errors_in_chinese_then_writes_a_good_one(page, live, tmp_path):
    base, _, store = live
    admin = Tokens(store.folder).create(Role.admin, "管理员测试")["token"]
    bad = _workbook(
        tmp_path / "有错的名册.xlsx",
        people=[
            {"编号": "P9001", "姓名": "林晓", "人员类别": "新阶层人士", "身份证号": "330302198503120016"},
            {"编号": "P9002", "姓名": "周帆", "人员类别": "学生"},
        ],
        bases=[{"编号": "B90", "名称": "江滨·同心荟", "类别": "创新型"}],
        relationships=[{"起点": "P9001", "关系": "成员", "终点": "B01", "开始日期": "去年"}],
    )
    good = _workbook(
        tmp_path / "名册.xlsx",
        people=[{"编号": "P9001", "姓名": "林晓", "人员类别": "新阶层人士", "所属镇街": "五马街道"}],
        relationships=[{"起点": "P9001", "关系": "成员", "终点": "B01", "开始日期": "2025-06-01"}],
    )
    before = snapshot(store)
    open_signed_in(page, base, admin)
    page.click("#nav-upload")
    page.wait_for_selector("#upload:not([hidden])")
    assert page.get_attribute("#upload a[download]", "href") == "/api/template"
    page.set_input_files("#upload-files", str(bad))
    page.click("#upload-form button")
    page.wait_for_selector("#upload-errors:not([hidden]) tbody tr")
    rows = page.eval_on_selector_all(
        "#upload-errors tbody tr", "rows => rows.map(r => [...r.cells].map(c => c.textContent))"
    )
    assert ["有错的名册.xlsx", "人员", "2", "身份证号", "330302198503120016"] in [r[:5] for r in rows]
    messages = " ".join(r[5] for r in rows)  # after the cell as written, the reason
    assert "校验位错误" in messages and "「学生」" in messages and "「创新型」" in messages and "「去年」" in messages
    assert "未写入" in page.inner_text("#upload-summary") and page.is_hidden("#upload-confirm")
    page.screenshot(path=str(SHOTS / "upload-errors.png"), full_page=True)
    assert snapshot(store) == before, "nothing was written"

    page.set_input_files("#upload-files", str(good))
    page.click("#upload-form button")
    page.wait_for_selector("#upload-confirm:not([hidden])")
    assert "检查通过" in page.inner_text("#upload-summary") and page.is_hidden("#upload-errors")
    preview = page.inner_text("#upload-preview")  # person by person, before anything is written
    assert "新建\t林晓（P9001）" in preview and "林晓 —成员→ 抖音之家·同心荟" in preview
    page.screenshot(path=str(SHOTS / "upload-preview.png"), full_page=True)
    assert snapshot(store) == before, "a check writes nothing"
    page.click("#upload-confirm")
    page.locator("#upload-summary", has_text="已写入").wait_for()
    page.screenshot(path=str(SHOTS / "upload-written.png"), full_page=True)
    assert store.get("P9001").properties["name"] == "林晓"
    assert any(s.other.id == "B01" for s in store.expand(["P9001"], ["MEMBER_OF"], 10))


def test_only_admins_see_the_upload_view(page, live):
    base, token, _ = live
    open_signed_in(page, base, token, "upload")
    page.wait_for_selector("#home:not([hidden])")  # an officer is sent to the day's work
    assert page.is_hidden("#nav-upload") and page.is_hidden("#upload")


def test_sign_in_explains_the_token_keeps_it_in_this_tab_only_and_signs_out(page, live):
    base, token, _ = live
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(base + "/")
    page.wait_for_selector("#signin:not([hidden])")
    assert page.is_hidden("nav") and page.is_hidden("#signout")  # nothing to click before signing in
    assert "管理员" in page.inner_text("#signin")  # says what a token is and who gives it
    page.fill("#token", "tx_wrong")
    page.click("#signin-form button")
    page.locator("#signin-error", has_text="令牌不对").wait_for()
    page.fill("#token", token)
    page.click("#signin-form button")
    page.wait_for_selector("#home:not([hidden])")
    assert page.is_visible("nav") and page.is_visible("#signout")
    assert page.evaluate("localStorage.getItem('tongxin-token')") is None
    assert page.evaluate("sessionStorage.getItem('tongxin-token')") == token
    page.click("#signout")
    page.wait_for_selector("#signin:not([hidden])")
    assert page.evaluate("sessionStorage.getItem('tongxin-token')") is None and page.is_hidden("nav")
    page.fill("#token", token)  # on one's own PC: remembered in a new window, forgotten at sign-out
    page.check("#remember")
    page.click("#signin-form button")
    page.wait_for_selector("#home:not([hidden])")
    again = page.context.new_page()
    again.goto(base + "/")
    again.wait_for_selector("#home:not([hidden])")
    again.click("#signout")
    again.wait_for_selector("#signin:not([hidden])")
    assert again.evaluate("localStorage.getItem('tongxin-token')") is None
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_the_api_docs_load_from_the_package_under_the_page_policy(page, live):
    base, _, _ = live
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.goto(base + "/docs")
    page.wait_for_selector(".swagger-ui .opblock")
    assert "/api/search" in page.inner_text(".swagger-ui")
    assert requested and all(url.startswith(base) for url in requested), requested
    assert not [e for e in errors if "Content Security Policy" in e], errors


def test_a_town_cadre_sees_their_town_only(page, live):
    from graph.scope import ScopedStore

    base, _, store = live
    cadre = Tokens(store.folder).create(Role.viewer, "五马干部", ("五马街道",))["token"]
    town = ScopedStore(store, ["五马街道"])
    open_signed_in(page, base, cadre, "search")
    page.wait_for_selector("#search:not([hidden])")
    assert "仅限五马街道" in page.inner_text("#who")
    page.fill("#q", "z")
    page.press("#q", "Enter")
    page.wait_for_selector("#results li[data-id]")
    shown = page.eval_on_selector_all("#results li[data-id]", "items => items.map(i => i.dataset.id)")
    assert shown == [r["id"] for r in search(town, "z")["results"]] != [r["id"] for r in search(store, "z")["results"]]
    people = [store.get(i) for i in shown if "Person" in store.get(i).labels]
    assert people and all(p.properties["region"] == "五马街道" for p in people)
    page.click("nav button[data-view='coverage']")
    page.wait_for_selector("#totals:has-text('代表人士')")
    assert f"代表人士 {coverage(town)['total']} 人" in page.inner_text("#totals")


def test_the_work_list_filtered_to_a_town_downloads_and_prints(page, live, tmp_path):
    from queries.coverage_table import coverage_table
    from tests.conftest import readable

    base, token, store = live
    open_signed_in(page, base, token, "coverage")
    page.wait_for_selector("#work-list tbody tr")
    page.fill("#as-of", "2026-06-30")
    page.eval_on_selector("#coverage-form", "form => form.requestSubmit()")
    page.wait_for_selector("#totals:has-text('截至 2026-06-30')")
    page.click("#by-region g.bar[data-name='五马街道']")  # a town's bar picks the town
    page.wait_for_selector("#work-count:has-text('共')")
    page.wait_for_function("() => document.getElementById('work-region').value === '五马街道'")
    page.wait_for_selector("#work-basis:has-text('点“建议联系领导”')")  # suggestions only when asked for
    page.click("#work-suggest")
    page.wait_for_selector("#work-basis:has-text('按关系网远近')")
    expected = coverage_table(store, as_of="2026-06-30", region="五马街道", suggest=True)
    page.wait_for_selector(f"#work-count:has-text('共 {expected['shown']} 人')")
    shown = page.locator("#work-list tbody tr").evaluate_all("rows => rows.map(r => r.dataset.id)")
    assert shown == [r["id"] for r in expected["rows"]] and shown
    with page.expect_download() as download:
        page.click("#work-download")
    assert download.value.suggested_filename == "列名联系工作清单-2026-06-30.xlsx"
    with open(download.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[2][:2] == ("姓名", "镇街") and "口径" in rows[1][0]
    assert [r[0] for r in rows[3:]] == [r["name"] for r in expected["rows"]]
    assert {r[1] for r in rows[3:]} == {"五马街道"}
    suggested = [s["name"] for r in expected["rows"] for s in r["suggested"]]
    assert suggested and all(any(name in (r[11] or "") for r in rows[3:]) for name in suggested)
    page.screenshot(path=str(SHOTS / "work-list.png"), full_page=True)
    page.emulate_media(media="print")
    printed = readable(page.pdf(format="A4", landscape=True), "application/pdf")
    assert all(r["name"] in printed for r in expected["rows"]) and "口径" in printed
    assert "查人查基地" not in printed and "统计日期" not in printed  # no menu, no forms


def test_a_person_page_speaks_chinese(page, live):
    base, token, store = live
    person = next(
        n for n in store.iter_nodes() if n.properties.get("representative") and n.properties.get("birth_year")
    )
    open_signed_in(page, base, token, f"entity/{person.id}")
    page.wait_for_selector("#properties td")
    text = page.inner_text("#properties")
    assert "出生年份" in text and f"{person.properties['birth_year']}年" in text and "代表人士\t是" in text
    for raw in ("birth_year", "political_status", "representative", "true", "ingested_at", "T0"):
        assert raw not in text, raw
    assert "来源" in text and "导入" in text


def _card_rows(page, rel_type: str) -> list[list[str]]:
    table = page.locator(f"#relationships div.neighbours[data-type='{rel_type}'] table.card-list")
    table.wait_for()
    return table.locator("tr").evaluate_all(
        "rows => rows.map(r => [...r.cells].map(c => c.querySelector('a') ? c.querySelector('a').hash : c.textContent))"
    )


def test_cards_list_proposals_cases_and_a_bases_figures_with_their_columns(page, live):
    """A person's proposals with year, kind, channel and status; an expert's cases; a base's own
    figures and the cases that came through it: rows of the values the store holds."""
    base, token, store = live
    by_type = defaultdict(lambda: defaultdict(set))
    for r in store.iter_relationships():
        if r.type in ("AUTHORED", "PROVIDED", "VIA_BASE", "FIGURE_OF"):
            end = r.source if r.type in ("AUTHORED", "PROVIDED") else r.target
            by_type[r.type][end].add(r.target if r.type in ("AUTHORED", "PROVIDED") else r.source)
    for rel_type, zh_columns in (
        ("AUTHORED", ["题目", "年度", "类别", "渠道", "办理情况"]),
        ("PROVIDED", ["事项", "日期", "类别", "状态", "价值"]),
        ("FIGURE_OF", ["名称", "期间", "指标", "数值", "单位", "来源"]),
        ("VIA_BASE", ["事项", "日期", "类别", "状态", "价值"]),
    ):
        owner = max(by_type[rel_type], key=lambda k: (len(by_type[rel_type][k]), k))
        records = by_type[rel_type][owner]
        open_signed_in(page, base, token, f"entity/{owner}")
        rows = _card_rows(page, rel_type)
        assert rows[0] == zh_columns, rel_type
        assert len(rows) - 1 == min(12, len(records))
        for link, *cells in rows[1:]:
            assert link.removeprefix("#entity/") in records
            record = store.get(link.removeprefix("#entity/"))
            card = store.ontology.labels[store.ontology.kind(record.labels)].card
            for prop, cell in zip(card, cells):
                value = record.properties.get(prop)
                if prop == "date":
                    y, m, d = value.split("-")
                    value = f"{y}年{int(m)}月{int(d)}日"
                elif prop == "year":
                    value = f"{value}年"
                assert cell == ("" if value is None else str(value)), (rel_type, prop)
    page.locator("#relationships div.neighbours[data-type='VIA_BASE']").screenshot(path=str(SHOTS / "base-cases.png"))


def test_a_viewer_sees_a_service_case_without_its_note(page, live):
    base, _, store = live
    case = next(n for n in store.iter_nodes() if "ServiceCase" in n.labels and n.properties.get("note"))
    viewer = Tokens(store.folder).create(Role.viewer, "查看者测试")["token"]
    open_signed_in(page, base, viewer, f"entity/{case.id}")
    page.wait_for_selector("#properties td")
    text = page.inner_text("#properties")
    assert case.properties["name"] in text and "情况说明\t（已隐藏）" in text
    assert case.properties["note"] not in page.content()


def test_the_report_is_made_from_the_page(page, live):
    from tests.conftest import readable

    base, token, store = live
    open_signed_in(page, base, token, "report")
    page.wait_for_selector("#report:not([hidden])")
    assert page.evaluate("document.activeElement.textContent") == "年度工作报表"  # focus on the view's heading
    assert page.get_attribute("nav button[data-view='report']", "aria-current") == "page"
    page.fill("#report-year", "2025")
    page.select_option("#report-format", "pdf")
    with page.expect_download(timeout=120_000) as download:
        page.click("#report-form button")
    assert download.value.suggested_filename.endswith(".pdf") and "2025" in download.value.suggested_filename
    with open(download.value.path(), "rb") as handle:
        printed = readable(handle.read(), "application/pdf")
    assert "2025" in printed and "口径" in printed
    page.wait_for_selector("#report-status:has-text('已生成')")
    for word in ("节点", "关系数"):
        assert word not in printed, word
    page.select_option("#report-format", "xlsx")
    with page.expect_download(timeout=120_000) as download:
        page.click("#report-form button")
    with open(download.value.path(), "rb") as handle:
        book = openpyxl.load_workbook(io.BytesIO(handle.read()))
    assert len(book.sheetnames) > 5


def test_a_visit_recorded_on_a_phone_shows_on_the_dashboard(browser, live):
    import datetime as dt

    from queries.coverage import coverage_facts

    base, token, store = live
    today = dt.date.today().isoformat()
    facts = coverage_facts(store, today)
    rep = next(r for r in facts["representatives"] if r["liaisons"] and r["last_contact"] != today)
    leader = next(lead for lead in facts["liaisons"] if lead["id"] == rep["liaisons"][0])
    context = browser.new_context(viewport={"width": 390, "height": 844}, locale="zh-CN", is_mobile=True)
    page = context.new_page()
    open_signed_in(page, base, token, "visit")
    page.wait_for_selector("#visit:not([hidden])")
    assert page.input_value("#visit-date") == today
    for box, name, wanted in (("visit-leader", leader["name"], leader["id"]), ("visit-person", rep["name"], rep["id"])):
        page.fill(f"#{box}", name)
        page.wait_for_selector(f"#{box}-list li[data-id='{wanted}']")
        page.locator(f"#{box}-list li[data-id='{wanted}']").dispatch_event("mousedown")
    page.select_option("#visit-method", "走访")
    page.fill("#visit-note", "了解企业经营情况")
    page.screenshot(path=str(SHOTS / "visit-phone.png"), full_page=True)
    page.click("#visit-form button[type=submit]")
    page.wait_for_selector("#visit-status:has-text('已登记')")
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page is {width} px wide on a 390 px phone"
    page.click("nav button[data-view='coverage']")
    row = page.locator(f"#work-list tbody tr[data-id='{rep['id']}']")
    row.wait_for()
    y, m, d = (int(part) for part in today.split("-"))
    assert f"{y}年{m}月{d}日，{leader['name']}，走访（0 天前）" in row.inner_text()
    context.close()


def test_the_biggest_base_says_every_count_and_cuts_nothing_silently(page, live):
    biggest_base(page, live, "biggest-base.png")


def test_home_is_the_days_work_and_a_town_filters_every_view(page, live):
    home_and_town(page, live, "五马街道", "home.png")
