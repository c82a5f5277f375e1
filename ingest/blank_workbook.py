"""The blank roster workbook staff fill in by hand, made from the ontology.

One sheet per standard template with its Chinese headers, a first sheet that explains
every sheet and column, dropdowns for every closed vocabulary, and ID-number, phone and
code columns formatted as text so Excel cannot turn them into numbers.  The reader skips
the instructions and the (hidden) lists sheet, so a filled-in copy ingests as it is.
"""

from __future__ import annotations

import io

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from graph.ontology import Ontology, Property, Template
from graph.spreadsheet import append_text
from graph.values import DATE_FORMATS, VALUE_TYPES
from ingest.templates import Column, columns, role_labels

INSTRUCTIONS, LISTS = "填写说明", "选项"  # both in ingest.workbook.IGNORED_SHEETS
ROWS = 5000  # rows that carry the dropdowns
HEADER_FILL = PatternFill("solid", fgColor="DDEBF7")
REQUIRED_FILL = PatternFill("solid", fgColor="FCE4D6")


def _choices(onto: Ontology, template: Template, column: Column) -> tuple[list[str], bool] | None:
    """A column's closed vocabulary and whether a cell may hold several of its words."""
    if template.roles and column.name == template.roles["column"]:
        return [
            onto.labels[label].role_zh or onto.labels[label].zh
            for label in dict.fromkeys(role_labels(onto, template).values())
        ], True
    if template.label is None and column.name == "type":
        return [rel.zh for rel in onto.relationships.values()], False
    prop = _property(onto, template, column)
    if prop is not None and prop.type == "enum":
        return list(prop.values), False
    if prop is not None and prop.type == "bool":
        return ["是", "否"], False
    return None


def _open(onto: Ontology, template: Template, column: Column) -> bool:
    """Whether a cell may hold a word outside the list (kept, with a warning at ingest)."""
    prop = _property(onto, template, column)
    return prop is not None and prop.open


def _property(onto: Ontology, template: Template, column: Column) -> Property | None:
    if column.prop is not None:
        return column.prop
    if template.relationship:
        return onto.relationships[template.relationship].properties.get(column.name)
    return None


def _type_of(onto: Ontology, template: Template, column: Column) -> str | None:
    """The column's value type; ``reference`` for a cell that names another roster's row."""
    if column.end or (template.label is None and column.name in ("source", "target")):
        return "reference"
    prop = _property(onto, template, column)
    if prop is not None:
        return prop.type
    return "date" if column.name in ("since", "until") else None  # the generic 关系 sheet's dates


def _describe(onto: Ontology, template: Template, column: Column, kind: str | None, choices) -> tuple[str, str]:
    """(what to write, an example) for the instructions sheet."""
    if kind == "reference":
        return "另一名册中一行的编号（也可填名称，但重名时须填编号）", "P0001"
    if choices:
        words, several = choices
        how = "从下拉列表中选择" + ("，可填多项，用顿号分隔" if several else "")
        return f"{how}：{'、'.join(words)}", words[0]
    if column.name == "id":
        return VALUE_TYPES["id"].meaning, f"{template.name[0].upper()}001"
    if column.name == "name":
        return VALUE_TYPES["name"].meaning, "张伟" if template.roles else ""
    prop = _property(onto, template, column)
    if prop is not None and prop.link:
        targets = "或".join(onto.labels[label].zh for label in onto.relationships[prop.link].to_labels)
        return f"{targets}的编号或名称（{onto.relationships[prop.link].zh}）", ""
    value_type = VALUE_TYPES.get(kind, VALUE_TYPES["string"])
    return value_type.meaning, value_type.example


def blank_workbook(onto: Ontology) -> bytes:
    """The workbook as .xlsx bytes."""
    book = Workbook()
    guide = book.active
    guide.title = INSTRUCTIONS
    lists = book.create_sheet(LISTS)
    lists.sheet_state = "hidden"
    append_text(guide, ["同心图谱名册模板：每个工作表是一种名册，第 1 行是表头，请从第 2 行起逐行填写。"])
    append_text(
        guide, ["橙色表头为必填列；带下拉箭头的列请从列表中选择；身份证号、手机、编号列已设为文本格式，请勿改为数字。"]
    )
    append_text(
        guide, [f"日期可写成 {DATE_FORMATS}。填好后在网页“导入名册”处上传，或运行 tongxin ingest 文件名.xlsx。"]
    )
    append_text(guide, [])
    append_text(guide, ["工作表", "列", "必填", "填写说明", "示例"])
    for cell in guide[5]:
        cell.font, cell.fill = Font(bold=True), HEADER_FILL
    list_column = 0
    for template in onto.templates.values():
        sheet = book.create_sheet(template.zh)
        for index, column in enumerate(columns(onto, template).values(), start=1):
            letter = get_column_letter(index)
            header = sheet.cell(1, index, column.zh)
            header.font, header.fill = Font(bold=True), REQUIRED_FILL if column.required else HEADER_FILL
            header.alignment = Alignment(horizontal="center")
            kind, choices = _type_of(onto, template, column), _choices(onto, template, column)
            meaning, example = _describe(onto, template, column, kind, choices)
            append_text(guide, [template.zh, column.zh, "是" if column.required else "", meaning, example])
            as_text = kind == "reference" or (kind in VALUE_TYPES and VALUE_TYPES[kind].text_cell)
            width = 22 if as_text or kind == "list" or len(column.zh) > 8 else 14
            sheet.column_dimensions[letter].width = width
            if as_text:
                sheet.column_dimensions[letter].number_format = "@"  # the column's style: new cells are text
            elif kind == "date":
                sheet.column_dimensions[letter].number_format = "yyyy-mm-dd"
            if choices:
                words, several = choices
                list_column += 1
                list_letter = get_column_letter(list_column)
                lists.cell(1, list_column, f"{template.zh}·{column.zh}")
                for row, word in enumerate(words, start=2):
                    lists.cell(row, list_column, word)
                rule = DataValidation(
                    type="list",
                    formula1=f"{LISTS}!${list_letter}$2:${list_letter}${len(words) + 1}",
                    allow_blank=True,
                    showErrorMessage=True,
                    errorStyle="warning" if several or _open(onto, template, column) else "stop",
                    errorTitle="不在可选值中",
                    error=f"请从下拉列表中选择：{'、'.join(words)}",
                    promptTitle=column.zh,
                    prompt="从下拉列表中选择" + ("，多项用顿号分隔" if several else ""),
                )
                sheet.add_data_validation(rule)
                rule.add(f"{letter}2:{letter}{ROWS + 1}")
        sheet.freeze_panes = "A2"
    guide.freeze_panes = "A6"
    for letter, width in zip("ABCDE", (10, 16, 6, 70, 24)):
        guide.column_dimensions[letter].width = width
    book.move_sheet(LISTS, offset=len(book.sheetnames))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
