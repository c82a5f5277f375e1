"""Hostile input on the real Neo4j: Cypher injection in every parameter, and limits.

Every Cypher text the driver sends is recorded (the driver's own ``Result._run`` is wrapped,
not replaced): no hostile string may ever be part of one, so a query built by formatting
user input into Cypher fails here.  The database must be unchanged, refusals must not show
our query text, and out-of-bounds sizes are refused before any query is sent.
"""

from __future__ import annotations

import select
import socket
from urllib.parse import quote

import pytest
from fastapi.testclient import TestClient
from neo4j._sync.work.result import Result

from api.access import Role, Tokens
from api.app import create_app
from graph.settings import Settings
from ingest.pipeline import ingest
from reliability.common import digest, serving
from reliability.limits import KNOWN, LIMITS
from tests.conftest import SAMPLE_DIR, write_csv

MARK = "ZQX"  # in every hostile string, so a query text that holds one is found
HOSTILE = [
    "ZQX' OR 1=1 //",
    'ZQX"}) DETACH DELETE n //',
    "ZQX`) DETACH DELETE n WITH 1 AS x MATCH (m) DETACH DELETE m //",
    "ZQX}) MATCH (n) DETACH DELETE n RETURN 1 //",
    "ZQX' UNION MATCH (n) SET n.pwned = true RETURN n.id AS id //",
    "ZQX\\'; CALL db.clearQueryCaches() //",
    "ZQX$ids {limit: 1} ${id}",
    "ZQX%s{0}{id}{{root}}",
    "ZQX\n\r\t MATCH (n) DELETE n",
    "ZQX 张伟 ＭＡＴＣＨ (n) ＤＥＴＡＣＨ ＤＥＬＥＴＥ n",
    "MEMBER_OF|ZQX]-() DETACH DELETE n //",
    "MEMBER_OF,ZQX`]-() DETACH DELETE n //",
]


@pytest.fixture(scope="module")
def served(tmp_path_factory, neo4j_uri):
    settings = Settings(store=neo4j_uri, config_dir=tmp_path_factory.mktemp("hostile"))
    app = create_app(settings)
    tokens = {role.value: Tokens(settings.config_dir).create(role)["token"] for role in Role}
    with TestClient(app) as client:
        store = app.state.store
        store.clear()
        assert ingest(store, [SAMPLE_DIR]).ok
        yield client, store, tokens


@pytest.fixture
def sent(monkeypatch) -> list[str]:
    """The text of every Cypher query the driver sends while the test runs."""
    texts, original = [], Result._run

    def recording(self, query, *args, **kwargs):
        texts.append(str(query))
        return original(self, query, *args, **kwargs)

    monkeypatch.setattr(Result, "_run", recording)
    return texts


def hostile_requests():
    for h in HOSTILE:
        yield "GET", "/api/search", {"q": h}
        yield "GET", f"/api/entities/{quote(h, safe='')}", {}
        yield "GET", f"/api/entities/{quote(h, safe='')}/network", {"via": h}
        yield "GET", f"/api/entities/{KNOWN}/network", {"via": h}
        yield "GET", "/api/paths", {"from": h, "to": KNOWN, "via": h}
        yield "GET", "/api/paths", {"from": KNOWN, "to": h}
        yield "GET", "/api/common", {"a": KNOWN, "b": h, "via": h}
        yield "GET", "/api/coverage", {"as_of": h[:40]}
        yield "GET", "/api/quality", {"as_of": h[:40]}
        for scope in (
            h,
            f"base:{h}",
            f"region:{h}",
            f"ego:{h}",
            f"ego:{KNOWN}:{h}",
            f"path:{h}:{KNOWN}",
            f"path:{KNOWN}:{h}",
        ):
            yield "GET", "/api/brokers", {"scope": scope[:200]}
            yield "GET", "/api/export", {"format": "json", "scope": scope}
        yield "GET", "/api/export", {"format": h}
        yield "POST", "/api/cypher", {"query": "MATCH (n {id: $id}) RETURN n.id AS id", "params": {"id": h}}


def ask(client, token, method, url, params):
    headers = {"Authorization": f"Bearer {token}"}
    if method == "POST":
        return client.post(url, json=params, headers=headers)
    return client.get(url, params=params, headers=headers)


def test_hostile_strings_change_nothing_and_never_become_cypher(served, sent):
    client, store, tokens = served
    before = digest(store), store.counts()
    answers = [(request, ask(client, tokens["admin"], *request)) for request in hostile_requests()]
    assert sent, "the requests reached Neo4j"
    assert not [q for q in sent if MARK in q], "user input was formatted into Cypher"
    for request, response in answers:
        assert response.status_code < 500, (request, response.text)
        if response.status_code >= 400:
            leaked = [q for q in set(sent) for i in range(0, max(1, len(q) - 24), 8) if q[i : i + 24] in response.text]
            assert not leaked, (request, response.text)
    assert (digest(store), store.counts()) == before


def test_hostile_cells_are_stored_as_plain_data(served, sent, tmp_path):
    client, store, tokens = served
    rows = "".join(f'ZQX{i},"{h.replace(chr(34), chr(34) * 2)}",新阶层人士\n' for i, h in enumerate(HOSTILE[:8]))
    roster = write_csv(tmp_path, "people.csv", "id,name,roles\n" + rows)
    with open(roster, "rb") as handle:
        response = client.post(
            "/api/ingest",
            files=[("files", ("people.csv", handle))],
            headers={"Authorization": f"Bearer {tokens['admin']}"},
        )
    assert response.status_code == 200, response.text
    names = {i: store.get(f"ZQX{i}").properties["name"] for i in range(8)}
    assert names == {i: " ".join(h.split()) for i, h in enumerate(HOSTILE[:8])}
    assert not [q for q in sent if MARK in q]
    assert sum(store.counts()["nodes"].values()) > 8, "nothing else was deleted"


@pytest.mark.parametrize(
    "query",
    [
        "LOAD CSV FROM 'file:///etc/passwd' AS line RETURN line",
        "CALL dbms.setConfigValue('db.logs.query.enabled', 'OFF')",
        "CALL db.clearQueryCaches()",
        "MATCH (n) CALL apoc.load.json('http://example.org') YIELD value RETURN value",
        "USE system SHOW USERS",
    ],
)
def test_the_cypher_console_refuses_files_procedures_and_admin_before_the_server(served, sent, query):
    client, store, tokens = served
    response = client.post("/api/cypher", json={"query": query}, headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert "只读控制台不允许" in response.json()["detail"]
    assert not any(query in text for text in sent)
    allowed = client.post(
        "/api/cypher", json={"query": "CALL db.labels()"}, headers={"Authorization": f"Bearer {tokens['admin']}"}
    )
    assert allowed.status_code == 200 and "Person" in str(allowed.json()["rows"])


@pytest.mark.parametrize("url, params", LIMITS)
def test_out_of_bounds_sizes_are_refused_before_any_query(served, sent, url, params):
    client, _, tokens = served
    response = client.get(url, params=params, headers={"Authorization": f"Bearer {tokens['admin']}"})
    assert response.status_code == 422 and response.headers["content-type"] == "application/problem+json"
    assert "请求参数无效" in response.json()["detail"]
    assert sent == [], "refused before the store was asked"


@pytest.mark.parametrize("scope", [f"ego:{KNOWN}:999999", f"ego:{KNOWN}:三", f"ego:{KNOWN}:-1"])
def test_export_scopes_with_bad_hops_are_refused(served, scope):
    client, _, tokens = served
    response = client.get(
        "/api/export",
        params={"format": "json", "scope": scope},
        headers={"Authorization": f"Bearer {tokens['officer']}"},
    )
    assert response.status_code == 422 and ("跳数" in response.json()["detail"] or "hops" in response.json()["detail"])


@pytest.fixture
def live_server(tmp_path):
    """The app under uvicorn on a free port, with a 1 MB upload limit; (port, admin token)."""
    settings = Settings(store=str(tmp_path / "store"), config_dir=tmp_path, max_upload_mb=1)
    token = Tokens(tmp_path).create(Role.admin)["token"]
    with serving(create_app(settings)) as port:
        yield port, token


def upload_head(token: str, length_header: str) -> bytes:
    return (
        f"POST /api/ingest HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer {token}\r\n"
        f"Content-Type: multipart/form-data; boundary=b\r\n{length_header}\r\n\r\n"
    ).encode()


def read_answer(sock) -> tuple[str, str]:
    """The status line and body of one HTTP response."""
    data = b""
    while b"\r\n\r\n" not in data:
        data += sock.recv(65536)
    head, _, body = data.partition(b"\r\n\r\n")
    length = int(
        next(line.split(b":")[1] for line in head.split(b"\r\n") if line.lower().startswith(b"content-length"))
    )
    while len(body) < length:
        body += sock.recv(65536)
    return head.split(b"\r\n")[0].decode(), body.decode()


def test_an_upload_declared_too_large_is_refused_before_its_body(live_server):
    port, token = live_server
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.sendall(upload_head(token, f"Content-Length: {10 << 30}"))  # and not one byte of it
        status, body = read_answer(sock)
    assert status.startswith("HTTP/1.1 413") and "请求体超过 1 MB" in body


def test_an_upload_sent_in_chunks_is_refused_once_it_passes_the_limit(live_server):
    port, token = live_server
    part = (
        b'--b\r\nContent-Disposition: form-data; name="files"; filename="people.csv"\r\n'
        b"Content-Type: text/csv\r\n\r\nid,name,roles\r\n"
    )
    chunk = b"x" * (64 << 10)
    sent = 0
    with socket.create_connection(("127.0.0.1", port)) as sock:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, 64 << 10)
        sock.sendall(upload_head(token, "Transfer-Encoding: chunked") + b"%x\r\n%s\r\n" % (len(part), part))
        while sent < 100 << 20 and not select.select([sock], [], [], 0.002)[0]:  # up to 100 MB, until it answers
            try:
                sock.sendall(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            except (BrokenPipeError, ConnectionResetError):
                break
            sent += len(chunk)
        status, body = read_answer(sock)
    assert status.startswith("HTTP/1.1 413") and "请求体超过 1 MB" in body
    # what was sent is the limit plus what the sockets buffer, not the 100 MB on offer
    assert sent < 8 << 20, f"{sent >> 20} MB went out before the 1 MB limit was told"
