"""The ``tongxin`` command line: the same query functions as the HTTP API.

Exit codes: 0 success, 2 invalid input, 1 anything else.  ``--json`` prints the answer
as the API would return it.  Commands import the work they do when they run, so that
scripts calling ``tongxin`` many times do not each pay for openpyxl, pypinyin or matplotlib.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api import admin_commands, query_commands
from api.access import Role
from api.audit import AuditLog
from api.console import JsonOption, answer, err, fail, out, print_json, settings, warn
from graph import local_neo4j
from graph.errors import TongxinError
from graph.ontology import load
from graph.settings import Settings, is_neo4j_uri, open_store, settings_from_env
from ingest.templates import TEMPLATE_FILE

PROJECT_DIR = Path(__file__).resolve().parents[1]
SAMPLE_DIR = PROJECT_DIR / "data" / "sample"

app = typer.Typer(
    help="同心图谱：新的社会阶层人士统战工作知识图谱。", no_args_is_help=True, pretty_exceptions_enable=False
)
neo4j_app = typer.Typer(help="本项目自带的本地 Neo4j（开发、测试与 CI 用）。", no_args_is_help=True)
app.add_typer(neo4j_app, name="neo4j")
app.add_typer(admin_commands.token_app, name="token")
app.command()(admin_commands.audit)
for command in query_commands.COMMANDS:
    app.command()(command)


@app.callback()
def main(
    ctx: typer.Context,
    store: Annotated[
        str | None,
        typer.Option(
            help="Neo4j 地址（bolt://、neo4j://、neo4j+s://）或嵌入式图库文件夹；默认 $TONGXIN_STORE，否则 ./.tongxin"
        ),
    ] = None,
) -> None:
    ctx.obj = settings_from_env(store)


@app.command()
def ingest(
    ctx: typer.Context,
    paths: Annotated[list[Path], typer.Argument(help="名册文件或文件夹（CSV、JSON、XLSX、XLS）")],
    skip_invalid: Annotated[
        bool, typer.Option(help="写入有效行，报告其余 / write valid rows, report the rest")
    ] = False,
    dry_run: Annotated[
        bool, typer.Option(help="只校验，报告将会改变什么 / validate and tell what would change")
    ] = False,
    mapping: Annotated[
        Path | None, typer.Option(help="其他格式名册的映射文件（YAML）/ a mapping file for other layouts")
    ] = None,
    batch_size: Annotated[
        int | None, typer.Option(min=1, help="每个写入事务的行数 / rows per write transaction")
    ] = None,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1, help="同时检查名册各行的进程数，默认为本机 CPU 核数 / processes that check the rows (default: cores)"
        ),
    ] = None,
    explain: Annotated[
        bool,
        typer.Option(
            help="不导入，只说明会怎样读（表头行、各列对应的模板列），写成映射文件的样子 / how files would be read"
        ),
    ] = False,
    as_json: JsonOption = False,
) -> None:
    """导入名册（CSV、JSON、XLSX、XLS）/ ingest rosters into the store."""
    if explain:
        _explain(paths)
        return
    chosen = settings(ctx)
    if batch_size:
        chosen = chosen.model_copy(update={"batch_size": batch_size})
    _load(chosen, paths, skip_invalid=skip_invalid, dry_run=dry_run, mapping=mapping, as_json=as_json, workers=workers)


def _explain(paths: list[Path]) -> None:
    """Print, for each sheet, how it would be read, in a mapping file's words (YAML)."""
    import yaml

    from ingest.mapping import explain_table
    from ingest.pipeline import read_all

    tables, errors = read_all(paths)
    for error in errors:
        warn("✗ ", error)
    documents = [explain_table(load(), table) for table in tables]
    typer.echo(yaml.safe_dump_all(documents, allow_unicode=True, sort_keys=False))
    if errors:
        raise typer.Exit(2)


def _load(
    chosen: Settings,
    paths: list[Path],
    *,
    skip_invalid: bool = False,
    dry_run: bool = False,
    mapping: Path | None = None,
    as_json: bool = False,
    workers: int | None = None,
) -> None:
    """Ingest and tell the outcome; any refused row ends the command with exit code 2."""
    from rich.progress import Progress

    from ingest.parallel import usable_cores
    from ingest.pipeline import ingest as run_ingest

    try:
        with (
            open_store(chosen) as store,
            Progress(console=err, transient=True, disable=as_json or not err.is_terminal) as bar,
        ):
            task = bar.add_task("写入图库", total=None)
            report = run_ingest(
                store,
                paths,
                skip_invalid=skip_invalid,
                dry_run=dry_run,
                mapping=mapping,
                progress=lambda n, total: bar.update(task, advance=n, total=total),
                workers=workers or usable_cores(),
            )
    except TongxinError as exc:
        fail(exc)
    if report.written:
        AuditLog(chosen.config_dir).ingested(None, [str(p) for p in paths], report)
    if as_json:
        print_json(report.as_dict())
    else:
        for error in report.errors:
            warn("✗ ", error)
        for remark in report.warnings:
            warn("⚠ ", remark)
        for entry in report.preview:
            out.print(f"  {entry['action']} {_described(load(), entry)}")
        verb = "已写入" if report.written else ("试运行，将会写入" if dry_run and report.ok else "未写入")
        out.print(
            f"{verb} {chosen.store}：读取 {report.rows} 行；新建节点 {report.nodes_created}，"
            f"更新节点 {report.nodes_updated}；新建关系 {report.relationships_created}，"
            f"更新关系 {report.relationships_updated}；错误 {len(report.errors)} 处；提示 {len(report.warnings)} 处。"
        )
    if report.errors:
        raise typer.Exit(2)


def _described(onto, entry: dict) -> str:
    """One line of a dry run's preview: what, and each field old → new, in the ontology's words."""
    if entry["kind"] == "node":
        what = f"{entry['name'] or ''}（{entry['id']}）"
    else:
        rel = onto.relationships[entry["type"]]
        what = f"{entry['from_name'] or entry['from']} —{rel.zh}→ {entry['to_name'] or entry['to']}"
    owners = [*onto.labels.values(), *onto.relationships.values()]
    zh = {name: p.zh for owner in owners for name, p in owner.properties.items()}
    fields = "；".join(
        f"{zh.get(k, k)}：{old if old is not None else '（空）'} → {new}" for k, (old, new) in entry["fields"].items()
    )
    return what + (f"：{fields}" if fields else "")


@app.command()
def stats(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """节点与关系计数 / counts of nodes per label and relationships per type."""
    from queries.stats import stats as count_graph

    answer(ctx, count_graph, as_json=as_json, render=_render_stats)


def _render_stats(counts: dict) -> None:
    onto = load()
    for part, names in (("nodes", onto.labels), ("relationships", onto.relationships)):
        table = Table("类别" if part == "nodes" else "关系", "数量")
        for name, count in counts[part].items():
            table.add_row(f"{names[name].zh}（{name}）", str(count))
        out.print(table)


@app.command()
def generate(
    people: Annotated[int, typer.Option(min=10, help="人数")] = 400,
    seed: Annotated[int, typer.Option(help="随机种子：同一种子生成同样的文件")] = 2024,
    out_dir: Annotated[Path, typer.Option("--out", help="输出文件夹")] = Path("generated"),
) -> None:
    """生成鹿城风格的合成名册 / write a synthetic dataset in the standard templates."""
    from ingest.synthetic import generate as generate_rows
    from ingest.synthetic import write_dataset

    written = write_dataset(load(), generate_rows(people, seed), out_dir)
    out.print(f"已生成 {len(written)} 个名册文件于 {out_dir}")


@app.command()
def template(out_file: Annotated[Path, typer.Option("--out", help="输出文件")] = Path(TEMPLATE_FILE)) -> None:
    """生成空白名册模板（Excel，带下拉选项与填写说明）/ write the blank roster workbook."""
    from ingest.blank_workbook import INSTRUCTIONS, blank_workbook

    out_file.write_bytes(blank_workbook(load()))
    out.print(f"已生成名册模板 {out_file}：每个工作表一种名册，先看「{INSTRUCTIONS}」")


@app.command()
def serve(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
    workers: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="工作进程数；默认 Neo4j 为 CPU 核数（至多 8），嵌入式图库为 1（每个进程各持一份整图）",
        ),
    ] = None,
) -> None:
    """启动 API 与网页 / serve the API and the page."""
    import uvicorn

    from api.app import create_app

    chosen = settings(ctx)
    count = workers or default_workers(chosen)
    out.print(f"同心图谱：http://{host}:{port}/ （API 文档 /docs；{count} 个工作进程）")
    # On SIGTERM, requests still running after this many seconds are cancelled: an upload being
    # checked is dropped (nothing written, its temporary folder removed) rather than holding the stop.
    if count == 1:
        uvicorn.run(create_app(chosen), host=host, port=port, timeout_graceful_shutdown=STOP_SECONDS)
        return
    # Each worker process builds the app from the environment: this store and configuration.
    os.environ.update(TONGXIN_STORE=chosen.store, TONGXIN_CONFIG_DIR=str(chosen.config_dir))
    uvicorn.run(
        "api.app:from_environment",
        factory=True,
        host=host,
        port=port,
        workers=count,
        timeout_graceful_shutdown=STOP_SECONDS,
    )


def default_workers(chosen: Settings) -> int:
    """One per core for Neo4j (the server does the work); one for the embedded store, whose every
    process holds the whole graph in memory."""
    return min(os.cpu_count() or 1, 8) if is_neo4j_uri(chosen.store) else 1


STOP_SECONDS = 10


@app.command()
def demo(
    ctx: typer.Context,
    host: Annotated[str, typer.Option(help="监听地址")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="端口")] = 8000,
) -> None:
    """导入鹿城示例数据，生成一个管理员令牌，然后启动 / load the sample, make an admin token, serve."""
    _load(settings(ctx), [SAMPLE_DIR])
    made = admin_commands.issue_token(settings(ctx).config_dir, Role.admin, "demo")
    out.print(f"演示用管理员令牌（在网页上登录时填写）：{made['token']}")
    serve(ctx, host, port, None)


PortOption = Annotated[int | None, typer.Option(help="Bolt 端口，默认 7687 或 $TONGXIN_NEO4J_PORT")]


@neo4j_app.command("start")
def neo4j_start(port: PortOption = None) -> None:
    """下载（首次）并启动本地 Neo4j，就绪后输出其地址。"""
    try:
        typer.echo(local_neo4j.start(local_neo4j.local_server(port)))
    except TongxinError as exc:
        fail(exc)


@neo4j_app.command("stop")
def neo4j_stop(port: PortOption = None) -> None:
    """停止本地 Neo4j。"""
    stopped = local_neo4j.stop(local_neo4j.local_server(port))
    out.print("本地 Neo4j 已停止" if stopped else "本地 Neo4j 未在运行")


@neo4j_app.command("status")
def neo4j_status(port: PortOption = None, as_json: JsonOption = False) -> None:
    """本地 Neo4j 的状态。"""
    status = local_neo4j.status(local_neo4j.local_server(port))
    if as_json:
        print_json(status)
    else:
        out.print(f"{'运行中' if status['running'] else '未运行'}：{status['uri']}（{status['home']}）")
    if not status["running"]:
        raise typer.Exit(1)
