"""``tongxin token …`` and ``tongxin audit``: access to the API and the record of its use."""

from __future__ import annotations

import re
from typing import Annotated

import typer
from rich.table import Table

from api.access import Role, Tokens
from api.audit import AuditLog
from api.console import JsonOption, fail, out, print_json, settings
from graph.errors import NotFound, TongxinError
from graph.settings import open_store
from graph.store import Store
from graph.values import clean_name

token_app = typer.Typer(help="API 令牌 / access tokens for the API.", no_args_is_help=True)


def issue_token(config_dir, role: Role, name: str | None = None, regions: tuple[str, ...] = ()) -> dict:
    """Make a token and record that it was made."""
    made = Tokens(config_dir).create(role, name, regions)
    AuditLog(config_dir).record(
        None,
        "token.create",
        [made["id"]],
        token_role=role.value,
        token_name=made["name"],
        token_regions=made["regions"],
    )
    return made


def known_towns(store: Store, given: list[str]) -> tuple[str, ...]:
    """The towns ``given`` (names or ids, several to a value: 「五马街道，松台街道」), as the store
    names them; a name it does not hold is refused with the names it does."""
    wanted = [clean_name(part) for value in given for part in re.split(r"[,，、;；\s]+", value) if part.strip()]
    places = store.ontology.places
    towns = {n.id: n.properties.get("name") for n in store.nodes_where(places.label, {}).values()} if places else {}
    names = {name: name for name in towns.values() if name} | {i: name for i, name in towns.items() if name}
    unknown = [w for w in wanted if w not in names]
    if unknown:
        raise NotFound(
            f"图库中没有镇街「{'、'.join(unknown)}」；现有：{'、'.join(sorted(set(names.values()))) or '（尚未导入镇街）'}"
        )
    return tuple(sorted({names[w] for w in wanted}))


@token_app.command("create")
def create(
    ctx: typer.Context,
    role: Annotated[Role, typer.Option(help="viewer、officer 或 admin")],
    name: Annotated[str | None, typer.Option(help="令牌名称（用于审计）")] = None,
    region: Annotated[
        list[str] | None,
        typer.Option(
            help="只能看这些镇街的人员和基地（名称或编号，逗号分隔或多次给出）/ keep the token to these towns"
        ),
    ] = None,
    as_json: JsonOption = False,
) -> None:
    """生成令牌（只显示一次）/ create a token; it is shown once."""
    try:
        regions = ()
        if region:
            with open_store(settings(ctx.parent)) as store:
                regions = known_towns(store, region)
        made = issue_token(settings(ctx.parent).config_dir, role, name, regions)
    except TongxinError as exc:
        fail(exc)
    if as_json:
        print_json(made)
    else:
        kept = f"（只能查看：{'、'.join(made['regions'])}）" if made["regions"] else ""
        out.print(f"令牌{kept}（只显示这一次，请妥善保管）：{made['token']}")


@token_app.command("list")
def list_tokens(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """列出令牌（不含令牌本身）/ list tokens."""
    tokens = Tokens(settings(ctx.parent).config_dir).list()
    if as_json:
        print_json({"tokens": tokens})
        return
    table = Table("编号", "名称", "角色", "范围", "创建时间", "已吊销")
    for t in tokens:
        scope = "、".join(t["regions"]) or "全区"
        table.add_row(t["id"], t["name"], t["role"], scope, t["created"], "是" if t["revoked"] else "否")
    out.print(table)


@token_app.command("revoke")
def revoke(
    ctx: typer.Context, token_id: Annotated[str, typer.Argument(metavar="ID")], as_json: JsonOption = False
) -> None:
    """吊销令牌 / revoke a token."""
    config = settings(ctx.parent).config_dir
    try:
        revoked = Tokens(config).revoke(token_id)
    except TongxinError as exc:
        fail(exc)
    AuditLog(config).record(None, "token.revoke", [token_id])
    print_json(revoked) if as_json else out.print(f"已吊销令牌 {token_id}")


def audit(
    ctx: typer.Context, limit: Annotated[int, typer.Option(help="最近几条")] = 100, as_json: JsonOption = False
) -> None:
    """审计日志（最近的记录）/ the latest records of the audit log."""
    total, records = AuditLog(settings(ctx).config_dir).read(limit, -limit)
    if as_json:
        print_json({"total": total, "records": records})
        return
    for r in records:
        out.print(f"{r['at']} {r['name']}（{r['role']}）{r['operation']} {'、'.join(r['ids'])}")
