"""Recognising a sheet as offices lay it out, without a mapping file.

Above the headers: a merged title, a 填报单位/日期 line, blank rows.  In them: a 序号
column, a two-row header (负责联系领导 over 姓名 and 职务).  Below the rows: 填表人,
审核人, 合计.  Beside the roster: a 汇总 sheet.  This module decides which template a
table is (by its file or sheet name, else by its headers) and which row holds its
headers; :class:`ingest.rows.Collector` then reads the cells.

>>> from graph.ontology import load
>>> from ingest.readers import Table
>>> sheet = Table("名册.xlsx", "Sheet1", "Sheet1", ["鹿城区新的社会阶层代表人士名册"] * 3,
...               [(2, ["填报单位：五马街道", None, "填报日期：2025-06-30"]),
...                (3, ["序号", "姓名", "人员类别"]), (4, [1, "张伟", "新阶层人士"]),
...                (6, ["填表人：李娜", None, "审核人：王强"])])
>>> found = recognise(load(), sheet)
>>> found.template.name, found.table.header_row, found.table.headers, found.table.rows
('people', 3, ['', '姓名', '人员类别'], [(4, [1, '张伟', '新阶层人士'])])
"""

from __future__ import annotations

from dataclasses import dataclass

from graph.ontology import Ontology, Template
from ingest.readers import Table, cell_text
from ingest.templates import column_for, header_key, template_for

LOOK_AHEAD = 10  # rows searched for the headers below the first non-blank one
ROW_NUMBERS = {"序号", "序", "no", "no.", "行号"}  # a column of row numbers, not data
FOOTERS = (
    "填表人",
    "填报人",
    "制表人",
    "审核人",
    "负责人",
    "联系人：",
    "合计",
    "总计",
    "小计",
    "注：",
    "备注：",
    "说明：",
)
SUMMARIES = ("汇总", "统计", "总表", "合计", "目录")


@dataclass
class Recognised:
    template: Template | None
    table: Table
    summary: bool = False  # not a roster but a summary of one: told, not read


def recognise(onto: Ontology, table: Table) -> Recognised:
    """The template and the header row that fit the table best; a table named after a
    template keeps that template and only looks for its header row."""
    named = template_for(onto, table.name)
    score, template, header_row = best_fit(onto, table)
    if score < 2:
        if named:
            return Recognised(named, table)  # its header row says what is wrong with it
        return Recognised(None, table, summary=any(word in table.name for word in SUMMARIES))
    return Recognised(template, rows_only(_with_headers(table.at(header_row))))


def best_fit(onto: Ontology, table: Table) -> tuple[int, Template, int]:
    """(how many columns, template, header row) of the template and row that name most columns."""
    named = template_for(onto, table.name)
    candidates = [named] if named else list(onto.templates.values())
    lines = [(table.header_row, table.headers), *table.rows[:LOOK_AHEAD]]
    score, _, template, header_row = max(
        ((_score(onto, t, cells), -i, t, number) for t in candidates for i, (number, cells) in enumerate(lines)),
        key=lambda found: found[:2],
    )
    return score, template, header_row


def _score(onto: Ontology, template: Template, cells: list) -> int:
    """How many of the template's columns a row names."""
    named = {column_for(onto, template, str(c)) for c in cells if c is not None and str(c).strip()}
    return len(named - {None})


def _with_headers(table: Table) -> Table:
    """A second header row under merged parents becomes ``parent/child`` headers, and a
    row-number column is set aside."""
    headers = list(table.headers)
    below = table.rows[0][1] if table.rows else []
    if _sub_headers(headers, below):
        headers = [
            f"{parent}/{child}" if cell_text(child) and cell_text(child) != parent else parent
            for parent, child in zip(headers, [*below, *[None] * (len(headers) - len(below))])
        ]
        table = table.at(table.header_row, headers, first_row=table.rows[0][0] + 1)
    return table.at(
        table.header_row,
        ["" if header_key(h) in ROW_NUMBERS else h for h in table.headers],
        first_row=table.rows[0][0] if table.rows else table.header_row + 1,
    )


def _sub_headers(headers: list[str], below: list) -> bool:
    """Whether ``below`` names the parts of merged headers (a parent repeated side by side)."""
    grouped = {i for i in range(1, len(headers)) if headers[i] and headers[i] == headers[i - 1]}
    grouped |= {i - 1 for i in grouped}
    if not grouped or not any(cell_text(below[i]) for i in grouped if i < len(below)):
        return False
    return all(
        not cell_text(cell) or i in grouped or cell_text(cell) == headers[i]
        for i, cell in enumerate(below[: len(headers)])
    ) and all(isinstance(below[i], str) for i in grouped if i < len(below) and cell_text(below[i]))


def rows_only(table: Table) -> Table:
    """Rows up to the first footer (填表人, 审核人, 合计 …)."""
    for i, (_, cells) in enumerate(table.rows):
        if _footer(cells):
            table.rows = table.rows[:i]
            break
    return table


def _footer(cells: list) -> bool:
    """Whether the row's first filled cell starts a footer; most rows answer at their first cell."""
    for cell in cells:
        if cell is None or cell == "":
            continue
        return isinstance(cell, str) and cell.lstrip().startswith(FOOTERS)
    return False


def explain(onto: Ontology, table: Table) -> dict:
    """What reading ``table`` with no mapping does, as a mapping file would say it (``tongxin
    ingest --explain``): the template, the header row, each header's column; ready to copy
    into a mapping file and edit when the guess is wrong."""
    found = recognise(onto, table)
    where = {"file": table.file, **({"sheet": table.sheet} if table.sheet else {})}
    if found.template is None:
        return {**where, "read": "汇总表，不读取" if found.summary else "无法识别，需要映射文件"}
    read = found.table
    columns, unknown = {}, []
    for header in read.headers:
        column = column_for(onto, found.template, header) if header else None
        if column is not None:
            columns[column.name] = header
        elif header:
            unknown.append(header)
    return {
        **where,
        "name": f"{found.template.zh}（{table.name}）",
        "header_row": read.header_row,
        "rows": len(read.rows),
        "hidden_rows": [n for n in read.hidden if n > read.header_row],
        "unknown_columns": unknown,
        "nodes" if found.template.label else "template": (
            {"row": {"template": found.template.name, "columns": columns}}
            if found.template.label
            else found.template.name
        ),
    }
