"""Docs that cannot drift: every command is in the README."""

from __future__ import annotations

import re

import typer.main

from api.cli import app
from tests.conftest import PROJECT_DIR


def _commands(group, prefix=""):
    for name, command in group.commands.items():
        if hasattr(command, "commands"):
            yield from _commands(command, f"{prefix}{name} ")
        else:
            yield f"{prefix}{name}"


def test_every_command_is_in_the_readme():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    commands = list(_commands(typer.main.get_command(app)))
    assert len(commands) >= 8
    for command in commands:
        group, _, sub = command.partition(" ")
        assert f"`{command}" in readme or (sub and f"`{group} " in readme and sub in readme), command


def test_the_user_guide_shows_screenshots_the_browser_tests_take():
    guide = (PROJECT_DIR / "docs" / "用户指南.md").read_text(encoding="utf-8")
    shots = re.findall(r"\(screenshots/([\w-]+\.png)\)", guide)
    taken = (PROJECT_DIR / "tests" / "test_page.py").read_text(encoding="utf-8")
    assert len(shots) >= 6
    for shot in shots:
        assert (PROJECT_DIR / "docs" / "screenshots" / shot).exists() and f'"{shot}"' in taken, shot


def test_the_readme_shows_a_report_page_the_report_tests_print():
    readme = (PROJECT_DIR / "README.md").read_text(encoding="utf-8")
    pictures = re.findall(r'src="docs/screenshots/([\w-]+\.png)"', readme)
    printed = (PROJECT_DIR / "tests" / "test_report_document.py").read_text(encoding="utf-8")
    assert pictures and all(
        (PROJECT_DIR / "docs" / "screenshots" / p).exists() and f'"{p}"' in printed for p in pictures
    )
