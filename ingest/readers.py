"""Read roster files into plain tables, keeping the spreadsheet's own row numbers.

CSV comes as Excel on Chinese Windows writes it (GBK) or as UTF-8, with or without a
BOM; bytes that decode in none of those are refused, never replaced.  Workbooks are
read with openpyxl in read-only mode (old ``.xls`` and WPS ``.et`` with xlrd), one
table per sheet.  Which row holds the headers is decided later (:mod:`ingest.rows`):
here the first non-blank row is only the first guess.
"""

from __future__ import annotations

import codecs
import csv
import io
import itertools
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from charset_normalizer import from_bytes

from graph.errors import CellError, ValidationFailed

ENCODINGS = ("utf-8-sig", "gb18030")
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
PIECE = 1 << 20  # bytes decoded at a time


@dataclass
class Table:
    """One sheet or file: ``rows`` pairs each spreadsheet row number with its cells, after the
    row of ``headers`` (``header_row``); ``hidden`` lists rows hidden in Excel, left out."""

    file: str
    sheet: str | None
    name: str
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)
    header_row: int = 1
    hidden: list[int] = field(default_factory=list)

    def error(self, message: str, row: int | None = None, column: str | None = None) -> CellError:
        return CellError(self.file, self.sheet, row, column, message)

    def at(self, header_row: int, headers: list[str] | None = None, first_row: int | None = None) -> Table:
        """The same sheet read with its headers on ``header_row`` (or ``headers`` made there
        from two rows), its data from ``first_row`` on (default: the row after)."""
        if header_row == self.header_row:
            found = self.headers
        else:  # a generator: it stops at the header row, near the top, without copying the rows
            found = next((cells for number, cells in self.rows if number == header_row), [])
        start = first_row or header_row + 1
        if self.header_row >= start:
            rows = [(self.header_row, self.headers), *self.rows]
        else:  # the rows are in order: skip the few above ``start``, copy the rest at C speed
            skip = next((i for i, (number, _) in enumerate(self.rows) if number >= start), len(self.rows))
            rows = self.rows[skip:]
        return Table(
            self.file,
            self.sheet,
            self.name,
            headers or [cell_text(c) for c in found],
            rows,
            header_row,
            self.hidden,
        )


@dataclass(frozen=True)
class ReadLimits:
    """How much one roster file may hold.  Checked while reading, so a file past them is refused
    before it is read whole: a 2 KB workbook can declare a million rows, a zip can unpack to
    gigabytes, a CSV can have 100,000 columns.  Sized for a city's rosters; the API's come from
    its settings."""

    rows: int = 1_000_000  # per sheet or file
    columns: int = 1_000
    cells: int = 20_000_000  # per file
    unpacked_mb: int = 1_000  # a workbook's parts, unpacked

    def counted(self, path: Path, lines, sheet: str | None = None, counter: list | None = None):
        """The non-blank rows of ``lines``, numbered from 1, refused as soon as a limit is
        passed; ``counter`` carries the file's cells (up to each row's last filled one) across its sheets."""
        counter = counter if counter is not None else [0]
        kept = []
        for number, cells in enumerate(lines, start=1):
            if not any(_filled(c) for c in cells):  # stops at the first filled cell: cheap on rosters
                continue
            if not _filled(cells[-1]):  # a row padded to a declared width
                cells = list(cells)
                while not _filled(cells[-1]):
                    cells.pop()
            counter[0] += len(cells)
            if len(kept) >= self.rows:
                raise refuse(path, f"超过 {self.rows:,} 行，请拆成几个文件分别导入", sheet)
            if len(cells) > self.columns:
                raise refuse(path, f"第 {number} 行有 {len(cells):,} 列，超过 {self.columns:,} 列，不像名册", sheet)
            if counter[0] > self.cells:
                raise refuse(path, f"超过 {self.cells:,} 个单元格，请拆成几个文件分别导入", sheet)
            kept.append((number, tuple(cells)))  # tuples of text leave the garbage collector's watch
        return kept


CITY_SIZED = ReadLimits()


def refuse(path: Path, message: str, sheet: str | None = None) -> ValidationFailed:
    return ValidationFailed([CellError(path.name, sheet, None, None, message)])


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), UTF-16 with a BOM, else GBK/GB18030; a byte-order mark
    that survives decoding (GB18030 can carry one) is dropped."""
    for encoding in _encodings(data[:2]):
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError:
            continue
    raise _unknown_encoding(path, data[:65536])


def _encodings(head: bytes) -> tuple[str, ...]:
    return ("utf-16",) if head.startswith(UTF16_BOMS) else ENCODINGS


def _unknown_encoding(path: Path, sample: bytes) -> ValidationFailed:
    guess = from_bytes(sample).best()
    hint = f"（看起来像 {guess.encoding} 编码）" if guess is not None else ""
    return refuse(path, f"文件编码无法识别{hint}，请在 Excel 中另存为“CSV UTF-8”或 GBK 编码的 CSV")


def text_encoding(path: Path) -> str:
    """The encoding :func:`decode` would choose for the file, found a megabyte at a time: a big
    file is never held whole, and the API's other threads run between the pieces.  A file with
    NUL characters is binary, not a table."""
    with open(path, "rb") as handle:
        sample = handle.read(65536)
    for encoding in _encodings(sample):
        decoder = codecs.getincrementaldecoder(encoding)()
        try:
            with open(path, "rb") as handle:
                while piece := handle.read(PIECE):
                    if "\x00" in decoder.decode(piece):
                        raise refuse(path, "不是文本表格（含有二进制内容），请上传 CSV、JSON 或 XLSX 文件")
                decoder.decode(b"", final=True)
            return encoding
        except UnicodeDecodeError:
            continue
    raise _unknown_encoding(path, sample)


def text_lines(path: Path, encoding: str) -> Iterator[str]:
    """The file's lines with their ends (\\n, \\r\\n or \\r, as CSV has them), decoded a megabyte at a
    time, without a leading byte-order mark.  Few large reads, not many small ones: a thread that
    keeps giving the interpreter lock up for tiny reads never lets the API's event loop take it
    (the convoy effect, CPython bpo-7946)."""
    decoder, rest, first = codecs.getincrementaldecoder(encoding)(), "", True
    with open(path, "rb") as handle:
        while piece := handle.read(PIECE):
            lines = io.StringIO(rest + decoder.decode(piece), newline="").readlines()
            rest = lines.pop() if lines and not lines[-1].endswith("\n") else ""  # may go on in the next piece
            if first and lines:
                lines[0], first = lines[0].removeprefix("\ufeff"), False
            yield from lines
    last = io.StringIO(rest + decoder.decode(b"", final=True), newline="").readlines()
    if first and last:
        last[0] = last[0].removeprefix("\ufeff")
    yield from last


def _dialect(first: str) -> type[csv.Dialect] | csv.Dialect:
    return csv.excel_tab if "\t" in first and "," not in first else csv.excel


def read_csv(path: Path, limits: ReadLimits) -> Table:
    """Read line by line as the file is decoded: a million-row file past the limits is refused
    at the limit, without being held whole."""
    lines = text_lines(path, text_encoding(path))
    first = next(lines, "")
    try:
        numbered = limits.counted(path, csv.reader(itertools.chain([first], lines), _dialect(first)))
    except csv.Error as exc:
        raise refuse(path, f"不是有效的 CSV 表格：{exc}") from None
    return _table(path, None, path.stem, numbered)


def _table(path: Path, sheet: str | None, name: str, numbered: list[tuple[int, list]], hidden=()) -> Table:
    """The first non-blank row as headers (a first guess), the others as numbered rows."""
    if not numbered:
        raise refuse(path, "表格为空", sheet)
    (header_row, headers), *rows = numbered
    shown = [(n, cells) for n, cells in rows if n not in hidden]
    return Table(path.name, sheet, name, [cell_text(c) for c in headers], shown, header_row, sorted(hidden))


def cell_text(cell) -> str:
    """A cell as header text: blank for nothing, trimmed."""
    return "" if cell is None else str(cell).strip()


def _filled(cell) -> bool:
    return cell is not None and str(cell).strip() != ""


def read_json(path: Path, limits: ReadLimits) -> Table:
    """A JSON file is a list of objects; its "rows" are counted from 1."""
    try:
        records = json.loads(decode(path, path.read_bytes()))
    except json.JSONDecodeError as exc:
        raise refuse(path, f"不是有效的 JSON：第 {exc.lineno} 行 {exc.msg}") from None
    except RecursionError:
        raise refuse(path, "JSON 嵌套过深，不是名册") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise refuse(path, "JSON 文件应为对象列表，每个对象一条记录")
    headers = list(dict.fromkeys(key for record in records for key in record))
    limits.counted(path, [headers[: limits.columns + 1]], counter=[sum(len(r) for r in records)])
    if len(records) > limits.rows:
        raise refuse(path, f"超过 {limits.rows:,} 条记录，请拆成几个文件分别导入")
    table = Table(path.name, None, path.stem, headers, header_row=0)  # its keys: no row of its own
    for number, record in enumerate(records, start=1):
        table.rows.append((number, [record.get(h) for h in headers]))
    return table


def read_xlsx(path: Path, limits: ReadLimits) -> list[Table]:
    from ingest.workbook import read_workbook

    return [_table(path, sheet, sheet, rows, hidden) for sheet, rows, hidden in read_workbook(path, limits)]


def read_xls(path: Path, limits: ReadLimits) -> list[Table]:
    from ingest.workbook import read_old_workbook

    return [_table(path, sheet, sheet, rows, hidden) for sheet, rows, hidden in read_old_workbook(path, limits)]


READERS = {".csv": read_csv, ".tsv": read_csv, ".txt": read_csv, ".json": read_json}
WORKBOOKS = {".xlsx": read_xlsx, ".xlsm": read_xlsx, ".xls": read_xls, ".et": read_xls}


def roster_files(path: Path) -> list[Path]:
    """The file itself, or each roster file of a folder, sorted by name."""
    if not path.is_dir():
        return [path]
    files = sorted(
        p for p in path.iterdir() if p.suffix.lower() in READERS | WORKBOOKS and not p.name.startswith(("~$", "."))
    )
    if not files:
        raise refuse(path, "文件夹中没有名册文件（CSV、JSON、XLSX 或 XLS）")
    return files


def told_apart(files: list[Path]) -> list[str]:
    """Each file's name; for files of one batch that share a name, as much of their paths as
    tells them apart, so that an error's file and a node's source say which one.

    >>> told_apart([Path("2025/人员.csv"), Path("2026/人员.csv"), Path("2026/基地.csv")])
    ['2025/人员.csv', '2026/人员.csv', '基地.csv']
    """
    where = [file.resolve().parts for file in files]
    labels = []
    for parts in where:
        others = [other for other in where if other[-1] == parts[-1] and other != parts]
        depth = 1
        while depth < len(parts) and any(other[-depth:] == parts[-depth:] for other in others):
            depth += 1
        labels.append("/".join(parts[-depth:]))
    return labels


def read_file(path: Path, limits: ReadLimits = CITY_SIZED) -> list[Table]:
    """Every table in one roster file: one for CSV/JSON, one per sheet for a workbook."""
    if not path.exists():
        raise refuse(path, "文件不存在")
    suffix = path.suffix.lower()
    if suffix in WORKBOOKS:
        return WORKBOOKS[suffix](path, limits)
    if suffix in READERS:
        return [READERS[suffix](path, limits)]
    raise refuse(path, f"不支持的文件类型「{path.suffix}」，请使用 CSV、JSON、XLSX 或 XLS")
