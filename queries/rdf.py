"""The graph as linked data (Turtle, JSON-LD), mapped onto FOAF, the W3C Organization
ontology, schema.org and PROV-O where they fit; the rest in the project's own small
vocabulary (``tx:``), which every export declares.  SHACL shapes: ``graph/shapes.ttl``."""

from __future__ import annotations

import hashlib
from dataclasses import replace
from pathlib import Path

from rdflib import OWL, RDF, RDFS, XSD, Graph, Literal, Namespace, URIRef

from graph.ontology import Ontology
from graph.records import Node, Relationship
from graph.values import VALUE_TYPES

TX = Namespace("https://tongxin.example/vocab#")
ENTITY = Namespace("https://tongxin.example/id/")
SHAPES = Path(__file__).resolve().parents[1] / "graph" / "shapes.ttl"


def namespaces(onto: Ontology) -> dict[str, Namespace]:
    """``tx:`` and the vocabularies the ontology maps onto (its ``rdf_prefixes``)."""
    return {"tx": TX, **{prefix: Namespace(uri) for prefix, uri in onto.rdf_prefixes.items()}}


def term(onto: Ontology, curie: str | None) -> URIRef | None:
    """A ``prefix:name`` of the ontology's ``rdf`` fields as a URI.

    >>> from graph.ontology import load
    >>> str(term(load(), "foaf:Person"))
    'http://xmlns.com/foaf/0.1/Person'
    """
    if curie is None:
        return None
    prefix, _, local = curie.partition(":")
    return namespaces(onto)[prefix][local]


def property_curies(onto: Ontology) -> dict[str, str]:
    """Node properties mapped onto another vocabulary, by name: ``name`` → ``schema:name``."""
    return {p.name: p.rdf for label in onto.labels.values() for p in label.own.values() if p.rdf}


def property_terms(onto: Ontology) -> dict[str, URIRef]:
    """The same as URIs, for the exports."""
    return {name: term(onto, curie) for name, curie in property_curies(onto).items()}


def _literal(value, type_name: str | None):
    """A value as its type says: an XSD datatype, Chinese text with its language, or plain."""
    value_type = VALUE_TYPES.get(type_name)
    if value_type is None or value_type.xsd == "string":
        return Literal(value)
    if value_type.xsd is None:
        return Literal(value, lang="zh") if isinstance(value, str) else Literal(value)
    return Literal(value, datatype=XSD[value_type.xsd])


def vocabulary(onto: Ontology) -> Graph:
    """The ``tx:`` classes and properties, declared with their Chinese names and mapped onto
    the other vocabularies where the ontology says so."""
    graph = Graph()
    for label in onto.labels.values():
        graph.add((TX[label.name], RDF.type, OWL.Class))
        graph.add((TX[label.name], RDFS.label, Literal(label.zh, lang="zh")))
        parent = term(onto, label.rdf) or (TX[label.extends] if label.extends else None)
        if parent is not None:
            graph.add((TX[label.name], RDFS.subClassOf, parent))
    for rel in onto.relationships.values():
        graph.add((TX[rel.name], RDF.type, OWL.ObjectProperty))
        graph.add((TX[rel.name], RDFS.label, Literal(rel.zh, lang="zh")))
        if rel.rdf:
            graph.add((TX[rel.name], RDFS.subPropertyOf, term(onto, rel.rdf)))
    graph.add((TX.Link, RDF.type, OWL.Class))
    graph.add((TX.Link, RDFS.label, Literal("关系（带属性）", lang="zh")))
    return graph


def to_rdf(onto: Ontology, nodes: list[Node], rels: list[Relationship]) -> Graph:
    graph = vocabulary(onto)
    for prefix, namespace in namespaces(onto).items():
        graph.bind(prefix, namespace)
    mapped = property_terms(onto)
    types = {p.name: p.type for label in onto.labels.values() for p in label.own.values()}
    for node in nodes:
        subject = ENTITY[node.id]
        for label in node.labels:
            graph.add((subject, RDF.type, TX[label]))
            if onto.labels[label].rdf:
                graph.add((subject, RDF.type, term(onto, onto.labels[label].rdf)))
        for key, value in node.properties.items():
            for item in value if isinstance(value, list) else [value]:
                graph.add((subject, mapped.get(key, TX[key]), _literal(item, types.get(key))))
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
            graph.add((link, mapped.get(key, TX[key]), _literal(value, rel_types.get(key))))
    return graph


def turtle(onto, nodes, rels):
    return to_rdf(onto, nodes, rels).serialize(format="turtle").encode()


def jsonld(onto, nodes, rels):
    context = {prefix: str(namespace) for prefix, namespace in namespaces(onto).items()}
    data = to_rdf(onto, nodes, rels).serialize(format="json-ld", context=context, auto_compact=True)
    return data.encode()


def _turtle_string(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _property_shape(onto: Ontology, prop, mapped: dict) -> str:
    """One ``sh:property`` of a node shape: cardinality, datatype, closed values, pattern."""
    value_type = VALUE_TYPES[prop.type]
    path = mapped.get(prop.name) or f"tx:{prop.name}"
    parts = [f"sh:path {path}"]
    parts += ["sh:minCount 1"] if prop.required else []
    parts += [] if prop.type == "list" else ["sh:maxCount 1"]
    parts += [f"sh:datatype xsd:{value_type.xsd}"] if value_type.xsd and prop.type != "list" else []
    closed = prop.values and not prop.open  # an open vocabulary keeps other words too
    parts += [f"sh:in ( {' '.join(map(_turtle_string, prop.values))} )"] if closed else []
    parts += [f"sh:pattern {_turtle_string(value_type.pattern)}"] if value_type.pattern else []
    return f"  sh:property [ {' ; '.join(parts)} ]"


def _classes(labels) -> str:
    if len(labels) == 1:
        return f"sh:class tx:{labels[0]}"
    return "sh:or ( " + " ".join(f"[ sh:class tx:{label} ]" for label in labels) + " )"


def shapes(onto: Ontology) -> str:
    """The SHACL shapes every RDF export conforms to, as Turtle: one node shape per label
    (its properties' cardinality, datatype, closed values and patterns), one per
    relationship type (the labels at its ends), and the shape of a relationship's record
    (``tx:Link``).  ``python -m queries.rdf`` writes them to ``graph/shapes.ttl``."""
    mapped = property_curies(onto)
    lines = [
        "# Generated from graph/ontology.yaml by `python -m queries.rdf`; do not edit by hand.",
        "# SHACL shapes for Tongxin Graph's RDF exports, checked with pyshacl in tests.",
        "@prefix sh: <http://www.w3.org/ns/shacl#> .",
        "@prefix xsd: <http://www.w3.org/2001/XMLSchema#> .",
    ]
    lines += [f"@prefix {prefix}: <{namespace}> ." for prefix, namespace in namespaces(onto).items()]
    for label in onto.labels.values():
        if label.abstract:
            continue
        properties = label.properties if label.name in onto.kinds else label.own
        head = [f"tx:{label.name}Shape a sh:NodeShape", f"  sh:targetClass tx:{label.name}"]
        head += [f"  sh:class {label.rdf}"] if label.rdf else []
        body = [_property_shape(onto, p, mapped) for p in properties.values()]
        lines += ["", " ;\n".join(head + body) + " ."]
    for rel in onto.relationships.values():
        lines += [
            "",
            f"tx:{rel.name}Shape a sh:NodeShape ;\n  sh:targetSubjectsOf tx:{rel.name} ;\n"
            f"  {_classes(rel.from_labels)} ;\n  sh:property [ sh:path tx:{rel.name} ; {_classes(rel.to_labels)} ] .",
        ]
    record = {p.name: p for rel in onto.relationships.values() for p in rel.properties.values()}
    body = [
        f"  sh:property [ sh:path tx:{end} ; sh:minCount 1 ; sh:maxCount 1 ; sh:nodeKind sh:IRI ]"
        for end in ("from", "to")
    ]
    body += ["  sh:property [ sh:path tx:type ; sh:minCount 1 ; sh:maxCount 1 ]"]
    body += [
        _property_shape(onto, replace(p, required=False), mapped)
        for p in record.values()
        if all(
            other.type == p.type
            for rel in onto.relationships.values()
            for other in rel.properties.values()
            if other.name == p.name
        )
    ]
    lines += ["", " ;\n".join(["tx:LinkShape a sh:NodeShape", "  sh:targetClass tx:Link", *body]) + " ."]
    return "\n".join(lines) + "\n"


if __name__ == "__main__":
    from graph.ontology import load

    SHAPES.write_text(shapes(load()), encoding="utf-8")
    print(f"wrote {SHAPES}")
