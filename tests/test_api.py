"""The HTTP API on both stores: health, the access matrix of every endpoint × role, masking
of personal information for viewers, and the audit log."""

from __future__ import annotations

import json

import pytest
from fastapi.testclient import TestClient

from api.access import Role, Tokens
from api.app import create_app
from graph.settings import Settings, is_neo4j_uri
from ingest.pipeline import ingest
from tests.conftest import TINY_DIR, write_csv

SECRETS = ("13800138000", "330302198503120015", "民盟盟员")  # P1's phone, ID number, party
PUBLIC = ["/health", "/ready", "/api/ontology"]
QUERIES = [
    "/api/me",
    "/api/stats",
    "/api/search?q=zw",
    "/api/search?q=张伟",
    "/api/entities/P1",
    "/api/entities/P1/network?hops=2",
    "/api/paths?from=P1&to=L1",
    "/api/common?a=P1&b=L1",
    "/api/coverage?as_of=2025-12-31",
    "/api/brokers",
    "/api/quality",
]
EXPORTS = ["/api/export?format=json", "/api/export?format=graphml&scope=ego:P1:1", "/api/export?format=dot"]
ADMIN = ["/api/audit"]


@pytest.fixture
def settings(store, store_spec, tmp_path, tiny_expected):
    assert ingest(store, [TINY_DIR]).errors == []
    party = write_csv(tmp_path / "more", "people.csv", "id,name,roles,political_status\nP1,张伟,新阶层人士,民盟盟员\n")
    assert ingest(store, [party]).errors == []
    return Settings(store=store_spec, config_dir=tmp_path / "config")


@pytest.fixture
def tokens(settings) -> dict[str | None, str | None]:
    made = {role.value: Tokens(settings.config_dir).create(role)["token"] for role in Role}
    return {None: None, **made}


@pytest.fixture
def client(settings):
    with TestClient(create_app(settings)) as client:
        yield client


def get(client, url, token=None):
    return client.get(url, headers={"Authorization": f"Bearer {token}"} if token else {})


def test_health_and_ready(client):
    assert client.get("/health").json() == {"status": "ok"}
    assert client.get("/ready").json() == {"status": "ready"}


@pytest.mark.parametrize("role", [None, "viewer", "officer", "admin"])
def test_access_matrix(client, tokens, role):
    token = tokens[role]
    for url in PUBLIC:
        assert get(client, url, token).status_code == 200, url
    for url in QUERIES:
        assert get(client, url, token).status_code == (401 if role is None else 200), url
    for url in EXPORTS:  # for officers and admins
        assert get(client, url, token).status_code == {None: 401, "viewer": 403}.get(role, 200), url
    for url in ADMIN:
        assert get(client, url, token).status_code == {None: 401, "admin": 200}.get(role, 403), url
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    cypher = client.post("/api/cypher", json={"query": "RETURN 1 AS one"}, headers=headers)
    admin_cypher = 200 if is_neo4j_uri(client.app.state.settings.store) else 501
    assert cypher.status_code == {None: 401, "admin": admin_cypher}.get(role, 403)
    upload = client.post(
        "/api/ingest?dry_run=true",
        headers=headers,
        files=[("files", ("relationships.csv", "source,type,target\nP2,成员,B1\n".encode()))],
    )
    assert upload.status_code == {None: 401, "admin": 200}.get(role, 403)


def test_a_wrong_or_revoked_token_is_401_problem_json(client, settings, tokens):
    response = get(client, "/api/stats", "tx_not-a-token")
    assert response.status_code == 401 and response.headers["www-authenticate"] == "Bearer"
    assert response.headers["content-type"] == "application/problem+json"
    assert get(client, "/api/stats", tokens["viewer"]).status_code == 200  # the server now knows the tokens
    store = Tokens(settings.config_dir)  # as the command line does, beside the server
    viewer = next(t for t in store.list() if t["role"] == "viewer")
    store.revoke(viewer["id"])
    assert get(client, "/api/stats", tokens["viewer"]).status_code == 401  # at the very next request
    made = store.create(Role.viewer, "后来者")
    assert get(client, "/api/stats", made["token"]).status_code == 200
    store.revoke(made["id"])  # within the same millisecond as its making: still seen
    assert get(client, "/api/stats", made["token"]).status_code == 401


def test_a_viewer_never_sees_personal_information(client, tokens):
    texts = [get(client, url, tokens["viewer"]).text for url in QUERIES]
    for secret in SECRETS:
        assert not any(secret in text for text in texts), secret
    page = get(client, "/api/entities/P1", tokens["viewer"]).json()["properties"]
    assert (page["phone"], page["id_number"], page["political_status"]) == (
        "138****8000",
        "330302************",
        "（已隐藏）",
    )


def test_an_officer_sees_it_and_every_read_is_audited(client, tokens):
    page = get(client, "/api/entities/P1", tokens["officer"]).json()["properties"]
    assert (page["phone"], page["political_status"]) == ("13800138000", "民盟盟员")
    get(client, "/api/entities/B1", tokens["viewer"])
    records = get(client, "/api/audit", tokens["admin"]).json()["records"]
    reads = [(r["role"], r["operation"], r["ids"], r["masked"]) for r in records if r["operation"] == "entity"]
    assert reads == [("officer", "entity", ["P1"], False), ("viewer", "entity", ["B1"], True)]


def test_bounds_and_bad_input_are_422_problem_json(client, tokens):
    for url in [
        "/api/entities/P1/network?hops=9",
        "/api/paths?from=P1&to=L1&max_hops=99",
        "/api/search?q=",
        "/api/paths?from=P1&to=L1&via=FRIEND",
    ]:
        response = get(client, url, tokens["viewer"])
        assert response.status_code == 422, url
        assert response.headers["content-type"] == "application/problem+json"
    assert get(client, "/api/entities/nobody", tokens["viewer"]).status_code == 404
    huge = "zhang" * 1_000
    response = get(client, f"/api/search?q={huge}", tokens["viewer"])
    assert response.status_code == 422 and huge[:200] not in response.text and len(response.content) < 2000


def test_stats_answer_as_the_command_line_does(client, store, tokens):
    from queries.stats import stats

    assert get(client, "/api/stats", tokens["viewer"]).json() == stats(store)


def test_the_page_is_served_in_chinese(client):
    response = client.get("/")
    assert response.status_code == 200
    assert 'lang="zh-CN"' in response.text and "同心图谱" in response.text


def test_the_ontology_is_published(client):
    labels = client.get("/api/ontology").json()["labels"]
    assert labels["Base"]["zh"] == "同心荟"
    assert labels["Person"]["properties"]["phone"]["sensitive"] is True


def test_an_unwritable_audit_log_fails_the_request(settings, tokens, tmp_path):
    blocked = tmp_path / "blocked"
    blocked.write_text("a file where the audit folder should be")
    config = settings.config_dir
    with TestClient(create_app(settings)) as client:
        client.app.state.audit.path = blocked / "audit.jsonl"
        response = get(client, "/api/entities/P1", tokens["officer"])
    assert response.status_code == 503 and "审计日志" in response.json()["detail"]
    assert str(tmp_path) not in response.text  # the path is for the server log
    assert config.exists()


def test_ready_is_503_problem_json_when_neo4j_is_down(tmp_path):
    with TestClient(create_app(Settings(store="bolt://127.0.0.1:1", config_dir=tmp_path))) as client:
        response = client.get("/ready")
    assert response.status_code == 503
    assert response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == 503 and body["title"] == "图库不可用"
    assert "Traceback" not in response.text and "127.0.0.1" not in response.text  # anyone may ask /ready


def test_an_admin_uploads_rosters_with_the_command_lines_semantics(client, store, tokens, tiny_expected):
    from queries.stats import stats

    bad = ("relationships.csv", "source,type,target\nP2,成员,B9\n".encode())
    response = client.post(
        "/api/ingest", files=[("files", bad)], headers={"Authorization": f"Bearer {tokens['admin']}"}
    )
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    body = response.json()
    assert body["written"] is False and [(e["file"], e["row"], e["column"]) for e in body["errors"]] == [
        ("relationships.csv", 2, "target")
    ]
    assert stats(store)["relationships"]["MEMBER_OF"] == tiny_expected["relationships"]["MEMBER_OF"]
    good = ("relationships.csv", "source,type,target,since\nP2,成员,B1,2024-01-01\n".encode())
    response = client.post(
        "/api/ingest", files=[("files", good)], headers={"Authorization": f"Bearer {tokens['admin']}"}
    )
    assert response.status_code == 200 and response.json()["relationships_created"] == 1
    assert (
        client.post(
            "/api/ingest", files=[("files", good)], headers={"Authorization": f"Bearer {tokens['officer']}"}
        ).status_code
        == 403
    )
    records = get(client, "/api/audit", tokens["admin"]).json()["records"]
    assert [r["files"] for r in records if r["operation"] == "ingest"] == [["relationships.csv"]]


def test_uploads_over_the_limit_are_413(settings, tokens):
    with TestClient(create_app(settings.model_copy(update={"max_upload_mb": 1}))) as client:
        big = ("people.csv", b"id,name,roles\n" + b"P1,x,y\n" * 200_000)
        response = client.post(
            "/api/ingest", files=[("files", big)], headers={"Authorization": f"Bearer {tokens['admin']}"}
        )
    assert response.status_code == 413


def test_the_cypher_console_reads_only(client, store, tokens):
    def ask(query):
        return client.post(
            "/api/cypher", json={"query": query, "limit": 5}, headers={"Authorization": f"Bearer {tokens['admin']}"}
        )

    if store.__class__.__name__ == "EmbeddedStore":
        assert ask("MATCH (n) RETURN n").status_code == 501
        return
    answer = ask("MATCH (b:Base) RETURN b.id AS id ORDER BY id").json()
    assert answer == {"columns": ["id"], "rows": [{"id": "B1"}, {"id": "B2"}], "truncated": False}
    refused = ask("CREATE (:Entity {id: 'X'})")
    assert refused.status_code == 422 and store.get("X") is None
    logged = [r for r in get(client, "/api/audit", tokens["admin"]).json()["records"] if r["operation"] == "cypher"]
    assert [(r["ids"], "refused" in r) for r in logged] == [(["B1", "B2"], False), ([], True)]
    assert "CREATE" in logged[1]["query"]
    too_big = client.post(
        "/api/cypher",
        json={"query": "RETURN $n AS n", "params": {"n": 2**70}},
        headers={"Authorization": f"Bearer {tokens['admin']}"},
    )
    assert too_big.status_code == 422 and "参数" in too_big.json()["detail"]
    assert (
        client.post(
            "/api/cypher", json={"query": "RETURN 1"}, headers={"Authorization": f"Bearer {tokens['officer']}"}
        ).status_code
        == 403
    )


def test_answers_are_the_command_lines_json_and_all_in_the_openapi(client, store, tokens):
    from queries.coverage import coverage
    from queries.network import ego
    from queries.paths import path

    assert get(client, "/api/paths?from=P1&to=L1", tokens["officer"]).json() == path(store, "P1", "L1")
    assert get(client, "/api/entities/P1/network?hops=1", tokens["officer"]).json() == ego(store, "P1", hops=1)
    assert get(client, "/api/coverage?as_of=2025-12-31", tokens["officer"]).json() == coverage(
        store, as_of="2025-12-31"
    )
    assert get(client, "/api/coverage?as_of=2025-12-31&candidates=true", tokens["officer"]).json() == coverage(
        store, as_of="2025-12-31", candidates=True
    )
    spec = client.get("/openapi.json").json()
    assert {
        "/api/search",
        "/api/entities/{id}",
        "/api/entities/{id}/network",
        "/api/paths",
        "/api/coverage",
        "/api/common",
        "/api/brokers",
        "/api/quality",
        "/api/stats",
        "/api/audit",
        "/api/cypher",
        "/api/ingest",
    } <= set(spec["paths"])
    assert spec["paths"]["/api/paths"]["get"]["responses"]["200"]["content"]["application/json"]["schema"]


def test_the_audit_log_pages_oldest_first(client, tokens):
    for node in ("P1", "P2", "B1"):
        get(client, f"/api/entities/{node}", tokens["officer"])
    page = get(client, "/api/audit?limit=2&offset=1", tokens["admin"]).json()
    assert page["total"] == 3 and page["offset"] == 1
    assert [r["ids"] for r in page["records"]] == [["P2"], ["B1"]]


def test_every_export_is_audited_with_the_people_it_holds_and_named(client, tokens, store):
    response = get(client, "/api/export?format=gexf&scope=base:B1", tokens["officer"])
    assert response.headers["content-disposition"] == (
        "attachment; filename=\"tongxin-base-B1.gexf\"; filename*=UTF-8''tongxin-base-B1.gexf"
    )
    records = get(client, "/api/audit", tokens["admin"]).json()["records"]
    assert [(r["operation"], r["format"], r["scope"], r["masked"]) for r in records] == [
        ("export", "gexf", "base:B1", False)
    ]
    people = {n["id"] for n in get(client, "/api/export?format=json&scope=base:B1", tokens["officer"]).json()["nodes"]}
    people = {i for i in people if "Person" in store.get(i).labels}  # the members, their leader, who they know
    assert len(people) >= 2 and set(records[0]["ids"]) == people and records[0]["count"] == len(people)


def test_viewers_export_only_when_the_settings_allow_and_then_masked(settings, tokens):
    with TestClient(create_app(settings)) as client:
        assert get(client, "/api/me", tokens["viewer"]).json()["may_export"] is False
    opened = settings.model_copy(update={"viewer_exports": True})
    with TestClient(create_app(opened)) as client:
        assert get(client, "/api/me", tokens["viewer"]).json()["may_export"] is True
        texts = [get(client, url, tokens["viewer"]).text for url in EXPORTS]
    assert texts and not any(secret in text for text in texts for secret in SECRETS)


def test_networks_paths_and_shared_contacts_are_audited_with_the_people_they_show(client, tokens):
    for url in ("/api/entities/P1/network?hops=1", "/api/paths?from=P1&to=L1", "/api/common?a=P1&b=P2"):
        get(client, url, tokens["viewer"])
    records = get(client, "/api/audit", tokens["admin"]).json()["records"]
    assert [(r["operation"], "P1" in r["ids"], r["masked"]) for r in records] == [
        ("network", True, True),
        ("paths", True, True),
        ("common", True, True),
    ]
    assert "L1" in records[1]["ids"] and "B1" not in records[0]["ids"]


def test_every_answer_carries_the_security_headers_and_personal_ones_are_not_cached(client, tokens):
    for path, personal in (("/", False), ("/app.js", False), ("/health", False), ("/docs", False), ("/api/me", True)):
        response = client.get(path, headers={"Authorization": f"Bearer {tokens['viewer']}"})
        headers = response.headers
        assert "default-src 'self'" in headers["content-security-policy"], path
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "http" not in headers["content-security-policy"]  # no third-party origin
        assert headers["x-content-type-options"] == "nosniff" and headers["referrer-policy"] == "no-referrer"
        assert (headers.get("cache-control") == "no-store") == personal, path
    docs = client.get("/docs").text
    assert "cdn" not in docs.lower() and "/vendor/swagger-ui/swagger-ui-bundle.js" in docs
    assert client.get("/redoc").status_code == 404
    assert client.get("/vendor/swagger-ui/LICENSE").status_code == 200


def test_a_token_past_its_rate_gets_429_with_retry_after_and_others_go_on(settings, tokens):
    strict = settings.model_copy(update={"rate_per_minute": 4})  # a burst of one, then one each 15 s
    with TestClient(create_app(strict)) as client:
        assert get(client, "/api/stats", tokens["viewer"]).status_code == 200
        refused = get(client, "/api/stats", tokens["viewer"])
        assert refused.status_code == 429 and refused.headers["content-type"] == "application/problem+json"
        assert 1 <= int(refused.headers["retry-after"]) <= 15 and "秒后再试" in refused.json()["detail"]
        assert get(client, "/api/stats", tokens["officer"]).status_code == 200  # another token is not held up


def test_heavy_answers_are_shared_until_the_graph_changes(client, tokens, store, tmp_path):
    url = "/api/export?format=json&scope=base:B1"
    first = get(client, url, tokens["officer"]).content
    assert get(client, url, tokens["admin"]).content == first  # another caller, the same bytes

    def memberships(content: bytes) -> set[str]:
        return {link["key"] for link in json.loads(content)["links"] if link["relationship"] == "MEMBER_OF"}

    assert ingest(store, [write_csv(tmp_path / "new", "关系.csv", "起点,关系,终点\nL1,成员,B1\n")]).written
    added = memberships(get(client, url, tokens["officer"]).content) - memberships(first)
    assert added == {"MEMBER_OF:L1->B1|"}  # not the kept answer: the graph changed


def test_a_report_is_audited_with_the_people_it_names(client, tokens, store):
    get(client, "/api/report?as_of=2025-12-31&year=2025", tokens["viewer"])  # counts only: no one named
    document = get(client, "/api/report?as_of=2025-12-31&year=2025&format=html", tokens["viewer"]).text
    records = get(client, "/api/audit", tokens["admin"]).json()["records"]
    assert [(r["operation"], r["format"]) for r in records] == [("report", "json"), ("report", "html")]
    assert records[0]["ids"] == [] and records[1]["ids"] == ["L1"]  # the leader drawn by name in B1's picture
    assert store.get("L1").properties["name"] in document


def test_the_work_list_is_the_coverage_person_by_person(client, tokens):
    import io

    import openpyxl

    figures = get(client, "/api/coverage?as_of=2025-12-31", tokens["viewer"]).json()
    work = get(client, "/api/coverage/people?as_of=2025-12-31", tokens["viewer"]).json()
    by_status = {s: [r["id"] for r in work["rows"] if r["status"] == s] for s in ("未列名联系", "超期未联系")}
    assert work["total"] == work["shown"] == figures["total"]
    assert sorted(by_status["未列名联系"]) == sorted(figures["uncovered"])
    assert sorted(by_status["超期未联系"]) == sorted(figures["stale"])
    p1 = next(r for r in work["rows"] if r["id"] == "P1")  # 张伟, listed with L1, visited on 2025-09-01 by phone
    assert p1["last_contact"] == {
        "date": "2025-09-01",
        "by": {"id": "L1", "name": p1["liaisons"][0]["name"]},
        "method": "电话",
    }
    assert p1["days"] == 121 and p1["region"] == "五马街道"
    kept = get(client, "/api/coverage/people?as_of=2025-12-31&region=七都街道", tokens["viewer"]).json()
    assert {r["region"] for r in kept["rows"]} <= {"七都街道"} and kept["total"] == work["total"]
    book = get(client, "/api/coverage/people?as_of=2025-12-31&format=xlsx", tokens["viewer"])
    rows = list(openpyxl.load_workbook(io.BytesIO(book.content)).active.iter_rows(values_only=True))
    assert [r[0] for r in rows[3:]] == [r["name"] for r in work["rows"]]
    assert get(client, "/api/coverage/people?format=pdf", tokens["viewer"]).status_code == 422
    odd = get(client, "/api/coverage/people?format=xlsx&region=%1F&base=a*b/c", tokens["viewer"])  # found by fuzzing
    assert odd.status_code == 200 and openpyxl.load_workbook(io.BytesIO(odd.content)).sheetnames


def test_a_visit_is_recorded_as_a_roster_row_would_be(client, store, tokens):
    from graph import liaison_facts
    from queries.coverage import coverage_facts

    def post(body, role="officer"):
        return client.post("/api/contacts", json=body, headers={"Authorization": f"Bearer {tokens[role]}"})

    visit = {"leader": "L1", "person": "P1", "date": "2025年12月20日", "method": "走访", "note": "了解经营情况"}
    assert post(visit, "viewer").status_code == 403
    refused = post({**visit, "date": "2025-13-45"})
    assert refused.status_code == 422 and "日期" in refused.json()["detail"]
    assert post({**visit, "person": "nobody"}).status_code == 422
    assert coverage_facts(store, "2025-12-31")["representatives"][0]["last_contact"] == "2025-09-01"
    dashboard = "/api/coverage?as_of=2025-12-31&window_days=30"
    assert "P1" in get(client, dashboard, tokens["viewer"]).json()["stale"]
    made = post(visit)
    assert made.status_code == 200 and made.json()["relationships_created"] == 1
    last = next(r for r in coverage_facts(store, "2025-12-31")["representatives"] if r["id"] == "P1")["last"]
    assert last == {"date": "2025-12-20", "by": "L1", "method": "走访"}
    assert "P1" not in get(client, dashboard, tokens["viewer"]).json()["stale"]  # the kept facts followed the visit
    assert store.kept_facts() == {i: fact for i, fact in liaison_facts.gather(store).items() if fact}
    assert post(visit).json()["relationships_created"] == 0  # the same visit twice is one record
    records = get(client, "/api/audit", tokens["admin"]).json()["records"]
    assert [(r["operation"], r["ids"]) for r in records if r["operation"] == "contact"][-1] == ("contact", ["L1", "P1"])


def test_a_viewer_sees_a_service_case_without_its_note(client, store, tokens, tmp_path):
    cases = write_csv(
        tmp_path / "cases",
        "服务事项.csv",
        "编号,事项,日期,类别,状态,价值（元）,求助方,承办专家,经由同心荟,备注\n"
        "S1,合同纠纷咨询,2024-04-02,法律咨询,办结,5000,张伟,曾小单,工艺美术·同心荟,对方法定代表人李四拖欠货款\n",
    )
    assert ingest(store, [cases]).errors == []
    seen = get(client, "/api/entities/S1", tokens["viewer"]).json()["properties"]
    assert (seen["kind"], seen["status"], seen["value"], seen["note"]) == ("法律", "已解决", 5000, "（已隐藏）")
    assert "李四" not in get(client, "/api/entities/S1/network", tokens["viewer"]).text
    assert get(client, "/api/entities/S1", tokens["officer"]).json()["properties"]["note"].endswith("拖欠货款")
    sides = {r["zh"] for r in get(client, "/api/entities/S1", tokens["viewer"]).json()["relationships"]}
    assert sides == {"求助", "承办", "经由"}


def test_a_case_and_a_proposal_keep_their_free_text_from_viewers_and_list_as_cards(client, store, tokens, tmp_path):
    """A service case's note and a proposal's summary may name people: a viewer gets the case and
    the proposal without them; the expert's and author's pages list them with their card columns."""
    folder = tmp_path / "voices"
    write_csv(
        folder,
        "服务事项.csv",
        "编号,事项,日期,类别,状态,情况说明,求助方,承办专家\nS1,合同纠纷咨询,2025-03-05,法律,已解决,张伟当面反映欠款,E1,P2\n",
    )
    write_csv(
        folder,
        "提案建议.csv",
        "编号,题目,类别,年度,办理情况,内容摘要,撰写人\nY1,关于非遗进社区的提案,提案,2025,立案,曾小单调研所得,P1\n",
    )
    assert ingest(store, [folder]).errors == []
    for role, note, summary in (
        ("viewer", "（已隐藏）", "（已隐藏）"),
        ("officer", "张伟当面反映欠款", "曾小单调研所得"),
    ):
        assert get(client, "/api/entities/S1", tokens[role]).json()["properties"]["note"] == note
        assert get(client, "/api/entities/Y1", tokens[role]).json()["properties"]["summary"] == summary
    for owner, rel, card in (
        ("P2", "PROVIDED", {"date": "2025-03-05", "kind": "法律", "status": "已解决", "value": None}),
        ("P1", "AUTHORED", {"year": 2025, "kind": "提案", "channel": None, "status": "立案"}),
    ):
        page = get(client, f"/api/entities/{owner}", tokens["viewer"]).json()
        listed = next(r for r in page["relationships"] if r["type"] == rel)["neighbours"]
        assert [n["card"] for n in listed] == [card]
        more = get(client, f"/api/entities/{owner}/neighbours?type={rel}&direction=out", tokens["viewer"]).json()
        assert [n["card"] for n in more["neighbours"]] == [card]
