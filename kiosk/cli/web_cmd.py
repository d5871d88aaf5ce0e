"""`main.py web`: the staff web view (kiosk/web/)."""

from __future__ import annotations

import logging
from pathlib import Path

from kiosk.config import Config


def register(commands) -> None:
    web = commands.add_parser("web", help="the staff web view: attendance live, history, kiosks, fixing marks")
    web.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1, this machine only)")
    web.add_argument("--port", type=int, default=8080)
    web.add_argument("--certfile", type=Path, help="TLS certificate chain (PEM), to serve HTTPS")
    web.add_argument("--keyfile", type=Path, help="its private key (PEM)")
    web.add_argument("--insecure-http", action="store_true", help="allow plain HTTP on a network address")
    web.add_argument("--idle-minutes", type=float, default=15.0, help="sign a browser out after this long idle")
    web.set_defaults(handler=web_serve)


def web_serve(args, cfg: Config) -> int:
    from kiosk.web.server import WebOptions, check_options, serve

    if not args.log_level:  # a service: say what it does, like `run`
        logging.getLogger().setLevel(cfg.logging.level)
    from kiosk.store.backup import in_use_lock

    options = WebOptions(args.host, args.port, args.certfile, args.keyfile, args.insecure_http, args.idle_minutes)
    check_options(cfg, options)  # before the lock: a mistyped folder is named, not created
    with in_use_lock(cfg.data_dir):  # a restore waits for the web view to stop
        return serve(cfg, options)
