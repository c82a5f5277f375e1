"""The ontology loads, matches DESIGN.md section 2, and refuses a declaration that contradicts itself."""

from __future__ import annotations

import copy

import pytest
import yaml

from graph.errors import OntologyError
from graph.ontology import ONTOLOGY_FILE, load, parse

DESIGN_LABELS = {"Person", "Member", "Expert", "Liaison", "Base", "Enterprise", "Organization", "Region", "Activity"}
# What the seed counts and DESIGN.md's first model could not hold (issue 22): 参政议政, the 三师's
# services, honours, the figures a base reports.
SEED_LABELS = {"Proposal", "ServiceCase", "Award", "BaseFigure"}
SEED_TYPES = {"AUTHORED", "CONCERNS", "REQUESTED", "PROVIDED", "VIA_BASE", "AWARDED", "FIGURE_OF"}
DESIGN_TYPES = {
    "MEMBER_OF",
    "WORKS_FOR",
    "LIAISES_WITH",
    "RESPONSIBLE_FOR",
    "CONTACTED",
    "SERVES",
    "SETTLED_IN",
    "PARTNER_OF",
    "PARTICIPATED_IN",
    "HELD_AT",
    "KNOWS",
    "LOCATED_IN",
    "PART_OF",
}


@pytest.fixture
def document() -> dict:
    return yaml.safe_load(ONTOLOGY_FILE.read_text(encoding="utf-8"))


def test_the_ontology_is_the_designs():
    onto = load()
    assert set(onto.concrete_labels) == DESIGN_LABELS | SEED_LABELS
    assert set(onto.relationships) == DESIGN_TYPES | SEED_TYPES
    personal = {"phone", "office_phone", "id_number", "political_status"}
    free_text = {"summary", "note"}  # a proposal's or a case's own words may name people: viewers do not see them
    assert set(onto.sensitive_properties()) == personal | free_text
    assert set(onto.labels["Base"].properties["category"].values) == {"孵化型", "联盟型", "文化型", "服务型", "青创型"}
    assert len(onto.labels["Member"].properties["stratum"].values) == 4
    assert onto.relationships["LIAISES_WITH"].from_labels == ("Liaison",)
    assert onto.relationships["CONTACTED"].key == ("date",)
    assert onto.relationships["MEMBER_OF"].key == ("since",)
    assert all(label.zh for label in onto.labels.values())


def test_roles_inherit_person_properties():
    member = load().labels["Member"]
    assert {"phone", "id_number", "stratum", "representative"} <= set(member.properties)
    assert "stratum" not in load().labels["Person"].properties


def _break(document, path, value):
    broken = copy.deepcopy(document)
    target = broken
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value
    return broken


@pytest.mark.parametrize(
    "path, value, reason",
    [
        (("labels", "Member", "extends"), "Human", "unknown label"),
        (("labels", "Person", "extends"), "Member", "cycle"),
        (("relationships", "MEMBER_OF", "to"), ["Club"], "unknown or missing labels"),
        (("labels", "Base", "properties", "level", "type"), "stars", "unknown value type"),
        (("labels", "Base", "properties", "level", "values"), [], "needs `values`"),
        (("labels", "Base", "properties", "region", "link"), "PART_OF", "cannot start at Base"),
        (("relationships", "CONTACTED", "key"), ["mood"], "properties it does not have"),
        (("relationships", "KNOWS", "properties"), {"key": {"type": "string", "zh": "键"}}, "reserved"),
        (("templates", "people", "roles", "labels"), ["Base"], "does not extend"),
        (("labels", "Base", "properties", "level", "values"), {"省级": ["省"], "市级": ["省"]}, "ambiguous"),
        (("labels", "Base", "properties", "level", "values"), {"省级": ["市级"], "市级": []}, "ambiguous"),
        (("labels", "Base", "colour"), "orange", "colour"),
        (("labels", "Base", "rdf"), "dc:Agent", "prefix"),
        (("relationships", "KNOWS", "kind"), "friendship", "none of tie, event, structural"),
        (("templates", "people", "links"), {"x": {"zh": "X", "relationship": "HELD_AT"}}, "cannot join"),
        (("labels", "Person", "identity"), [["passport"]], "unknown properties"),
        (("labels", "Proposal", "card"), ["year", "budget"], "card: unknown properties"),
        (("labels", "BaseFigure", "named_by"), ["base", "quarter"], "named_by: unknown properties"),
        (("templates", "people", "links", "employer", "create"), "Base", "cannot end at"),
        (("templates", "people", "links", "employer", "position"), "salary", "has no property"),
        (("templates", "people", "links", "employer", "instead"), {"Liaison": {"unit": "office"}}, "not a property"),
    ],
)
def test_an_inconsistent_ontology_is_refused(document, path, value, reason):
    with pytest.raises(OntologyError, match=reason):
        parse(_break(document, path, value))


def test_the_root_label_is_required(document):
    del document["labels"]["Entity"]
    with pytest.raises(OntologyError, match="root label"):
        parse(document)


def test_the_committed_shacl_shapes_are_the_ones_the_ontology_generates():
    from queries.rdf import SHAPES, shapes

    assert SHAPES.read_text(encoding="utf-8") == shapes(load()), "run: .venv/bin/python -m queries.rdf"


ALIASES = [
    (f"{owner}.{prop.name}", alias, value)
    for owner, props in [(lab.name, lab.own) for lab in load().labels.values()]
    + [(rel.name, rel.properties) for rel in load().relationships.values()]
    for prop in props.values()
    for alias, value in prop.aliases.items()
]


@pytest.mark.parametrize("where, alias, value", ALIASES, ids=[f"{w}:{a}" for w, a, _ in ALIASES])
def test_every_alias_declared_reads_as_its_value(where, alias, value):
    owner, name = where.split(".")
    onto = load()
    prop = (onto.labels[owner].own if owner in onto.labels else onto.relationships[owner].properties)[name]
    assert prop.clean(alias) == value
    assert prop.clean(f" {alias}（备注） ") == value  # spaces and a remark in brackets around it


def test_the_official_category_wordings_of_2015_and_2020_are_aliases():
    stratum = load().labels["Member"].properties["stratum"]
    assert stratum.clean("民营企业和外商投资企业管理技术人员") == "民营企业和外资企业管理技术人员"  # 2020 条例
    assert stratum.clean("私营企业和外资企业管理技术人员") == "民营企业和外资企业管理技术人员"  # 2015
    assert (
        stratum.clean("自由职业者") == "自由职业人员"
        and stratum.clean("社会组织从业人员") == "中介组织和社会组织从业人员"
    )


@pytest.mark.parametrize("template", list(load().templates))
def test_each_header_word_names_one_column_of_its_template(template):
    from ingest.templates import columns, header_key

    onto = load()
    words = [
        header_key(w) for c in columns(onto, onto.templates[template]).values() for w in (c.name, c.zh, *c.headers)
    ]
    assert len(words) == len(set(words)), sorted(w for w in words if words.count(w) > 1)
