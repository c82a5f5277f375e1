"""Rosters in other layouts, read through the two example mapping files, on both stores."""

from __future__ import annotations

import pytest

from graph.errors import ValidationFailed
from ingest.mapping import load_mapping
from ingest.pipeline import ingest
from queries.stats import stats
from tests.conftest import PROJECT_DIR, SAMPLE_DIR, TINY_DIR, active, write_csv
from tests.test_contract import NOTHING, changes

MAPPINGS = PROJECT_DIR / "data" / "mappings"
EXAMPLES = PROJECT_DIR / "data" / "examples"


def relationships(store, type_: str) -> set[tuple]:
    return {(r.source, r.target) for r in store.iter_relationships() if r.type == type_}


BUILT_IN = pytest.mark.parametrize("through", ["--mapping", "built in"])


def read_through(through: str, name: str):
    return MAPPINGS / f"{name}.yaml" if through == "--mapping" else None


@BUILT_IN
def test_a_member_list_makes_people_employers_and_memberships(store, through):
    ingest(store, [SAMPLE_DIR])
    before = stats(store)
    report = ingest(store, [EXAMPLES / "同心荟成员名单.xlsx"], mapping=read_through(through, "同心荟成员名单"))
    assert report.errors == [] and report.written
    after = stats(store)
    assert after["nodes"]["Member"] - before["nodes"]["Member"] == 6
    assert after["nodes"]["Enterprise"] - before["nodes"]["Enterprise"] == 5  # one member has no employer
    members = relationships(store, "MEMBER_OF")
    # 所属同心荟 is merged over rows 3–5 and 6–7 and names the base, not its id
    assert {
        ("M25001", "B01"),
        ("M25002", "B01"),
        ("M25003", "B01"),
        ("M25004", "B04"),
        ("M25005", "B04"),
        ("M25006", "B03"),
    } <= members
    assert ("M25002", "EX002") in relationships(store, "WORKS_FOR")
    person = store.get("M25003").properties
    assert (person["source_sheet"], person["source_row"]) == ("成员名单", 5)
    assert person["phone"] == "13957712003" and person["birth_year"] == 1998
    assert (
        ingest(store, [EXAMPLES / "同心荟成员名单.xlsx"], mapping=MAPPINGS / "同心荟成员名单.yaml").nodes_created == 0
    )


@BUILT_IN
def test_a_gbk_liaison_list_adds_leaders_and_listings(store, through):
    ingest(store, [SAMPLE_DIR])
    report = ingest(store, [EXAMPLES / "党政领导列名联系表.csv"], mapping=read_through(through, "党政领导列名联系表"))
    assert report.errors == []
    assert (report.nodes_created, report.relationships_created) == (2, 4)
    assert store.get("L25001").labels == {"Person", "Liaison"}
    assert store.get("L25001").properties["title"] == "副区长"
    assert {("L25001", "P0083"), ("L25002", "P0106")} <= relationships(store, "LIAISES_WITH")


def test_a_layout_reports_missing_columns_and_bad_cells_where_they_are(store, tmp_path):
    ingest(store, [SAMPLE_DIR])
    roster = write_csv(
        tmp_path,
        "名单.csv",
        "领导编号,领导姓名,领导职务,联系对象编号,列名日期,结束日期\nL9,某领导,副区长,P0083,2025-07-01,\n",
        "gbk",
    )
    report = ingest(store, [roster], mapping=MAPPINGS / "党政领导列名联系表.yaml")
    assert [(e.row, e.column) for e in report.errors] == [(1, "领导单位")]
    roster = write_csv(
        tmp_path,
        "名单.csv",
        "领导编号,领导姓名,领导职务,领导单位,联系对象编号,列名日期,结束日期\n"
        "L9,某领导,副区长,区政府,P9999,2025-07-01,\n"
        "L9,某领导,副区长,区政府,B01,2025-07-01,\n",
    )
    report = ingest(store, [roster], mapping=MAPPINGS / "党政领导列名联系表.yaml")
    assert not report.written
    assert [(e.row, e.column) for e in report.errors] == [(2, "联系对象编号"), (3, "联系对象编号")]
    assert store.get("L9") is None


def test_a_mapping_file_that_contradicts_the_ontology_is_refused(tmp_path):
    from graph.ontology import load

    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "nodes:\n  p: {template: people, columns: {name: 姓名, colour: 颜色}}\n  r: {template: regions, columns: {name: 镇街}}\n"
        "relationships:\n  - {type: 喜欢, source: p, target: q}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValidationFailed) as refused:
        load_mapping(load(), bad)
    messages = " ".join(e.message for e in refused.value.errors)
    assert "colour" in messages and "编号（id）" in messages and "喜欢" in messages


def test_a_liaison_table_kept_by_names_is_read_through_its_built_in_mapping(store, tmp_path):
    from openpyxl import Workbook

    ingest(store, [TINY_DIR])  # L1 李建国 keeps in touch with P1 张伟 since 2023
    book = Workbook()
    sheet = book.active
    sheet.append(["鹿城区党政领导干部列名联系代表人士一览表"])
    sheet.append(["序号", "领导姓名", "领导职务", "联系对象姓名", "单位及职务", "结对时间"])
    sheet.append([1, "李建国", "统战部副部长", "张伟、曾小单", "", "2024.5"])
    sheet.append(["填表人：李娜"])
    book.save(tmp_path / "一览表.xlsx")
    report = ingest(store, [tmp_path / "一览表.xlsx"])
    assert report.errors == [] and report.rows == 1
    listed = {(r.source, r.target): r.properties.get("since") for r in active(store, ["LIAISES_WITH"], "2026-01-01")}
    assert listed[("L1", "P2")] == "2024-05" and ("L1", "P1") in listed
    undated = write_csv(tmp_path / "b", "列名.csv", "联系领导,联系对象\n李建国,张伟\n")
    assert changes(ingest(store, [undated])) == NOTHING  # the listing held since 2023


def test_a_contact_log_with_the_same_two_columns_stays_a_contact_log(store, tmp_path):
    ingest(store, [TINY_DIR])
    log = write_csv(tmp_path, "走访.csv", "序号,联系日期,联系领导,联系对象,方式\n1,2025.4.8,李建国,张伟,上门走访\n")
    report = ingest(store, [log])
    assert report.errors == [] and (report.relationships_created, report.nodes_created) == (1, 0)
    contact = [r for r in store.iter_relationships() if r.type == "CONTACTED" and r.properties["date"] == "2025-04-08"]
    assert [(r.source, r.target, r.properties["method"]) for r in contact] == [("L1", "P1", "走访")]
