"""Excel workbooks as staff fill them: merged cells, numbers that were meant as text,
rows hidden because the person left.

openpyxl reads in read-only mode (a worksheet streams instead of loading whole), with
defusedxml installed so it refuses XML bombs.  Read-only worksheets do not expose their
merged ranges or hidden rows, so those come from the sheet's XML, parsed with defusedxml
as well.  Old ``.xls`` workbooks (and WPS ``.et``, the same format) are read with xlrd.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from bisect import bisect_left, bisect_right
from pathlib import Path

import openpyxl
from defusedxml.ElementTree import iterparse
from openpyxl.utils.cell import range_boundaries
from openpyxl.utils.exceptions import InvalidFileException

from ingest.readers import ReadLimits, refuse

# Sheets a workbook may carry beside the rosters: instructions and dropdown lists.
IGNORED_SHEETS = {"说明", "填写说明", "instructions", "readme", "选项", "lists"}


def read_workbook(path: Path, limits: ReadLimits) -> list[tuple[str, list[list], set[int]]]:
    """(sheet name, rows, hidden row numbers) for every visible roster sheet; merged cells
    take their anchor's value.  The sheet's declared size is ignored (rows hold the cells it
    has), and the workbook is refused before it is opened when its parts unpack past the limit."""
    _check_unpacked(path, limits)
    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError, ValueError) as exc:
        raise refuse(path, f"不是有效的 Excel 工作簿（.xlsx）：{type(exc).__name__}") from None
    try:
        with zipfile.ZipFile(path) as archive:
            sheets, counter = [], [0]
            for sheet in book.worksheets:
                if sheet.sheet_state == "visible" and sheet.title.strip().lower() not in IGNORED_SHEETS:
                    merged, hidden = _marks(archive, sheet)
                    sheet.reset_dimensions()  # a 2 KB file may declare A1:XFD1048576
                    rows = limits.counted(path, sheet.iter_rows(values_only=True), sheet.title, counter)
                    rows = [(n, [_cell(v) for v in cells]) for n, cells in rows]
                    sheets.append((sheet.title, _fill_merged(rows, merged), hidden))
            return sheets
    finally:
        book.close()


def _check_unpacked(path: Path, limits: ReadLimits) -> None:
    try:
        with zipfile.ZipFile(path) as archive:
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError, ValueError) as exc:
        raise refuse(path, f"不是有效的 Excel 工作簿（.xlsx）：{type(exc).__name__}") from None
    if unpacked > limits.unpacked_mb << 20:
        raise refuse(path, f"解压后超过 {limits.unpacked_mb:,} MB，不像名册（可能是“压缩炸弹”），未读取")


def _cell(value):
    """Integral floats become ints (Excel stores 1985 as 1985.0); long ones stay floats so
    the cleaning types can say that Excel lost their digits."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return int(value)
    if isinstance(value, dt.time):
        return value.isoformat()
    return value


def _marks(archive: zipfile.ZipFile, sheet) -> tuple[list[tuple[int, int, int, int]], set[int]]:
    """The sheet's merged ranges and hidden rows, from its XML."""
    ranges, hidden = [], set()
    with archive.open(sheet._worksheet_path) as xml:  # openpyxl keeps no public handle on it
        for _, element in iterparse(xml):
            if element.tag.endswith("}mergeCell"):
                ranges.append(range_boundaries(element.get("ref")))
            elif element.tag.endswith("}row") and element.get("hidden") in ("1", "true"):
                hidden.add(int(element.get("r")))
            element.clear()
    return ranges, hidden


def read_old_workbook(path: Path, limits: ReadLimits) -> list[tuple[str, list[list], set[int]]]:
    """The same for ``.xls``/``.et``: dates as dates, merged cells filled, hidden rows named."""
    import xlrd

    try:
        book = xlrd.open_workbook(str(path), formatting_info=True, on_demand=True)
    except (xlrd.XLRDError, OSError, ValueError, AssertionError, IndexError, KeyError) as exc:
        raise refuse(
            path, f"无法读取旧版 Excel 文件（{type(exc).__name__}），请在 Excel 或 WPS 中另存为 .xlsx 后上传"
        ) from None
    try:
        sheets, counter = [], [0]
        for sheet in book.sheets():
            if sheet.visibility != 0 or sheet.name.strip().lower() in IGNORED_SHEETS:
                continue
            lines = ([_old_cell(book, cell) for cell in sheet.row(r)] for r in range(sheet.nrows))
            rows = limits.counted(path, lines, sheet.name, counter)
            merged = [(c0 + 1, r0 + 1, c1, r1) for r0, r1, c0, c1 in sheet.merged_cells]
            hidden = {r + 1 for r, info in sheet.rowinfo_map.items() if info.hidden}
            sheets.append((sheet.name, _fill_merged(rows, merged), hidden))
        return sheets
    finally:
        book.release_resources()


def _old_cell(book, cell):
    import xlrd

    if cell.ctype == xlrd.XL_CELL_DATE:
        return xlrd.xldate.xldate_as_datetime(cell.value, book.datemode)
    if cell.ctype in (xlrd.XL_CELL_EMPTY, xlrd.XL_CELL_BLANK):
        return None
    if cell.ctype == xlrd.XL_CELL_BOOLEAN:
        return bool(cell.value)
    return _cell(cell.value)


def _fill_merged(rows: list[tuple[int, list]], ranges) -> list[tuple[int, list]]:
    """Merged cells take their anchor's value on the sheet's non-blank rows, within the columns
    the sheet has (a merge may declare all 16,384)."""
    width = max((len(cells) for _, cells in rows), default=0)
    by_number, numbers = dict(rows), [n for n, _ in rows]
    for min_col, min_row, max_col, max_row in ranges:
        max_col = min(max_col, width)
        first = by_number.get(min_row)
        if first is None or min_col > max_col:
            continue
        anchor = first[min_col - 1] if min_col <= len(first) else None
        for number in numbers[bisect_left(numbers, min_row) : bisect_right(numbers, max_row)]:
            row = by_number[number]
            row.extend([None] * (max_col - len(row)))
            for c in range(min_col, max_col + 1):
                row[c - 1] = anchor
    return rows
