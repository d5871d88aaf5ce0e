"""The CLI run in-process through main(), on a fresh data folder."""

import io

import pytest

from kiosk.cli.main import main


@pytest.fixture
def cli(data_dir, capsys, monkeypatch):
    """cli(*argv, stdin=None) -> (exit code, stdout, stderr)."""

    def run(*argv, stdin: str | None = None):
        if stdin is not None:
            monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
        code = main(["--data-dir", str(data_dir), *argv])
        out, err = capsys.readouterr()
        return code, out, err

    return run
