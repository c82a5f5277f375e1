"""Town-scoped tokens on both stores, in the style of Aleph's authorisation tests: every route,
in every format, for every role a token can be kept to towns with, answers a caller kept to
some towns from those towns only — checked against the rosters' own 所属镇街, not against the
code that scopes.  A path through people elsewhere is told without naming them, and a
district leader's listing still covers a town's representative."""

from __future__ import annotations

import csv
import json
import re

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from api.access import Role, Tokens
from api.app import create_app
from api.cli import app as cli
from graph.settings import Settings
from ingest.pipeline import ingest
from queries.formats import FORMATS
from queries.report_document import REPORT_FORMATS
from tests.conftest import SAMPLE_DIR, STATIC_ROUTES, readable, write_csv

SCOPES = {"district": (), "one town": ("五马街道",), "two towns": ("五马街道", "双屿街道")}
ROLES = [Role.viewer, Role.officer]
ADMIN_ONLY = {"/api/audit"}  # and the POSTs: /api/cypher, /api/ingest
WORD = re.compile(r"[A-Za-z0-9_\-]+")


def roster(name: str) -> list[dict]:
    with open(SAMPLE_DIR / f"{name}.csv", encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def people_in(towns) -> list[dict]:
    return [p for p in roster("人员") if p["所属镇街"] in towns]


def every_get_route(app) -> set[str]:
    return {path for path, ops in app.openapi()["paths"].items() if path.startswith("/api/") and "get" in ops}


def asked(towns: tuple[str, ...]) -> dict[str, list[str]]:
    """Every GET route of the API, each with the questions a town's cadre would ask of it,
    about their own towns' people (the district's: those of 五马街道)."""
    here = people_in(towns or ("五马街道",))
    a, b = here[0]["编号"], here[-1]["编号"]
    base = next(r["编号"] for r in roster("基地") if r["所属镇街"] in (towns or ("五马街道",)))
    town = next(r["编号"] for r in roster("镇街") if r["名称"] == (towns or ("五马街道",))[0])
    surname = here[0]["姓名"][0]
    exports = [f"/api/export?format={f}" for f in FORMATS]
    exports += [f"/api/export?format=json&scope={s}" for s in (f"base:{base}", f"region:{town}", f"ego:{a}:2")]
    exports += [f"/api/export?format=json&scope={s}" for s in (f"path:{a}:{b}", "gaps")]
    return {
        "/api/ontology": ["/api/ontology"],
        "/api/template": ["/api/template"],
        "/api/me": ["/api/me"],
        "/api/stats": ["/api/stats"],
        "/api/places": ["/api/places"],
        "/api/search": [
            f"/api/search?q={surname}&limit=100",
            "/api/search?q=zh&limit=100",
            "/api/search?q=z&kind=Person&region=双屿街道&limit=100",
        ],
        "/api/entities/{id}": [f"/api/entities/{a}", f"/api/entities/{base}"],
        "/api/entities/{id}/network": [f"/api/entities/{a}/network?hops=3", f"/api/entities/{base}/network?hops=2"],
        "/api/entities/{id}/neighbours": [
            f"/api/entities/{base}/neighbours?type=成员&direction=in&limit=500",
            f"/api/entities/{a}/neighbours?type=KNOWS&direction=out",
        ],
        "/api/paths": [f"/api/paths?from={a}&to={b}&max_hops=6", f"/api/paths?from={a}&to={base}"],
        "/api/common": [f"/api/common?a={a}&b={b}", f"/api/common?a={a}&b={base}"],
        "/api/coverage": ["/api/coverage?as_of=2025-12-31"],
        "/api/coverage/people": ["/api/coverage/people?as_of=2025-12-31", "/api/coverage/people?format=xlsx"],
        "/api/brokers": ["/api/brokers?top=100", f"/api/brokers?scope={base}"],
        "/api/quality": ["/api/quality"],
        "/api/report": [f"/api/report?as_of=2025-12-31&format={f}" for f in REPORT_FORMATS],
        "/api/export": exports,
    }


@pytest.fixture
def served(store, store_spec, tmp_path):
    assert ingest(store, [SAMPLE_DIR]).ok
    settings = Settings(store=store_spec, config_dir=tmp_path / "config")
    tokens = Tokens(settings.config_dir)
    made = {
        (role, scope): tokens.create(role, None, towns)["token"] for role in ROLES for scope, towns in SCOPES.items()
    }
    with TestClient(create_app(settings)) as client:
        yield client, made


def get(client, url: str, token: str):
    return client.get(url, headers={"Authorization": f"Bearer {token}"})


def test_every_route_answers_a_town_cadre_from_their_towns_only(served):
    client, tokens = served
    everyone = roster("人员")
    for (role, scope), token in tokens.items():
        towns = SCOPES[scope]
        routes = asked(towns)
        assert set(routes) | ADMIN_ONLY == every_get_route(client.app), "a route the matrix does not ask"
        inside = {p["编号"] for p in people_in(towns)} if towns else {p["编号"] for p in everyone}
        outside = {p["编号"] for p in everyone} - inside
        # Names only people elsewhere bear (a namesake at home may be named).
        seen_here = json.dumps(people_in(towns) + roster("基地") + roster("企业"), ensure_ascii=False)
        elsewhere = {p["姓名"] for p in everyone if p["编号"] in outside} - set(WORD.findall(seen_here))
        elsewhere = {name for name in elsewhere if name not in seen_here}
        for url in [u for urls in routes.values() for u in urls]:
            response = get(client, url, token)
            expected = 403 if url.startswith("/api/export") and role is Role.viewer else 200
            assert response.status_code == expected, (role, scope, url, response.text[:300])
            if expected != 200 or not towns or url in STATIC_ROUTES:
                continue
            text = readable(response.content, response.headers["content-type"])
            assert not outside & set(WORD.findall(text)), (role, scope, url, sorted(outside & set(WORD.findall(text))))
            assert not [name for name in elsewhere if name in text], (role, scope, url)
        for url in ["/api/audit"]:
            assert get(client, url, token).status_code == 403
        headers = {"Authorization": f"Bearer {token}"}
        assert client.post("/api/cypher", json={"query": "RETURN 1"}, headers=headers).status_code == 403
        assert get(client, "/api/me", token).json()["regions"] == list(towns)


def test_the_check_would_see_outsiders_in_a_district_answer(served):
    """The district's officer gets everyone: the matrix's check is not blind."""
    client, tokens = served
    text = readable(get(client, "/api/export?format=csv", tokens[(Role.officer, "district")]).content, "")
    assert {p["编号"] for p in roster("人员")} <= set(WORD.findall(text))


def test_a_town_sees_its_own_counts_and_nobody_elsewhere_exists(served):
    client, tokens = served
    token = tokens[(Role.viewer, "one town")]
    here, elsewhere = people_in(("五马街道",)), [p for p in roster("人员") if p["所属镇街"] != "五马街道"]
    stats = get(client, "/api/stats", token).json()
    assert stats["nodes"]["Person"] == len(here)
    assert stats["nodes"]["Base"] == sum(b["所属镇街"] == "五马街道" for b in roster("基地"))
    stranger = elsewhere[0]["编号"]
    for url in [
        f"/api/entities/{stranger}",
        f"/api/entities/{stranger}/network",
        f"/api/paths?from={here[0]['编号']}&to={stranger}",
    ]:
        assert get(client, url, token).status_code == 404, url  # as if there were no such person
    only_elsewhere = next(p["姓名"] for p in elsewhere if all(p["姓名"] != h["姓名"] for h in here))
    assert get(client, f"/api/search?q={only_elsewhere}", token).json()["results"] == []
    reps = [p for p in here if p["代表人士"] == "是"]
    town = get(client, "/api/coverage?as_of=2025-12-31", token).json()
    district = get(client, "/api/coverage?as_of=2025-12-31", tokens[(Role.viewer, "district")]).json()
    assert town["total"] == len(reps)
    assert town["by_region"] == {"五马街道": district["by_region"]["五马街道"]}  # district leaders still cover


TOWNS = "编号,名称,上级\nR0,鹿城区,\nRA,五马街道,鹿城区\nRB,松台街道,鹿城区\nRC,墨池社区,五马街道\n"
PEOPLE = (
    "编号,姓名,人员类别,所属镇街,手机,代表人士\n"
    "A1,甲一,新阶层人士,五马街道,13800000001,是\n"
    "A2,甲二,新阶层人士,墨池社区,13800000002,是\n"
    "B1,乙中间,新阶层人士,松台街道,13800000003,否\n"
    "L9,丙领导,联系领导,松台街道,13800000009,\n"
)
TIES = "起点,关系,终点,开始日期\nA1,认识,B1,\nB1,认识,A2,\nL9,列名联系,A2,2024-01-01\n"


@pytest.fixture
def boundary(store, store_spec, tmp_path):
    """Two people of 五马街道 (one in a community within it) who know each other only through
    someone of 松台街道, whose leader is listed with one of them."""
    files = [
        write_csv(tmp_path / "in", "镇街.csv", TOWNS),
        write_csv(tmp_path / "in", "人员.csv", PEOPLE),
        write_csv(tmp_path / "in", "关系.csv", TIES),
        write_csv(tmp_path / "in", "联系记录.csv", "日期,联系领导,联系对象,方式\n2025-06-01,L9,A2,走访\n"),
    ]
    assert ingest(store, files).ok
    settings = Settings(store=store_spec, config_dir=tmp_path / "config")
    token = Tokens(settings.config_dir).create(Role.officer, "五马", ("五马街道",))["token"]
    with TestClient(create_app(settings)) as client:
        yield Officer(client, token)


class Officer:
    """The town's officer: ``officer(url)`` GETs, ``officer.post(url, json=…)`` POSTs."""

    def __init__(self, client, token: str):
        self.client, self.headers = client, {"Authorization": f"Bearer {token}"}

    def __call__(self, url: str):
        return self.client.get(url, headers=self.headers)

    def post(self, url: str, **body):
        return self.client.post(url, headers=self.headers, **body)


def test_a_path_through_another_town_is_told_without_names(boundary):
    answer = boundary("/api/paths?from=A1&to=A2").json()
    assert answer["found"] is False and answer["paths"] == []
    assert answer["outside"]["length"] == 2 and "辖区以外" in answer["outside"]["note"]
    assert "B1" not in json.dumps(answer) and "乙中间" not in json.dumps(answer, ensure_ascii=False)


def test_a_community_within_the_town_is_in_it(boundary):
    assert boundary("/api/entities/A2").status_code == 200
    assert boundary("/api/entities/RC").status_code == 200
    assert boundary("/api/entities/RB").status_code == 404


def test_a_leader_elsewhere_still_covers_without_being_named(boundary):
    answer = boundary("/api/coverage?as_of=2025-12-31")
    coverage = answer.json()
    assert (coverage["total"], coverage["covered"], coverage["uncovered"], coverage["stale"]) == (2, 1, ["A1"], [])
    assert coverage["workload"] == [] and "L9" not in answer.text and "丙领导" not in answer.text


def test_token_create_keeps_to_known_towns(store, store_spec, tmp_path):
    assert ingest(store, [SAMPLE_DIR]).ok
    environment = {"TONGXIN_CONFIG_DIR": str(tmp_path / "config")}

    def run(*args):
        return CliRunner().invoke(cli, ["--store", store_spec, "token", *args], env=environment)

    made = run("create", "--role", "viewer", "--region", "五马街道，Ｒ０２", "--json")
    assert made.exit_code == 0, made.output
    assert json.loads(made.output)["regions"] == ["五马街道", "松台街道"]
    unknown = run("create", "--role", "viewer", "--region", "五马")
    assert unknown.exit_code != 0 and "没有镇街「五马」" in unknown.output and "五马街道" in unknown.output
    admin = run("create", "--role", "admin", "--region", "五马街道")
    assert admin.exit_code != 0 and "不能限定镇街" in admin.output
    listed = json.loads(run("list", "--json").output)["tokens"]
    assert [t["regions"] for t in listed] == [["五马街道", "松台街道"]]


def test_a_tie_to_elsewhere_still_counts_in_data_quality(boundary):
    quality = boundary("/api/quality").json()
    assert "A1" not in quality["isolated"] and "A2" not in quality["isolated"]  # they know 乙中间 of 松台街道


def test_a_town_officer_records_visits_in_the_town_only(boundary, store):
    from queries.coverage import coverage_facts

    visit = {"leader": "L9", "person": "A2", "date": "2025-07-01", "method": "电话"}
    assert boundary.post("/api/contacts", json=visit).status_code == 404  # 丙领导 is of 松台街道
    assert [r["last_contact"] for r in coverage_facts(store, "2025-12-31")["representatives"] if r["id"] == "A2"] == [
        "2025-06-01"
    ]
