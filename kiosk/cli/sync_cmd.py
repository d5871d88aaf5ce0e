"""`db init`, `sync --once` and `fleet`: the central MongoDB from the command line."""

from __future__ import annotations

from kiosk.config import Config
from kiosk.errors import KioskError, UsageError


class SyncIncomplete(KioskError):
    """`sync --once` ran but the outbox is not empty, or the server was unreachable."""


def register(commands) -> None:
    db = commands.add_parser("db", help="the central MongoDB (needs mongo.uri or KIOSK_MONGO_URI)")
    db_cmds = db.add_subparsers(dest="action", metavar="ACTION", required=True)
    db_cmds.add_parser("init", help="create the central collections and indexes (safe to re-run)") \
        .set_defaults(handler=db_init)

    sync = commands.add_parser("sync", help="sync this kiosk with the central MongoDB")
    sync.add_argument("--once", action="store_true", required=True,
                      help="one pull + push cycle; exit 0 only when nothing is left to send")
    sync.add_argument("--full", action="store_true",
                      help="re-read every central document, not only changes (after a restore or a move)")
    sync.set_defaults(handler=sync_once)

    fleet = commands.add_parser("fleet", help="list the kiosks' heartbeats and flag stale ones")
    fleet.add_argument("--stale-after", type=float, default=None, metavar="S",
                       help="seconds without a heartbeat before a kiosk is stale (default mongo.stale_after_s)")
    fleet.set_defaults(handler=fleet_list)


def require_uri(cfg: Config, command: str) -> None:
    if not cfg.mongo.uri:
        raise UsageError(f"{command}: no central database: set [mongo] uri in the config or KIOSK_MONGO_URI")
    from kiosk.sync.client import check_uri

    check_uri(cfg.mongo.uri)


def db_init(args, cfg: Config) -> int:
    from kiosk.sync.central import COLLECTIONS, Central

    require_uri(cfg, "db init")
    central = Central.open(cfg.mongo)
    try:
        central.clock_offset()  # fail fast, one line, if the server cannot be reached
        done = central.init_schema()
    finally:
        central.close()
    for line in done:
        print(line)
    print(f"central database {cfg.mongo.database!r} at {central.shown_uri}: "
          f"{len(COLLECTIONS)} collections ready ({len(done)} change(s))")
    return 0


def sync_once(args, cfg: Config) -> int:
    from kiosk.store.sqlite_store import SqliteStore
    from kiosk.sync.engine import SyncEngine

    require_uri(cfg, "sync")
    store = SqliteStore.in_dir(cfg.data_dir)
    engine = SyncEngine(store, cfg)
    try:
        report = engine.cycle(full=args.full)
    finally:
        engine.close()
        store.close()
    for warning in report.warnings:
        print(f"warning: {warning}")
    if not report.online:
        raise SyncIncomplete(f"sync: {report.error}; {report.queued} check-in(s) queued")
    print(f"sync: pulled {report.pulled} change(s), pushed {report.pushed} row(s), "
          f"clock offset {report.offset_s * 1000:+.0f} ms, {report.pending} left in the outbox")
    if report.pending or report.error:
        raise SyncIncomplete(f"sync: {report.error or 'outbox not empty'}; {report.pending} row(s) left")
    return 0


def fleet_list(args, cfg: Config) -> int:
    from kiosk.sync.central import Central
    from kiosk.sync.heartbeat import fleet

    require_uri(cfg, "fleet")
    stale_after = args.stale_after if args.stale_after is not None else cfg.mongo.stale_after_s
    central = Central.open(cfg.mongo)
    try:
        rows = fleet(central, stale_after)
    finally:
        central.close()
    print("kiosk\troom\tversion\tlast seen\tcamera\tqueued\tui fps\tstate")
    for r in rows:
        seen = f"{r.age_s:.0f} s ago" if r.age_s is not None else "never"
        fps = f"{r.ui_fps:.1f}" if r.ui_fps is not None else "-"
        queue = str(r.queue) if r.queue is not None else "-"
        print(f"{r.kiosk_id}\t{r.room or '-'}\t{r.version}\t{seen}\t{r.camera or '-'}\t{queue}\t{fps}\t"
              f"{'STALE' if r.stale else 'ok'}")
    stale = sum(r.stale for r in rows)
    print(f"{len(rows)} kiosk(s), {stale} stale (no heartbeat for over {stale_after:.0f} s)")
    return 0
