"""Roster files as staff's software writes them: encodings, delimiters, workbooks."""

from __future__ import annotations

import openpyxl
import openpyxl.xml
import pytest

from graph.errors import ValidationFailed
from ingest.readers import read_file
from tests.conftest import write_csv

PEOPLE = "编号,姓名,人员类别\nP1,王䶮,新阶层人士\nP2,林𠀀,专家\n"


def cells(table) -> list[tuple[int, list]]:
    return [(number, [str(c) for c in row]) for number, row in table.rows]


def test_gb18030_characters_beyond_gbk_are_read(tmp_path):
    [table] = read_file(write_csv(tmp_path, "人员.csv", PEOPLE, "gb18030"))
    assert cells(table) == [(2, ["P1", "王䶮", "新阶层人士"]), (3, ["P2", "林𠀀", "专家"])]


def test_excel_unicode_text_is_utf16_with_tabs(tmp_path):
    [table] = read_file(write_csv(tmp_path, "人员.txt", PEOPLE.replace(",", "\t"), "utf-16"))
    assert table.headers == ["编号", "姓名", "人员类别"] and len(table.rows) == 2


def test_bytes_that_decode_in_no_encoding_are_refused_not_replaced(tmp_path):
    path = tmp_path / "人员.csv"
    path.write_bytes("编号,姓名\nP1,".encode() + b"\xff\xfe\x00\x81\x30")
    with pytest.raises(ValidationFailed, match="编码无法识别"):
        read_file(path)


def test_blank_rows_keep_the_spreadsheet_numbering(tmp_path):
    [table] = read_file(write_csv(tmp_path, "人员.csv", "编号,姓名\n\nP1,张三\n,\nP2,李四\n"))
    assert [number for number, _ in table.rows] == [3, 5]


def test_workbook_sheets_merged_cells_and_what_is_skipped(tmp_path):
    book = openpyxl.Workbook()
    book.active.title = "填写说明"
    book.active.append(["请按表头填写"])
    sheet = book.create_sheet("关系")
    for row in (["起点", "关系", "终点"], ["P1", "成员", "B1"], ["P2", None, None], ["P3", None, None]):
        sheet.append(row)
    sheet.merge_cells("B2:B4")
    sheet.merge_cells("C2:C4")
    hidden = book.create_sheet("选项")
    hidden.sheet_state = "hidden"
    path = tmp_path / "名册.xlsx"
    book.save(path)
    [table] = read_file(path)
    assert (table.file, table.sheet, table.name) == ("名册.xlsx", "关系", "关系")
    assert cells(table) == [(2, ["P1", "成员", "B1"]), (3, ["P2", "成员", "B1"]), (4, ["P3", "成员", "B1"])]


def test_workbooks_are_parsed_with_defusedxml():
    assert openpyxl.xml.DEFUSEDXML is True


@pytest.mark.parametrize("piece", [1, 2, 3, 5, 7, 64])
@pytest.mark.parametrize("ends", ["\r\n", "\n", "\r"])
@pytest.mark.parametrize("encoding", ["utf-8-sig", "gb18030", "utf-16"])
def test_a_file_read_in_pieces_keeps_its_rows_and_their_numbers(tmp_path, monkeypatch, piece, ends, encoding):
    """Pieces may end inside a character, between \\r and \\n, or inside a quoted cell."""
    monkeypatch.setattr("ingest.readers.PIECE", piece)
    text = PEOPLE.replace("\n", ends) + f'P3,"甲{ends}乙",专家{ends}{ends}P4,丙,专家{ends}'
    [table] = read_file(write_csv(tmp_path, "人员.csv", text, encoding))
    assert table.headers == ["编号", "姓名", "人员类别"]
    assert cells(table) == [
        (2, ["P1", "王䶮", "新阶层人士"]),
        (3, ["P2", "林𠀀", "专家"]),
        (4, ["P3", f"甲{ends}乙", "专家"]),
        (6, ["P4", "丙", "专家"]),
    ]
