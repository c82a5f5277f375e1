"""The ontology drives everything: a label, a relationship type with a shown property and a
sensitive property added in YAML alone reach ingest, every query, every export format, the
page's colours, the report's pictures, the SHACL shapes and the masking — on both stores."""

from __future__ import annotations

import io
import zipfile

import pyshacl
import pytest
import yaml
from fastapi.testclient import TestClient
from rdflib import RDF, Graph

from api.access import Role, Tokens
from api.app import create_app
from graph import ontology
from graph.masking import mask
from graph.ontology import ONTOLOGY_FILE, load
from graph.settings import Settings, settings_from_env
from ingest.pipeline import ingest
from queries.brokers import brokers
from queries.coverage import coverage
from queries.export import export
from queries.formats import FORMATS
from queries.network import ego, entity
from queries.paths import path
from queries.quality import quality
from queries.rdf import ENTITY, TX, shapes
from queries.report import base_networks, report
from queries.report_document import REPORT_FORMATS
from queries.search import search
from tests.conftest import TINY_DIR, write_csv

COLOUR = "#7b1fa2"
FRAGMENT = f"""
labels:
  Person:
    properties:
      home_phone: {{type: phone, sensitive: true, zh: 家庭电话}}
  Patent:
    zh: 专利
    extends: Entity
    colour: "{COLOUR}"
    properties:
      year: {{type: year, zh: 年度}}
relationships:
  INVENTED:
    zh: 发明
    from: [Person, Base]
    to: [Patent]
    properties:
      citation: {{type: text, zh: 发明说明, column: note}}
templates:
  patents: {{zh: 专利, label: Patent}}
"""


def merged(base: dict, extra: dict) -> dict:
    """``extra`` laid over ``base``, mapping by mapping."""
    out = dict(base)
    for key, value in extra.items():
        out[key] = merged(base[key], value) if isinstance(value, dict) and isinstance(base.get(key), dict) else value
    return out


@pytest.fixture
def extended(monkeypatch, tmp_path, store):
    """The store, speaking an ontology with the fragment added, holding the tiny rosters and an award."""
    document = merged(yaml.safe_load(ONTOLOGY_FILE.read_text(encoding="utf-8")), yaml.safe_load(FRAGMENT))
    path = tmp_path / "ontology.yaml"
    path.write_text(yaml.safe_dump(document, allow_unicode=True, sort_keys=False), encoding="utf-8")
    monkeypatch.setattr(ontology, "ONTOLOGY_FILE", path)
    store.ontology = load()
    rosters = tmp_path / "rosters"
    write_csv(rosters, "专利.csv", "编号,名称,年度\nA1,鞋底防滑结构,2024\n")
    write_csv(rosters, "关系.csv", "起点,关系,终点,备注\nP1,发明,A1,非遗传承创新\nB1,发明,A1,集体奖\n")
    write_csv(rosters, "人员.csv", "编号,姓名,人员类别,家庭电话\nP1,张伟,新阶层人士,139-1234-5678\n")
    assert ingest(store, [TINY_DIR]).errors == []
    assert ingest(store, [rosters]).errors == []
    return store


def test_a_label_a_relationship_and_a_sensitive_property_from_yaml_alone(extended):
    store = extended
    counts = store.counts()
    assert counts["nodes"]["Patent"] == 1 and counts["relationships"]["INVENTED"] == 2
    # queries
    assert [r["id"] for r in search(store, "防滑")["results"]] == ["A1"]
    assert entity(store, "A1")["relationships"][0]["zh"] == "发明"
    honours = [r for r in ego(store, "A1", hops=1)["relationships"] if r["type"] == "INVENTED"]
    assert {(r["from"], r["citation"]) for r in honours} == {("P1", "非遗传承创新"), ("B1", "集体奖")}
    assert "—发明→ 鞋底防滑结构" in path(store, "P2", "A1")["paths"][0]["sentence"]
    coverage(store, as_of="2025-12-31"), quality(store, as_of="2025-12-31"), brokers(store)
    # masking: the new property is masked as a phone, not withheld whole
    assert mask(entity(store, "P1"))["properties"]["home_phone"] == "139****5678"
    assert entity(store, "P1")["properties"]["home_phone"] == "13912345678"


def test_every_export_format_and_the_shacl_shapes_know_the_new_label(extended):
    store = extended
    for fmt in FORMATS:
        content = export(store, fmt).content
        if fmt == "csv":
            archive = zipfile.ZipFile(io.BytesIO(content))
            content = archive.read("nodes.csv") + archive.read("relationships.csv")
        text = content.decode("utf-8-sig")
        assert "A1" in text and ("INVENTED" in text or "发明" in text), fmt
    assert COLOUR in export(store, "html").content.decode()
    graph = Graph().parse(data=export(store, "ttl").content.decode(), format="turtle")
    assert (ENTITY["A1"], RDF.type, TX.Patent) in graph
    generated = shapes(load())
    assert "tx:PatentShape" in generated and "tx:INVENTEDShape" in generated
    conforms, _, text = pyshacl.validate(graph, shacl_graph=Graph().parse(data=generated, format="turtle"))
    assert conforms, text
    masked = Graph().parse(data=export(store, "ttl", masked=True).content.decode(), format="turtle")
    assert pyshacl.validate(masked, shacl_graph=Graph().parse(data=generated, format="turtle"))[0]


def test_the_page_and_the_report_draw_the_new_label_in_its_colour(extended, store_spec, tmp_path):
    store = extended
    settings = settings_from_env(store_spec).model_copy(update={"config_dir": tmp_path / "config"})
    token = Tokens(settings.config_dir).create(Role.viewer)["token"]
    with TestClient(create_app(settings)) as client:
        described = client.get("/api/ontology", headers={"Authorization": f"Bearer {token}"}).json()
    assert described["labels"]["Patent"]["colour"] == COLOUR
    assert described["relationships"]["INVENTED"]["properties"]["citation"]["shown"] is True
    pictures = dict(base_networks(store, as_of="2025-12-31"))
    assert pictures["工艺美术·同心荟"].nodes["A1"]["kind"] == "Patent"
    page = REPORT_FORMATS["html"].write(store, report(store, as_of="2025-12-31"), Settings().report_font).decode()
    assert f"background:{COLOUR}" in page.replace(" ", "") and "专利" in page
