"""The web view's reads from this machine's kiosk database.

Each thread of the server's pool keeps its own connection (sqlite3 objects
stay in the thread that made them); WAL lets them read while the kiosk
writes. The export rows are the CLI's own query (kiosk/reports/rows.py), and
the live feed follows the tamper-evidence ledger, which gets an entry for
every attendance insert and update in the same transaction.
"""

from __future__ import annotations

import sqlite3
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

from kiosk import __version__
from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.reports.rows import export_rows
from kiosk.scheduler.timetable import meetings_around
from kiosk.store import outbox
from kiosk.store.database import from_iso, to_iso
from kiosk.store.sqlite_store import SqliteStore
from kiosk.web.model import Change, ChangeCursor, ClassSummary, KioskView, RosterLine, SessionView, mark_note
from kiosk.web.source import SOURCES, school_zone
from kiosk.web.stores import ThreadStores

CHUNK = 500  # ids per IN (...) list, under SQLite's bound-parameter limit
SESSION_SQL = ("SELECT s.id, s.class_code, s.starts_at, s.ends_at, s.state, c.name AS class_name, c.room"
               " FROM sessions s LEFT JOIN classes c ON c.code = s.class_code")


@SOURCES.register("sqlite")
class SqliteSource:
    name = "sqlite"
    poll_s = 0.5  # one indexed read of the ledger per poll, however many browsers watch

    def __init__(self, cfg: Config, clock: Clock):
        self.cfg = cfg
        self.clock = clock
        self.tz = school_zone(cfg)
        self.early_open = timedelta(minutes=cfg.attendance.early_open_min)
        self.stores = ThreadStores(cfg.data_dir)

    def store(self) -> SqliteStore:
        return self.stores.get()

    def classes(self) -> list[ClassSummary]:
        rows = self.store().query("SELECT code, name, room, instructor_id FROM classes ORDER BY code")
        return [ClassSummary(r["code"], r["name"], r["room"], r["instructor_id"]) for r in rows]

    def day(self, day: date) -> list[SessionView]:
        store = self.store()
        start = datetime.combine(day, time(0), self.tz)
        rows = store.query(SESSION_SQL + " WHERE s.starts_at >= ? AND s.starts_at < ?",
                           (to_iso(start), to_iso(start + timedelta(days=1))))
        held = {r["id"] for r in rows}
        planned = [m for m in self._meetings(store, day) if m.session_id not in held]
        waiting = self._gather(store, [(m.session_id, m.class_code) for m in planned]).lines
        views = self._views(store, rows) + [
            SessionView(m.session_id, m.class_code, m.class_name, m.room, m.starts_at.astimezone(self.tz),
                        m.ends_at.astimezone(self.tz), "scheduled", lines=tuple(waiting[m.session_id]))
            for m in planned]
        return sorted(views, key=lambda v: (v.starts_at, v.room, v.class_code))

    def session(self, session_id: str) -> SessionView | None:
        store = self.store()
        rows = store.query(SESSION_SQL + " WHERE s.id = ?", (session_id,))
        if rows:
            return self._views(store, rows)[0]
        try:  # not held yet: a meeting of today's timetable?
            day = from_iso(session_id.split("@", 1)[1].replace("Z", "+00:00")).astimezone(self.tz).date()
        except (IndexError, ValueError):
            return None
        return next((v for v in self.day(day) if v.session_id == session_id), None)

    def export_rows(self, day: date | None, class_code: str | None) -> list[list]:
        return export_rows(self.store(), day, class_code, self.tz)

    def kiosks(self) -> list[KioskView]:
        store = self.store()
        seen = outbox.get_state(store, "last_pull_at")
        return [KioskView(self.cfg.kiosk.id, self.cfg.kiosk.room, __version__,
                          last_seen=from_iso(seen) if seen else None,
                          queue=outbox.queued_checkins(store), outbox=outbox.pending_count(store))]

    def changes(self, cursor: ChangeCursor | None) -> tuple[list[Change], ChangeCursor]:
        store = self.store()
        if cursor is None:
            return [], ChangeCursor(store.conn.execute("SELECT coalesce(max(id), 0) FROM ledger").fetchone()[0])
        rows = store.query(
            "SELECT l.id, a.session_id, a.person_id, a.status, a.checked_in_at, a.method, s.class_code, p.name"
            " FROM ledger l JOIN attendance a ON a.id = l.row_id LEFT JOIN sessions s ON s.id = a.session_id"
            " LEFT JOIN people p ON p.id = a.person_id"
            " WHERE l.id > ? AND l.tbl = 'attendance' AND l.op != 'delete' ORDER BY l.id LIMIT 1000",
            (cursor.position,))
        if not rows:
            return [], cursor
        changes = [Change(r["session_id"], r["class_code"] or "", r["person_id"], r["name"] or r["person_id"],
                          r["status"], from_iso(r["checked_in_at"]).astimezone(self.tz).isoformat(timespec="seconds"),
                          r["method"]) for r in rows]
        return changes, ChangeCursor(rows[-1]["id"])

    def close(self) -> None:
        self.stores.close()

    # -- building the views -------------------------------------------------------------

    def _meetings(self, store: SqliteStore, day: date):
        noon = datetime.combine(day, time(12), self.tz)
        found = meetings_around(store.schedules(), store.classes(), noon, self.early_open, days_ahead=1)
        return [m for m in found if m.starts_at.astimezone(self.tz).date() == day]

    def _views(self, store: SqliteStore, rows: list[sqlite3.Row]) -> list[SessionView]:
        found = self._gather(store, [(r["id"], r["class_code"]) for r in rows])
        views = []
        for r in rows:
            mine = found.lines[r["id"]]
            doors = sorted(found.kiosks.get(r["id"], set())) or [self.cfg.kiosk.id]
            spoofs = sum(line.failed_live_checks or 0 for line in mine) + found.unnamed_spoofs.get(r["id"], 0)
            views.append(SessionView(
                r["id"], r["class_code"], r["class_name"] or r["class_code"], r["room"] or "",
                from_iso(r["starts_at"]).astimezone(self.tz), from_iso(r["ends_at"]).astimezone(self.tz),
                r["state"], tuple(doors), tuple(mine), spoofs))
        return views

    def _gather(self, store: SqliteStore, sessions: list[tuple[str, str]]) -> "_Gathered":
        """Each session's roster with its attendance rows, failed live checks and mark notes."""
        ids = [sid for sid, _ in sessions]
        roster = _roster(store, sorted({code for _, code in sessions}))
        marked = _grouped(store, "SELECT a.session_id, a.person_id, a.status, a.checked_in_at, a.method,"
                          " a.made_by, a.kiosk_id, p.name FROM attendance a LEFT JOIN people p"
                          " ON p.id = a.person_id WHERE a.session_id IN ({})", ids)
        spoofs = _grouped(store, "SELECT session_id, person_id, count(*) AS n FROM spoof_events"
                          " WHERE session_id IN ({}) GROUP BY session_id, person_id", ids)
        notes = _grouped(store, "SELECT session_id, target_id AS person_id, detail FROM audit"
                         " WHERE action = 'manual_mark' AND session_id IN ({}) ORDER BY id", ids)
        result = _Gathered(
            {}, {sid: {r["kiosk_id"] for r in rows if r["kiosk_id"]} for sid, rows in marked.items()},
            {sid: sum(r["n"] for r in rows if not r["person_id"]) for sid, rows in spoofs.items()})
        for sid, code in sessions:
            rows = {r["person_id"]: r for r in marked.get(sid, [])}
            failed = {r["person_id"]: r["n"] for r in spoofs.get(sid, [])}
            reasons = {r["person_id"]: mark_note(r["detail"]) for r in notes.get(sid, [])}
            names = {**roster.get(code, {}), **{pid: r["name"] or pid for pid, r in rows.items()}}
            result.lines[sid] = sorted((self._line(pid, name, rows.get(pid), failed.get(pid, 0), reasons.get(pid, ""))
                                  for pid, name in names.items()), key=lambda line: (line.name.casefold(), line.person_id))
        return result

    def _line(self, pid: str, name: str, row, failed: int, note: str) -> RosterLine:
        if row is None:
            return RosterLine(pid, name, failed_live_checks=failed)
        at = None if row["status"] == "absent" else from_iso(row["checked_in_at"]).astimezone(self.tz)
        return RosterLine(pid, name, row["status"], at, row["method"], row["made_by"], failed, note)


@dataclass
class _Gathered:
    lines: dict[str, list[RosterLine]]
    kiosks: dict[str, set[str]]  # the doors that wrote each session's rows
    unnamed_spoofs: dict[str, int]  # failed live checks of faces nobody was recognised as


def _roster(store: SqliteStore, codes: list[str]) -> dict[str, dict[str, str]]:
    found: dict[str, dict[str, str]] = defaultdict(dict)
    for r in _query_in(store, "SELECT r.class_code, r.person_id, p.name FROM roster r JOIN people p"
                       " ON p.id = r.person_id WHERE r.class_code IN ({})", codes):
        found[r["class_code"]][r["person_id"]] = r["name"]
    return found


def _grouped(store: SqliteStore, sql: str, ids: list[str]) -> dict[str, list[sqlite3.Row]]:
    found: dict[str, list[sqlite3.Row]] = defaultdict(list)
    for r in _query_in(store, sql, ids):
        found[r["session_id"]].append(r)
    return found


def _query_in(store: SqliteStore, sql: str, values: list[str]) -> list[sqlite3.Row]:
    rows: list[sqlite3.Row] = []
    for start in range(0, len(values), CHUNK):
        chunk = values[start:start + CHUNK]
        rows += store.query(sql.format(",".join("?" * len(chunk))), tuple(chunk))
    return rows

