"""What every command shares: the consoles, JSON output, errors as exit codes, and running
a query against the store named by ``--store``."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Annotated

import typer
from rich.console import Console
from rich.markup import escape

from graph.errors import TongxinError
from graph.settings import Settings, open_store

# soft_wrap: one line per message, never cut at the terminal's width, so logs keep it whole.
out = Console(soft_wrap=True)
err = Console(stderr=True, soft_wrap=True)

JsonOption = Annotated[bool, typer.Option("--json", help="以 JSON 输出 / answer as JSON")]


def settings(ctx: typer.Context) -> Settings:
    return ctx.obj


def print_json(data) -> None:
    typer.echo(json.dumps(data, ensure_ascii=False, indent=2))


def warn(prefix: str, message) -> None:
    err.print(f"[red]{prefix}[/red]{escape(str(message))}")


def fail(exc: TongxinError) -> None:
    warn("错误：", exc)
    raise typer.Exit(exc.exit_code)


def answer(
    ctx: typer.Context, query: Callable, *args, as_json: bool, render: Callable[[dict], None], **options
) -> dict:
    """Run ``query(store, *args, **options)``; print it as JSON or through ``render``."""
    try:
        with open_store(settings(ctx)) as store:
            result = query(store, *args, **options)
    except TongxinError as exc:
        fail(exc)
    if as_json:
        print_json(result)
    else:
        render(result)
    return result
