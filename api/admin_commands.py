"""``tongxin token …`` and ``tongxin audit``: access to the API and the record of its use."""

from __future__ import annotations

from typing import Annotated

import typer
from rich.table import Table

from api.access import Role, Tokens
from api.audit import AuditLog
from api.console import JsonOption, fail, out, print_json, settings
from graph.errors import TongxinError

token_app = typer.Typer(help="API 令牌 / access tokens for the API.", no_args_is_help=True)


def issue_token(config_dir, role: Role, name: str | None = None) -> dict:
    """Make a token and record that it was made."""
    made = Tokens(config_dir).create(role, name)
    AuditLog(config_dir).record(None, "token.create", [made["id"]], token_role=role.value, token_name=made["name"])
    return made


@token_app.command("create")
def create(
    ctx: typer.Context,
    role: Annotated[Role, typer.Option(help="viewer、officer 或 admin")],
    name: Annotated[str | None, typer.Option(help="令牌名称（用于审计）")] = None,
    as_json: JsonOption = False,
) -> None:
    """生成令牌（只显示一次）/ create a token; it is shown once."""
    made = issue_token(settings(ctx.parent).config_dir, role, name)
    if as_json:
        print_json(made)
    else:
        out.print(f"令牌（只显示这一次，请妥善保管）：{made['token']}")


@token_app.command("list")
def list_tokens(ctx: typer.Context, as_json: JsonOption = False) -> None:
    """列出令牌（不含令牌本身）/ list tokens."""
    tokens = Tokens(settings(ctx.parent).config_dir).list()
    if as_json:
        print_json({"tokens": tokens})
        return
    table = Table("编号", "名称", "角色", "创建时间", "已吊销")
    for t in tokens:
        table.add_row(t["id"], t["name"], t["role"], t["created"], "是" if t["revoked"] else "否")
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
