"""`python main.py [COMMAND]`: the kiosk and its admin commands.

Every failure a user can cause ends in one line on stderr and a non-zero
exit code (2 for usage and config errors), never a traceback.
"""

from __future__ import annotations

import argparse
import logging
import os
import sys
from pathlib import Path

from kiosk.cli.common import under_service
from kiosk.config import Config, load_config
from kiosk.errors import ConfigError, KioskError, UsageError

log = logging.getLogger(__name__)


class ArgumentParser(argparse.ArgumentParser):
    """argparse that reports a usage error in one line, with exit code 2."""

    def error(self, message: str):
        raise UsageError(f"{self.prog}: {message} (see --help)")


GLOBAL_OPTIONS = {"--config": "FILE.toml", "--data-dir": "DIR", "--log-level": "INFO"}  # each takes one value


def hoist_global_options(argv: list[str]) -> list[str]:
    """Move the global options to the front, so `class list --data-dir DIR` works like
    `--data-dir DIR class list` (argparse takes them only before the command)."""
    front, rest = [], []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--":
            rest += argv[i:]
            break
        if arg.split("=", 1)[0] in GLOBAL_OPTIONS:
            taken = 1 if "=" in arg else 2
            if taken == 2 and (i + 1 == len(argv) or argv[i + 1].startswith("--")):
                raise UsageError(f"main.py: {arg} needs a value, e.g. {arg} {GLOBAL_OPTIONS[arg]} (see --help)")
            front += argv[i:i + taken]
            i += taken
            continue
        rest.append(arg)
        i += 1
    return front + rest


def build_parser() -> ArgumentParser:
    from kiosk.cli import (
        attendance_cmd, audit_cmd, backup_cmd, classes_cmd, demo, doctor, enroll, liveness_cmd, models_cmd,
        privacy_cmd, run, schedule_cmd, staff_cmd, sync_cmd, web_cmd,
    )
    from kiosk.cli import import_cmd  # import oneroster

    parser = ArgumentParser(prog="main.py", description="Face-recognition attendance kiosk.")
    parser.add_argument("--config", type=Path, help="TOML config file (default: config/kiosk.toml); "
                        "these three options may also follow the command")
    parser.add_argument("--data-dir", type=Path, help="local database folder (or KIOSK_DATA_DIR)")
    parser.add_argument("--log-level", choices=["DEBUG", "INFO", "WARNING", "ERROR"], help="log detail")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=ArgumentParser)
    run.register(commands)
    enroll.register(commands)
    classes_cmd.register(commands)
    import_cmd.register(commands)
    schedule_cmd.register(commands)
    attendance_cmd.register(commands)
    doctor.register(commands)
    liveness_cmd.register(commands)
    models_cmd.register(commands)
    staff_cmd.register(commands)  # instructor add, pin set
    sync_cmd.register(commands)
    privacy_cmd.register(commands)
    web_cmd.register(commands)  # the staff web view
    audit_cmd.register(commands)
    backup_cmd.register(commands)  # backup, restore
    demo.register(commands)
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        argv = hoist_global_options(sys.argv[1:] if argv is None else argv)
        parser = build_parser()
        args = parser.parse_args(argv)
        if args.command is None:  # bare `python main.py` starts the kiosk
            args = parser.parse_args([*argv, "run"])
        try:
            cfg = _config(args)
        except ConfigError as err:
            if args.command != "run" or not under_service():
                raise
            return _config_error_screen(err, args)
        _setup_logging(args.log_level or (cfg.logging.level if args.command == "run" else "WARNING"))
        code = int(args.handler(args, cfg) or 0)
        sys.stdout.flush()  # inside the try: a reader that left early is met here, not at exit
        return code
    except BrokenPipeError:
        return _output_closed()
    except KioskError as err:
        print(f"error: {err}", file=sys.stderr)
        return err.exit_code
    except KeyboardInterrupt:
        print("interrupted", file=sys.stderr)
        return 130


# 128 + SIGPIPE: what a shell reports for a command whose reader left (`main.py audit list | head -1`).
EXIT_OUTPUT_CLOSED = 141


def _output_closed() -> int:
    """The reader of stdout left early: stop quietly. stdout is pointed at /dev/null, so the
    interpreter's last flush of what is still buffered does not raise a second time at exit."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError, AttributeError):  # a stdout with no file behind it (a test's capture)
        pass
    return EXIT_OUTPUT_CLOSED


def _config(args: argparse.Namespace) -> Config:
    cfg = load_config(args.config)
    if args.data_dir:
        cfg = cfg.replace("store", data_dir=str(args.data_dir))
    return cfg


def _config_error_screen(err: ConfigError, args: argparse.Namespace) -> int:
    """A broken config at boot: show it on screen instead of crash-looping under systemd."""
    import threading

    from kiosk.config import DEFAULT_CONFIG
    from kiosk.ui.error_screen import show_config_error

    _setup_logging("INFO")
    log.error("%s", err)

    def config_problem() -> str:
        try:
            _config(args)
            return ""
        except ConfigError as now:
            return str(now)

    return show_config_error(str(err), args.config or DEFAULT_CONFIG, config_problem, threading.Event())


def _setup_logging(level: str) -> None:
    logging.basicConfig(
        level=getattr(logging, level),
        format="%(asctime)s %(levelname)s %(threadName)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
