"""Excel workbooks as staff fill them: merged cells, numbers that were meant as text.

openpyxl reads in read-only mode (a worksheet streams instead of loading whole), with
defusedxml installed so it refuses XML bombs.  Read-only worksheets do not expose their
merged ranges, so those come from the sheet's XML, parsed with defusedxml as well.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from pathlib import Path

import openpyxl
from defusedxml.ElementTree import iterparse
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from ingest.readers import refuse

# Sheets a workbook may carry beside the rosters: instructions and dropdown lists.
IGNORED_SHEETS = {"说明", "填写说明", "instructions", "readme", "选项", "lists"}


def read_workbook(path: Path) -> list[tuple[str, list[list]]]:
    """(sheet name, rows) for every visible roster sheet; merged cells take their anchor's value."""
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise refuse(path, f"不是有效的 Excel 工作簿（.xlsx）：{type(exc).__name__}") from None
    try:
        with zipfile.ZipFile(path) as archive:
            return [
                (sheet.title, _fill_merged(_rows(sheet), _merged(archive, sheet)))
                for sheet in book.worksheets
                if sheet.sheet_state == "visible" and sheet.title.strip().lower() not in IGNORED_SHEETS
            ]
    finally:
        book.close()


def _rows(sheet) -> list[list]:
    return [[_cell(value) for value in row] for row in sheet.iter_rows(values_only=True)]


def _cell(value):
    """Integral floats become ints (Excel stores 1985 as 1985.0); long ones stay floats so
    the cleaning types can say that Excel lost their digits."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def _merged(archive: zipfile.ZipFile, sheet) -> list[tuple[int, int, int, int]]:
    ranges = []
    with archive.open(sheet._worksheet_path) as xml:  # openpyxl keeps no public handle on it
        for _, element in iterparse(xml):
            if element.tag.endswith("}mergeCell"):
                ranges.append(range_boundaries(element.get("ref")))
            element.clear()
    return ranges


def _fill_merged(rows: list[list], ranges) -> list[list]:
    for min_col, min_row, max_col, max_row in ranges:
        if min_row > len(rows):
            continue
        anchor = rows[min_row - 1][min_col - 1] if min_col <= len(rows[min_row - 1]) else None
        for r in range(min_row, min(max_row, len(rows)) + 1):
            row = rows[r - 1]
            row.extend([None] * (max_col - len(row)))
            for c in range(min_col, max_col + 1):
                row[c - 1] = anchor
    return rows
