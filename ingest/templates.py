"""The standard roster templates, derived from the ontology's ``templates`` section.

A node template's columns are the properties of its label (and of its role labels);
headers may be written in English or Chinese, in full-width or half-width characters.

>>> from graph.ontology import load
>>> people = template_for(load(), "人员")
>>> column_for(load(), people, "身份证号").name
'id_number'
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
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
    headers: tuple[str, ...] = ()
    link: dict | None = field(default=None, hash=False, compare=False)  # naming other nodes: {relationship, reverse}


def fold(text: str) -> str:
    """Compare headers, names and role words ignoring width and case."""
    return unicodedata.normalize("NFKC", str(text)).strip().lower()


_MARKS = re.compile(r"\s+|\*")  # blanks, the * of a required column
_REMARK = re.compile(r"\([^)]*\)$")  # a trailing remark (full-width brackets are folded by then)


def header_key(text: str) -> str:
    """A header as compared: ``手 机（必填）*`` reads as ``手机``.

    >>> header_key(" 手 机（必填）* "), header_key("Birth_Year")
    ('手机', 'birth_year')
    """
    return _REMARK.sub("", _MARKS.sub("", fold(text)))


def template_for(onto: Ontology, name: str) -> Template | None:
    """The template a file or sheet name stands for (``people``, ``人员``, ``People``)."""
    folded = fold(name)
    return next((t for t in onto.templates.values() if folded in (fold(t.name), fold(t.zh))), None)


@cache
def columns(onto: Ontology, template: Template) -> dict[str, Column]:
    if template.label is None:
        return {
            name: Column(
                name,
                spec["zh"],
                bool(spec.get("required")),
                end=spec.get("end"),
                headers=tuple(spec.get("headers", ())),
            )
            for name, spec in template.columns.items()
        }
    found: dict[str, Column] = {}
    labels = [template.label, *(template.roles or {}).get("labels", [])]
    for label_name in labels:
        label = onto.labels[label_name]
        props = label.properties if label_name == template.label else label.own
        for prop in props.values():
            if prop.name not in PROVENANCE and not prop.derived:
                own = onto.labels[template.label]
                required = prop.required and not (
                    (prop.name == "id" and own.identity) or (prop.name == "name" and own.named_by)
                )
                found[prop.name] = Column(prop.name, prop.zh, required, prop, label_name, headers=prop.headers)
    for name, link in template.links.items():
        found[name] = Column(name, link["zh"], end="link", headers=tuple(link.get("headers", ())), link=link)
    if template.roles:
        roles = template.roles
        found = {
            "id": found.pop("id"),
            "name": found.pop("name"),
            roles["column"]: Column(roles["column"], roles["zh"], True, headers=tuple(roles.get("headers", ()))),
            **found,
        }
    return found


def column_for(onto: Ontology, template: Template, header: str) -> Column | None:
    """The column a header names: its English or Chinese name or one of its other headers."""
    return header_words(onto, template).get(header_key(header))


@cache
def header_words(onto: Ontology, template: Template) -> dict[str, Column]:
    """Every header word of a template's columns, as compared, to its column."""
    return {header_key(word): c for c in columns(onto, template).values() for word in (c.name, c.zh, *c.headers)}


def role_labels(onto: Ontology, template: Template) -> dict[str, str]:
    """Role words accepted in the roles column, Chinese and English, mapped to labels."""
    words = {}
    for label in (template.roles or {}).get("labels", []):
        words[fold(label)] = label
        words[fold(onto.labels[label].zh)] = label
        if onto.labels[label].role_zh:
            words[fold(onto.labels[label].role_zh)] = label
    return words
