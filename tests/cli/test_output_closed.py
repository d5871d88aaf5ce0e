"""A command piped into a reader that leaves early (`main.py audit list | head -1`) stops
quietly with 141, as a shell reports SIGPIPE: no traceback, no 'Exception ignored' at exit."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from kiosk.cli.main import EXIT_OUTPUT_CLOSED
from kiosk.store.sqlite_store import SqliteStore

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture
def busy_school(data_dir):
    """Enough classes that `class list` overflows the output buffer and a pipe's (64 KiB) while it prints."""
    store = SqliteStore.in_dir(data_dir)
    for n in range(400):
        store.add_class(f"C{n:03d}", f"Class number {n} " + "x" * 500, [], room=f"R{n:03d}")
    store.close()
    return data_dir


def run_with_reader_gone(data_dir: Path, *argv: str) -> tuple[int, str]:
    """Run main.py with its stdout a real pipe whose reading end is closed before it writes."""
    command = [sys.executable, str(REPO / "main.py"), "--data-dir", str(data_dir), *argv]
    process = subprocess.Popen(command, cwd=REPO, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    process.stdout.close()
    _, err = process.communicate(timeout=120)
    return process.returncode, err


@pytest.mark.parametrize("argv", [["class", "list"], ["audit", "list"], ["staff", "list"]])
def test_a_reader_that_leaves_early_ends_the_command_quietly(busy_school, argv):
    code, err = run_with_reader_gone(busy_school, *argv)
    assert code == EXIT_OUTPUT_CLOSED and err == ""


def test_head_reads_the_first_line_and_the_command_is_quiet(busy_school):
    command = f"'{sys.executable}' main.py --data-dir '{busy_school}' class list | head -1; exit ${{PIPESTATUS[0]}}"
    done = subprocess.run(["bash", "-c", command], cwd=REPO, capture_output=True, text=True, timeout=120)
    assert done.stdout.startswith("C000\tClass number 0 x") and done.stdout.count("\n") == 1
    assert done.returncode == EXIT_OUTPUT_CLOSED and done.stderr == ""
