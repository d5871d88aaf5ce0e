"""The web view's reads from the central MongoDB: every kiosk's sessions and check-ins.

The collections are those of kiosk/sync/central.py (docs/SYNC.md). Admin
documents are validated by the sync's own parsers; a malformed one is skipped
with a warning. Times shown are each door's own clock (`kiosk_time`), as
`attendance export` on that door prints them; the server-clock time decides
only which door's check-in wins. Failed live checks stay on each kiosk (they
are not synced), so this source reports them as unknown.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, datetime, time, timedelta

from kiosk.clock import Clock
from kiosk.config import Config
from kiosk.model import ClassInfo, Roll, RollLine, SessionInfo, enrolment_state, roll_order
from kiosk.reports.rows import day_bounds, export_rows
from kiosk.scheduler.timetable import meetings_around
from kiosk.store.sessions import mark_reason
from kiosk.sync.central import Central
from kiosk.store.mirror import PulledClass
from kiosk.sync.documents import MalformedDocument, parse_class, parse_schedule
from kiosk.sync.heartbeat import fleet
from kiosk.web.model import Change, ChangeCursor, ClassSummary, KioskView, SessionView, session_view
from kiosk.web.source import SOURCES, school_zone

log = logging.getLogger(__name__)

LIVE = {"deleted": {"$ne": True}}
ROW_FIELDS = {"session_id": 1, "person_id": 1, "status": 1, "checked_in_at": 1, "kiosk_time": 1, "method": 1,
              "made_by": 1, "latency_ms": 1, "kiosk_id": 1}


@SOURCES.register("mongo")
class MongoSource:
    name = "mongo"
    poll_s = 1.0  # each poll reads today's rows; a second keeps the load small

    def __init__(self, cfg: Config, clock: Clock):
        self.cfg = cfg
        self.clock = clock
        self.tz = school_zone(cfg)
        self.early_open = timedelta(minutes=cfg.attendance.early_open_min)
        self.central = Central.open(cfg.mongo)  # pymongo connects lazily: this never blocks

    def classes(self) -> list[ClassSummary]:
        return [ClassSummary(c.code, c.name, c.room, c.instructor_id) for c in self._classes().values()]

    def day(self, day: date) -> list[SessionView]:
        start, end = day_bounds(day, self.tz)
        docs = self._find("sessions", {"starts_at": {"$gte": start, "$lt": end}})
        classes = self._classes()
        views = self._views(docs, classes)
        held = {v.session_id for v in views}
        planned = [m for m in self._meetings(day, classes) if m.session_id not in held]
        views += [session_view(roll, self.tz, ()) for roll in self._rolls(planned, classes)]
        return sorted(views, key=lambda v: (v.starts_at, v.room, v.class_code))

    def session(self, session_id: str) -> SessionView | None:
        docs = self._find("sessions", {"_id": session_id})
        if docs:
            return self._views(docs, self._classes())[0]
        try:  # not held anywhere yet: a meeting of that day's timetable?
            day = datetime.fromisoformat(session_id.split("@", 1)[1].replace("Z", "+00:00")).astimezone(self.tz).date()
        except (IndexError, ValueError):
            return None
        return next((v for v in self.day(day) if v.session_id == session_id), None)

    def export_rows(self, day: date | None, class_code: str | None) -> list[list]:
        """As `attendance export` (kiosk/reports/rows.py), from the same rolls the pages show."""
        query: dict = {"class_code": class_code} if class_code else {}
        if day is not None:
            start, end = day_bounds(day, self.tz)
            query["starts_at"] = {"$gte": start, "$lt": end}
        docs = self._find("sessions", query)
        return export_rows(self._rolls([_session(d, self._classes()) for d in docs]), self.tz)

    def kiosks(self) -> list[KioskView]:
        return [KioskView(f.kiosk_id, f.room, f.version, f.last_seen, f.age_s, f.camera, f.queue, None, f.ui_fps,
                          f.stale) for f in fleet(self.central, self.cfg.mongo.stale_after_s)]

    def changes(self, cursor: ChangeCursor | None) -> tuple[list[Change], ChangeCursor]:
        """Today's rows compared with the last poll's (the central rows carry no change counter)."""
        start = datetime.combine(self.clock().astimezone(self.tz).date(), time(0), self.tz)
        sessions = {d["_id"]: d["class_code"] for d in self._find(
            "sessions", {"starts_at": {"$gte": start, "$lt": start + timedelta(days=1)}}, {"class_code": 1})}
        rows = self._find("attendance", {"session_id": {"$in": list(sessions)}}, ROW_FIELDS)
        snapshot = {r["_id"]: (r["status"], r.get("method"), r.get("kiosk_time") or r.get("checked_in_at"))
                    for r in rows}
        if cursor is None:
            return [], ChangeCursor(snapshot=snapshot)
        fresh = [r for r in rows if cursor.snapshot.get(r["_id"]) != snapshot[r["_id"]]]
        names = self._names({r["person_id"] for r in fresh})
        changes = [Change(r["session_id"], sessions[r["session_id"]], r["person_id"],
                          names.get(r["person_id"], r["person_id"]), r["status"], self._local(snapshot[r["_id"]][2]),
                          r.get("method", "")) for r in fresh]
        return changes, ChangeCursor(snapshot=snapshot)

    def close(self) -> None:
        self.central.close()

    # -- building the views -------------------------------------------------------------

    def _find(self, collection: str, query: dict, fields: dict | None = None) -> list[dict]:
        with self.central.guard(f"cannot read {collection} from the central database"):
            return list(self.central[collection].find(query, fields))

    def _classes(self) -> dict[str, PulledClass]:
        found = {}
        for doc in self._find("classes", LIVE):
            try:
                parsed = parse_class(doc)
            except MalformedDocument as err:
                log.warning("class skipped: %s", err)
                continue
            found[parsed.code] = parsed
        return dict(sorted(found.items()))

    def _names(self, ids: set[str]) -> dict[str, str]:
        return {d["_id"]: str(d.get("name") or d["_id"]) for d in self._find("people", {"_id": {"$in": sorted(ids)}},
                                                                             {"name": 1})}

    def _meetings(self, day: date, classes: dict[str, PulledClass]):
        schedules = []
        for doc in self._find("schedules", LIVE):
            try:
                schedules.append(parse_schedule(doc).schedule)
            except MalformedDocument as err:
                log.warning("schedule skipped: %s", err)
        infos = {code: ClassInfo(code, c.name, c.room) for code, c in classes.items()}
        noon = datetime.combine(day, time(12), self.tz)
        found = meetings_around(schedules, infos, noon, self.early_open, days_ahead=1)
        return [m for m in found if m.starts_at.astimezone(self.tz).date() == day]

    def _views(self, docs: list[dict], classes: dict[str, PulledClass]) -> list[SessionView]:
        rolls = self._rolls([_session(d, classes) for d in docs], classes)
        return [session_view(roll, self.tz, tuple(sorted(d.get("kiosks") or []))) for roll, d in zip(rolls, docs)]

    def _rolls(self, sessions: list[SessionInfo], classes: dict[str, PulledClass] | None = None) -> list[Roll]:
        """Each session's roll from the central rows, as kiosk/store/roll.py builds it from SQLite.
        Failed live checks stay on each kiosk, so they are unknown (None) here."""
        classes = self._classes() if classes is None else classes
        ids = [s.session_id for s in sessions]
        rows: dict[str, dict[str, dict]] = defaultdict(dict)
        for r in self._find("attendance", {"session_id": {"$in": ids}}, ROW_FIELDS):
            rows[r["session_id"]][r["person_id"]] = r
        reasons: dict[str, dict[str, str]] = defaultdict(dict)
        for a in sorted(self._find("audit", {"action": "manual_mark", "session_id": {"$in": ids}},
                                   {"session_id": 1, "target_id": 1, "detail": 1, "at": 1}), key=_audit_order):
            reasons[a["session_id"]][a.get("target_id", "")] = mark_reason(str(a.get("detail") or ""))
        roster = {s.session_id: classes[s.class_code].roster if s.class_code in classes else () for s in sessions}
        people = self._people({pid for members in roster.values() for pid in members}
                               | {pid for found in rows.values() for pid in found})
        rolls = []
        for s in sessions:
            members = dict.fromkeys(list(roster[s.session_id]) + list(rows[s.session_id]))
            lines = [self._line(pid, people.get(pid), rows[s.session_id].get(pid), reasons[s.session_id].get(pid, ""))
                     for pid in members]
            rolls.append(Roll(s, tuple(sorted(lines, key=roll_order)), None))
        return rolls

    def _people(self, ids: set[str]) -> dict[str, dict]:
        return {d["_id"]: d for d in self._find("people", {"_id": {"$in": sorted(ids)}},
                                                {"name": 1, "role": 1, "embeddings.model": 1})}

    def _line(self, pid: str, person: dict | None, row: dict | None, reason: str) -> RollLine:
        name, enrolment = (str(person.get("name") or ""), _enrolment(person)) if person else ("", "")
        if row is None:
            return RollLine(pid, name, enrolment=enrolment, failed_live_checks=None)
        at = row.get("kiosk_time") or row.get("checked_in_at")  # each door's own clock, as its export prints
        return RollLine(pid, name, row["status"], at, row.get("latency_ms"), row.get("method", ""),
                        row.get("made_by", ""), row.get("kiosk_id", ""), reason, enrolment, None)

    def _local(self, moment: datetime | None) -> str:
        return moment.astimezone(self.tz).isoformat(timespec="seconds") if moment else ""


def _session(doc: dict, classes: dict[str, PulledClass]) -> SessionInfo:
    klass = classes.get(doc["class_code"])
    return SessionInfo(doc["_id"], doc["class_code"], klass.name if klass else doc["class_code"],
                       klass.room if klass else "", doc["starts_at"], doc["ends_at"],
                       doc.get("opens_at") or doc["starts_at"], str(doc.get("state") or "active"))


def _enrolment(person: dict) -> str:
    """The export's column for a central people document."""
    return enrolment_state(person.get("role", "student"), bool(person.get("embeddings")))


def _audit_order(doc: dict):
    at = doc.get("at")
    return (at.timestamp() if isinstance(at, datetime) else 0.0, str(doc.get("_id")))
