"""`main.py web`: the staff web view under uvicorn, on 127.0.0.1 unless told otherwise.

Opening it to the network (`--host`) asks for TLS, which uvicorn serves itself
(`--certfile/--keyfile`); plain HTTP there needs `--insecure-http` and logs a
warning, because PINs and session cookies would cross the network in clear.
"""

from __future__ import annotations

import ipaddress
import signal
import logging
import socket
import ssl
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from kiosk.clock import system_clock
from kiosk.config import Config
from kiosk.errors import UsageError
from kiosk.store.database import DB_FILE

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WebOptions:
    host: str = "127.0.0.1"
    port: int = 8080
    certfile: Path | None = None
    keyfile: Path | None = None
    insecure_http: bool = False
    idle_minutes: float = 15.0
    poll_s: float | None = None  # how often the database is read for live updates (None: the source's own)


def check_options(cfg: Config, options: WebOptions) -> None:
    """Every refusal is one line naming the fix (UsageError, exit code 2)."""
    if not (cfg.data_dir / DB_FILE).is_file():
        raise UsageError(f"no kiosk database at {cfg.data_dir / DB_FILE}: start the web view on the kiosk's "
                         "data folder (--data-dir or KIOSK_DATA_DIR)")
    if not 0 <= options.port <= 65535:
        raise UsageError(f"--port {options.port} must be between 1 and 65535")
    if not 1 <= options.idle_minutes <= 24 * 60:
        raise UsageError("--idle-minutes must be between 1 and 1440")
    if bool(options.certfile) != bool(options.keyfile):
        raise UsageError("--certfile and --keyfile go together (the certificate chain and its private key, PEM)")
    for path in (options.certfile, options.keyfile):
        if path and not Path(path).is_file():
            raise UsageError(f"no such file: {path}")
    if not is_loopback(options.host) and not options.certfile and not options.insecure_http:
        raise UsageError(f"--host {options.host} opens the web view to the network: give --certfile and --keyfile "
                         "to serve HTTPS, or --insecure-http to accept plain HTTP")


def is_loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def listen(host: str, port: int) -> socket.socket:
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host, port))
    except OSError as err:
        sock.close()
        raise UsageError(f"cannot listen on {host}:{port}: {err.strerror}") from None
    sock.listen(128)
    return sock


def build_server(cfg: Config, options: WebOptions, app=None):
    """A uvicorn server for the app (built from config unless given), TLS if asked."""
    import uvicorn

    from kiosk.web.app import create_app
    from kiosk.web.source import open_source

    if app is None:
        clock = system_clock(cfg.kiosk.timezone)
        app = create_app(cfg, clock, open_source(cfg, clock), idle_s=options.idle_minutes * 60,
                         secure_cookie=bool(options.certfile), poll_s=options.poll_s)
    from kiosk.web.slow_clients import DeadlineProtocol

    config = uvicorn.Config(
        app, host=options.host, port=options.port, log_config=None, access_log=True, server_header=False,
        proxy_headers=False, timeout_graceful_shutdown=3, lifespan="on", http=DeadlineProtocol, timeout_keep_alive=5,
        ssl_certfile=str(options.certfile) if options.certfile else None,
        ssl_keyfile=str(options.keyfile) if options.keyfile else None)
    try:
        config.load()
    except (ssl.SSLError, OSError) as err:
        raise UsageError(f"cannot load the TLS certificate or key: {err}") from None
    return uvicorn.Server(config)


def serve(cfg: Config, options: WebOptions) -> int:
    check_options(cfg, options)
    if not is_loopback(options.host) and not options.certfile:
        log.warning("serving plain HTTP on %s:%d: PINs and session cookies cross the network unencrypted",
                    options.host, options.port)
    server = build_server(cfg, options)
    sock = listen(options.host, options.port)
    scheme = "https" if options.certfile else "http"
    reads = "the central database" if cfg.mongo.uri else f"database {cfg.data_dir / DB_FILE}"
    server.config.app.state.web.announce = \
        f"staff web view on {scheme}://{options.host}:{sock.getsockname()[1]} (reading {reads})"
    # uvicorn stops gracefully on SIGTERM, then raises the signal again for the handler it
    # found: make that handler a no-op, so a stop (systemctl stop) ends with exit code 0.
    signal.signal(signal.SIGTERM, lambda signum, frame: None)
    server.run(sockets=[sock])
    log.info("staff web view stopped")
    return 0


class BackgroundServer:
    """The app under a real uvicorn server in a thread, on a free port of 127.0.0.1
    (for the tests, the benchmark and the screenshots)."""

    def __init__(self, cfg: Config, app):
        self.server = build_server(cfg, WebOptions(port=0), app=app)
        sock = listen("127.0.0.1", 0)
        self.port = sock.getsockname()[1]
        self.thread = threading.Thread(target=self.server.run, kwargs={"sockets": [sock]}, name="web-server",
                                       daemon=True)
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the web server did not start")
            time.sleep(0.02)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
