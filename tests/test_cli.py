"""The ``tongxin`` command line, run through Typer's CliRunner against both stores."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import openpyxl
from typer.testing import CliRunner

from api.cli import app
from graph.ontology import load
from ingest.blank_workbook import INSTRUCTIONS, LISTS
from tests.conftest import SAMPLE_DIR, TINY_DIR, write_csv

TONGXIN = Path(sys.executable).parent / "tongxin"

runner = CliRunner()
HEAVY = ("matplotlib", "weasyprint", "rdflib", "fontTools", "openpyxl", "pypinyin", "neo4j", "networkx")


def tongxin(*args: str):
    return runner.invoke(app, list(args), catch_exceptions=False)


def test_ingest_then_stats_as_json(store_spec, tiny_expected):
    result = tongxin("--store", store_spec, "ingest", str(TINY_DIR), "--json")
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["ok"] is True
    assert {"nodes_created", "nodes_updated", "relationships_created", "relationships_updated", "errors"} <= set(report)
    result = tongxin("--store", store_spec, "stats", "--json")
    assert result.exit_code == 0
    assert json.loads(result.stdout) == tiny_expected


def test_coverage_names_candidate_leaders_only_when_asked(store_spec):
    from tests.test_queries import COVERAGE_DIR

    assert tongxin("--store", store_spec, "ingest", str(COVERAGE_DIR)).exit_code == 0
    figures = json.loads(tongxin("--store", store_spec, "coverage", "--as-of", "2025-06-30", "--json").stdout)
    assert figures["candidates"] is None and figures["uncovered"]
    asked = tongxin("--store", store_spec, "coverage", "--as-of", "2025-06-30", "--max-load", "2", "--candidates")
    assert asked.exit_code == 0 and "建议联系领导" in asked.stdout
    answer = json.loads(
        tongxin(
            "--store", store_spec, "coverage", "--as-of", "2025-06-30", "--max-load", "2", "--candidates", "--json"
        ).stdout
    )
    assert set(answer["candidates"]) == set(answer["uncovered"]) and answer["candidates"]["R7"]


def test_invalid_input_exits_2_with_every_error(store_spec, tmp_path):
    roster = write_csv(tmp_path, "bases.csv", "id,name,category,colour\nB1,某基地,创新型,红\n")
    result = tongxin("--store", store_spec, "ingest", str(roster), "--json")
    assert result.exit_code == 2
    errors = json.loads(result.stdout)["errors"]
    assert {(e["file"], e["row"], e["column"]) for e in errors} == {("bases.csv", 1, "colour")}
    assert set(errors[0]) == {"file", "sheet", "row", "column", "message", "value"}
    assert "未知列" in errors[0]["message"]


def test_errors_are_told_in_chinese_without_json(store_spec, tmp_path):
    roster = write_csv(tmp_path, "bases.csv", "id,name,category\nB1,某基地,创新型\n")
    result = tongxin("--store", store_spec, "ingest", str(roster))
    assert result.exit_code == 2
    assert "第 2 行" in result.stderr and "category" in result.stderr and "孵化型" in result.stderr


def test_a_store_that_cannot_be_reached_exits_1(monkeypatch):
    monkeypatch.setenv("NEO4J_MAX_RETRY_SECONDS", "1")
    result = tongxin("--store", "bolt://127.0.0.1:1", "stats", "--json")
    assert result.exit_code == 1
    assert "无法连接 Neo4j" in result.stderr


def test_generate_writes_every_template(tmp_path):
    result = tongxin("generate", "--people", "60", "--seed", "7", "--out", str(tmp_path))
    assert result.exit_code == 0
    assert {p.name for p in tmp_path.iterdir()} == {f"{t.zh}.csv" for t in load().templates.values()}


def test_template_writes_the_blank_workbook_that_ingests_as_nothing(tmp_path):
    target = tmp_path / "名册模板.xlsx"
    assert tongxin("template", "--out", str(target)).exit_code == 0
    assert openpyxl.load_workbook(target).sheetnames == [
        INSTRUCTIONS,
        *(t.zh for t in load().templates.values()),
        LISTS,
    ]
    result = tongxin("--store", str(tmp_path / "store"), "ingest", str(target), "--json")
    assert result.exit_code == 0 and json.loads(result.stdout)["rows"] == 0  # the instructions are no roster


def test_local_neo4j_status(neo4j_uri):
    result = tongxin("neo4j", "status", "--json")
    status = json.loads(result.stdout)
    if status["uri"] == neo4j_uri:  # the suite runs on the project's own server
        assert result.exit_code == 0 and status["running"] is True


def test_both_stores_answer_stats_alike_for_the_sample(tmp_path, neo4j_store):
    answers = []
    for spec in (str(tmp_path / "embedded"), neo4j_store.uri):
        assert tongxin("--store", spec, "ingest", str(SAMPLE_DIR), "--json").exit_code == 0
        answers.append(json.loads(tongxin("--store", spec, "stats", "--json").stdout))
    assert answers[0] == answers[1]
    assert answers[0]["nodes"]["Base"] == 17


def test_tokens_are_made_listed_revoked_and_audited(tmp_path):
    store = str(tmp_path / "store")
    made = json.loads(
        tongxin("--store", store, "token", "create", "--role", "viewer", "--name", "五马", "--json").stdout
    )
    assert made["token"].startswith("tx_") and made["role"] == "viewer"
    listed = json.loads(tongxin("--store", store, "token", "list", "--json").stdout)["tokens"]
    assert [(t["id"], t["name"], t["revoked"]) for t in listed] == [(made["id"], "五马", False)]
    assert made["token"] not in (tmp_path / "store" / "tokens.json").read_text()  # only its digest is kept
    assert tongxin("--store", store, "token", "revoke", made["id"]).exit_code == 0
    assert tongxin("--store", store, "token", "revoke", "nope").exit_code == 2
    records = json.loads(tongxin("--store", store, "audit", "--json").stdout)["records"]
    assert [(r["operation"], r["ids"]) for r in records] == [
        ("token.create", [made["id"]]),
        ("token.revoke", [made["id"]]),
    ]


def heavy_modules_loaded(code: str) -> list[str]:
    """The heavy modules a fresh interpreter holds after running ``code``."""
    probe = f"{code}\nimport json, sys\nprint(json.dumps(sorted(m for m in {HEAVY!r} if m in sys.modules)))"
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_the_command_line_starts_without_heavy_modules():
    """Scripts call ``tongxin`` many times: its import must not load the report, RDF or driver stacks."""
    assert heavy_modules_loaded("import api.cli") == []


def test_stats_on_an_embedded_store_loads_only_the_graph_library(tmp_path):
    store = str(tmp_path / "store")
    assert tongxin("--store", store, "ingest", str(TINY_DIR)).exit_code == 0
    run_stats = f"from api.cli import app\napp(['--store', {store!r}, 'stats'], standalone_mode=False)"
    assert heavy_modules_loaded(run_stats) == ["networkx"]


def test_explain_tells_how_a_roster_would_be_read_and_writes_nothing(tmp_path):
    import yaml

    from tests.test_sheets import office_workbook

    workbook = office_workbook(tmp_path / "代表人士.xlsx")
    result = tongxin("--store", str(tmp_path / "store"), "ingest", "--explain", str(workbook))
    assert result.exit_code == 0, result.output
    roster, summary = yaml.safe_load_all(result.stdout)
    assert (roster["sheet"], roster["header_row"], roster["rows"], roster["hidden_rows"]) == ("代表人士名册", 4, 2, [7])
    assert (
        roster["nodes"]["row"]["columns"]["birth_year"] == "出生年月"
        and "序号" not in roster["nodes"]["row"]["columns"].values()
    )
    assert summary == {"file": "代表人士.xlsx", "sheet": "汇总", "read": "汇总表，不读取"}
    assert not (tmp_path / "store").exists()


def test_serve_stops_on_sigterm_during_an_upload_and_leaves_nothing_behind(tmp_path):
    import glob
    import signal
    import tempfile
    import threading

    import requests

    from api.access import Role, Tokens
    from reliability.common import free_port

    store, port = tmp_path / "store", free_port()
    token = Tokens(store).create(Role.admin)["token"]
    rows = "".join(f"P{i:06d},人员{i},新阶层人士\n" for i in range(150_000))  # seconds of checking and writing
    roster = ("编号,姓名,人员类别\n" + rows).encode()
    before = set(glob.glob(str(Path(tempfile.gettempdir()) / "tongxin-upload-*")))
    server = subprocess.Popen([str(TONGXIN), "--store", str(store), "serve", "--port", str(port)])
    try:
        _wait_until_up(f"http://127.0.0.1:{port}")

        def upload() -> None:
            try:
                requests.post(
                    f"http://127.0.0.1:{port}/api/ingest",
                    files={"files": ("人员.csv", roster)},
                    headers={"Authorization": f"Bearer {token}"},
                    timeout=60,
                )
            except requests.ConnectionError:
                pass  # the server stopped under it: what this test does

        sending = threading.Thread(target=upload, daemon=True)
        sending.start()
        deadline = time.monotonic() + 30
        while not set(glob.glob(str(Path(tempfile.gettempdir()) / "tongxin-upload-*"))) - before:
            assert time.monotonic() < deadline, "the upload never reached the server"
            time.sleep(0.05)  # until the upload is being checked
        stopped_at = time.monotonic()
        server.send_signal(signal.SIGTERM)
        assert server.wait(timeout=30) is not None
        assert time.monotonic() - stopped_at < 25  # the graceful wait, not the whole check
    finally:
        server.kill()
    assert set(glob.glob(str(Path(tempfile.gettempdir()) / "tongxin-upload-*"))) <= before
    # Stopped before the check ended, nothing is written; if the check ended within the grace
    # period, all of it is: never half a roster.
    written = (store / "graph.json").read_text() if (store / "graph.json").exists() else ""
    assert ("P000001" in written) == ("P149999" in written)


def test_an_export_to_a_file_is_private_and_audited_with_whose_records_left(store_spec, tmp_path, monkeypatch):
    monkeypatch.setenv("TONGXIN_CONFIG_DIR", str(tmp_path / "config"))
    assert tongxin("--store", store_spec, "ingest", str(TINY_DIR)).exit_code == 0
    plain, masked = tmp_path / "plain.json", tmp_path / "masked.json"
    for target, extra in ((plain, []), (masked, ["--masked"])):
        target.write_text("an older file, open to all")
        target.chmod(0o644)
        result = tongxin(
            "--store", store_spec, "export", "--format", "json", "--scope", "base:B1", "--out", str(target), *extra
        )
        assert result.exit_code == 0, result.output
    assert plain.stat().st_mode & 0o777 == 0o600 and "13800138000" in plain.read_text(encoding="utf-8")
    assert masked.stat().st_mode & 0o777 == 0o644 and "13800138000" not in masked.read_text(encoding="utf-8")
    records = [json.loads(line) for line in (tmp_path / "config" / "audit.jsonl").read_text().splitlines()]
    exports = [(r["operation"], r["ids"], r["masked"]) for r in records if r["operation"] == "export"]
    people = sorted(n["id"] for n in json.loads(plain.read_text(encoding="utf-8"))["nodes"] if "Person" in n["labels"])
    assert "P1" in people and exports == [("export", people, False), ("export", people, True)]


def test_serve_with_workers_shares_tokens_and_the_audit_log_across_processes(tmp_path):
    """Two worker processes: a token revoked by the command line is refused by every worker at the
    next request, and every read each worker served is one whole line of the one audit log."""
    from concurrent.futures import ThreadPoolExecutor

    import requests

    from api.access import Role, Tokens
    from api.audit import AUDIT_FILE
    from reliability.common import free_port

    store, port = tmp_path / "store", free_port()
    runner = CliRunner()
    assert runner.invoke(app, ["--store", str(store), "ingest", str(TINY_DIR)]).exit_code == 0
    made = Tokens(store).create(Role.officer, "两个进程")
    server = subprocess.Popen([str(TONGXIN), "--store", str(store), "serve", "--port", str(port), "--workers", "2"])
    base, headers = f"http://127.0.0.1:{port}", {"Authorization": f"Bearer {made['token']}"}
    try:
        _wait_until_up(base)
        workers = [p for p in Path("/proc").glob("[0-9]*") if _parent(p) == server.pid]
        assert len(workers) >= 2, "uvicorn runs two worker processes"

        def ask(_) -> int:  # a connection of its own each time: either worker may take it
            return requests.get(f"{base}/api/entities/P1", headers=headers, timeout=30).status_code

        def burst(n: int) -> list[int]:  # four at a time: the token's limit in flight
            with ThreadPoolExecutor(4) as pool:
                return list(pool.map(ask, range(n)))

        assert burst(40) == [200] * 40
        revoked = subprocess.run(
            [str(TONGXIN), "--store", str(store), "token", "revoke", made["id"]], capture_output=True, text=True
        )
        assert revoked.returncode == 0, revoked.stderr
        assert burst(20) == [401] * 20
    finally:
        server.terminate()
        server.wait(timeout=30)
    lines = (store / AUDIT_FILE).read_text(encoding="utf-8").splitlines()
    reads = [json.loads(line) for line in lines if '"entity"' in line]
    assert len(reads) == 40 and all(r["ids"] == ["P1"] and r["name"] == "两个进程" for r in reads)


def _wait_until_up(base: str, seconds: float = 30) -> None:
    import requests

    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            requests.get(f"{base}/health", timeout=1)
            return
        except requests.ConnectionError:
            time.sleep(0.1)
    raise AssertionError(f"{base} did not answer /health within {seconds} s")


def _parent(proc: Path) -> int | None:
    try:
        return int((proc / "stat").read_text().rsplit(")", 1)[1].split()[1])
    except (OSError, IndexError, ValueError):
        return None
