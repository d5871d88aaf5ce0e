"""A broken config under systemd: a safe error screen, then a restart once it is fixed."""

import threading

import pygame

from kiosk.ui import error_screen, theme
from kiosk.ui.error_screen import RESTART_EXIT_CODE, paragraphs, show_config_error, show_database_error

BROKEN_TOML = ("/etc/attendance-kiosk/kiosk.toml: malformed TOML: Expected '=' after a key in a key/value pair "
               "(at line 12, column 7)")
READ_ONLY_DB = ("database /var/lib/attendance-kiosk/data/kiosk.db: attempt to write a readonly database; the folder "
                "/var/lib/attendance-kiosk/data is not writable (permission denied): give the kiosk's user write "
                "access (sudo chown -R USER /var/lib/attendance-kiosk/data; under systemd the user is kiosk)")


def test_error_screen_shows_the_reason_and_restarts_when_fixed(tmp_path):
    checks = iter(["config: ui.fps = 0: must be between 5 and 120", ""])
    shot = tmp_path / "error.png"
    code = show_config_error("config: ui.fps = 0: must be between 5 and 120", tmp_path / "kiosk.toml",
                             lambda: next(checks), threading.Event(), exit_after=10, recheck_s=0.05,
                             screenshot=shot)
    assert code == RESTART_EXIT_CODE and shot.stat().st_size > 1000


def test_error_screen_gives_up_cleanly(tmp_path):
    code = show_config_error("bad", tmp_path / "k.toml", lambda: "bad", threading.Event(),
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

    def restored() -> str:
        if next(fixes):
            (data / "kiosk.db").unlink()
            SqliteStore.in_dir(data).close()
            return ""
        return "database is empty"

    assert show_database_error("database is empty", restored, threading.Event(), exit_after=10,
                               recheck_s=0.05) == RESTART_EXIT_CODE


def shown_words(size, reason: str, lead_help: tuple[str, str]) -> tuple[list[str], int]:
    """Every line the screen draws at `size`, and the height they take."""
    pygame.font.init()
    look = theme.Theme(size)
    x = look.px(60)
    laid = paragraphs(look, reason, lead_help, size[0] - 2 * x, size[1] - 2 * look.px(30))
    for lines, px, _, bold in laid:
        assert all(look.font(px, bold).size(line)[0] <= size[0] - 2 * x for line in lines)
    height = sum(len(lines) * look.font(px, bold).get_linesize() for lines, px, _, bold in laid)
    return [line for lines, *_ in laid for line in lines], height


def test_a_long_config_error_is_wrapped_and_keeps_its_line_and_column(tmp_path):
    for size in ((1024, 600), (1280, 800), (720, 1280)):
        lines, height = shown_words(size, BROKEN_TOML, (error_screen.CONFIG_ERROR_LEAD, error_screen.CONFIG_ERROR_HELP))
        said = " ".join(lines)
        assert "(at line 12, column 7)" in said and "…" not in said
        assert height < size[1]


def test_a_read_only_database_shows_the_chown_fix_and_no_backup_advice():
    lines, height = shown_words((1024, 600), READ_ONLY_DB,
                                (error_screen.DATABASE_ERROR_LEAD, error_screen.DATABASE_ERROR_HELP))
    said = " ".join(lines)
    assert "sudo chown -R USER /var/lib/attendance-kiosk/data;" in said and "…" not in said
    assert "BACKUP" not in said and height < 600


def test_a_config_error_that_changes_on_screen_is_shown_anew(tmp_path, monkeypatch):
    import kiosk.ui.error_screen as screen

    drawn = []
    monkeypatch.setattr(screen, "_draw", lambda surface, look, reason, lines: drawn.append(reason))
    checks = iter(["config: ui.fps = 0", "config: ui.width = -1"] * 200)
    code = show_config_error("config: ui.fps = 0", tmp_path / "k.toml", lambda: next(checks), threading.Event(),
                             exit_after=0.6, recheck_s=0.05)
    assert code == 2 and drawn[0] == "config: ui.fps = 0" and "config: ui.width = -1" in drawn
    assert show_database_error("x", lambda: "", threading.Event(), recheck_s=0) == RESTART_EXIT_CODE
