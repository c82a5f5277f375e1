"""The HTTP API: health, readiness, stats and the page, on both stores."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from api.app import create_app
from graph.settings import Settings
from ingest.pipeline import ingest
from tests.conftest import TINY_DIR


@pytest.fixture
def client(store, store_spec):
    with TestClient(create_app(Settings(store=store_spec))) as client:
        yield client


def test_health_and_ready(client):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready"}


def test_stats_answer_as_the_command_line_does(client, store, tiny_expected):
    ingest(store, [TINY_DIR])
    response = client.get("/api/stats")
    assert response.status_code == 200
    assert response.json() == tiny_expected


def test_the_page_is_served_in_chinese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.text and "同心图谱" in response.text


def test_the_ontology_is_published(client):
    labels = client.get("/api/ontology").json()["labels"]
    assert labels["Base"]["zh"] == "同心荟"
    assert labels["Person"]["properties"]["phone"]["sensitive"] is True


def test_ready_is_503_problem_json_when_neo4j_is_down():
    with TestClient(create_app(Settings(store="bolt://127.0.0.1:1"))) as client:
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 503 and body["title"] == "图库不可用"
    assert "Traceback" not in response.text
