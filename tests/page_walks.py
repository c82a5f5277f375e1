"""Walks through the page that the sample's and the district's browser tests both take."""

from __future__ import annotations

from collections import defaultdict

from queries.coverage_table import coverage_table
from queries.network import ego
from tests.conftest import PROJECT_DIR, open_signed_in

SHOTS = PROJECT_DIR / "docs" / "screenshots"  # the user guide shows them


def biggest_base(page, live, shot: str) -> None:
    """Open the base with the most members: every list counted as the store counts it and paged
    to its end, the picture grouped and counted."""
    base, token, store = live
    members = defaultdict(set)
    for r in store.iter_relationships():
        if r.type == "MEMBER_OF":
            members[r.target].add(r.source)
    biggest = max(members, key=lambda b: (len(members[b]), b))
    lists = defaultdict(set)  # (type, direction) → the other ends, counted from the store itself
    for r in store.iter_relationships():
        if biggest in (r.source, r.target):
            lists[(r.type, "out" if r.source == biggest else "in")].add(r.target if r.source == biggest else r.source)
    open_signed_in(page, base, token, f"entity/{biggest}")
    page.wait_for_selector("#relationships .neighbours")
    shown = page.locator("#relationships .neighbours")
    assert shown.count() == len(lists)
    for i in range(shown.count()):
        item = shown.nth(i)
        key = (item.get_attribute("data-type"), item.get_attribute("data-direction"))
        zh = store.ontology.relationships[key[0]].zh
        assert f"{zh}（{len(lists[key])}）" in item.locator(".list-head").inner_text()
        while item.locator("button.more").is_visible():
            before = item.locator(".names a").count()
            assert item.locator(".count").inner_text() == f"显示 {before} / {len(lists[key])}"
            item.locator("button.more").click()
            page.wait_for_function(
                "([i, n]) => document.querySelectorAll('#relationships .neighbours')[i].querySelectorAll('.names a').length > n",
                arg=[i, before],
            )
        names = item.locator(".names a").evaluate_all("links => links.map(a => a.getAttribute('href'))")
        assert sorted(h.removeprefix("#entity/") for h in names) == sorted(lists[key])
    around = ego(store, biggest, hops=1)["nodes"]
    by_kind = defaultdict(int)
    for n in around:
        if n["id"] != biggest:
            by_kind[store.ontology.kind(n["labels"])] += 1
    groups = {k: n for k, n in by_kind.items() if n > 30}  # the page's GROUP
    drawn = len(around) - sum(groups.values())
    note = page.inner_text("#network-note")
    assert note.startswith(f"图中 {drawn} 个") and (not groups or f"另有 {sum(groups.values())} 个" in note)
    labels = page.evaluate("() => window.tongxinNetwork.nodes('.group').map(n => n.data('name'))")
    assert sorted(labels) == sorted(f"{store.ontology.labels[k].zh} {n} 个" for k, n in groups.items())
    assert page.evaluate("() => window.tongxinNetwork.nodes().length") == drawn + len(groups)
    page.locator("#network").scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / shot))


def home_and_town(page, live, town: str, shot: str) -> None:
    """The day's work: a card per town with its people by name; picking ``town`` filters every view."""
    base, token, store = live
    work = coverage_table(store)
    open_signed_in(page, base, token, "home")
    page.wait_for_selector("#home-towns article.card")
    towns = {r["region"] for r in work["rows"]}
    assert page.locator("#home-towns article.card").count() == len(towns)
    rows = [r for r in work["rows"] if r["region"] == town]
    card = page.locator(f"#home-towns article.card[data-name='{town}']")
    covered = sum(r["status"] != "未列名联系" for r in rows)
    assert f"覆盖 {covered}/{len(rows)}" in card.inner_text()
    text = card.inner_text()
    for status in ("未列名联系", "超期未联系"):  # people by name, not ids; a long list says it is cut
        who = [r["name"] for r in rows if r["status"] == status]
        if who:
            assert f"{status} {len(who)} 人：{'、'.join(who[:5])}" in text
            assert len(who) <= 5 or f"显示 5 / {len(who)}" in text
    page.screenshot(path=str(SHOTS / shot), full_page=True)
    card.locator("button.pick").click()
    page.wait_for_selector("#town-chip:not([hidden])")
    page.wait_for_function("() => document.querySelectorAll('#home-towns article.card').length === 1")
    page.click("nav button[data-view='coverage']")
    page.wait_for_selector(f"#work-count:has-text('共 {len(rows)} 人')")
    page.click("nav button[data-view='search']")
    page.fill("#q", "z")
    page.press("#q", "Enter")
    page.wait_for_selector("#results li[data-id]")
    shown = page.eval_on_selector_all("#results li[data-id]", "items => items.map(i => i.dataset.id)")
    assert shown and all(store.get(i).properties.get("region") == town for i in shown)
    page.click("#town-clear")
    page.wait_for_selector("#town-chip", state="hidden")
