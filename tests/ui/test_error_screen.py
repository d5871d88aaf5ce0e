"""A broken config under systemd: a safe error screen, then a restart once it is fixed."""

import threading

from kiosk.ui.error_screen import RESTART_EXIT_CODE, show_config_error


def test_error_screen_shows_the_reason_and_restarts_when_fixed(tmp_path):
    checks = iter([False, True])
    shot = tmp_path / "error.png"
    code = show_config_error("config: ui.fps = 0: must be between 5 and 120", tmp_path / "kiosk.toml",
                             lambda: next(checks), threading.Event(), exit_after=10, recheck_s=0.05,
                             screenshot=shot)
    assert code == RESTART_EXIT_CODE and shot.stat().st_size > 1000


def test_error_screen_gives_up_cleanly(tmp_path):
    code = show_config_error("bad", tmp_path / "k.toml", lambda: False, threading.Event(),
                             exit_after=0.3, recheck_s=0.05)
    assert code == 2


def test_main_shows_the_screen_only_under_a_service(tmp_path, monkeypatch, capsys):
    import kiosk.ui.error_screen as screen
    from kiosk.cli.main import main

    bad = tmp_path / "k.toml"
    bad.write_text("[ui]\nfps = 0\n")
    assert main(["--config", str(bad), "run"]) == 2  # at a terminal: one line, exit 2
    assert "ui.fps = 0" in capsys.readouterr().err
    shown = []
    monkeypatch.setattr(screen, "show_config_error", lambda reason, *a, **k: shown.append(reason) or 75)
    monkeypatch.setenv("INVOCATION_ID", "abc")
    assert main(["--config", str(bad), "run"]) == 75
    assert "ui.fps = 0" in shown[0]


def test_a_database_that_cannot_open_at_boot_shows_the_screen_not_exit_1(tmp_path, monkeypatch, capsys):
    """A 0-byte (lost) database under systemd: the reason on screen, re-checked, and a restart once a
    backup is back; at a terminal, one line and exit 1."""
    from kiosk.cli.main import main
    from kiosk.store.sqlite_store import SqliteStore

    data = tmp_path / "data"
    data.mkdir()
    (data / "kiosk.db").write_bytes(b"")
    assert main(["--data-dir", str(data), "run", "--exit-after", "1"]) == 1
    err = capsys.readouterr().err
    assert "0 bytes" in err and "main.py restore" in err and "Traceback" not in err
    monkeypatch.setenv("KIOSK_ERROR_SCREEN", "1")
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    assert main(["--data-dir", str(data), "run", "--exit-after", "0.5"]) == 2  # the screen, then gave up
    fixes = iter([False, True])
    from kiosk.ui.error_screen import show_database_error

    def restored() -> bool:
        if next(fixes):
            (data / "kiosk.db").unlink()
            SqliteStore.in_dir(data).close()
            return True
        return False

    assert show_database_error("database is empty", restored, threading.Event(), exit_after=10,
                               recheck_s=0.05) == RESTART_EXIT_CODE
