"""Every kind of bad roster, as UTF-8 CSV, GBK CSV and XLSX, on both stores: exit 2, the
exact file, sheet, row and column, and nothing written (tests/fixtures/bad/make_corpus.py)."""

from __future__ import annotations

import json

import openpyxl
import pytest

from ingest.pipeline import ingest
from tests.conftest import TESTS_DIR, TINY_DIR, snapshot
from tests.test_cli import tongxin

CORPUS = TESTS_DIR / "fixtures" / "bad"
EXPECTED = json.loads((CORPUS / "expected.json").read_text(encoding="utf-8"))
CASES = [(case, form) for case, forms in EXPECTED.items() for form in forms]


@pytest.mark.parametrize("case, form", CASES, ids=[f"{c}-{f}" for c, f in CASES])
def test_a_bad_roster_is_refused_exactly_and_writes_nothing(store, store_spec, case, form):
    ingest(store, [TINY_DIR])
    before = snapshot(store)
    folder = CORPUS / case / form
    [roster] = list(folder.iterdir())
    result = tongxin("--store", store_spec, "ingest", str(roster), "--json")
    assert result.exit_code == 2, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is False and report["written"] is False
    got = [(e["file"], e["row"], e["column"]) for e in report["errors"]]
    expected = EXPECTED[case][form]
    assert got == [(roster.name, row, column) for row, column, _ in expected]
    for error, (_, _, fragment) in zip(report["errors"], expected):
        assert fragment in error["message"]
        if form == "xlsx" and case != "not_a_table":
            assert error["sheet"] == openpyxl.load_workbook(roster, read_only=True).sheetnames[0]
    assert snapshot(store) == before
