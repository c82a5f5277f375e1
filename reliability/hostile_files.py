"""Hostile roster files, and how the served API meets them: ``python -m reliability.hostile_files``.

A 5 KB workbook declaring all of A1:XFD1048576, a workbook whose shared strings unpack to
300 MB, a million-row CSV, a 100,000-column CSV, JSON nested 200,000 deep, and uploads named
``..`` or 300 characters long.  Each must end in a 4xx problem with nothing written while
``/health`` keeps answering; the tests assert that, this times it (upload to answer, the
slowest ``/health`` meanwhile, the growth of the server's peak memory).
"""

from __future__ import annotations

import io
import json
import resource
import tempfile
import threading
import time
import zipfile
from pathlib import Path

import openpyxl
import requests

from api.access import Role, Tokens
from api.app import create_app
from graph.settings import Settings
from reliability.common import serving


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


def upload(base: str, headers: dict, name: str, content: bytes) -> tuple[requests.Response, list[float]]:
    """POST one file to ``/api/ingest`` while asking ``/health`` again and again; the answer and
    each ``/health`` time in seconds."""
    answer: dict = {}

    def send() -> None:
        files = {"files": (name, content, "application/octet-stream")}
        answer["response"] = requests.post(f"{base}/api/ingest", files=files, headers=headers, timeout=300)

    sender = threading.Thread(target=send)
    sender.start()
    health = []
    while sender.is_alive():
        started = time.perf_counter()
        requests.get(f"{base}/health", timeout=5).raise_for_status()
        health.append(time.perf_counter() - started)
    sender.join()
    return answer["response"], health


def main() -> None:
    with tempfile.TemporaryDirectory() as folder:
        settings = Settings(store=str(Path(folder) / "store"))
        app = create_app(settings)
        headers = {"Authorization": f"Bearer {Tokens(settings.config_dir).create(Role.admin)['token']}"}
        with serving(app) as port:
            base = f"http://127.0.0.1:{port}"
            for name, build in HOSTILE.items():
                content = build()
                peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
                started = time.perf_counter()
                response, health = upload(base, headers, name, content)
                figures = {
                    "file": name[:40],
                    "bytes": len(content),
                    "status": response.status_code,
                    "seconds": round(time.perf_counter() - started, 2),
                    "slowest_health_ms": round(max(health, default=0) * 1000, 1),
                    "health_checks": len(health),
                    "peak_growth_mb": (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - peak) // 1024,
                    "detail": response.json().get("detail", "")[:60],
                }
                print(json.dumps(figures, ensure_ascii=False))


if __name__ == "__main__":
    main()
