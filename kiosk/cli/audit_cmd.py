"""`audit list`: the admin actions, from the command line (written by cli/common.py's
audited helpers) and at the kiosk, and the failed live checks (spoof events).

Audit rows are covered by the hash-chained ledger (m006), so `verify-log` checks them.
"""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.cli.common import iso_date, read_store, resolve_day
from kiosk.clock import local_zone_name
from kiosk.config import Config
from kiosk.store.audit import KINDS, audit_since
from kiosk.store.spoof_events import spoof_events_since
from kiosk.store.sqlite_store import SqliteStore


def register(commands) -> None:
    audit = commands.add_parser("audit", help="list admin actions and failed live checks")
    actions = audit.add_subparsers(dest="action", metavar="ACTION", required=True)
    listing = actions.add_parser("list", help="audit rows (and spoof events), oldest first")
    listing.add_argument("--since", type=iso_date, metavar="DATE",
                         help="from this local date on: YYYY-MM-DD, today or yesterday")
    listing.add_argument("--kind", choices=sorted(KINDS), help="only this kind of action")
    listing.set_defaults(handler=audit_list)


def audit_list(args, cfg: Config) -> int:
    tz = ZoneInfo(local_zone_name(cfg.kiosk.timezone))
    day = resolve_day(args.since, tz)
    since = datetime.combine(day, datetime.min.time(), tz) if day else None
    rows = read_store(cfg, lambda s: _rows(s, since, args.kind))
    for at, *fields in sorted(rows, key=lambda r: r[0]):
        print("\t".join([at.astimezone(tz).isoformat(timespec="seconds"), *[f or "-" for f in fields]]))
    if not rows:
        print("no audit rows" + (f" of kind {args.kind}" if args.kind else "") + (f" since {day}" if day else ""))
    return 0


def _rows(store: SqliteStore, since: datetime | None, kind: str | None) -> list[tuple]:
    rows = [] if kind == "spoof" else [
        (e.at, e.kiosk_id, e.actor_id, e.action, e.session_id, e.target_id, e.detail)
        for e in audit_since(store, since, kind)]
    if kind in (None, "spoof"):
        rows += _spoof_rows(store, since)
    return rows


def _spoof_rows(store: SqliteStore, since: datetime | None) -> list[tuple]:
    """Failed live checks: when, where, the best identity guess, and the scores."""
    rows = []
    for e in spoof_events_since(store, since):
        match = f", match {e.match_score:.2f}" if e.match_score is not None else ""
        judged = ", ".join(f"{k} {v:.2f}" for k, v in e.cues.items() if v is not None)
        rows.append((e.at, e.kiosk_id, "", "spoof", e.session_id or "", e.person_id or "not recognised",
                     f"live {e.liveness_score:.2f}{match}" + (f" ({judged})" if judged else "")))
    return rows
