"""Hostile roster files and bodies sent to a served API: each ends in a clear 4xx problem, nothing
is written, the upload's temporary folder is gone, and the API keeps answering meanwhile."""

from __future__ import annotations

import glob
import io
import json
import resource
import tempfile
import threading
import zipfile
from pathlib import Path

import openpyxl
import pytest
import requests

from api.access import Role, Tokens
from api.app import create_app
from graph.settings import Settings
from ingest.pipeline import ingest
from reliability.common import digest, serving
from tests.conftest import TINY_DIR


def _declared_everything() -> bytes:
    """A few KB that declare A1:XFD1048576, with a cell in the last one and a merge over all."""
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.title = "人员"
    sheet.append(["姓名", "人员类别"])
    sheet.append(["张伟", "新阶层人士"])
    sheet["XFD1048576"] = "x"
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()  # openpyxl would make every merged cell: the merge goes into the XML
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as patched:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "xl/worksheets/sheet1.xml":
                data = data.replace(
                    b"</sheetData>", b'</sheetData><mergeCells count="1"><mergeCell ref="A3:XFD1048575"/></mergeCells>'
                )
            patched.writestr(item, data)
    return out.getvalue()


def _shared_strings_bomb() -> bytes:
    """A valid workbook whose shared strings unpack to 300 MB."""
    book = openpyxl.Workbook()
    book.active.append(["姓名", "人员类别"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with zipfile.ZipFile(plain) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        for item in source.infolist():
            bomb.writestr(item, source.read(item))
        with bomb.open("xl/sharedStrings2.xml", "w") as handle:
            chunk = b"<si><t>" + b"A" * 65_000 + b"</t></si>"
            for _ in range(300 * 16):
                handle.write(chunk)
    return out.getvalue()


HOSTILE = {
    "声明了整张表.xlsx": _declared_everything,
    "共享字符串炸弹.xlsx": _shared_strings_bomb,
    "一百万行.csv": lambda: "姓名,人员类别\n".encode() + "张伟,新阶层人士\n".encode() * 1_000_000,
    "十万列.csv": lambda: ",".join(f"列{i}" for i in range(100_000)).encode() + b"\n",
    "深嵌套.json": lambda: b"[" * 200_000 + b"]" * 200_000,
    "..": lambda: "姓名,人员类别\n张伟,新阶层人士\n".encode(),
    "名" * 300 + ".csv": lambda: "姓名,人员类别\n张伟,新阶层人士,多余\n".encode(),
}


@pytest.fixture(scope="module")
def api(tmp_path_factory):
    settings = Settings(store=str(tmp_path_factory.mktemp("hostile-files") / "store"))
    app = create_app(settings)
    admin = Tokens(settings.config_dir).create(Role.admin)["token"]
    with serving(app) as port:
        store = app.state.store
        assert ingest(store, [TINY_DIR]).ok
        yield f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {admin}"}, store


def _uploads() -> set[str]:
    return set(glob.glob(str(Path(tempfile.gettempdir()) / "tongxin-upload-*")))


@pytest.mark.parametrize("name", list(HOSTILE))
def test_a_hostile_file_is_refused_clearly_while_the_api_keeps_answering(api, name):
    base, headers, store = api
    before, folders, peak = digest(store), _uploads(), resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    answer: dict = {}

    def upload():
        files = {"files": (name, HOSTILE[name](), "application/octet-stream")}
        answer["response"] = requests.post(f"{base}/api/ingest", files=files, headers=headers, timeout=120)

    sender = threading.Thread(target=upload)
    sender.start()
    health = []
    while sender.is_alive():  # the upload is read and checked off the event loop
        health.append(requests.get(f"{base}/health", timeout=5).status_code)
    sender.join()
    response = answer["response"]
    assert 400 <= response.status_code < 500, response.text[:300]
    assert response.headers["content-type"].startswith("application/problem+json")
    body = response.json()
    assert body["detail"] and len(response.content) < 1_000_000
    assert "/tmp" not in response.text and "Traceback" not in response.text
    assert set(health) <= {200}
    assert digest(store) == before, "nothing written"
    assert _uploads() <= folders, "the upload's temporary folder is removed"
    grown_kb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak
    assert grown_kb < 500 * 1024, f"peak memory grew by {grown_kb // 1024} MB"


def test_a_refusal_names_what_was_too_big(api):
    base, headers, _ = api
    files = {"files": ("十万列.csv", HOSTILE["十万列.csv"](), "text/csv")}
    body = requests.post(f"{base}/api/ingest", files=files, headers=headers, timeout=60).json()
    assert body["error_count"] == 1 and "超过 500 列" in body["errors"][0]["message"]
    files = {"files": ("一百万行.csv", HOSTILE["一百万行.csv"](), "text/csv")}
    body = requests.post(f"{base}/api/ingest", files=files, headers=headers, timeout=60).json()
    assert "超过 200,000 行" in body["errors"][0]["message"] and body["errors"][0]["file"] == "一百万行.csv"


def test_a_body_nested_too_deep_is_a_problem_not_a_crash(api):
    base, headers, _ = api
    deep = b'{"query": "RETURN 1", "params": ' + b'{"a": ' * 200_000 + b"1" + b"}" * 200_001
    response = requests.post(
        f"{base}/api/cypher", data=deep, headers={**headers, "Content-Type": "application/json"}, timeout=60
    )
    assert 400 <= response.status_code < 500
    assert response.headers["content-type"].startswith("application/problem+json")
    assert json.loads(response.text)["detail"]
