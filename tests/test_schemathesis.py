"""The API against its own OpenAPI, fuzzed by schemathesis once per role: no server errors,
no response that breaks the schema.  It runs on Neo4j, where every endpoint (Cypher too) is
real, loaded with the sample.  ``TONGXIN_FUZZ_EXAMPLES`` sets the examples per operation
(CI: a short run; docs/RELIABILITY.md: the long one)."""

from __future__ import annotations

import csv
import io
import os
import zipfile

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from api.access import Role, Tokens
from api.app import create_app
from graph.settings import Settings, open_store
from ingest.pipeline import ingest
from tests.conftest import SAMPLE_DIR

# Every other check of schemathesis runs.  A request the schema allows may still be refused
# by design: an id of no node (404), a scope or a date that does not parse (422).
EXAMPLES = int(os.environ.get("TONGXIN_FUZZ_EXAMPLES", "10"))


@pytest.fixture(scope="module")
def served(tmp_path_factory, neo4j_uri):
    settings_ = Settings(store=neo4j_uri, config_dir=tmp_path_factory.mktemp("fuzzed"))
    with open_store(settings_) as store:
        store.clear()
        assert ingest(store, [SAMPLE_DIR]).ok
    tokens = {role.value: Tokens(settings_.config_dir).create(role)["token"] for role in Role}
    return create_app(settings_), tokens


def personal_information() -> set[str]:
    """Every phone and ID number of the sample: a viewer's answers hold none of them."""
    with open(SAMPLE_DIR / "人员.csv", encoding="utf-8-sig", newline="") as handle:
        return {row[column] for row in csv.DictReader(handle) for column in ("手机", "身份证号") if row[column]}


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_api_keeps_its_contract(served, role):
    app, tokens = served
    headers = {"Authorization": f"Bearer {tokens[role]}"}
    hidden = personal_information() if role == Role.viewer.value else set()
    for operation in schemathesis.openapi.from_asgi("/openapi.json", app).get_all_operations():

        @given(case=operation.ok().as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def keeps_contract(case):
            response = case.call_and_validate(headers=headers, excluded_checks=[checks.positive_data_acceptance])
            assert not [secret for secret in hidden if secret in readable(response)], case.as_curl_command()

        keeps_contract()


def readable(response) -> str:
    """The body as text; a zipped export (the Neo4j CSV files) unzipped first."""
    body = response.content
    if response.headers.get("content-type", [""])[0] == "application/zip":
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            body = b"".join(archive.read(name) for name in archive.namelist())
    return body.decode("utf-8", errors="replace")
