"""The query commands of ``tongxin``: each calls the same function as its HTTP route.

Each command imports its query when it runs: the queries pull in pypinyin, networkx,
matplotlib and rdflib, which a cold ``tongxin --help`` must not pay for
(tests/test_cli.py pins it)."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Annotated

import typer
from rich.table import Table

from api.audit import AuditLog
from api.console import JsonOption, answer, fail, out, print_json, settings
from graph.errors import TongxinError
from graph.settings import open_store
from queries.options import HOPS, MAX_HOPS, MAX_LOAD, MAX_NODES, PATHS, RESULTS, TOP, WINDOW_DAYS, YEAR

ViaOption = Annotated[str | None, typer.Option(help="只沿这些关系类型，逗号分隔（如 成员,列名联系）")]


def search(
    ctx: typer.Context,
    text: Annotated[str, typer.Argument(help="姓名、拼音、首字母或编号")],
    limit: Annotated[int, typer.Option(help=RESULTS.help)] = RESULTS.default,
    as_json: JsonOption = False,
) -> None:
    """搜索人员、基地、企业（中文、拼音、首字母、编号）/ search by name, pinyin or id."""
    from queries.search import search as search_query

    def render(result: dict) -> None:
        table = Table("编号", "名称", "类别", "说明", "得分")
        for r in result["results"]:
            table.add_row(r["id"], r["name"], "、".join(r["labels"]), r["hint"], str(r["score"]))
        out.print(table if result["results"] else "没有找到。")

    answer(ctx, search_query, text, limit=limit, as_json=as_json, render=render)


def entity(
    ctx: typer.Context, node_id: Annotated[str, typer.Argument(metavar="ID")], as_json: JsonOption = False
) -> None:
    """一个节点的属性与关系 / a node and a summary of its relationships."""
    from queries.network import entity as entity_query

    def render(result: dict) -> None:
        out.print(f"{result['name']}（{result['id']}，{'、'.join(result['labels'])}）")
        for key, value in result["properties"].items():
            out.print(f"  {key}：{value}")
        for rel in result["relationships"]:
            arrow = "→" if rel["direction"] == "out" else "←"
            names = "、".join(n["name"] or n["id"] for n in rel["neighbours"][:8])
            out.print(f"  {arrow}{rel['zh']} {rel['count']}：{names}")

    AuditLog(settings(ctx).config_dir).record(None, "entity", [node_id])  # before anything is shown
    answer(ctx, entity_query, node_id, as_json=as_json, render=render)


def path(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(metavar="FROM")],
    target: Annotated[str, typer.Argument(metavar="TO")],
    max_hops: Annotated[int, typer.Option(help=MAX_HOPS.help)] = MAX_HOPS.default,
    via: ViaOption = None,
    limit: Annotated[int, typer.Option(help=PATHS.help)] = PATHS.default,
    as_json: JsonOption = False,
) -> None:
    """两人（或两个节点）之间的最短关系路径 / shortest paths between two nodes."""
    from queries.paths import path as path_query

    def render(result: dict) -> None:
        if not result["found"]:
            out.print(f"{result['from']['name']} 与 {result['to']['name']} 在 {max_hops} 跳内没有联系。")
        for p in result["paths"]:
            out.print(p["sentence"])

    answer(ctx, path_query, source, target, max_hops=max_hops, via=via, limit=limit, as_json=as_json, render=render)


def ego(
    ctx: typer.Context,
    node_id: Annotated[str, typer.Argument(metavar="ID")],
    hops: Annotated[int, typer.Option(help=HOPS.help)] = HOPS.default,
    via: ViaOption = None,
    max_nodes: Annotated[int, typer.Option(help=MAX_NODES.help)] = MAX_NODES.default,
    as_json: JsonOption = False,
) -> None:
    """一个节点周围的关系网 / the network around a node."""
    from queries.network import ego as ego_query

    def render(result: dict) -> None:
        cut = "（已截断）" if result["truncated"] else ""
        out.print(
            f"{result['center']['name']} {hops} 跳以内：{len(result['nodes'])} 个节点，"
            f"{len(result['relationships'])} 条关系{cut}"
        )

    answer(ctx, ego_query, node_id, hops=hops, via=via, max_nodes=max_nodes, as_json=as_json, render=render)


def common(
    ctx: typer.Context,
    a: Annotated[str, typer.Argument(metavar="A")],
    b: Annotated[str, typer.Argument(metavar="B")],
    via: ViaOption = None,
    as_json: JsonOption = False,
) -> None:
    """两个节点的共同联系 / what two nodes are both linked to."""
    from queries.network import common as common_query

    def render(result: dict) -> None:
        out.print(f"{result['a']['name']} 与 {result['b']['name']} 共同联系 {result['count']} 个：")
        for item in result["common"]:
            out.print(f"  {item['name']}（{item['id']}）")

    answer(ctx, common_query, a, b, via=via, as_json=as_json, render=render)


def coverage(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option(help="统计日期，默认今天")] = None,
    window_days: Annotated[int, typer.Option(help=WINDOW_DAYS.help)] = WINDOW_DAYS.default,
    max_load: Annotated[int, typer.Option(help=MAX_LOAD.help)] = MAX_LOAD.default,
    series: Annotated[str | None, typer.Option(help="多个日期（逗号分隔）：随时间的覆盖率")] = None,
    candidates: Annotated[bool, typer.Option(help="为未列名联系的代表人士建议联系领导（需遍历关系网）")] = False,
    as_json: JsonOption = False,
) -> None:
    """党政领导列名联系制度覆盖情况 / liaison-system coverage."""
    from queries.coverage import coverage as coverage_query
    from queries.coverage import coverage_series

    if series:

        def render_series(rows) -> None:
            table = Table("日期", "代表人士", "已列名联系", "覆盖率", "超期未联系", "超负荷领导")
            for r in rows:
                table.add_row(
                    r["as_of"],
                    str(r["total"]),
                    str(r["covered"]),
                    _percent(r["rate"]),
                    str(r["stale"]),
                    str(r["overloaded"]),
                )
            out.print(table)

        answer(
            ctx,
            coverage_series,
            series.split(","),
            window_days=window_days,
            max_load=max_load,
            as_json=as_json,
            render=render_series,
        )
        return

    def render(c: dict) -> None:
        out.print(
            f"截至 {c['as_of']}：代表人士 {c['total']} 人，已列名联系 {c['covered']} 人，覆盖率 {_percent(c['rate'])}"
        )
        out.print(
            f"未列名联系 {len(c['uncovered'])} 人；{c['window_days']} 天内未联系 {len(c['stale'])} 人；"
            f"超过 {c['max_load']} 人的领导 {len(c['overloaded_liaisons'])} 位；"
            f"无负责领导的同心荟 {len(c['bases_without_liaison'])} 个"
        )
        table = Table("镇街", "代表人士", "已列名联系", "覆盖率")
        for region, row in c["by_region"].items():
            table.add_row(region, str(row["total"]), str(row["covered"]), _percent(row["rate"]))
        out.print(table)
        if candidates:
            table = Table("未列名联系的代表人士（编号）", "建议联系领导（理由；已联系人数）")
            for person, suggested in c["candidates"].items():
                table.add_row(
                    person, "；".join(f"{s['name']}（{'、'.join(s['reasons'])}；{s['load']}）" for s in suggested)
                )
            out.print(table)

    answer(
        ctx,
        coverage_query,
        as_of=as_of,
        window_days=window_days,
        max_load=max_load,
        candidates=candidates,
        as_json=as_json,
        render=render,
    )


def _percent(rate) -> str:
    return "—" if rate is None else f"{rate:.1%}"


def brokers(
    ctx: typer.Context,
    scope: Annotated[str | None, typer.Option(help="同心荟或镇街的编号；不填则为全图（仅限小图）")] = None,
    top: Annotated[int, typer.Option(help=TOP.help)] = TOP.default,
    as_json: JsonOption = False,
) -> None:
    """桥梁人物与圈子 / people who bridge bases and groups, and communities."""
    from queries.brokers import brokers as brokers_query

    def render(result: dict) -> None:
        table = Table("编号", "姓名", "中介度", "所在同心荟")
        for b in result["brokers"]:
            table.add_row(b["id"], b["name"], f"{b['betweenness']:.4f}", "、".join(b["bases"]))
        out.print(table)
        out.print(
            f"圈子 {len(result['communities'])} 个："
            + "；".join(f"{c['size']} 人（{'、'.join(c['names'][:3])}…）" for c in result["communities"][:5])
        )

    answer(ctx, brokers_query, scope=scope, top=top, as_json=as_json, render=render)


def quality(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option(help="检查日期，默认今天")] = None,
    as_json: JsonOption = False,
) -> None:
    """数据质量检查 / data-quality findings."""
    from queries.quality import quality as quality_query

    def render(result: dict) -> None:
        for name, groups in result["duplicates"].items():
            out.print(f"疑似重复（{name}）：{len(groups)} 组")
        for key, label in (
            ("isolated", "孤立节点"),
            ("members_without_base", "未加入同心荟的成员"),
            ("bases_without_members", "没有成员的同心荟"),
            ("liaisons_without_contact", "一年内无联系记录的领导"),
        ):
            out.print(f"{label}：{len(result[key])} 个")
        out.print(f"已结束的关系：{result['ended_relationships']}")

    answer(ctx, quality_query, as_of=as_of, as_json=as_json, render=render)


def write_file(target: Path, content: bytes, private: bool) -> None:
    """A file with personal information only its owner may read (0600), whatever the umask."""
    descriptor = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600 if private else 0o644)
    with open(descriptor, "wb") as handle:
        if private:
            os.fchmod(handle.fileno(), 0o600)  # an older file keeps its mode otherwise
        handle.write(content)


def export(
    ctx: typer.Context,
    format: Annotated[str, typer.Option("--format", help="graphml、gexf、cyjs、json、csv、dot、ttl、jsonld、html")],
    scope: Annotated[
        str | None, typer.Option(help="all、base:编号、region:编号、ego:编号[:跳数]、path:起点:终点、gaps")
    ] = None,
    out_file: Annotated[Path | None, typer.Option("--out", help="输出文件，默认按范围命名")] = None,
    masked: Annotated[bool, typer.Option(help="遮蔽个人信息（交给无权查看的人时）")] = False,
) -> None:
    """导出网络图 / export a scope of the graph for Gephi, Cytoscape, yEd, Graphviz or Neo4j."""
    from queries.export import export as export_query

    try:
        with open_store(settings(ctx)) as store:
            made = export_query(store, format, scope, masked=masked)
    except TongxinError as exc:
        fail(exc)
    target = out_file or Path(made.filename)
    write_file(target, made.content, private=not masked)
    AuditLog(settings(ctx).config_dir).exported(None, format, scope, masked, made.people, file=str(target))
    out.print(f"已导出 {target}（{len(made.content)} 字节）")


def report(
    ctx: typer.Context,
    as_of: Annotated[str | None, typer.Option(help="统计日期，默认今天")] = None,
    year: Annotated[int | None, typer.Option(help=YEAR.help)] = YEAR.default,
    format: Annotated[
        str, typer.Option("--format", help="xlsx（台账）、pdf、html（带图表，可打印 A4）或 json")
    ] = "xlsx",
    out_file: Annotated[Path | None, typer.Option("--out", help="输出文件，默认 同心荟年度报表-年度.格式")] = None,
) -> None:
    """年度工作报表：基地、镇街、人员、活动、列名联系的各项数字及其统计口径 / the yearly report."""
    from queries.report import report as report_query
    from queries.report_document import report_format

    try:
        chosen = report_format(format)
        with open_store(settings(ctx)) as store:
            made = report_query(store, as_of=as_of, year=year)
            if format == "json" and out_file is None:
                print_json(made)
                return
            content = chosen.write(store, made, settings(ctx).report_font)
    except TongxinError as exc:
        fail(exc)
    target = out_file or Path(chosen.filename(made))
    target.write_bytes(content)
    out.print(f"已生成 {target}：{len(made['tables'])} 张表，截至 {made['as_of']}")


COMMANDS = [search, entity, path, ego, common, coverage, brokers, quality, export, report]
