"""`run`: start the kiosk screen."""

from __future__ import annotations

from pathlib import Path

import logging
import math
import threading

from kiosk.cli.common import under_service
from kiosk.config import Config
from kiosk.errors import StoreError, UsageError

log = logging.getLogger(__name__)


def register(commands) -> None:
    run = commands.add_parser("run", help="start the kiosk (the default command)")
    run.add_argument("--camera", metavar="SRC", help="device index, video file or stream URL (default: config)")
    run.add_argument("--windowed", action="store_true", help="a window instead of fullscreen")
    run.add_argument("--loop", action="store_true", default=None, help="replay a video file at its end")
    run.add_argument("--exit-after", type=float, metavar="SECONDS", help="quit after this many seconds")
    run.add_argument("--stats", type=Path, metavar="PATH", help="write a JSON run summary here at exit")
    run.set_defaults(handler=run_command)


def run_command(args, cfg: Config) -> int:
    from kiosk.runtime import RunOptions, boot_check, run_kiosk
    from kiosk.store.backup import in_use_lock

    if args.exit_after is not None and not (math.isfinite(args.exit_after) and args.exit_after > 0):
        raise UsageError("run: --exit-after must be a positive, finite number of seconds")
    if args.camera and not args.camera.isdigit() and "://" not in args.camera and not Path(args.camera).is_file():
        raise UsageError(f"run: --camera {args.camera}: no such video file (use a device index, file or URL)")
    try:
        boot_check(cfg)
    except StoreError as err:  # damaged, on a full disk, unreadable
        if not under_service():
            raise
        return _database_error_screen(cfg, err, args.exit_after)
    opts = RunOptions(args.camera, args.windowed, args.loop, args.exit_after, args.stats)
    with in_use_lock(cfg.data_dir):  # a restore waits for the kiosk to stop
        return run_kiosk(cfg, opts)


def _database_error_screen(cfg: Config, err: StoreError, exit_after: float | None) -> int:
    """Under systemd: the reason on screen instead of a crash loop, until the database opens again."""
    from kiosk.runtime import boot_check
    from kiosk.ui.error_screen import show_database_error

    log.error("%s", err)

    def database_problem() -> str:
        try:
            boot_check(cfg)
            return ""
        except StoreError as now:
            return str(now)

    return show_database_error(str(err), database_problem, threading.Event(), exit_after=exit_after)
