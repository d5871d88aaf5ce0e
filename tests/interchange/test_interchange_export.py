"""Attendance out in the office's codes: `attendance export --format oneroster-csv|edfi-json`,
read back with the csv and json modules; the --out suffix rule; and the session page's
downloads of the same."""

from __future__ import annotations

import csv
import io
import json
from datetime import datetime, timedelta, timezone

import numpy as np
import pytest
from oneroster_support import school, write_zip

from kiosk.model import SessionInfo, session_id
from kiosk.reports.interchange import EDFI_CATEGORIES, edfi_json
from kiosk.store.oneroster import InterchangeIds
from kiosk.store.sessions import Actor, mark_manual
from kiosk.store.sqlite_store import AttendanceRow, Person, SqliteStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)  # 09:00 in London (GMT)
MARKS = {"stu-0001": ("present", 2), "stu-0003": ("late", 9), "stu-0007": ("absent", 60)}


def session(s: SqliteStore, code: str) -> str:
    info = SessionInfo(session_id(code, T0), code, code, "", T0, T0 + timedelta(hours=1),
                       T0 - timedelta(minutes=10), "active")
    s.activate_session(info)
    return info.session_id


@pytest.fixture
def marked(cli, data_dir, tmp_path):
    """English 1 (class-001) held and ended: present, late, excused (with a reason that looks like a
    formula), absent, and one student never marked; and CLUB, a class made by hand, never imported."""
    assert cli("import", "oneroster", str(write_zip(tmp_path / "sis.zip", school(users=12, classes=2).files())))[0] == 0
    s = SqliteStore.in_dir(data_dir)
    sid = session(s, "ENG-001")
    for pid, (status, minutes) in MARKS.items():
        s.record_attendance(AttendanceRow(sid, pid, status, T0 + timedelta(minutes=minutes)))
    mark_manual(s, sid, "stu-0005", "excused", Actor("prof"), T0 + timedelta(minutes=5), reason="=HYPERLINK(1)")
    s.end_session(sid)  # stu-0009: not marked
    s.add_person(Person("visitor", "Vi Sitor", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    s.add_class("CLUB", "Chess club", ["visitor"])
    club = session(s, "CLUB")
    s.record_attendance(AttendanceRow(club, "visitor", "present", T0 + timedelta(minutes=1)))
    s.close()
    return sid


def test_oneroster_csv_keys_each_mark_by_sourcedids_with_the_edfi_category(cli, marked, tmp_path):
    out = tmp_path / "office.csv"
    code, said, _ = cli("attendance", "export", "--format", "oneroster-csv", "--out", str(out))
    assert code == 0 and said == f"5 row(s) written to {out} (1 with no mark yet left out)\n"
    rows = {r["personId"]: r for r in csv.DictReader(out.open(encoding="utf-8"))}
    assert set(rows) == {"stu-0001", "stu-0003", "stu-0005", "stu-0007", "visitor"}  # stu-0009: no mark, left out
    lin = rows["stu-0001"]
    assert (lin["classSourcedId"], lin["userSourcedId"], lin["userIdentifier"], lin["idSource"]) == \
        ("class-001", "stu-0001", "10001", "oneroster")
    assert (lin["date"], lin["status"], lin["attendanceEventCategory"]) == ("2026-03-02", "present", "In Attendance")
    assert lin["checkedInAt"].startswith("2026-03-02T09:02:00")
    assert {p: r["attendanceEventCategory"] for p, r in rows.items()} == {
        "stu-0001": "In Attendance", "stu-0003": "Tardy", "stu-0005": "Excused Absence",
        "stu-0007": "Unexcused Absence", "visitor": "In Attendance"}
    assert rows["stu-0005"]["reason"] == "'=HYPERLINK(1)"  # a formula stays text
    club = rows["visitor"]  # never imported: the kiosk's own ids stand in, and say so
    assert (club["classSourcedId"], club["userSourcedId"], club["idSource"]) == ("CLUB", "visitor", "kiosk")


def test_edfi_json_is_a_list_of_section_attendance_events(cli, marked, tmp_path):
    out = tmp_path / "office.json"
    code, said, _ = cli("attendance", "export", "--out", str(out), "--class", "ENG-001")  # .json: edfi-json
    assert code == 0 and said == f"4 row(s) written to {out} (1 with no mark yet left out)\n"
    events = {e["studentReference"]["studentUniqueId"]: e for e in json.loads(out.read_text(encoding="utf-8"))}
    assert events["stu-0003"] == {
        "attendanceEventCategoryDescriptor": "uri://ed-fi.org/AttendanceEventCategoryDescriptor#Tardy",
        "eventDate": "2026-03-02", "sectionReference": {"sectionIdentifier": "class-001"},
        "studentReference": {"studentUniqueId": "stu-0003"}, "arrivalTime": "09:09:00"}
    assert events["stu-0005"]["attendanceEventReason"] == "=HYPERLINK(1)" and "arrivalTime" not in events["stu-0005"]
    assert {e["attendanceEventCategoryDescriptor"].split("#")[1] for e in events.values()} == \
        {"In Attendance", "Tardy", "Excused Absence", "Unexcused Absence"}


def test_the_out_suffix_and_the_format_must_agree(cli, marked, tmp_path):
    assert cli("attendance", "export", "--format", "oneroster-csv", "--out", str(tmp_path / "a.csv"))[0] == 0
    assert cli("attendance", "export", "--out", str(tmp_path / "b.csv"))[0] == 0
    assert next(csv.reader((tmp_path / "b.csv").open()))[0] == "person_id"  # .csv alone stays the kiosk's CSV
    for fmt, name in (("edfi-json", "c.csv"), ("csv", "d.json"), ("oneroster-csv", "e.xlsx")):
        code, _, err = cli("attendance", "export", "--format", fmt, "--out", str(tmp_path / name))
        assert code == 2 and "make them agree" in err and not (tmp_path / name).exists()
    code, _, err = cli("attendance", "export", "--out", str(tmp_path / "f.txt"))
    assert code == 2 and "say --format csv or xlsx (or oneroster-csv, edfi-json)" in err
    code, out, err = cli("attendance", "export", "--format", "edfi-json", "--class", "CLUB")
    assert code == 0 and json.loads(out)[0]["sectionReference"] == {"sectionIdentifier": "CLUB"}
    assert err == "1 row(s)\n"


def test_the_writers_are_pure_functions_of_the_rows():
    rows = [["s1", "Sam", "C1", "2026-03-02T09:00:00+00:00", status, "", "", "", "", "", ""]
            for status in ("present", "late", "excused", "absent", "not yet", "not marked")]
    documents, left_out = edfi_json(rows, InterchangeIds({"s1": ("u-1", "7")}, {"C1": "k-1"}))
    assert left_out == 2 and [d["attendanceEventCategoryDescriptor"].split("#")[1] for d in documents] == \
        list(EDFI_CATEGORIES.values())
    assert {d["studentReference"]["studentUniqueId"] for d in documents} == {"u-1"}


def test_the_stdout_export_is_the_same_as_the_file(cli, marked, tmp_path):
    out = tmp_path / "x.csv"
    cli("attendance", "export", "--format", "oneroster-csv", "--out", str(out))
    code, text, _ = cli("attendance", "export", "--format", "oneroster-csv")
    assert code == 0 and list(csv.reader(io.StringIO(text))) == list(csv.reader(out.open(encoding="utf-8")))
