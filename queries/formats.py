"""Export formats: each writer takes the ontology, nodes and relationships and returns bytes;
``FORMATS`` gives its media type and file suffix too (the API documents them from there).
Chinese survives every one of them (UTF-8 throughout).
"""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections.abc import Callable
from typing import NamedTuple

import networkx as nx

from graph.ontology import ROOT_LABEL, Ontology
from graph.records import Node, Relationship
from graph.values import VALUE_TYPES
from queries import html, rdf

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _flat(value):
    """Lists become 、-joined text: GraphML and GEXF know no lists."""
    return "、".join(map(str, value)) if isinstance(value, list) else value


def _graph(onto: Ontology, nodes: list[Node], rels: list[Relationship], dynamic: bool = False) -> nx.MultiDiGraph:
    order = list(onto.labels)
    graph = nx.MultiDiGraph(mode="dynamic") if dynamic else nx.MultiDiGraph()
    for node in nodes:
        labels = sorted(node.labels, key=order.index)
        attrs = {k: _flat(v) for k, v in node.properties.items() if v is not None}
        attrs.update(
            labels=":".join(labels), kind=onto.labels[labels[-1]].zh, label=node.properties.get("name") or node.id
        )
        graph.add_node(node.id, **attrs)
    for rel in rels:
        attrs = {k: _flat(v) for k, v in rel.properties.items() if v is not None}
        attrs.update(relationship=rel.type, relationship_zh=onto.relationships[rel.type].zh)
        if dynamic:  # Gephi plays the network over time from these
            attrs.pop("since", None), attrs.pop("until", None)
            if rel.properties.get("since") or rel.properties.get("date"):
                attrs["start"] = rel.properties.get("since") or rel.properties.get("date")
            if rel.properties.get("until"):
                attrs["end"] = rel.properties["until"]
        graph.add_edge(rel.source, rel.target, key=rel.key, **attrs)
    return graph


def graphml(onto, nodes, rels):
    buffer = io.BytesIO()
    nx.write_graphml(_graph(onto, nodes, rels), buffer, encoding="utf-8")
    return buffer.getvalue()


def gexf(onto, nodes, rels):
    buffer = io.BytesIO()
    nx.write_gexf(_graph(onto, nodes, rels, dynamic=True), buffer, encoding="utf-8")
    return buffer.getvalue()


def node_link(onto, nodes, rels):
    data = nx.node_link_data(_graph(onto, nodes, rels), edges="links")
    return json.dumps(data, ensure_ascii=False).encode()


def cyjs(onto, nodes, rels):
    data = nx.cytoscape_data(_graph(onto, nodes, rels), name="label", ident="id")
    for edge in data["elements"]["edges"]:
        edge["data"]["id"] = edge["data"].pop("key", None) or f"{edge['data']['source']}->{edge['data']['target']}"
    return json.dumps(data, ensure_ascii=False).encode()


def _quoted(text) -> str:
    return '"' + str(text).replace("\\", "\\\\").replace('"', '\\"') + '"'


def dot(onto, nodes, rels):
    lines = ["digraph tongxin {", '  node [fontname="Noto Sans CJK SC"];', '  edge [fontname="Noto Sans CJK SC"];']
    for node in nodes:
        lines.append(f"  {_quoted(node.id)} [label={_quoted(node.properties.get('name') or node.id)}];")
    for rel in rels:
        lines.append(
            f"  {_quoted(rel.source)} -> {_quoted(rel.target)} [label={_quoted(onto.relationships[rel.type].zh)}];"
        )
    lines.append("}")
    return ("\n".join(lines) + "\n").encode()


def guard(value) -> str:
    """A spreadsheet must not run a cell as a formula: prefix risky cells with a quote."""
    text = "" if value is None else str(_flat(value))
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _csv(header: list[str], rows) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows([guard(v) for v in row] for row in rows)
    return buffer.getvalue().encode("utf-8-sig")


def _typed(onto: Ontology, keys: list[str], declared: dict) -> list[str]:
    """Headers that tell ``neo4j-admin import`` each column's type, from the ontology."""
    admin = {k: VALUE_TYPES[t].admin for k, t in declared.items()}
    return [f"{k}:{admin[k]}" if admin.get(k) else k for k in keys]


def _admin_value(value):
    if isinstance(value, list):
        return ";".join(map(str, value))  # neo4j-admin's array delimiter
    if isinstance(value, bool):
        return "true" if value else "false"
    return value


def neo4j_csv(onto, nodes, rels):
    """nodes.csv and relationships.csv with ``neo4j-admin database import`` headers, zipped."""
    node_types = {p.name: p.type for label in onto.labels.values() for p in label.own.values()}
    rel_types = {p.name: p.type for r in onto.relationships.values() for p in r.properties.values()}
    node_keys = sorted({k for n in nodes for k in n.properties} - {"id"})
    rel_keys = sorted({k for r in rels for k in r.properties})
    order = list(onto.labels)
    node_rows = (
        [
            n.id,
            ";".join([ROOT_LABEL, *sorted(n.labels, key=order.index)]),
            *[_admin_value(n.properties.get(k)) for k in node_keys],
        ]
        for n in nodes
    )
    rel_rows = (
        [r.source, r.target, r.type, r.key, *[_admin_value(r.properties.get(k)) for k in rel_keys]] for r in rels
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("nodes.csv", _csv(["id:ID", ":LABEL", *_typed(onto, node_keys, node_types)], node_rows))
        archive.writestr(
            "relationships.csv",
            _csv([":START_ID", ":END_ID", ":TYPE", "key", *_typed(onto, rel_keys, rel_types)], rel_rows),
        )
    return buffer.getvalue()


class Format(NamedTuple):
    write: Callable[[Ontology, list[Node], list[Relationship]], bytes]
    media_type: str
    suffix: str


FORMATS = {
    "graphml": Format(graphml, "application/graphml+xml", "graphml"),
    "gexf": Format(gexf, "application/gexf+xml", "gexf"),
    "json": Format(node_link, "application/json", "json"),
    "cyjs": Format(cyjs, "application/json", "cyjs"),
    "dot": Format(dot, "text/vnd.graphviz", "dot"),
    "csv": Format(neo4j_csv, "application/zip", "csv.zip"),
    "ttl": Format(rdf.turtle, "text/turtle", "ttl"),
    "jsonld": Format(rdf.jsonld, "application/ld+json", "jsonld"),
    "html": Format(html.picture, "text/html; charset=utf-8", "html"),
}
