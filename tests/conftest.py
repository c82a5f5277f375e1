"""Shared fixtures: one contract suite, parametrised over the embedded store and a real Neo4j.

The Neo4j half talks to ``NEO4J_URI`` when it is set (with ``NEO4J_USER`` and
``NEO4J_PASSWORD``), else to the project's local Neo4j, started here if need be and
stopped again at the end.  It never skips: a Neo4j that cannot start fails the run.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import zipfile
from pathlib import Path

import pytest
from hypothesis import settings as hypothesis_settings

from graph import local_neo4j

# Tests send hundreds of requests a second with one token, and many at once; the per-token
# limits are tested on their own (test_api), with settings of their own.
os.environ.setdefault("TONGXIN_RATE_PER_MINUTE", "1000000")
os.environ.setdefault("TONGXIN_IN_FLIGHT_PER_TOKEN", "1000")
from graph.embedded import EmbeddedStore
from graph.neo4j_store import Neo4jStore
from graph.settings import open_store, settings_from_env

# ``--hypothesis-profile=full``: the long property runs of docs/RELIABILITY.md.
hypothesis_settings.register_profile("full", max_examples=2000, deadline=None)

TESTS_DIR = Path(__file__).parent
PROJECT_DIR = TESTS_DIR.parent
SAMPLE_DIR = PROJECT_DIR / "data" / "sample"
TINY_DIR = TESTS_DIR / "fixtures" / "tiny"
STORES = ["embedded", "neo4j"]
collect_ignore = ["fixtures/old/make_xls.py"]  # needs xlwt, which only wrote the committed fixture


@pytest.fixture(scope="session")
def neo4j_uri():
    uri = os.environ.get("NEO4J_URI")
    if uri:
        yield uri
        return
    server = local_neo4j.local_server()
    started = not local_neo4j.status(server)["running"]
    yield local_neo4j.start(server)
    if started:
        local_neo4j.stop(server)


@pytest.fixture
def neo4j_store(neo4j_uri):
    store = open_store(settings_from_env(neo4j_uri))
    store.clear()
    yield store
    store.close()


@pytest.fixture
def embedded_store(tmp_path):
    with EmbeddedStore(tmp_path / "store") as store:
        yield store


@pytest.fixture(params=STORES)
def store(request):
    """Each contract test runs once per store."""
    return request.getfixturevalue(f"{request.param}_store")


@pytest.fixture
def store_spec(store):
    """The ``--store`` value that names the same store as ``store``."""
    return store.uri if isinstance(store, Neo4jStore) else str(store.folder)


@pytest.fixture(scope="session")
def tiny_expected() -> dict:
    return json.loads((TESTS_DIR / "fixtures" / "tiny.expected.json").read_text(encoding="utf-8"))


CHROMIUM = "/usr/bin/chromium"  # .ci/run installs Debian's chromium
CHROMIUM_FLAGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


@pytest.fixture(scope="session")
def browser():
    """Debian's Chromium, headless, driven by Playwright (no browser download)."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield chromium
        chromium.close()


@pytest.fixture
def page(browser, live):
    base, _, _ = live
    context = browser.new_context(viewport={"width": 1366, "height": 768}, locale="zh-CN")
    leaving = []

    def only_localhost(route):
        if route.request.url.startswith(base):
            route.continue_()
        else:
            leaving.append(route.request.url)
            route.abort()

    context.route("**/*", only_localhost)
    page = context.new_page()
    yield page
    context.close()
    assert leaving == [], leaving  # nothing but this server was asked for anything


def open_signed_in(page, base: str, token: str, view: str = "") -> None:
    """The page at ``#view`` with ``token`` already stored, as after an earlier sign-in."""
    page.goto(base + "/")
    page.evaluate(f"sessionStorage.setItem('tongxin-token', '{token}')")
    page.goto(f"{base}/#{view}")
    page.reload()


def write_csv(folder: Path, name: str, text: str, encoding: str = "utf-8") -> Path:
    """A roster file written as staff's software would write it."""
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_bytes(text.encode(encoding))
    return path


# Routes whose answer is the same document for everyone, not read from the graph (the blank
# workbook's example row has ids of its own).
STATIC_ROUTES = {"/api/ontology", "/api/template"}


def readable(body: bytes, content_type: str) -> str:
    """An answer as the text a person could read in it: a zip (the Neo4j CSV export, a
    workbook) unpacked, a PDF through pdftotext."""
    if content_type.startswith("application/pdf"):
        return subprocess.run(["pdftotext", "-", "-"], input=body, capture_output=True, check=True).stdout.decode()
    if body[:4] == b"PK\x03\x04":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(name) for name in archive.namelist())
    return body.decode("utf-8", errors="replace")


def snapshot(store) -> tuple[set, set]:
    """The graph as comparable sets, without provenance (which file, which row, when)."""

    def content(props: dict) -> tuple:
        return tuple(
            sorted(
                (k, json.dumps(v, ensure_ascii=False))
                for k, v in props.items()
                if not k.startswith("source_") and k != "ingested_at"
            )
        )

    nodes = {(n.id, tuple(sorted(n.labels)), content(n.properties)) for n in store.iter_nodes()}
    rels = {(r.type, r.source, r.target, r.key, content(r.properties)) for r in store.iter_relationships()}
    return nodes, rels


def active(store, types: list[str], day: str) -> list:
    """The relationships of ``types`` that hold on ``day`` (the rule coverage applies)."""
    from graph.records import active_on

    return [r for r in store.relationships_of(types) if active_on(r.properties, day)]
