"""The contract suite: every behaviour here runs against both stores (see conftest.store)."""

from __future__ import annotations

import openpyxl

from graph.records import WriteResult
from graph.settings import open_store, settings_from_env
from ingest.pipeline import ingest
from queries.stats import stats
from tests.conftest import SAMPLE_DIR, TINY_DIR, active, write_csv

NOTHING = {"nodes_created": 0, "nodes_updated": 0, "relationships_created": 0, "relationships_updated": 0}


def changes(report) -> dict:
    return {k: getattr(report, k) for k in vars(WriteResult())}


def test_tiny_rosters_give_the_hand_checked_counts(store, tiny_expected):
    report = ingest(store, [TINY_DIR])
    assert report.errors == []
    assert report.written and report.ok
    assert changes(report) == {
        "nodes_created": 9,
        "nodes_updated": 0,
        "relationships_created": 17,
        "relationships_updated": 0,
    }
    assert stats(store) == tiny_expected


def test_cells_are_cleaned_and_regions_named(store):
    ingest(store, [TINY_DIR])
    person = store.get("P1")
    assert person.labels == {"Person", "Member"}
    assert person.properties["name"] == "张伟"  # the ideographic space inside the name is gone
    assert person.properties["phone"] == "13800138000"
    assert person.properties["representative"] is True
    assert person.properties["seats"] == ["区政协委员", "区人大代表"]
    assert person.properties["source_file"] == "人员.csv" and person.properties["source_row"] == 2
    assert store.get("P2").labels == {"Person", "Member", "Expert"}
    assert store.get("B2").properties["region"] == "七都街道"  # named by id R2 in the roster
    assert store.get("B2").properties["established"] == "2021-11-05"
    assert store.get("E1").properties["credit_code"] == "91330302MA2L3K4X0Q"  # full-width folded
    assert store.get("nobody") is None


def test_closed_vocabularies_take_the_other_words_rosters_use(store, tmp_path):
    """The official category wording, an older one, short forms: each read as the value the ontology declares."""
    roster = write_csv(
        tmp_path,
        "人员.csv",
        "编号,姓名,人员类别,性别,新阶层类别\n"
        "P1,张伟,新阶层人士,男性,民营企业和外商投资企业管理技术人员\n"
        "P2,李娜,新阶层人士,女,新媒体 人士\nP3,王强,新阶层人士,男,网红\n",
    )
    report = ingest(store, [roster], skip_invalid=True)
    assert [(e.row, e.column) for e in report.errors] == [(4, "新阶层类别")]
    assert "民营企业和外资企业管理技术人员" in report.errors[0].message
    assert store.get("P1").properties["stratum"] == "民营企业和外资企业管理技术人员"
    assert store.get("P1").properties["gender"] == "男"
    assert store.get("P2").properties["stratum"] == "新媒体从业人员"


def test_sample_is_lucheng(store):
    report = ingest(store, [SAMPLE_DIR])
    assert report.errors == [] and report.written
    counts = stats(store)
    assert counts["nodes"]["Base"] == 17
    assert counts["nodes"]["Region"] == 15  # the district and its 14 towns and streets
    assert counts["nodes"]["Person"] == 400
    assert counts["relationships"]["PART_OF"] == 14
    assert store.get("B01").properties["name"] == "抖音之家·同心荟"


def test_ingesting_the_same_data_twice_changes_nothing(store):
    ingest(store, [SAMPLE_DIR])
    before, stamped = stats(store), store.get("P0001").properties
    assert stamped["ingested_at"] and stamped["source_file"] == "人员.csv"
    again = ingest(store, [SAMPLE_DIR])
    assert again.errors == [] and again.written
    assert changes(again) == NOTHING
    assert stats(store) == before
    assert store.get("P0001").properties == stamped  # not even the ingest time moved


def test_a_changed_row_updates_and_a_new_role_adds_a_label(store, tmp_path):
    ingest(store, [TINY_DIR])
    roster = write_csv(
        tmp_path, "people.csv", "id,name,roles,phone\nP1,张伟,新阶层人士,13900001111\nL1,李建国,联系领导、专家,\n"
    )
    report = ingest(store, [roster])
    assert report.errors == []
    assert changes(report) == {**NOTHING, "nodes_updated": 2}
    person = store.get("P1")
    assert person.properties["phone"] == "13900001111"
    assert person.properties["id_number"] == "330302198503120015"  # kept: the roster did not say
    assert store.get("L1").labels == {"Person", "Liaison", "Expert"}


def test_any_invalid_row_writes_nothing(store, tmp_path, tiny_expected):
    ingest(store, [TINY_DIR])
    roster = write_csv(
        tmp_path,
        "关系.csv",
        "起点,关系,终点,角色,开始日期,结束日期\n"
        "P2,成员,B1,成员,2023-02-01\n"
        "P9,成员,B1,成员,2023-02-01\n"
        "L1,列名联系,B1,,2023-13-01\n"
        "P2,成员,B1,成员,2023-02-01,2022-12-31\n",
    )
    report = ingest(store, [roster])
    assert not report.ok and not report.written
    assert changes(report) == NOTHING
    assert stats(store) == tiny_expected
    where = {(e.file, e.row, e.column) for e in report.errors}
    assert where == {("关系.csv", 3, "起点"), ("关系.csv", 4, "开始日期"), ("关系.csv", 5, "结束日期")}
    assert any("P9" in e.message and "不存在" in e.message for e in report.errors)


def test_skip_invalid_writes_the_valid_rows_and_reports_the_rest(store, tmp_path):
    ingest(store, [TINY_DIR])
    roster = write_csv(tmp_path, "关系.csv", "起点,关系,终点,角色\nP2,成员,B1,成员\nL1,列名联系,B1,\n")
    report = ingest(store, [roster], skip_invalid=True)
    assert report.written and not report.ok
    assert changes(report) == {**NOTHING, "relationships_created": 1}
    [error] = report.errors
    assert (error.row, error.column) == (3, "终点")
    assert "人员" in error.message  # the end must be a person, and a base is not


def test_files_of_one_name_in_two_folders_are_told_apart(store, tmp_path):
    """A bad row 2 in one 关系.csv neither hides nor takes the blame for row 2 of another."""
    ingest(store, [TINY_DIR])
    write_csv(tmp_path / "2025", "关系.csv", "起点,关系,终点,角色\nL1,列名联系,B1,\n")
    write_csv(tmp_path / "2026", "关系.csv", "起点,关系,终点,角色\nP2,成员,B1,成员\n")
    report = ingest(store, [tmp_path / "2025", tmp_path / "2026"], skip_invalid=True)
    assert changes(report) == {**NOTHING, "relationships_created": 1}
    [error] = report.errors
    assert (error.file, error.row, error.column) == ("2025/关系.csv", 2, "终点")
    [member] = [r for r in store.iter_relationships() if r.properties.get("source_file") == "2026/关系.csv"]
    assert (member.type, member.source, member.target) == ("MEMBER_OF", "P2", "B1")


def test_a_gbk_roster_reads_like_utf8(store, tmp_path):
    ingest(store, [TINY_DIR])
    roster = write_csv(tmp_path, "人员.csv", "编号,姓名,人员类别,所属镇街\nP7,潘晓丹,新阶层人士,五马街道\n", "gbk")
    report = ingest(store, [roster])
    assert report.errors == []
    person = store.get("P7").properties
    assert (person["name"], person["region"]) == ("潘晓丹", "五马街道")


def test_dry_run_tells_what_would_change_and_writes_nothing(store, tmp_path, tiny_expected):
    report = ingest(store, [TINY_DIR], dry_run=True)
    assert report.ok and not report.written
    assert changes(report) == {
        "nodes_created": 9,
        "nodes_updated": 0,
        "relationships_created": 17,
        "relationships_updated": 0,
    }
    assert sum(stats(store)["nodes"].values()) == 0
    ingest(store, [TINY_DIR])
    roster = write_csv(tmp_path, "people.csv", "id,name,roles,phone\nP1,张伟,新阶层人士,13900001111\n")
    report = ingest(store, [roster], dry_run=True)
    assert changes(report) == {**NOTHING, "nodes_updated": 1}
    assert store.get("P1").properties["phone"] == "13800138000"
    assert stats(store) == tiny_expected


def test_both_stores_count_the_sample_alike(embedded_store, neo4j_store):
    for s in (embedded_store, neo4j_store):
        assert ingest(s, [SAMPLE_DIR]).errors == []
    assert stats(embedded_store) == stats(neo4j_store)


def test_progress_follows_the_write_to_its_total(store):
    seen = []
    report = ingest(store, [TINY_DIR], progress=lambda n, total: seen.append((n, total)))
    assert report.written
    assert sum(n for n, _ in seen) == 26 and {total for _, total in seen} == {26}  # 9 nodes, 17 relationships


def test_neo4j_writes_in_batches_never_one_transaction_for_a_file(neo4j_store):
    neo4j_store.batch_size = 100
    batches = []
    report = ingest(neo4j_store, [SAMPLE_DIR], progress=lambda n, total: batches.append(n))
    assert report.errors == []
    assert max(batches) == 100
    assert sum(batches) == report.nodes_created + report.relationships_created
    assert len(batches) > sum(batches) // 100  # one transaction per batch, per label set and type


def _drop_our_schema(store) -> None:
    shown = {
        "CONSTRAINT": "SHOW CONSTRAINTS YIELD name RETURN name",
        "INDEX": "SHOW INDEXES YIELD name, type WHERE type <> 'LOOKUP' RETURN name",
    }
    for kind, query in shown.items():
        for row in store._execute(query, {}):
            store._execute(f"DROP {kind} `{row['name']}`", {})


def test_neo4j_dry_run_and_first_write_on_a_server_without_our_schema(neo4j_store, tiny_expected):
    """Every write lookup is told which index to seek (graph/neo4j_store.py): a server without
    them, a fresh one or one whose indexes were dropped, still takes a dry run and a first
    write, the schema made first."""
    _drop_our_schema(neo4j_store)
    with open_store(settings_from_env(neo4j_store.uri)) as fresh:
        would = ingest(fresh, [TINY_DIR], dry_run=True)
        assert would.ok and not would.written and sum(fresh.counts()["nodes"].values()) == 0
    report = ingest(neo4j_store, [TINY_DIR])
    assert report.nodes_created == would.nodes_created > 0 and stats(neo4j_store) == tiny_expected
    nodes = list(neo4j_store.iter_nodes())
    _drop_our_schema(neo4j_store)
    with open_store(settings_from_env(neo4j_store.uri)) as fresh:
        assert changes(fresh.write(nodes, [])) == NOTHING  # the same nodes again: found, not doubled
    assert stats(neo4j_store) == tiny_expected


def test_a_new_word_in_an_open_vocabulary_is_kept_with_a_warning(store, tmp_path):
    folder = tmp_path / "rosters"
    write_csv(folder, "镇街.csv", "编号,名称\nR1,五马街道\n")
    write_csv(folder, "组织.csv", "编号,名称,类型\nO1,鹿城区新联会,社会组织\n")
    write_csv(folder, "活动.csv", "编号,名称,类型,日期\nA1,青年创业沙龙,沙龙,2025-03-01\nA2,同心讲坛,讲座,2025-04-01\n")
    report = ingest(store, [folder])
    assert report.ok and report.written and report.errors == []
    assert [(w.file, w.row, w.column, w.value) for w in report.warnings] == [
        ("活动.csv", 2, "类型", "沙龙"),
        ("组织.csv", 2, "类型", "社会组织"),
    ]
    assert "已按原样保存" in report.warnings[0].message
    assert store.get("A1").properties["kind"] == "沙龙" and store.get("A2").properties["kind"] == "讲坛"
    assert store.get("O1").properties["kind"] == "社会组织"
    assert report.as_dict()["warnings"][0]["value"] == "沙龙"


def test_a_bad_optional_cell_refuses_the_file_but_skipping_keeps_the_person_without_it(store, tmp_path):
    roster = write_csv(
        tmp_path,
        "人员.csv",
        "编号,姓名,人员类别,性别,出生年份,手机\nP1,张伟,新阶层人士,男,1985,138-0013-80\nP2,,新阶层人士,女,1990,\n",
    )
    refused = ingest(store, [roster])
    assert not refused.written and store.get("P1") is None  # all or nothing by default
    assert {(e.row, e.column) for e in refused.errors} == {(2, "手机"), (3, "姓名")}  # every error in one round
    kept = ingest(store, [roster], skip_invalid=True)
    assert kept.written and [(e.row, e.column) for e in kept.errors] == [(2, "手机"), (3, "姓名")]
    person = store.get("P1")
    assert person.properties["birth_year"] == 1985 and "phone" not in person.properties
    assert store.get("P2") is None  # a required cell missing drops the row


def test_an_amount_past_64_bits_is_refused_in_its_cell_and_nothing_is_written(store, tmp_path, tiny_expected):
    """Neo4j keeps 64-bit integers and the embedded store's file encoder stops there too: a
    twenty-digit 金额 (a pasted account number) is the cell's error, not a failed save."""
    ingest(store, [TINY_DIR])
    book = openpyxl.Workbook()
    book.active.title = "服务事项"
    book.active.append(["咨询事项", "受理日期", "办理情况", "金额"])
    book.active.append(["银行授信对接", "2024-05-06", "办结", 5000])
    book.active.append(["商标注册咨询", "2024-05-07", "办结", "62220212345678901234"])
    book.save(tmp_path / "服务事项.xlsx")
    report = ingest(store, [tmp_path / "服务事项.xlsx"])
    assert not report.written and stats(store) == tiny_expected
    assert [(e.row, e.column) for e in report.errors] == [(3, "金额")]
    assert "超出" in report.errors[0].message


def test_headers_and_dates_as_offices_write_them(store, tmp_path):
    folder = tmp_path / "rosters"
    write_csv(folder, "镇街.csv", "编号,名称\nR1,五马街道\n")
    write_csv(
        folder,
        "人员.csv",
        "编号,姓 名,人员身份,出生年月,手机号码,身份证号码,所在街道,是否代表人士\n"
        "P1,张伟,新阶层人士,1985.06,138-0013-8000,330302198503120015,五马街道,√\n"
        "P2,李娜,新阶层人士,1990年3月,,,五马街道,×\n"
        "P3,王强,新阶层人士,1978-11-02 00:00:00,,,五马街道,\n",
    )
    write_csv(folder, "基地.csv", "编号,名称,类别,级别,挂牌时间\nB1,江滨·同心荟,文化型同心荟,区级（示范点）,45047\n")
    write_csv(folder, "关系.csv", "起点,关系,终点,开始日期,结束日期\nP1,成员,B1,2023年5月,\nP2,成员,B1,2023.5,2024.6\n")
    report = ingest(store, [folder])
    assert report.errors == [] and report.written
    assert [store.get(p).properties["birth_year"] for p in ("P1", "P2", "P3")] == [1985, 1990, 1978]
    assert store.get("P1").properties["phone"] == "13800138000" and store.get("P1").properties["representative"] is True
    assert store.get("P2").properties["representative"] is False
    base = store.get("B1").properties
    assert (base["category"], base["level"], base["established"]) == ("文化型", "区级", "2023-05-01")
    assert store.get("P2").properties["birth_year"] == 1990
    # a membership known to end in June 2024 (kept as 2024-06) holds through 30 June, not on 1 July
    assert len(active(store, ["MEMBER_OF"], "2024-06-30")) == 2 and len(active(store, ["MEMBER_OF"], "2024-07-01")) == 1
    assert len(active(store, ["MEMBER_OF"], "2023-04-30")) == 0  # nor before May 2023


def test_an_office_landline_in_the_mobile_column_is_kept_as_the_office_phone(store, tmp_path):
    roster = write_csv(tmp_path, "人员.csv", "编号,姓名,人员类别,手机\nP1,张伟,新阶层人士,(0577) 8881 2345\n")
    report = ingest(store, [roster])
    assert report.errors == [] and report.written
    assert [(w.row, w.column, w.value) for w in report.warnings] == [(2, "手机", "(0577) 8881 2345")]
    assert "办公电话" in report.warnings[0].message
    person = store.get("P1").properties
    assert person["office_phone"] == "0577-88812345" and "phone" not in person


def test_a_name_with_characters_lost_to_an_encoding_is_refused(store, tmp_path):
    roster = write_csv(tmp_path, "人员.csv", "编号,姓名,人员类别\nP1,龚?,新阶层人士\nP2,李\ufffd,专家\n")
    report = ingest(store, [roster])
    assert not report.written and [(e.row, e.column) for e in report.errors] == [(2, "姓名"), (3, "姓名")]
    assert "丢失" in report.errors[0].message


def test_an_id_number_that_contradicts_gender_or_birth_year_is_written_with_a_warning(store, tmp_path):
    roster = write_csv(
        tmp_path,
        "人员.csv",
        "编号,姓名,人员类别,性别,出生年份,身份证号\nP1,张伟,新阶层人士,女,1986,330302198503120015\n",
    )
    report = ingest(store, [roster])
    assert report.written and report.errors == []
    messages = sorted(w.message for w in report.warnings)
    assert [w.column for w in report.warnings] == ["身份证号", "身份证号"]
    assert messages[0].startswith("身份证号显示出生年份为 1985") and "1986" in messages[0]
    assert messages[1].startswith("身份证号显示性别为 男") and "女" in messages[1]


def test_rosters_name_people_leaders_and_bases_instead_of_giving_ids(store, tmp_path):
    folder = tmp_path / "base"
    write_csv(folder, "镇街.csv", "编号,名称\nR1,五马街道\nR2,七都街道\n")
    write_csv(
        folder, "基地.csv", "编号,名称,类别,级别\nB1,抖音之家·同心荟,孵化型,区级\nB2,工艺美术·同心荟,文化型,市级\n"
    )
    write_csv(
        folder,
        "人员.csv",
        "编号,姓名,人员类别,出生年份,所属镇街\nL1,张思桂,联系领导,1970,五马街道\nP1,吴艳,新阶层人士,1985,五马街道\n"
        "P2,陈平,新阶层人士,1990,七都街道\nP3,李娜,新阶层人士,1980,五马街道\nP4,李娜,新阶层人士,1992,七都街道\n",
    )
    assert ingest(store, [folder]).errors == []
    contacts = write_csv(
        tmp_path, "联系记录.csv", "日期,联系领导,联系对象,方式\n2025-03-05,张思桂,吴艳、陈平,上门走访\n"
    )
    members = write_csv(
        tmp_path, "关系.csv", "起点,关系,终点\n吴艳,成员,抖音之家\n陈平,成员,工艺美术·同心荟\n李娜,成员,抖音之家\n"
    )
    report = ingest(store, [contacts, members])
    assert [(e.file, e.row, e.column) for e in report.errors] == [("关系.csv", 4, "起点")]
    assert (
        "P3（五马街道，1980 年生）" in report.errors[0].message
        and "P4（七都街道，1992 年生）" in report.errors[0].message
    )
    kept = ingest(store, [contacts, members], skip_invalid=True)
    assert kept.written
    contacted = {(r.source, r.target) for r in active(store, ["CONTACTED"], "2025-12-31")}
    assert contacted == {("L1", "P1"), ("L1", "P2")}  # one leader by name, two people in one cell
    member_of = {(r.source, r.target) for r in active(store, ["MEMBER_OF"], "2025-12-31")}
    assert member_of == {("P1", "B1"), ("P2", "B2")}  # 抖音之家 is short for 抖音之家·同心荟; no new base
    assert store.counts()["nodes"]["Base"] == 2


def test_people_without_ids_are_known_by_id_number_phone_or_name_year_and_town(store, tmp_path):
    from queries.export import export

    id_number = "330302198503120015"
    assert ingest(store, [write_csv(tmp_path / "towns", "镇街.csv", "编号,名称\nR1,五马街道\n")]).errors == []
    roster = write_csv(
        tmp_path,
        "人员.csv",
        "序号,姓名,人员类别,身份证号,手机,出生年份,所属镇街\n"
        f"1,张伟,新阶层人士,{id_number},,,\n2,李娜,新阶层人士,,13800138000,,\n3,王强,新阶层人士,,,1978,五马街道\n"
        "4,赵敏,新阶层人士,,,1990,\n",
    )
    report = ingest(store, [roster])
    assert [(e.row, e.column) for e in report.errors] == [(5, None)]  # no id and nothing that says who
    assert "身份证号" in report.errors[0].message and "姓名、出生年份、所属镇街" in report.errors[0].message
    kept = ingest(store, [roster], skip_invalid=True)
    assert kept.written and kept.nodes_created == 3
    ids = sorted(n.id for n in store.iter_nodes())
    assert ids[:3] == sorted(i for i in ids if i.startswith("P-")) and not any("330302" in i for i in ids)
    masked = b"".join(export(store, fmt, masked=True).content for fmt in ("json", "graphml", "csv", "ttl"))
    assert id_number.encode() not in masked  # neither as a property nor as an id
    again = ingest(store, [roster], skip_invalid=True)
    assert again.nodes_created == 0  # the same rows give the same ids


def test_a_dry_run_lists_what_would_be_created_updated_and_ended(store, tmp_path):
    ingest(store, [TINY_DIR])
    changed = tmp_path / "changed"
    write_csv(changed, "人员.csv", "编号,姓名,人员类别,行业\nP1,张伟,新阶层人士,文创\nP9,林晓,新阶层人士,\n")
    write_csv(changed, "关系.csv", "起点,关系,终点,开始日期,结束日期\nP1,成员,B1,2021-01-01,2025-06-30\n")
    before = stats(store)
    report = ingest(store, [changed], dry_run=True)
    assert report.ok and not report.written and stats(store) == before
    entries = {(e["kind"], e.get("id") or e.get("from"), e["action"]): e["fields"] for e in report.preview}
    assert entries[("node", "P9", "新建")] == {}
    assert entries[("node", "P1", "更新")] == {"industry": ["非遗工艺", "文创"]}
    assert entries[("relationship", "P1", "结束")] == {"until": [None, "2025-06-30"]}
    assert report.as_dict()["preview"] == report.preview


def test_rows_without_ids_find_the_stored_person_or_base_they_describe(store, tmp_path):
    ingest(store, [TINY_DIR])  # P1 has ID number 330302198503120015; B1 is 工艺美术·同心荟
    again = tmp_path / "again"
    write_csv(again, "人员.csv", "姓名,人员类别,身份证号,行业\n张伟,新阶层人士,330302198503120015,非遗传承\n")
    write_csv(again, "基地.csv", "名称,类别,级别,依托单位\n工艺美术·同心荟,文化型,市级,鹿城区工艺美术协会（新）\n")
    report = ingest(store, [again])
    assert report.errors == [] and report.nodes_created == 0 and report.nodes_updated == 2
    assert store.get("P1").properties["industry"] == "非遗传承"
    assert store.get("B1").properties["host"] == "鹿城区工艺美术协会（新）"


def test_a_wide_roster_gives_people_their_bases_employers_positions_and_leaders(store, tmp_path):
    ingest(store, [TINY_DIR])  # P1 张伟 (13800138000) member of B1 since 2021, works for E1; L1 李建国
    roster = write_csv(
        tmp_path,
        "名册.csv",
        "序号,姓名,手机,人员类别,所属同心荟,工作单位及职务,联系领导\n"
        "1,张伟,13800138000,新阶层人士,工艺美术,温州瓯江工艺美术工作室 创始人,李建国\n"
        "2,林晓,13900001111,新阶层人士,七都商盟,温州某某网络科技有限公司总经理,\n"
        "3,陈一鸣,13900002222,新阶层人士,,温州某某网络科技有限公司（副总经理）,李建国\n"
        "4,王平,13900003333,联系领导,,五马街道党工委 书记,\n",
    )
    before = stats(store)["nodes"]
    report = ingest(store, [roster])
    assert report.errors == [] and report.written
    after = stats(store)["nodes"]
    assert after["Person"] - before["Person"] == 3  # 张伟 is P1, found by his phone
    assert after["Enterprise"] - before["Enterprise"] == 1  # one new company for two people; E1 by name
    works = {(r.source, r.target): r.properties.get("position") for r in active(store, ["WORKS_FOR"], "2026-01-01")}
    company = next(n.id for n in store.iter_nodes() if n.properties.get("name") == "温州某某网络科技有限公司")
    people = {n.properties["name"]: n for n in store.iter_nodes() if "Person" in n.labels}
    assert works[(people["林晓"].id, company)] == "总经理"
    assert works[(people["陈一鸣"].id, company)] == "副总经理"
    assert ("P1", "E1") in works and not any(t != "E1" for s, t in works if s == "P1")
    leader = people["王平"].properties  # a leader's 单位 is a department, not an employer
    assert (leader["department"], leader["title"]) == ("五马街道党工委", "书记")
    assert not any(s == people["王平"].id for s, _ in works)
    members = [(r.source, r.target) for r in active(store, ["MEMBER_OF"], "2026-01-01")]
    assert members.count(("P1", "B1")) == 1  # the undated row is the membership held since 2021
    assert (people["林晓"].id, "B2") in members
    listed = {(r.source, r.target) for r in active(store, ["LIAISES_WITH"], "2026-01-01")}
    assert {("L1", "P1"), ("L1", people["陈一鸣"].id)} <= listed
    assert changes(ingest(store, [roster])) == NOTHING


def test_the_same_person_in_two_rosters_of_one_upload_is_one_node(store, tmp_path):
    by_id = write_csv(
        tmp_path / "a", "人员.csv", "姓名,人员类别,身份证号,手机\n张伟,新阶层人士,330302198503120015,13800138000\n"
    )
    by_phone = write_csv(tmp_path / "b", "人员.csv", "姓名,人员类别,手机,行业\n张伟,新阶层人士,13800138000,文创\n")
    report = ingest(store, [by_id, by_phone])
    assert report.errors == [] and report.nodes_created == 1
    (person,) = [n for n in store.iter_nodes() if "Person" in n.labels]
    assert person.properties["industry"] == "文创" and person.properties["id_number"] == "330302198503120015"
    again = write_csv(tmp_path / "c", "人员.csv", "姓名,人员类别,手机,行业\n张伟,新阶层人士,13800138000,电商\n")
    clash = ingest(store, [by_phone, again])
    assert [(e.file, e.row, e.column) for e in clash.errors] == [("c/人员.csv", 2, "行业")]  # which 人员.csv
    assert "是同一人员" in clash.errors[0].message and "文创" in clash.errors[0].message


def test_a_stored_person_known_by_phone_is_found_by_a_row_that_also_gives_the_id_number(store, tmp_path):
    ingest(store, [write_csv(tmp_path / "a", "人员.csv", "姓名,人员类别,手机\n张伟,新阶层人士,13800138000\n")])
    fuller = write_csv(
        tmp_path / "b", "人员.csv", "姓名,人员类别,身份证号,手机\n张伟,新阶层人士,330302198503120015,13800138000\n"
    )
    assert changes(ingest(store, [fuller])) == {**NOTHING, "nodes_updated": 1}
    other = write_csv(  # the same phone with another ID number: another person
        tmp_path / "c", "人员.csv", "姓名,人员类别,身份证号,手机\n张伟,新阶层人士,330302199001010013,13800138000\n"
    )
    assert ingest(store, [other]).nodes_created == 1


def test_between_finds_the_relationships_from_each_pair_first_to_second(store):
    ingest(store, [TINY_DIR])
    found = store.between([("P1", "B1"), ("B1", "P1"), ("P1", "E1"), ("P2", "B1")], ["MEMBER_OF", "WORKS_FOR"])
    assert [(r.type, r.source, r.target, r.properties.get("since")) for r in found] == [
        ("MEMBER_OF", "P1", "B1", "2021-01-01"),
        ("WORKS_FOR", "P1", "E1", None),
    ]


def test_the_version_moves_on_with_every_write_and_clear_and_only_then(store):
    first = store.version()
    assert store.version() == first  # reading changes nothing
    ingest(store, [TINY_DIR])
    written = store.version()
    assert written != first and store.version() == written
    store.clear()
    assert store.version() not in (first, written)


def test_proposals_cases_awards_and_figures_as_offices_keep_them(store, tmp_path):
    """The issue-22 rosters with the headers and words offices use (政协提案, 已立案, 办结, 融资…),
    people and bases named instead of given by id, a GBK CSV and an XLSX sheet alike."""
    folder = tmp_path / "base"
    write_csv(folder, "镇街.csv", "编号,名称\nR1,五马街道\n")
    write_csv(folder, "基地.csv", "编号,名称,类别,级别,所属镇街\nB1,抖音之家·同心荟,孵化型,区级,五马街道\n")
    write_csv(
        folder,
        "人员.csv",
        "编号,姓名,人员类别,所属镇街,政治安排\nP1,周海燕,新阶层人士,五马街道,区政协委员\n"
        "P2,陈立新,新阶层人士,五马街道,市人大代表\nX1,林律,专家,五马街道,\n",
    )
    write_csv(folder, "企业.csv", "编号,名称,所属镇街\nE1,温州鹿港鞋业有限公司,五马街道\n")
    assert ingest(store, [folder]).errors == []
    rosters = tmp_path / "rosters"
    write_csv(
        rosters,
        "提案建议.csv",
        "标题,类型,年份,报送渠道,报送单位,状态,提案人,涉及同心荟,内容\n"
        "关于支持直播电商出海的建议,政协提案,2024,我建言,政治协商会议,已立案,周海燕、陈立新,抖音之家,周海燕调研所得\n",
        "gbk",
    )
    write_csv(
        rosters,
        "荣誉奖项.csv",
        "荣誉名称,级别,获奖年份,获奖人\n百鹤杯金鼎奖,市,2024,陈立新\n",
        "gbk",
    )
    book = openpyxl.Workbook()
    cases = book.active
    cases.title = "服务事项"
    cases.append(["咨询事项", "受理日期", "服务类别", "办理情况", "金额", "备注", "求助企业", "服务专家", "所属同心荟"])
    cases.append(
        [
            "银行授信对接",
            "2024年5月6日",
            "融资",
            "办结",
            5000,
            "周总当面反映",
            "温州鹿港鞋业有限公司",
            "林律",
            "抖音之家",
        ]
    )
    figures = book.create_sheet("基地数据")
    figures.append(["所属同心荟", "统计期间", "统计指标", "数量", "计量单位", "数据来源"])
    figures.append(["抖音之家·同心荟", "2024", "入驻团队", "120", "支", "2024年度工作报告"])
    book.save(rosters / "服务与数据.xlsx")
    report = ingest(store, [rosters])
    assert report.errors == [], report.errors[:3]

    def one(label):
        found = [n for n in store.iter_nodes() if label in n.labels]
        assert len(found) == 1, label
        return found[0]

    proposal = one("Proposal").properties
    assert (proposal["kind"], proposal["channel"], proposal["body"], proposal["status"], proposal["year"]) == (
        "提案",
        "鹿力同心·我建言",
        "政协",
        "立案",
        2024,
    )
    case, award, figure = one("ServiceCase"), one("Award"), one("BaseFigure")
    assert (case.properties["kind"], case.properties["status"], case.properties["date"]) == (
        "金融",
        "已解决",
        "2024-05-06",
    )
    assert case.properties["value"] == 5000 and case.properties["note"] == "周总当面反映"
    assert (award.properties["level"], figure.properties["metric"]) == ("市级", "入驻团队数")
    ends = {(r.type, r.source, r.target) for r in store.iter_relationships()}
    pid = one("Proposal").id
    assert {("AUTHORED", "P1", pid), ("AUTHORED", "P2", pid), ("CONCERNS", pid, "B1")} <= ends
    assert {("REQUESTED", "E1", case.id), ("PROVIDED", "X1", case.id), ("VIA_BASE", case.id, "B1")} <= ends
    assert {("AWARDED", "P2", award.id), ("FIGURE_OF", figure.id, "B1")} <= ends
    assert ingest(store, [rosters]).errors == []  # the same rosters again: the same records, no copies
    assert store.counts()["nodes"]["Proposal"] == 1 and store.counts()["nodes"]["ServiceCase"] == 1
    unnamed = write_csv(tmp_path / "bad", "基地数据.csv", "同心荟,期间,数值\n抖音之家,2025,130\n")
    refused = ingest(store, [unnamed])
    assert [(e.row, e.column) for e in refused.errors] == [(2, "名称")]
    assert "也没有填全「同心荟、期间、指标」" in refused.errors[0].message


def test_coverage_facts_kept_through_a_failed_write_and_an_older_store(store, tmp_path):
    """The facts coverage reads are gathered again when a write failed half-way (the version moved
    on without them) or the store was written before they were kept; then they follow every write."""
    from graph import liaison_facts
    from graph.embedded import FACTS, EmbeddedStore
    from graph.neo4j_store import Neo4jStore

    def fresh():
        return {i: fact for i, fact in liaison_facts.gather(store).items() if fact}

    assert ingest(store, [SAMPLE_DIR]).errors == []
    assert store.kept_facts() == fresh() and len(fresh()) > 50
    if isinstance(store, Neo4jStore):
        store._bump_version()  # what a write that failed half-way does
        store._execute("MATCH (f:TongxinFact) WITH f LIMIT 50 DETACH DELETE f", {})
        assert store.kept_facts() == fresh()
    else:
        document = store.path.read_bytes()
        assert FACTS.encode() in document
        older = EmbeddedStore(store.folder)
        older._graph = older.graph
        del older._graph.graph[FACTS]  # as a store saved before the facts were kept
        assert older.kept_facts() == fresh()
    rep, fact = next((i, fact) for i, fact in fresh().items() if fact["roles"] == ["representative"])
    row = f"编号,姓名,人员类别,代表人士\n{rep},{fact['name']},新的社会阶层人士,否\n"
    assert ingest(store, [write_csv(tmp_path / "no", "人员.csv", row)]).errors == []
    assert rep not in store.kept_facts() and store.kept_facts() == fresh()  # no longer a representative
