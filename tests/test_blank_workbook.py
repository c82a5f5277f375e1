"""The blank roster workbook: filled in with the sample's rows through openpyxl it ingests
to the same graph as the sample; its dropdowns and text formats are there when read back."""

from __future__ import annotations

import csv
import io

import openpyxl
import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.embedded import EmbeddedStore
from graph.ontology import load
from graph.settings import Settings
from ingest.blank_workbook import INSTRUCTIONS, LISTS, blank_workbook
from ingest.pipeline import ingest
from ingest.templates import columns, template_for
from queries.formats import XLSX
from tests.conftest import SAMPLE_DIR, snapshot


@pytest.fixture(scope="module")
def book():
    return openpyxl.load_workbook(io.BytesIO(blank_workbook(load())))


def fill(book, folder):
    """Every sample roster row typed into its sheet, cell by cell, as text."""
    for path in sorted(SAMPLE_DIR.glob("*.csv")):
        sheet = book[path.stem]
        headers = [cell.value for cell in sheet[1]]
        with open(path, encoding="utf-8-sig", newline="") as handle:
            for row in csv.DictReader(handle):
                sheet.append([row.get(header, "") or None for header in headers])
    target = folder / "名册.xlsx"
    book.save(target)
    return target


def test_a_filled_in_template_ingests_to_the_sample_graph(tmp_path):
    book = openpyxl.load_workbook(io.BytesIO(blank_workbook(load())))
    with EmbeddedStore(tmp_path / "sample") as expected, EmbeddedStore(tmp_path / "filled") as filled:
        assert ingest(expected, [SAMPLE_DIR]).ok
        report = ingest(filled, [fill(book, tmp_path)])
        assert report.ok, report.errors[:3]
        assert snapshot(filled) == snapshot(expected)


def test_every_template_has_its_sheet_with_chinese_headers(book):
    onto = load()
    assert book.sheetnames[0] == INSTRUCTIONS and book[LISTS].sheet_state == "hidden"
    for template in onto.templates.values():
        sheet = book[template.zh]
        assert template_for(onto, sheet.title) is template
        assert [c.value for c in sheet[1]] == [c.zh for c in columns(onto, template).values()]
        assert sheet.freeze_panes == "A2"


def dropdown(sheet, header: str) -> list[str]:
    letter = next(c.column_letter for c in sheet[1] if c.value == header)
    rule = next(v for v in sheet.data_validations.dataValidation if str(v.sqref).startswith(f"{letter}2:"))
    lists_sheet, cells = rule.formula1.split("!")
    first, last = cells.replace("$", "").split(":")
    return [c.value for (c,) in sheet.parent[lists_sheet][first:last]]


@pytest.mark.parametrize(
    "sheet, header, words",
    [
        ("基地", "类别", ["孵化型", "联盟型", "文化型", "服务型", "青创型"]),
        ("基地", "级别", ["国家级", "省级", "市级", "区级", "镇街级"]),
        ("人员", "人员类别", ["新阶层人士", "专家", "联系领导"]),
        (
            "人员",
            "新阶层类别",
            ["民营企业和外资企业管理技术人员", "中介组织和社会组织从业人员", "自由职业人员", "新媒体从业人员"],
        ),
        ("人员", "代表人士", ["是", "否"]),
        ("人员", "性别", ["男", "女"]),
        ("联系记录", "方式", ["慰问", "走访", "电话", "活动", "座谈"]),
        ("活动", "类型", ["讲坛", "培训", "研学", "论坛", "座谈", "其他"]),
    ],
)
def test_closed_vocabularies_are_dropdowns(book, sheet, header, words):
    assert dropdown(book[sheet], header) == words


def test_relationship_types_are_a_dropdown_of_every_type(book):
    assert dropdown(book["关系"], "关系") == [r.zh for r in load().relationships.values()]


@pytest.mark.parametrize(
    "sheet, header",
    [
        ("人员", "身份证号"),
        ("人员", "手机"),
        ("人员", "编号"),
        ("企业", "统一社会信用代码"),
        ("关系", "起点"),
        ("联系记录", "联系对象"),
    ],
)
def test_numbers_that_are_not_numbers_are_text_columns(book, sheet, header):
    letter = next(c.column_letter for c in book[sheet][1] if c.value == header)
    assert book[sheet].column_dimensions[letter].number_format == "@"


def test_the_instructions_explain_every_column(book):
    onto = load()
    described = {(row[0], row[1]) for row in book[INSTRUCTIONS].iter_rows(min_row=6, values_only=True) if row[0]}
    assert described == {(t.zh, c.zh) for t in onto.templates.values() for c in columns(onto, t).values()}


def test_the_template_is_offered_by_the_api(tmp_path):
    with TestClient(create_app(Settings(store=str(tmp_path / "store")))) as client:
        response = client.get("/api/template")
    assert response.status_code == 200 and response.headers["content-type"] == XLSX
    assert "filename*=UTF-8''%E5%90%8D%E5%86%8C%E6%A8%A1%E6%9D%BF.xlsx" in response.headers["content-disposition"]
    assert openpyxl.load_workbook(io.BytesIO(response.content)).sheetnames[0] == INSTRUCTIONS
