"""The standard roster templates, derived from the ontology's ``templates`` section.

A node template's columns are the properties of its label (and of its role labels);
headers may be written in English or Chinese, in full-width or half-width characters.

>>> from graph.ontology import load
>>> people = template_for(load(), "人员")
>>> column_for(load(), people, "身份证号").name
'id_number'
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache

from graph.ontology import Ontology, Property, Template

PROVENANCE = ("source_file", "source_sheet", "source_row", "ingested_at")
TEMPLATE_FILE = "名册模板.xlsx"  # the blank workbook (ingest.blank_workbook) as downloaded


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    required: bool = False
    prop: Property | None = None
    label: str | None = None
    end: str | None = None


def fold(text: str) -> str:
    """Compare headers, names and role words ignoring width and case."""
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


def template_for(onto: Ontology, name: str) -> Template | None:
    """The template a file or sheet name stands for (``people``, ``人员``, ``People``)."""
    folded = fold(name)
    return next((t for t in onto.templates.values() if folded in (fold(t.name), fold(t.zh))), None)


@cache
def columns(onto: Ontology, template: Template) -> dict[str, Column]:
    if template.label is None:
        return {
            name: Column(name, spec["zh"], bool(spec.get("required")), end=spec.get("end"))
            for name, spec in template.columns.items()
        }
    found: dict[str, Column] = {}
    labels = [template.label, *(template.roles or {}).get("labels", [])]
    for label_name in labels:
        label = onto.labels[label_name]
        props = label.properties if label_name == template.label else label.own
        for prop in props.values():
            if prop.name not in PROVENANCE and not prop.derived:
                found[prop.name] = Column(prop.name, prop.zh, prop.required, prop, label_name)
    if template.roles:
        roles = template.roles
        found = {
            "id": found.pop("id"),
            "name": found.pop("name"),
            roles["column"]: Column(roles["column"], roles["zh"], True),
            **found,
        }
    return found


def column_for(onto: Ontology, template: Template, header: str) -> Column | None:
    folded = fold(header)
    return next(
        (c for c in columns(onto, template).values() if folded in (fold(c.name), fold(c.zh))),
        None,
    )


def role_labels(onto: Ontology, template: Template) -> dict[str, str]:
    """Role words accepted in the roles column, Chinese and English, mapped to labels."""
    words = {}
    for label in (template.roles or {}).get("labels", []):
        words[fold(label)] = label
        words[fold(onto.labels[label].zh)] = label
        if onto.labels[label].role_zh:
            words[fold(onto.labels[label].role_zh)] = label
    return words
