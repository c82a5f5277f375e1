"""Where the graph lives: --store, then TONGXIN_STORE, then NEO4J_URI, then ./.tongxin."""

from __future__ import annotations

import pytest

from graph.embedded import EmbeddedStore
from graph.neo4j_store import Neo4jStore
from graph.settings import open_store, settings_from_env


@pytest.fixture
def clean_env(monkeypatch):
    for name in (
        "TONGXIN_STORE",
        "NEO4J_URI",
        "NEO4J_USER",
        "NEO4J_PASSWORD",
        "NEO4J_DATABASE",
        "TONGXIN_CONFIG_DIR",
        "TONGXIN_CORS_ORIGINS",
    ):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


@pytest.mark.parametrize(
    "option, tongxin_store, neo4j_uri, expected",
    [
        (None, None, None, ".tongxin"),
        (None, None, "neo4j+s://example.databases.neo4j.io", "neo4j+s://example.databases.neo4j.io"),
        (None, "/srv/graph", "bolt://db:7687", "/srv/graph"),
        ("bolt://127.0.0.1:7687", "/srv/graph", None, "bolt://127.0.0.1:7687"),
    ],
)
def test_the_store_is_chosen_in_order(clean_env, option, tongxin_store, neo4j_uri, expected):
    if tongxin_store:
        clean_env.setenv("TONGXIN_STORE", tongxin_store)
    if neo4j_uri:
        clean_env.setenv("NEO4J_URI", neo4j_uri)
    assert settings_from_env(option).store == expected


@pytest.mark.parametrize(
    "spec, kind",
    [
        ("bolt://127.0.0.1:1", Neo4jStore),
        ("neo4j://127.0.0.1:1", Neo4jStore),
        ("neo4j+s://127.0.0.1:1", Neo4jStore),
        ("somewhere/graph", EmbeddedStore),
    ],
)
def test_a_uri_opens_neo4j_and_a_folder_the_embedded_store(clean_env, tmp_path, spec, kind):
    clean_env.chdir(tmp_path)
    with open_store(settings_from_env(spec)) as store:
        assert isinstance(store, kind)


def test_dotenv_and_the_environment_configure_it(clean_env, tmp_path):
    clean_env.chdir(tmp_path)
    (tmp_path / ".env").write_text(
        "NEO4J_URI=bolt://db:7687\nNEO4J_USER=neo4j\nTONGXIN_BATCH_SIZE=250\n"
        'TONGXIN_CORS_ORIGINS=["https://intranet.example"]\n',
        encoding="utf-8",
    )
    settings = settings_from_env()
    assert (settings.store, settings.neo4j_user, settings.batch_size) == ("bolt://db:7687", "neo4j", 250)
    assert settings.cors_origins == ["https://intranet.example"]
    assert str(settings.config_dir) == ".tongxin"  # Neo4j: tokens and audit in ./.tongxin
    assert str(settings_from_env("/srv/graph").config_dir) == "/srv/graph"  # beside the embedded graph
