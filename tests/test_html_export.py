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
    assert page.locator("g.node").count() == 9
    assert page.locator("line").count() == 17
    assert "张伟" in page.locator("svg").text_content() and "联系领导" in page.inner_text("#legend")
    page.fill("#find", "zw")  # initials find 张伟 within the picture
    assert page.locator("g.node.hit").count() == 1
    page.locator("g.node.hit circle").click()
    details = page.inner_text("#info")
    assert "138****8000" in details and "13800138000" not in details  # a masked export stays masked
    page.screenshot(path=str(tmp_path / "picture.png"))
    assert all(url.startswith("file://") for url in requests), requests
    context.close()
