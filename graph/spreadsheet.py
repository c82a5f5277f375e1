"""Rows written into the workbooks the project hands out (the ledger, the work list, the blank
template).

openpyxl stores a string that starts with ``=`` as a formula: a base named
``=HYPERLINK("http://…?"&A1)`` would become a live link in a viewer's download.  User text is
written as text, its leading ``=`` kept visible; control characters a workbook cannot hold are
dropped, and a sheet's name keeps only what Excel allows there.
"""

from __future__ import annotations

import re

from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

LOOKS_LIKE_A_FORMULA = re.compile(r"^\s*(=|[+\-@]\s*[A-Za-z_][\w.]*\s*\(|[+\-@]?\s*cmd\s*\|)", re.IGNORECASE)


def looks_like_a_formula(value) -> bool:
    """Whether a spreadsheet would take this text as a formula.

    >>> looks_like_a_formula("=1+1"), looks_like_a_formula("@SUM(A1)"), looks_like_a_formula("+86 138 0013 8000")
    (True, True, False)
    """
    return isinstance(value, str) and value.lstrip()[:1] in _FIRST and bool(LOOKS_LIKE_A_FORMULA.match(value))


_FIRST = set("=+-@cC")  # what a formula can start with: most cells are refused on this alone


def append_text(sheet, values) -> None:
    """``sheet.append(values)``, every string a text cell, never a formula."""
    sheet.append([ILLEGAL_CHARACTERS_RE.sub("", v) if isinstance(v, str) else v for v in values])
    for cell in sheet[sheet.max_row]:
        if isinstance(cell.value, str) and cell.data_type == "f":
            cell.data_type = "s"


def sheet_title(text: str) -> str:
    """A sheet's name as Excel allows it: no ``[]:*?/\\`` or control characters, at most 31 long.

    >>> sheet_title("01 列名联系工作清单（镇街 *，同心荟 a/b）")
    '01 列名联系工作清单（镇街 ，同心荟 ab）'
    """
    return re.sub(r"[\[\]:*?/\\\x00-\x1f]", "", text)[:31]
