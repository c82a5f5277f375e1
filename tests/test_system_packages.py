"""scripts/system-packages.sh: `make test` installs what the suite needs, or says exactly what to install."""

from __future__ import annotations

import os
import shutil
import subprocess

from tests.conftest import PROJECT_DIR

SCRIPT = PROJECT_DIR / "scripts" / "system-packages.sh"
LIST = PROJECT_DIR / "scripts" / "system-packages.txt"


def requirements(text: str) -> list[tuple[list[str], str]]:
    lines = (line.split(maxsplit=1) for line in text.splitlines() if line.strip() and not line.startswith("#"))
    return [(packages.split(","), probe) for packages, probe in lines]


def run_without_apt(tmp_path, listed: str) -> subprocess.CompletedProcess:
    """The script on a machine without apt-get or sudo: only the tools it needs are on PATH."""
    tools = tmp_path / "bin"
    tools.mkdir()
    for tool in ("bash", "id", "dirname", "cat", "test"):
        (tools / tool).symlink_to(shutil.which(tool))
    (tmp_path / "list.txt").write_text(listed, encoding="utf-8")
    return subprocess.run(
        [shutil.which("bash"), str(SCRIPT), str(tmp_path / "list.txt")],
        capture_output=True,
        text=True,
        env={"PATH": str(tools), "LANG": "C.UTF-8"},
    )


def test_missing_packages_that_cannot_be_installed_are_named_with_the_command(tmp_path):
    done = run_without_apt(
        tmp_path,
        '# why\nmake  test -n "$(command -v bash)"\n'
        "fonts-x,libx-1  test -f /nonexistent/x.ttc\npoppler-y  test -x /nonexistent/y\n",
    )
    assert done.returncode == 1
    assert "\n    fonts-x libx-1 poppler-y\n" in done.stderr  # exactly the missing ones, not make
    assert "apt-get install -y fonts-x libx-1 poppler-y\n" in done.stderr


def test_nothing_is_said_or_done_when_everything_is_present(tmp_path):
    done = run_without_apt(tmp_path, 'make  test -n "$(command -v bash)"\n')
    assert (done.returncode, done.stdout, done.stderr) == (0, "", "")


def test_every_requirement_of_the_suite_is_present_after_the_script_ran():
    """`make test` runs the script first; a probe that never succeeds would reinstall on every run."""
    listed = requirements(LIST.read_text(encoding="utf-8"))
    assert {"chromium", "fonts-noto-cjk", "poppler-utils", "libpangoft2-1.0-0"} <= {p for ps, _ in listed for p in ps}
    failing = [
        packages
        for packages, probe in listed
        if subprocess.run(["bash", "-c", probe], env=os.environ, capture_output=True).returncode
    ]
    assert failing == []
