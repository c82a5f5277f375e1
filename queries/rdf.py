"""The graph as linked data (Turtle, JSON-LD), mapped onto FOAF, the W3C Organization
ontology, schema.org and PROV-O where they fit; the rest in the project's own small
vocabulary (``tx:``), which every export declares.  SHACL shapes: ``graph/shapes.ttl``."""

from __future__ import annotations

import hashlib
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace

from graph.ontology import Ontology
from graph.records import Node, Relationship

TX = Namespace("https://tongxin.example/vocab#")
ENTITY = Namespace("https://tongxin.example/id/")
FOAF = Namespace("http://xmlns.com/foaf/0.1/")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
PROV = Namespace("http://www.w3.org/ns/prov#")
SHAPES = Path(__file__).resolve().parents[1] / "graph" / "shapes.ttl"

CLASSES = {"Person": FOAF.Person, "Base": ORG.Organization, "Enterprise": SCHEMA.Organization,
           "Organization": ORG.Organization, "Region": SCHEMA.AdministrativeArea, "Activity": SCHEMA.Event}
PREDICATES = {"MEMBER_OF": ORG.memberOf, "WORKS_FOR": SCHEMA.worksFor, "KNOWS": FOAF.knows,
              "LOCATED_IN": SCHEMA.containedInPlace, "PART_OF": SCHEMA.containedInPlace,
              "HELD_AT": SCHEMA.location}
PROPERTIES = {"name": SCHEMA.name, "ingested_at": PROV.generatedAtTime, "birth_year": SCHEMA.birthDate}
TYPES = {"integer": XSD.integer, "year": XSD.gYear, "bool": XSD.boolean, "date": XSD.date}


def _literal(value, type_name: str | None):
    if type_name in TYPES:
        return Literal(value, datatype=TYPES[type_name])
    return Literal(value, lang="zh") if isinstance(value, str) and type_name in ("name", "text") else Literal(value)


def vocabulary(onto: Ontology) -> Graph:
    """The ``tx:`` classes and properties, declared with Chinese and English labels."""
    graph = Graph()
    for label in onto.labels.values():
        if label.abstract:
            continue
        graph.add((TX[label.name], RDF.type, OWL.Class))
        graph.add((TX[label.name], RDFS.label, Literal(label.zh, lang="zh")))
        graph.add((TX[label.name], RDFS.subClassOf, CLASSES.get(label.name) or TX[label.extends]))
    for rel in onto.relationships.values():
        graph.add((TX[rel.name], RDF.type, OWL.ObjectProperty))
        graph.add((TX[rel.name], RDFS.label, Literal(rel.zh, lang="zh")))
        if rel.name in PREDICATES:
            graph.add((TX[rel.name], RDFS.subPropertyOf, PREDICATES[rel.name]))
    graph.add((TX.Link, RDF.type, OWL.Class))
    graph.add((TX.Link, RDFS.label, Literal("关系（带属性）", lang="zh")))
    return graph


def to_rdf(onto: Ontology, nodes: list[Node], rels: list[Relationship]) -> Graph:
    graph = vocabulary(onto)
    for prefix, namespace in (("tx", TX), ("foaf", FOAF), ("org", ORG), ("schema", SCHEMA), ("prov", PROV)):
        graph.bind(prefix, namespace)
    types = {p.name: p.type for label in onto.labels.values() for p in label.own.values()}
    for node in nodes:
        subject = ENTITY[node.id]
        for label in node.labels:
            graph.add((subject, RDF.type, TX[label]))
            if label in CLASSES:
                graph.add((subject, RDF.type, CLASSES[label]))
        for key, value in node.properties.items():
            for item in value if isinstance(value, list) else [value]:
                graph.add((subject, PROPERTIES.get(key, TX[key]), _literal(item, types.get(key))))
    rel_types = {p.name: p.type for r in onto.relationships.values() for p in r.properties.values()}
    for rel in rels:
        source, target = ENTITY[rel.source], ENTITY[rel.target]
        graph.add((source, TX[rel.type], target))
        link = ENTITY["link/" + hashlib.sha1(rel.key.encode()).hexdigest()[:16]]
        graph.add((link, RDF.type, TX.Link))
        graph.add((link, TX.type, TX[rel.type]))
        graph.add((link, TX["from"], source))
        graph.add((link, TX.to, target))
        for key, value in rel.properties.items():
            graph.add((link, PROPERTIES.get(key, TX[key]), _literal(value, rel_types.get(key))))
    return graph


def turtle(onto, nodes, rels):
    return to_rdf(onto, nodes, rels).serialize(format="turtle").encode()


def jsonld(onto, nodes, rels):
    context = {"tx": str(TX), "foaf": str(FOAF), "org": str(ORG), "schema": str(SCHEMA), "prov": str(PROV)}
    data = to_rdf(onto, nodes, rels).serialize(format="json-ld", context=context, auto_compact=True)
    return data.encode()
