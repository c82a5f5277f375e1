"""The HTML picture in a real browser: Debian's Chromium, headless, offline, from file://."""

from __future__ import annotations

from ingest.pipeline import ingest
from queries.export import export
from tests.conftest import TINY_DIR


def test_the_picture_draws_every_node_offline(store, browser, tmp_path):
    assert ingest(store, [TINY_DIR]).errors == []
    page_file = tmp_path / "picture.html"
    page_file.write_bytes(export(store, "html", masked=True).content)
    context = browser.new_context(offline=True, viewport={"width": 1280, "height": 800})
    requests = []
    context.on("request", lambda request: requests.append(request.url))
    page = context.new_page()
    page.goto(page_file.as_uri())
    page.wait_for_function("() => window.cy && window.cy.nodes().length > 0")
    assert page.evaluate("cy.nodes().length") == 9 and page.evaluate("cy.edges().length") == 17
    assert "张伟" in page.evaluate("cy.nodes().map(n => n.data('name'))") and "联系领导" in page.inner_text("#legend")
    inside = page.evaluate(
        "cy.nodes().every(n => { const p = n.renderedPosition(); return p.x > 0 && p.y > 0 && p.x < 1280 && p.y < 800; })"
    )
    assert inside, "the first picture fits the window"
    page.fill("#find", "zw")  # initials find 张伟 within the picture
    assert page.evaluate("cy.nodes('.hit').map(n => n.data('name'))") == ["张伟"]
    page.evaluate("cy.nodes('.hit')[0].emit('tap')")
    details = page.inner_text("#info")
    assert "138****8000" in details and "13800138000" not in details  # a masked export stays masked
    page.screenshot(path=str(tmp_path / "picture.png"))
    assert all(url.startswith("file://") for url in requests), requests
    context.close()


def test_a_name_that_looks_like_markup_stays_a_name(store, browser, tmp_path):
    from tests.conftest import write_csv

    hostile = ["<!--<script>", "</script><script>document.title='pwned'</script>", "甲&乙<丙>"]
    rows = "".join(f'B9{i},"{name}",孵化型,区级\n' for i, name in enumerate(hostile))
    assert ingest(store, [write_csv(tmp_path, "基地.csv", "编号,名称,类别,级别\n" + rows)]).ok
    page_file = tmp_path / "picture.html"
    page_file.write_bytes(export(store, "html").content)
    page = browser.new_context(offline=True).new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    page.goto(page_file.as_uri())
    page.wait_for_function("() => window.cy && window.cy.nodes().length > 0")
    assert errors == [] and page.title() != "pwned"
    assert sorted(page.evaluate("cy.nodes().map(n => n.data('name'))")) == sorted(hostile)
