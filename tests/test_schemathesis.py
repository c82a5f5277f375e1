"""The API against its own OpenAPI, fuzzed by schemathesis once per role: no server errors,
no response that breaks the schema.  It runs on Neo4j, where every endpoint (Cypher too) is
real, loaded with the sample.  ``TONGXIN_FUZZ_EXAMPLES`` sets the examples per operation
(CI: a short run; docs/RELIABILITY.md: the long one)."""

from __future__ import annotations

import os

import pytest
import schemathesis
from schemathesis import checks
from hypothesis import HealthCheck, given, settings

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


@pytest.mark.parametrize("role", [role.value for role in Role])
def test_api_keeps_its_contract(served, role):
    app, tokens = served
    headers = {"Authorization": f"Bearer {tokens[role]}"}
    for operation in schemathesis.openapi.from_asgi("/openapi.json", app).get_all_operations():
        @given(case=operation.ok().as_strategy())
        @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
        def keeps_contract(case):
            case.call_and_validate(headers=headers, excluded_checks=[checks.positive_data_acceptance])

        keeps_contract()
