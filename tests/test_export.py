"""Exports on both stores: read back by the tools' own readers, Chinese intact, scopes,
formula guard, masking and audit."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import networkx as nx
import pytest

from graph.errors import InvalidQuery
from ingest.pipeline import ingest
from queries.export import export
from tests.conftest import SAMPLE_DIR, TINY_DIR, write_csv


@pytest.fixture
def tiny(store):
    assert ingest(store, [TINY_DIR]).errors == []
    return store


READERS = {
    "graphml": lambda b: nx.read_graphml(io.BytesIO(b), force_multigraph=True),
    "gexf": lambda b: nx.read_gexf(io.BytesIO(b)),
    "json": lambda b: nx.node_link_graph(json.loads(b), edges="links"),
}


@pytest.mark.parametrize("fmt", list(READERS))
def test_exports_read_back_with_every_node_relationship_and_label(tiny, tiny_expected, fmt):
    graph = READERS[fmt](export(tiny, fmt).content)
    assert graph.number_of_nodes() == sum(
        tiny_expected["nodes"][label] for label in ("Person", "Base", "Enterprise", "Region")
    )
    assert graph.number_of_edges() == sum(tiny_expected["relationships"].values())
    assert graph.nodes["P1"]["label"] == "张伟" and graph.nodes["P2"]["labels"] == "Person:Member:Expert"
    types = sorted(d["relationship"] for *_, d in graph.edges(data=True))
    assert types.count("CONTACTED") == 2 and types.count("LOCATED_IN") == 6


def test_gexf_carries_time_intervals_for_gephi(tiny):
    text = export(tiny, "gexf").content.decode()
    assert 'mode="dynamic"' in text and 'start="2021-01-01"' in text  # P1 成员 B1 since 2021-01-01


def test_cytoscape_dot_and_csv_keep_chinese(tiny):
    cy = json.loads(export(tiny, "cyjs").content)
    assert len(cy["elements"]["nodes"]) == 9 and len(cy["elements"]["edges"]) == 17
    assert {n["data"]["label"] for n in cy["elements"]["nodes"]} >= {"张伟", "曾小单", "七都商盟·同心荟"}
    assert "张伟" in export(tiny, "dot").content.decode()
    archive = zipfile.ZipFile(io.BytesIO(export(tiny, "csv").content))
    nodes = list(csv.reader(io.StringIO(archive.read("nodes.csv").decode("utf-8-sig"))))
    assert (
        nodes[0][:2] == ["id:ID", ":LABEL"]
        and ["P1", "Entity;Person;Member"] == nodes[1 + [r[0] for r in nodes[1:]].index("P1")][:2]
    )
    rels = list(csv.reader(io.StringIO(archive.read("relationships.csv").decode("utf-8-sig"))))
    assert rels[0][:3] == [":START_ID", ":END_ID", ":TYPE"] and len(rels) == 18


def test_csv_cells_cannot_become_formulas(tiny, tmp_path):
    roster = write_csv(tmp_path, "bases.csv", 'id,name,host\nB9,=HYPERLINK("x"),@SUM(A1)\n')
    assert ingest(tiny, [roster]).errors == []
    nodes = zipfile.ZipFile(io.BytesIO(export(tiny, "csv").content)).read("nodes.csv").decode("utf-8-sig")
    assert "'=HYPERLINK" in nodes and "'@SUM(A1)" in nodes
    assert "\n=HYPERLINK" not in nodes and ",=HYPERLINK" not in nodes


def test_scopes_cut_the_graph(tiny):
    def ids(scope):
        return set(READERS["json"](export(tiny, "json", scope).content))

    assert ids("base:B1") == {"B1", "P1", "E1", "L1", "P2"}  # members, employers, liaisons, acquaintances
    assert ids("region:R1") >= {"R1", "B1", "P1", "E1"}
    assert ids("ego:P2:1") == {"P2", "B2", "P1"}
    assert ids("path:P2:L1") == {"P2", "P1", "L1"}
    with pytest.raises(InvalidQuery):
        export(tiny, "json", "planet:earth")
    with pytest.raises(InvalidQuery):
        export(tiny, "pdf")


def test_masked_exports_hide_personal_information(tiny):
    for fmt in ("graphml", "gexf", "json", "cyjs", "csv", "dot"):
        content = export(tiny, fmt, masked=True).content
        text = (
            zipfile.ZipFile(io.BytesIO(content)).read("nodes.csv").decode("utf-8-sig")
            if fmt == "csv"
            else content.decode()
        )
        assert "13800138000" not in text and "330302198503120015" not in text, fmt
    assert "138****8000" in export(tiny, "json", masked=True).content.decode()


def test_the_csv_export_loads_into_neo4j_with_neo4j_admin_import(embedded_store, neo4j_uri, tmp_path):
    from graph import local_neo4j
    from graph.local_neo4j import free_port
    from graph.neo4j_store import Neo4jStore
    from queries.stats import stats
    from tests.conftest import SAMPLE_DIR

    assert ingest(embedded_store, [SAMPLE_DIR]).errors == []
    zipfile.ZipFile(io.BytesIO(export(embedded_store, "csv").content)).extractall(tmp_path / "csv")
    server = local_neo4j.LocalNeo4j(tmp_path / "home", free_port(), heap="512m")
    server.home.mkdir()
    (server.home / "lib").symlink_to(local_neo4j.local_server().lib)  # the jars fetched for the suite's server
    report = local_neo4j.import_csv(server, tmp_path / "csv" / "nodes.csv", tmp_path / "csv" / "relationships.csv")
    assert "IMPORT DONE" in report
    try:
        with Neo4jStore(local_neo4j.start(server)) as imported:
            assert stats(imported) == stats(embedded_store)
            assert imported.get("B01").properties["name"] == "抖音之家·同心荟"
            for node in ("P0083", "B01", "E0001"):  # every property, with its type
                mine = embedded_store.get(node).properties
                assert {**imported.get(node).properties, "id": node} == mine
    finally:
        local_neo4j.stop(server)


@pytest.mark.parametrize("fmt, syntax", [("ttl", "turtle"), ("jsonld", "json-ld")])
def test_rdf_parses_keeps_chinese_and_passes_the_shacl_shapes(tiny, fmt, syntax):
    import pyshacl
    from rdflib import RDF, Graph, Literal
    from rdflib.namespace import FOAF
    from rdflib.namespace import SDO as SCHEMA

    from queries.rdf import ENTITY, SHAPES, TX

    graph = Graph().parse(data=export(tiny, fmt).content.decode(), format=syntax)
    shapes = Graph().parse(SHAPES)
    conforms, _, report = pyshacl.validate(graph, shacl_graph=shapes)
    assert conforms, report
    assert (ENTITY["P1"], SCHEMA.name, Literal("张伟", lang="zh")) in graph
    assert len(set(graph.subjects(RDF.type, FOAF.Person))) == 3
    assert (ENTITY["L1"], TX.LIAISES_WITH, ENTITY["P1"]) in graph
    assert len(set(graph.subjects(RDF.type, TX.Link))) == 17
    graph.remove((ENTITY["P1"], SCHEMA.name, None))  # the shapes must notice a person without a name
    assert not pyshacl.validate(graph, shacl_graph=shapes)[0]


@pytest.fixture
def sample_store(store):
    assert ingest(store, [SAMPLE_DIR]).ok
    return store


NEW_LABELS = {"Proposal": "Y0001", "ServiceCase": "S0001", "Award": "H0001", "BaseFigure": "F0001"}


def labelled(fmt: str, content: bytes) -> dict[str, set[str]]:
    """Each format read back by its own reader: node id → its labels."""
    if fmt in READERS:
        graph = READERS[fmt](content)
        return {n: set(d["labels"].split(":")) for n, d in graph.nodes(data=True)}
    if fmt == "cyjs":
        return {n["data"]["id"]: set(n["data"]["labels"].split(":")) for n in json.loads(content)["elements"]["nodes"]}
    archive = zipfile.ZipFile(io.BytesIO(content))
    rows = list(csv.reader(io.StringIO(archive.read("nodes.csv").decode("utf-8-sig"))))
    return {r[0]: set(r[1].split(";")) for r in rows[1:]}


@pytest.mark.parametrize("fmt", [*READERS, "cyjs", "csv"])
def test_proposals_cases_awards_and_figures_travel_in_every_export(sample_store, fmt):
    """The issue-22 kinds and their ties, in each format the sample is exported to."""
    found = labelled(fmt, export(sample_store, fmt).content)
    counts = sample_store.counts()["nodes"]
    for label, node_id in NEW_LABELS.items():
        assert label in found[node_id], (fmt, label)
        assert sum(label in labels for labels in found.values()) == counts[label], (fmt, label)


def test_the_samples_rdf_with_the_new_kinds_passes_the_generated_shapes(sample_store):
    import pyshacl
    from rdflib import RDF, Graph

    from queries.rdf import ENTITY, SHAPES, TX

    graph = Graph().parse(data=export(sample_store, "ttl").content.decode(), format="turtle")
    conforms, _, report = pyshacl.validate(graph, shacl_graph=Graph().parse(SHAPES))
    assert conforms, report
    links = set(graph.subjects(TX.to, ENTITY["Y0001"]))
    assert any((link, TX.type, TX.AUTHORED) in graph for link in links)
    for label, node_id in NEW_LABELS.items():
        assert (ENTITY[node_id], RDF.type, TX[label]) in graph
