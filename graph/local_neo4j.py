"""The project's own Neo4j for development, tests and CI: no Docker, no internet.

Maven fetches Neo4j Community (``neo4j/pom.xml``) from Maven Central; the real server
(``org.neo4j.server.CommunityEntryPoint``) then runs on the installed Java 17, bound to
127.0.0.1, with its data under the git-ignored ``neo4j/run/``.  Authentication is off
because only this machine can reach it; production servers keep theirs on.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

from graph.errors import StoreUnavailable

PROJECT_DIR = Path(__file__).resolve().parents[1]
POM = PROJECT_DIR / "neo4j" / "pom.xml"
ENTRY_POINT = "org.neo4j.server.CommunityEntryPoint"
DEFAULT_PORT = 7687


@dataclass(frozen=True)
class LocalNeo4j:
    home: Path
    port: int = DEFAULT_PORT
    heap: str = "1g"
    pagecache: str = "512m"

    @property
    def uri(self) -> str:
        return f"bolt://127.0.0.1:{self.port}"

    @property
    def lib(self) -> Path:
        return self.home / "lib"

    @property
    def import_dir(self) -> Path:
        """Where ``LOAD CSV FROM 'file:///…'`` reads."""
        return self.home / "import"

    @property
    def pid_file(self) -> Path:
        return self.home / "neo4j.pid"

    @property
    def console_log(self) -> Path:
        return self.home / "logs" / "console.log"


def local_server(port: int | None = None) -> LocalNeo4j:
    """The local server as configured by ``TONGXIN_NEO4J_HOME``, ``…_PORT``, ``…_HEAP`` and ``…_PAGECACHE``."""
    home = Path(os.environ.get("TONGXIN_NEO4J_HOME") or PROJECT_DIR / "neo4j" / "run")
    port = port or int(os.environ.get("TONGXIN_NEO4J_PORT") or DEFAULT_PORT)
    return LocalNeo4j(
        home.resolve(),
        port,
        os.environ.get("TONGXIN_NEO4J_HEAP") or "1g",
        os.environ.get("TONGXIN_NEO4J_PAGECACHE") or "512m",
    )


def _require(tool: str, why: str) -> str:
    path = shutil.which(tool)
    if path is None:
        raise StoreUnavailable(f"找不到 {tool}：{why}")
    return path


def _java() -> str:
    java_home = os.environ.get("JAVA_HOME")
    if java_home and (Path(java_home) / "bin" / "java").exists():
        return str(Path(java_home) / "bin" / "java")
    return _require("java", "本地 Neo4j 5.26 需要 Java 17 或 21（apt-get install openjdk-17-jre-headless）")


def fetch(server: LocalNeo4j) -> None:
    """Download Neo4j's jars with Maven once; a second call is free."""
    marker = server.lib / ".complete"
    if marker.exists() and marker.read_text() == POM.read_text():
        return
    mvn = _require("mvn", "下载本地 Neo4j 需要 Maven（apt-get install maven）")
    shutil.rmtree(server.lib, ignore_errors=True)
    server.lib.mkdir(parents=True)
    done = subprocess.run(
        [
            mvn,
            "-q",
            "-B",
            "-f",
            str(POM),
            "dependency:copy-dependencies",
            f"-DoutputDirectory={server.lib}",
            "-DincludeScope=runtime",
        ],
        capture_output=True,
        text=True,
    )
    if done.returncode != 0:
        raise StoreUnavailable(f"Maven 未能下载 Neo4j：\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    marker.write_text(POM.read_text())


def _write_conf(server: LocalNeo4j) -> Path:
    conf = server.home / "conf"
    conf.mkdir(parents=True, exist_ok=True)
    (server.home / "logs").mkdir(exist_ok=True)
    (conf / "neo4j.conf").write_text(
        "\n".join(
            [
                "server.default_listen_address=127.0.0.1",
                f"server.bolt.listen_address=127.0.0.1:{server.port}",
                "server.http.enabled=false",
                "server.https.enabled=false",
                "dbms.security.auth_enabled=false",
                "dbms.usage_report.enabled=false",
                f"server.directories.data={server.home / 'data'}",
                f"server.directories.logs={server.home / 'logs'}",
                f"server.directories.import={server.import_dir}",
                f"server.memory.pagecache.size={server.pagecache}",
                "db.tx_log.preallocate=false",
                # The default keeps two days of logs: a day of test runs and benchmark loads
                # filled a 250 GB disk (66 GB of logs) and stopped the server.
                "db.tx_log.rotation.retention_policy=1G size",
                # A write's index hint (USING INDEX SEEK) the planner cannot honour is an error
                # here, not a quiet fallback to a scan: the tests show every hint is honoured.
                "dbms.cypher.hints_error=true",
                "",
            ]
        )
    )
    return conf


def _pid(server: LocalNeo4j) -> int | None:
    """The server's pid while it lives; reaps it when this process started it."""
    try:
        pid = int(server.pid_file.read_text())
    except (FileNotFoundError, ValueError):
        return None
    try:
        if os.waitpid(pid, os.WNOHANG)[0] == pid:
            return None
    except ChildProcessError:
        pass
    try:
        os.kill(pid, 0)
    except (ProcessLookupError, PermissionError):
        return None
    return pid


def free_port() -> int:
    """A loopback port nobody listens on (for a second server or a refused start)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _bolt_answers(port: int) -> bool:
    with socket.socket() as sock:
        sock.settimeout(1)
        return sock.connect_ex(("127.0.0.1", port)) == 0


def status(server: LocalNeo4j) -> dict:
    pid = _pid(server)
    return {
        "running": pid is not None and _bolt_answers(server.port),
        "pid": pid,
        "uri": server.uri,
        "home": str(server.home),
    }


def start(server: LocalNeo4j, timeout: float = 180) -> str:
    """Start the server unless it runs already; return its URI once Bolt answers."""
    if _pid(server) is not None:
        _wait_for_bolt(server, timeout)
        return server.uri
    if _bolt_answers(server.port):
        raise StoreUnavailable(f"端口 {server.port} 已被其他程序占用，请换一个端口（--port）")
    java = _java()
    fetch(server)
    conf = _write_conf(server)
    command = [
        java,
        "-Xms512m",
        f"-Xmx{server.heap}",
        "-XX:+UseG1GC",
        "--add-opens=java.base/java.nio=ALL-UNNAMED",
        "--add-opens=java.base/sun.nio.ch=ALL-UNNAMED",
        "--add-opens=java.base/java.lang=ALL-UNNAMED",
        "-cp",
        f"{server.lib}/*",
        ENTRY_POINT,
        f"--home-dir={server.home}",
        f"--config-dir={conf}",
    ]
    with open(server.console_log, "ab") as log:
        process = subprocess.Popen(
            command, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL, start_new_session=True
        )
    server.pid_file.write_text(str(process.pid))
    _wait_for_bolt(server, timeout, process)
    return server.uri


def _serves_queries(uri: str) -> bool:
    """Bolt binds before the default database is up; only a query proves it is ready."""
    from neo4j.exceptions import Neo4jError, ServiceUnavailable, SessionExpired

    from neo4j import GraphDatabase

    try:
        with GraphDatabase.driver(uri, connection_timeout=2) as driver:
            driver.execute_query("RETURN 1")
        return True
    except (Neo4jError, ServiceUnavailable, SessionExpired, OSError):
        return False


def _wait_for_bolt(server: LocalNeo4j, timeout: float, process=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if _bolt_answers(server.port) and _serves_queries(server.uri):
            return
        if process is not None and process.poll() is not None:
            server.pid_file.unlink(missing_ok=True)
            raise StoreUnavailable(f"Neo4j 启动失败，见 {server.console_log}：\n{_tail(server)}")
        time.sleep(0.5)
    raise StoreUnavailable(f"Neo4j 在 {timeout:.0f} 秒内未就绪，见 {server.home / 'logs'}")


def _tail(server: LocalNeo4j, lines: int = 20) -> str:
    log = server.home / "logs" / "neo4j.log"
    text = log.read_text(errors="replace") if log.exists() else server.console_log.read_text()
    return "\n".join(text.splitlines()[-lines:])


def import_csv(server: LocalNeo4j, nodes: Path, relationships: Path) -> str:
    """``neo4j-admin database import full`` into the (stopped) server's database; its report."""
    fetch(server)
    conf = _write_conf(server)
    done = subprocess.run(
        [
            _java(),
            "-cp",
            f"{server.lib}/*",
            "org.neo4j.server.startup.Neo4jAdminCommand",
            "database",
            "import",
            "full",
            f"--nodes={nodes}",
            f"--relationships={relationships}",
            "--overwrite-destination",
            f"--report-file={server.home / 'logs' / 'import.report'}",
            "neo4j",
        ],
        capture_output=True,
        text=True,
        env={**os.environ, "NEO4J_HOME": str(server.home), "NEO4J_CONF": str(conf)},
    )
    if done.returncode != 0:
        raise StoreUnavailable(f"neo4j-admin 导入失败：\n{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return done.stdout


def stop(server: LocalNeo4j, timeout: float = 60) -> bool:
    """Stop the server; False when it was not running."""
    pid = _pid(server)
    if pid is None:
        server.pid_file.unlink(missing_ok=True)
        return False
    os.kill(pid, signal.SIGTERM)
    deadline = time.monotonic() + timeout
    while _pid(server) is not None and time.monotonic() < deadline:
        time.sleep(0.5)
    if _pid(server) is not None:
        os.kill(pid, signal.SIGKILL)
    server.pid_file.unlink(missing_ok=True)
    return True
