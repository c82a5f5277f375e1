"""The API against its own OpenAPI, fuzzed by schemathesis once per role and per town scope: no
server errors, no response that breaks the schema, no viewer's answer with personal information,
no town-scoped answer with anyone from elsewhere.  It runs on Neo4j, where every endpoint (Cypher too) is
real, loaded with the sample.  ``TONGXIN_FUZZ_EXAMPLES`` sets the examples per operation
(CI: a short run; docs/RELIABILITY.md: the long one)."""

from __future__ import annotations

import csv
import os
import re

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis import checks

from api.access import Role, Tokens
from api.app import create_app
from graph.settings import Settings, open_store
from ingest.pipeline import ingest
from tests.conftest import SAMPLE_DIR, STATIC_ROUTES, readable

# Every other check of schemathesis runs.  A request the schema allows may still be refused
# by design: an id of no node (404), a scope or a date that does not parse (422).
EXAMPLES = int(os.environ.get("TONGXIN_FUZZ_EXAMPLES", "10"))
TOWN = "五马街道"
CALLERS = {role.value: (role, ()) for role in Role} | {
    f"{role.value}-in-town": (role, (TOWN,)) for role in (Role.viewer, Role.officer)
}
WORD = re.compile(r"[A-Za-z0-9_\-]+")


@pytest.fixture(scope="module")
def served(tmp_path_factory, neo4j_uri):
    settings_ = Settings(store=neo4j_uri, config_dir=tmp_path_factory.mktemp("fuzzed"))
    with open_store(settings_) as store:
        store.clear()
        assert ingest(store, [SAMPLE_DIR]).ok
    made = Tokens(settings_.config_dir)
    tokens = {caller: made.create(role, caller, towns)["token"] for caller, (role, towns) in CALLERS.items()}
    return create_app(settings_), tokens


def people() -> list[dict]:
    with open(SAMPLE_DIR / "人员.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def personal_information() -> set[str]:
    """Every phone and ID number of the sample: a viewer's answers hold none of them."""
    return {row[column] for row in people() for column in ("手机", "身份证号") if row[column]}


@pytest.mark.parametrize("caller", list(CALLERS))
def test_api_keeps_its_contract(served, caller):
    app, tokens = served
    role, towns = CALLERS[caller]
    headers = {"Authorization": f"Bearer {tokens[caller]}"}
    hidden = personal_information() if role is Role.viewer else set()
    elsewhere = {p["编号"] for p in people() if towns and p["所属镇街"] not in towns}
    for operation in schemathesis.openapi.from_asgi("/openapi.json", app).get_all_operations():
        strangers = set() if operation.ok().path in STATIC_ROUTES else elsewhere
        fuzz(operation.ok(), headers, hidden, strangers)


def fuzz(operation, headers: dict, hidden: set[str], strangers: set[str]) -> None:
    """One operation, fuzzed: within its contract, without ``hidden`` text or ``strangers``' ids."""

    @given(case=operation.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def keeps_contract(case):
        # A contract test, not a timing one: the first PDF report of a process (charts, fonts) took
        # over schemathesis's 10 s on a loaded machine; the report's speed has its own benchmark.
        response = case.call_and_validate(
            headers=headers, excluded_checks=[checks.positive_data_acceptance], timeout=120
        )
        text = readable(response.content, response.headers.get("content-type", [""])[0])
        assert not [secret for secret in hidden if secret in text], case.as_curl_command()
        asked = set(WORD.findall(f"{case.path_parameters} {case.query} {case.body}"))  # a 422 may say what was sent
        assert not (strangers - asked) & set(WORD.findall(text)), case.as_curl_command()

    keeps_contract()
