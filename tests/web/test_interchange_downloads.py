"""The session page's downloads in the office's codes: attendance.oneroster.csv and
attendance.edfi.json, the same as `attendance export --format ...`, behind the same access
checks as the CSV and XLSX downloads."""

from __future__ import annotations

import csv
import io
from urllib.parse import quote

from web_support import CS101, check_in

from kiosk.store.oneroster import ClassLink, UserLink, write_class_link, write_user_link


def link(store) -> None:
    """CS101 and Maya as a OneRoster import would have linked them."""
    with store.transaction() as conn:
        write_class_link(conn, ClassLink("sis-class-9", "CS101"))
        write_user_link(conn, UserLink("sis-maya", "maya", "20001"))


def test_the_session_downloads_in_the_offices_codes(web, cfg, clock, store, cli):
    link(store)
    check_in(cfg, clock, "maya")
    prof = web.client()
    prof.sign_in("prof")  # CS101's instructor
    reply = prof.get(f"/session/{quote(CS101)}/attendance.oneroster.csv")
    assert reply.status == 200 and reply.headers["content-type"].startswith("text/csv")
    assert 'filename="CS101_2026-11-25_0900.oneroster.csv"' in reply.headers["content-disposition"]
    rows = list(csv.DictReader(io.StringIO(reply.text)))
    assert [(r["classSourcedId"], r["userSourcedId"], r["userIdentifier"], r["attendanceEventCategory"])
            for r in rows] == [("sis-class-9", "sis-maya", "20001", "In Attendance")]  # lin and tom: not yet
    _, out, _ = cli("attendance", "export", "--date", "2026-11-25", "--class", "CS101", "--format", "oneroster-csv")
    assert reply.text == out
    events = prof.get(f"/session/{quote(CS101)}/attendance.edfi.json").json()
    assert events == [{"attendanceEventCategoryDescriptor": "uri://ed-fi.org/AttendanceEventCategoryDescriptor#"
                       "In Attendance", "eventDate": "2026-11-25", "sectionReference": {"sectionIdentifier":
                       "sis-class-9"}, "studentReference": {"studentUniqueId": "sis-maya"}, "arrivalTime": "09:03:00"}]


def test_the_downloads_keep_the_access_checks(web, store):
    other = web.client()
    other.sign_in("other")  # teaches ART2, not CS101
    for kind in ("oneroster.csv", "edfi.json"):
        assert other.get(f"/session/{quote(CS101)}/attendance.{kind}").status == 403
        assert web.client().get(f"/session/{quote(CS101)}/attendance.{kind}").status in (303, 401)
    assert other.get(f"/session/{quote(CS101)}/attendance.edfi.xml").status in (403, 404)
