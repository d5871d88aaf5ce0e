"""The kiosk's runtime requirements carry no test-only package, and the test set builds on them."""

from __future__ import annotations

import ast
import re
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEV_ONLY = {"pytest": "pytest", "hypothesis": "hypothesis", "secantusdb": "secantus",  # package -> import name
            "selenium": "selenium"}


def _packages(path: Path) -> set[str]:
    names = set()
    for line in path.read_text().splitlines():
        line = line.split("#")[0].strip()
        if line and not line.startswith("-"):
            names.add(re.split(r"[=<>!~\[ ]", line)[0].lower())
    return names


def test_runtime_requirements_have_no_test_tools():
    assert not _packages(REPO / "requirements.txt") & set(DEV_ONLY)


def test_dev_requirements_are_the_runtime_set_plus_the_test_tools():
    lines = [line.strip() for line in (REPO / "requirements-dev.txt").read_text().splitlines()]
    assert "-r requirements.txt" in lines
    assert _packages(REPO / "requirements-dev.txt") == set(DEV_ONLY)


def test_no_kiosk_module_imports_a_test_tool():
    for path in [*(REPO / "kiosk").rglob("*.py"), REPO / "main.py"]:
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            for name in names:
                assert name.split(".")[0] not in DEV_ONLY.values(), f"{path} imports {name}"


def test_ci_runs_the_readme_test_command_which_installs_the_dev_set():
    readme = (REPO / "README.md").read_text()
    assert "./setup.sh --dev && .venv/bin/python -m pytest -q" in readme
    ci = (REPO / ".ci" / "run").read_text()
    assert "./setup.sh --dev\n" in ci and "exec .venv/bin/python -m pytest -q" in ci
