"""Read roster files into plain tables, keeping the spreadsheet's own row numbers."""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path

from graph.errors import CellError, ValidationFailed

ENCODINGS = ("utf-8-sig", "gb18030")


@dataclass
class Table:
    """One sheet or file: ``rows`` pairs each spreadsheet row number (header = 1) with its cells."""

    file: str
    sheet: str | None
    name: str
    headers: list[str]
    rows: list[tuple[int, list]] = field(default_factory=list)

    def error(self, message: str, row: int | None = None, column: str | None = None) -> CellError:
        return CellError(self.file, self.sheet, row, column, message)


def _refuse(path: Path, message: str) -> ValidationFailed:
    return ValidationFailed([CellError(path.name, None, None, None, message)])


def decode(path: Path, data: bytes) -> str:
    """UTF-8 (with or without BOM), else GBK/GB18030 as Excel on Chinese Windows writes."""
    for encoding in ENCODINGS:
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _refuse(path, "文件编码无法识别，请另存为 UTF-8 或 GBK 编码的 CSV")


def read_csv(path: Path) -> Table:
    text = decode(path, path.read_bytes())
    try:
        lines = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as exc:
        raise _refuse(path, f"不是有效的 CSV 表格：{exc}") from None
    if not lines or not any(cell.strip() for cell in lines[0]):
        raise _refuse(path, "文件为空或缺少表头行")
    table = Table(path.name, None, path.stem, [h.strip() for h in lines[0]])
    for number, cells in enumerate(lines[1:], start=2):
        if any(cell.strip() for cell in cells):
            table.rows.append((number, cells))
    return table


def read_json(path: Path) -> Table:
    """A JSON file is a list of objects; its "rows" are counted from 1."""
    try:
        records = json.loads(decode(path, path.read_bytes()))
    except json.JSONDecodeError as exc:
        raise _refuse(path, f"不是有效的 JSON：第 {exc.lineno} 行 {exc.msg}") from None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        raise _refuse(path, "JSON 文件应为对象列表，每个对象一条记录")
    headers = list(dict.fromkeys(key for record in records for key in record))
    table = Table(path.name, None, path.stem, headers)
    for number, record in enumerate(records, start=1):
        table.rows.append((number, [record.get(h) for h in headers]))
    return table


READERS = {".csv": read_csv, ".json": read_json}


def roster_files(path: Path) -> list[Path]:
    """The file itself, or each roster file of a folder, sorted by name."""
    if not path.is_dir():
        return [path]
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in READERS)
    if not files:
        raise _refuse(path, "文件夹中没有 CSV 或 JSON 名册")
    return files


def read_file(path: Path) -> Table:
    if not path.exists():
        raise _refuse(path, "文件不存在")
    reader = READERS.get(path.suffix.lower())
    if reader is None:
        raise _refuse(path, f"不支持的文件类型「{path.suffix}」，请使用 CSV 或 JSON")
    return reader(path)
