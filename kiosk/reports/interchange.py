"""Attendance in the office's codes: the export rows (rows.py) keyed by the OneRoster sourcedIds
of the class and the student, with each mark as Ed-Fi's attendance event category.

- `oneroster-csv`: one row per mark, ONEROSTER_COLUMNS (cells neutralised like every CSV the
  kiosk writes). A person or class never imported from OneRoster has no sourcedId: the
  kiosk's own id (person id, class code) stands in, and `idSource` says `kiosk`.
- `edfi-json`: a JSON array of Ed-Fi StudentSectionAttendanceEvent documents: the category
  as its descriptor URI, the event date, the section (`sectionIdentifier` = the class's
  sourcedId) and the student (`studentUniqueId` = the user's sourcedId), the arrival time of a
  check-in, and the reason given with a mark by hand. The receiving system maps
  sectionIdentifier to its own section key (school, session, course).

Only rows with a mark become events: "not yet" (the session runs) and "not marked" (it ended
with no mark) say nothing happened yet, and an office would read them as absences, so they
are left out, and counted. Pure functions over the rows and the ids, for the command line
and the web view's downloads alike.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from typing import IO

from kiosk.reports.files import _csv_cell
from kiosk.reports.rows import EXPORT_COLUMNS
from kiosk.store.oneroster import InterchangeIds

EDFI_CATEGORIES = {"present": "In Attendance", "late": "Tardy", "excused": "Excused Absence",
                   "absent": "Unexcused Absence"}
EDFI_DESCRIPTOR = "uri://ed-fi.org/AttendanceEventCategoryDescriptor#"
ONEROSTER_COLUMNS = ["classSourcedId", "userSourcedId", "userIdentifier", "idSource", "classCode", "personId",
                     "sessionStart", "date", "status", "attendanceEventCategory", "checkedInAt", "method", "reason"]


@dataclass(frozen=True)
class AttendanceEvent:
    """One mark, keyed for the office."""

    class_sourced_id: str
    user_sourced_id: str
    identifier: str  # the school's own number for the student ('' when not known)
    id_source: str  # oneroster: both ids are sourcedIds; kiosk: one (or both) is the kiosk's own id
    class_code: str
    person_id: str
    session_start: str  # ISO, in the school's zone
    status: str  # present | late | excused | absent
    checked_in_at: str  # ISO, for a check-in
    method: str
    reason: str

    @property
    def category(self) -> str:
        return EDFI_CATEGORIES[self.status]


def attendance_events(rows: list[list], ids: InterchangeIds) -> tuple[list[AttendanceEvent], int]:
    """The marked rows as events, and how many rows had no mark (not yet, not marked)."""
    events, left_out = [], 0
    for values in rows:
        row = dict(zip(EXPORT_COLUMNS, values))
        if row["status"] not in EDFI_CATEGORIES:
            left_out += 1
            continue
        user = ids.users.get(row["person_id"])
        klass = ids.classes.get(row["class"])
        events.append(AttendanceEvent(
            klass or row["class"], user[0] if user else row["person_id"], user[1] if user else "",
            "oneroster" if user and klass else "kiosk", row["class"], row["person_id"], row["session_start"],
            row["status"], row["checked_in_at"], row["method"], row["reason"]))
    return events, left_out


def write_oneroster_csv(handle: IO[str], rows: list[list], ids: InterchangeIds) -> int:
    """The rows as `oneroster-csv` on an open text handle; returns how many rows were left out."""
    events, left_out = attendance_events(rows, ids)
    writer = csv.writer(handle, lineterminator="\n")
    writer.writerow(ONEROSTER_COLUMNS)
    for e in events:
        writer.writerow([_csv_cell(v) for v in (
            e.class_sourced_id, e.user_sourced_id, e.identifier, e.id_source, e.class_code, e.person_id,
            e.session_start, e.session_start[:10], e.status, e.category, e.checked_in_at, e.method, e.reason)])
    return left_out


def edfi_json(rows: list[list], ids: InterchangeIds) -> tuple[list[dict], int]:
    """The rows as Ed-Fi StudentSectionAttendanceEvent documents, and how many were left out."""
    events, left_out = attendance_events(rows, ids)
    documents = []
    for e in events:
        document = {
            "attendanceEventCategoryDescriptor": EDFI_DESCRIPTOR + e.category,
            "eventDate": e.session_start[:10],
            "sectionReference": {"sectionIdentifier": e.class_sourced_id},
            "studentReference": {"studentUniqueId": e.user_sourced_id},
        }
        if e.checked_in_at and e.status in ("present", "late"):
            document["arrivalTime"] = e.checked_in_at[11:19]  # local wall time, HH:MM:SS
        if e.reason:
            document["attendanceEventReason"] = e.reason
        documents.append(document)
    return documents, left_out


def write_edfi_json(handle: IO[str], rows: list[list], ids: InterchangeIds) -> int:
    documents, left_out = edfi_json(rows, ids)
    json.dump(documents, handle, ensure_ascii=False, indent=1)
    handle.write("\n")
    return left_out
