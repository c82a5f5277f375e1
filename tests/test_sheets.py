"""Rosters laid out as offices keep them, read with no mapping file, on both stores: a merged
title and a 填报 line above the headers, a 序号 column, a two-row header, a footer, rows
hidden in Excel, a summary sheet beside the roster, and an old .xls."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import openpyxl
import pytest

from ingest.pipeline import ingest
from tests.conftest import TESTS_DIR, active, write_csv

REGIONS = "编号,名称\nR1,五马街道\nR2,七都街道\n"
BASES = "编号,名称,类别,级别\nB1,江滨·同心荟,文化型,区级\n"


def office_workbook(path: Path) -> Path:
    book = openpyxl.Workbook()
    roster = book.active
    roster.title = "代表人士名册"
    roster.append(["鹿城区新的社会阶层代表人士名册"])
    roster.merge_cells("A1:H1")
    roster.append(["填报单位：五马街道统战办", None, None, None, None, "填报日期：", dt.datetime(2025, 6, 30)])
    roster.append([])
    roster.append(
        ["序号", "编号", "姓名", "人员类别", "出生年月", "手机号码", "所在街道", "代表人士", "所属同心荟", "联系领导"]
    )
    roster.append(
        [1, "P1", "张伟", "新阶层人士", dt.datetime(1985, 6, 1), "13800138000", "五马街道", "是", "江滨", "张思桂"]
    )
    roster.append([2, "P2", "李娜", "新阶层人士", "1990.03", None, "七都街道", "否", "江滨·同心荟\n瓯江·同心荟", None])
    roster.append([3, "P3", "王强", "新阶层人士", "1978年11月", None, "五马街道", "是", None, None])  # left: hidden
    roster.row_dimensions[7].hidden = True
    roster.append([])
    roster.append(["填表人：林晓", None, None, "审核人：周帆", None, "联系电话：88812345"])
    summary = book.create_sheet("汇总")
    summary.append(["镇街", "人数"])
    summary.append(["五马街道", 2])
    book.save(path)
    return path


def test_a_roster_as_an_office_keeps_it_goes_in_without_a_mapping(store, tmp_path):
    write_csv(tmp_path / "base", "镇街.csv", REGIONS)
    write_csv(
        tmp_path / "base", "基地.csv", "编号,名称,类别,级别\nB1,江滨·同心荟,文化型,区级\nB2,瓯江·同心荟,服务型,区级\n"
    )
    write_csv(tmp_path / "base", "人员.csv", "编号,姓名,人员类别\nL1,张思桂,联系领导\n")
    assert ingest(store, [tmp_path / "base"]).errors == []
    report = ingest(store, [office_workbook(tmp_path / "五马街道代表人士.xlsx")])
    assert report.errors == [] and report.written
    assert report.rows == 2  # the hidden row is told, not read
    assert {(w.sheet, w.row) for w in report.warnings} == {("代表人士名册", 7), ("汇总", None)}
    assert "隐藏" in next(w.message for w in report.warnings if w.row == 7)
    assert store.get("P3") is None  # hidden: someone who left is not made a current member
    assert store.get("P1").properties["birth_year"] == 1985 and store.get("P2").properties["birth_year"] == 1990
    assert store.get("P1").properties["source_row"] == 5  # the spreadsheet's own row number
    # the wide roster's 所属同心荟 and 联系领导 columns: bases by short or full name, one per line, the leader by name
    member_of = {(r.source, r.target) for r in active(store, ["MEMBER_OF"], "2025-12-31")}
    assert member_of == {("P1", "B1"), ("P2", "B1"), ("P2", "B2")} and store.counts()["nodes"]["Base"] == 2
    assert {(r.source, r.target) for r in active(store, ["LIAISES_WITH"], "2025-12-31")} == {("L1", "P1")}


def test_a_two_row_header_is_read_as_parent_and_child_never_as_the_wrong_column(store, tmp_path):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "联系记录"
    sheet.append(["日期", "联系对象", "负责联系领导", None, "方式"])
    sheet.merge_cells("C1:D1")
    sheet.append([None, None, "姓名", "职务", None])
    sheet.append(["2025-03-05", "P1", "张思桂", "区委常委", "走访"])
    book.save(tmp_path / "联系记录.xlsx")
    report = ingest(store, [tmp_path / "联系记录.xlsx"])
    assert not report.written
    columns = {e.column for e in report.errors}
    assert {"负责联系领导/姓名", "负责联系领导/职务"} <= columns  # named, so a clerk sees what was not understood
    assert all(e.row == 1 for e in report.errors if e.column and "负责联系领导" in e.column)


def test_an_unknown_sheet_says_what_to_do(store, tmp_path):
    report = ingest(store, [write_csv(tmp_path, "Sheet1.csv", "甲,乙\n1,2\n")])
    [error] = report.errors
    assert "表头" in error.message and "--mapping" in error.message and "人员（people）" in error.message


def test_an_old_xls_workbook_is_read_with_its_dates_and_hidden_rows(store, tmp_path):
    write_csv(tmp_path / "base", "镇街.csv", REGIONS)
    assert ingest(store, [tmp_path / "base"]).errors == []
    report = ingest(store, [TESTS_DIR / "fixtures" / "old" / "人员.xls"])
    assert report.errors == [] and report.written, report.errors
    assert store.get("P1").properties["birth_year"] == 1985
    assert store.get("P9") is None and [w.row for w in report.warnings] == [4]


@pytest.mark.parametrize("suffix", [".xls", ".et"])
def test_a_broken_old_workbook_is_refused_never_skipped(store, tmp_path, suffix):
    folder = tmp_path / "rosters"
    folder.mkdir()
    (folder / f"人员{suffix}").write_bytes(b"not a workbook at all")
    report = ingest(store, [folder])
    assert not report.written and "另存为 .xlsx" in report.errors[0].message
