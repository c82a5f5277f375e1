"""The same rosters as a UTF-8 CSV folder, a GBK CSV folder and one XLSX workbook give
the same graph, on both stores."""

from __future__ import annotations

import csv
import datetime as dt

import openpyxl
import pytest

from graph.values import clean_date
from ingest.pipeline import ingest
from tests.conftest import SAMPLE_DIR, snapshot

DATE_HEADERS = {"日期", "开始日期", "结束日期", "成立日期"}


def _sheets():
    for path in sorted(SAMPLE_DIR.glob("*.csv")):
        with open(path, encoding="utf-8-sig", newline="") as handle:
            yield path, list(csv.reader(handle))


def as_gbk(folder):
    folder.mkdir()
    for path, _ in _sheets():
        (folder / path.name).write_bytes(path.read_text(encoding="utf-8-sig").encode("gbk"))
    return folder


def as_workbook(path):
    """As staff keep it: one sheet per roster, years as numbers, dates as date cells."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for source, (header, *rows) in _sheets():
        sheet = book.create_sheet(source.stem)
        sheet.append(header)
        for row in rows:
            sheet.append([_excel(h, v) for h, v in zip(header, row)])
    book.save(path)
    return path


def _excel(header: str, value: str):
    if not value:
        return None
    if header == "出生年份":
        return int(value)
    if header in DATE_HEADERS:
        return dt.datetime.fromisoformat(clean_date(value))
    return value


@pytest.fixture(scope="module")
def formats(tmp_path_factory):
    root = tmp_path_factory.mktemp("formats")
    return {"csv": SAMPLE_DIR, "gbk": as_gbk(root / "gbk"), "xlsx": as_workbook(root / "名册.xlsx")}


@pytest.fixture(scope="module")
def reference(formats, tmp_path_factory):
    from graph.embedded import EmbeddedStore

    store = EmbeddedStore(tmp_path_factory.mktemp("reference"))
    assert ingest(store, [SAMPLE_DIR]).errors == []
    return snapshot(store)


@pytest.mark.parametrize("form", ["csv", "gbk", "xlsx"])
def test_every_format_gives_the_same_graph(store, formats, reference, form):
    report = ingest(store, [formats[form]])
    assert report.errors == [] and report.written
    assert snapshot(store) == reference
