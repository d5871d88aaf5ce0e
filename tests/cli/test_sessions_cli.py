"""Session admin commands through main(): staff and PINs, roster import, removal,
cancellations, XLSX export and the report chart. Real files, real SQLite."""

import io
from datetime import datetime, timezone

import numpy as np
import pytest

from kiosk.cli import staff_cmd as staff
from kiosk.errors import UsageError
from kiosk.store.pins import verify_pin
from kiosk.store.sessions import Actor, end_session_complete
from kiosk.store.sqlite_store import AttendanceRow, Person, SqliteStore


@pytest.fixture
def store(data_dir):
    s = SqliteStore.in_dir(data_dir)
    for pid, name in (("maya", "Maya Chen"), ("lin", "Lin Miranda"), ("tom", "Tom Okafor")):
        s.add_person(Person(pid, name, "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    s.add_class("CS101", "Intro", ["maya"], room="B12")
    yield s
    s.close()


def test_instructor_add_and_pin_set_from_stdin(cli, store):
    code, out, _ = cli("instructor", "add", "prof", "--name", "Prof Ada")
    assert code == 0 and "instructor prof added" in out
    code, out, err = cli("pin", "set", "prof", stdin="4829\n4829\n")
    assert code == 0, err
    (hashed,) = store.query("SELECT pin_hash FROM pins WHERE person_id = 'prof'")[0]
    assert hashed.startswith("scrypt$") and verify_pin("4829", hashed)


@pytest.mark.parametrize("stdin, message", [
    ("0000\n", "PIN refused: a PIN of one repeated digit"),
    ("1234\n", "PIN refused: a PIN of consecutive digits"),
    ("12\n", "PIN refused: a PIN is 4 to 12 digits"),
    ("4829\n4828\n", "the two PINs differ"),
    ("", "no PIN on stdin"),
])
def test_bad_pins_are_refused_in_one_line(cli, store, stdin, message):
    cli("instructor", "add", "prof", "--name", "Prof Ada")
    code, _, err = cli("pin", "set", "prof", stdin=stdin)
    assert code == 2 and message in err and err.count("\n") == 1
    assert store.query("SELECT count(*) FROM pins")[0][0] == 0


def test_pin_for_a_student_is_refused(cli, store):
    code, _, err = cli("pin", "set", "maya", stdin="4829\n")
    assert code == 1 and "only instructors and admins have PINs" in err


def test_pin_prompts_twice_without_echo_at_a_terminal(monkeypatch):
    class Tty(io.StringIO):
        def isatty(self):
            return True

    answers = iter(["4829", "4829"])
    prompts = []
    monkeypatch.setattr(staff.getpass, "getpass", lambda prompt: prompts.append(prompt) or next(answers))
    assert staff.read_pin(Tty()) == "4829" and prompts == ["New PIN: ", "Repeat PIN: "]
    monkeypatch.setattr(staff.getpass, "getpass", lambda prompt: "1111")
    with pytest.raises(UsageError, match="too easy"):
        staff.read_pin(Tty())


def test_roster_import_reports_each_bad_row_and_what_was_imported(cli, store, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text("id,name\nlin,Lin Miranda\nghost,\n,Nobody\nmaya,Maya Chen\ntom,Tom Okafor\n")
    code, out, err = cli("class", "import-roster", "CS101", str(roster))
    assert code == 1
    assert "roster.csv line 3: 'ghost' is not known here and the row has no name" in err
    assert "roster.csv line 4: empty id" in err
    assert "CS101: 2 added, 1 already on the roster, 2 bad row(s) skipped" in out
    assert store.class_record("CS101").roster == {"maya", "lin", "tom"}


def test_roster_import_of_a_missing_file_is_one_line(cli, store, tmp_path):
    code, _, err = cli("class", "import-roster", "CS101", str(tmp_path / "nope.csv"))
    assert code == 2 and "cannot read" in err and err.count("\n") == 1


def test_roster_edits_and_class_remove(cli, store):
    assert cli("class", "add-students", "CS101", "--students", "lin,tom")[0] == 0
    assert cli("class", "remove-students", "CS101", "--students", "tom")[0] == 0
    assert store.class_record("CS101").roster == {"maya", "lin"}
    code, _, err = cli("class", "remove-students", "CS101", "--students", "tom")
    assert code == 1 and "not on CS101's roster: tom" in err
    assert cli("class", "remove", "CS101")[0] == 0
    assert "CS101" not in cli("class", "list")[1]


def test_schedules_remove_cancel_and_overlap(cli, store):
    cli("class", "add", "MA201", "--name", "Calc", "--students", "lin", "--room", "B12")
    assert cli("schedule", "add", "CS101", "--start", "09:00", "--end", "10:00", "--days", "wed",
               "--timezone", "Europe/London")[0] == 0
    code, _, err = cli("schedule", "add", "MA201", "--start", "09:30", "--end", "10:30", "--days", "wed",
                       "--timezone", "Europe/London")
    assert code == 1 and "overlaps schedule 1 of CS101 (09:00-10:00) in the same room" in err
    code, out, _ = cli("schedule", "cancel-date", "CS101", "--date", "2026-12-23", "--reason", "holiday")
    assert code == 0 and "cancelled" in out
    assert "cancelled: 2026-12-23" in cli("schedule", "list")[1]
    code, _, err = cli("schedule", "cancel-date", "CS101", "--date", "2026-12-24")
    assert code == 1 and "does not meet on 2026-12-24 (Thursday)" in err
    assert cli("schedule", "cancel-date", "CS101", "--date", "2026-12-23", "--undo")[0] == 0
    (meeting,) = [m for m in _meetings(store, "2026-12-30") if m.class_code == "CS101"]
    store.activate_session(meeting)  # the door holds 30 December's meeting
    code, _, err = cli("schedule", "cancel-date", "CS101", "--date", "2026-12-28", "--until", "2027-01-03")
    assert code == 1 and "CS101 on 2026-12-30 at 09:00 is already held" in err and "end it instead" in err
    assert "cancelled" not in cli("schedule", "list")[1]
    assert cli("schedule", "remove", "1")[0] == 0
    code, _, err = cli("schedule", "remove", "1")
    assert code == 1 and "unknown schedule 1" in err


def _meetings(store, day: str):
    from datetime import timedelta

    from kiosk.scheduler.timetable import meetings_around

    noon = datetime.fromisoformat(f"{day}T12:00:00+00:00")
    return meetings_around(store.schedules(), store.classes(), noon, timedelta(minutes=10), days_ahead=1)


def _two_sessions(store):
    from kiosk.model import SessionInfo

    store.conn.execute("INSERT INTO roster (class_code, person_id) VALUES ('CS101', 'lin')")
    for day, maya in ((2, "present"), (9, "late")):
        start = datetime(2026, 12, day, 9, tzinfo=timezone.utc)
        info = SessionInfo(f"CS101@{day}", "CS101", "Intro", "B12", start, start.replace(hour=10), start, "active")
        store.activate_session(info)
        store.record_attendance(AttendanceRow(info.session_id, "maya", maya, start))
        end_session_complete(store, info.session_id, Actor("schedule", "k1"), start.replace(hour=10))


def test_export_csv_and_xlsx(cli, store, tmp_path):
    _two_sessions(store)
    code, out, _ = cli("attendance", "export", "--class", "CS101")
    lines = out.splitlines()
    assert lines[0] == "person_id,name,class,session_start,status,checked_in_at,latency_ms,method,made_by,reason,enrolment"
    assert len(lines) == 5 and ",absent,," in lines[2]  # an absent row has no check-in time
    code, out, _ = cli("attendance", "export", "--format", "xlsx", "--out", str(tmp_path / "a.xlsx"))
    assert code == 0 and "4 row(s)" in out
    from openpyxl import load_workbook

    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert [c.value for c in sheet[1]][:5] == ["person_id", "name", "class", "session_start (Etc/UTC)", "status"]
    assert sheet.max_row == 5
    code, _, err = cli("attendance", "export", "--format", "xlsx")
    assert code == 2 and "needs --out" in err


def test_report_chart_and_per_student_summary(cli, store, tmp_path):
    _two_sessions(store)
    code, out, _ = cli("attendance", "report", "--class", "CS101", "--out", str(tmp_path / "r.png"))
    assert code == 0, out
    assert "Maya Chen\t1\t1\t0\t0\t100%" in out and "Lin Miranda\t0\t0\t0\t2\t0%" in out
    from PIL import Image

    with Image.open(tmp_path / "r.png") as image:
        assert image.size[0] > 500 and len(set(image.convert("RGB").getdata())) > 20
    code, _, err = cli("attendance", "report", "--class", "NOPE", "--out", str(tmp_path / "x.png"))
    assert code == 2 and "unknown class 'NOPE'" in err


def test_report_names_who_should_be_re_enrolled(cli, store, tmp_path):
    """Lin is on the roster but the kiosk missed him twice: the instructor marked him by hand."""
    from kiosk.model import SessionInfo

    store.conn.execute("INSERT INTO roster (class_code, person_id) VALUES ('CS101', 'lin')")
    for day, lin_method in ((2, "manual"), (9, "manual"), (16, "face")):
        start = datetime(2026, 12, day, 9, tzinfo=timezone.utc)
        info = SessionInfo(f"CS101@{day}", "CS101", "Intro", "B12", start, start.replace(hour=10), start, "active")
        store.activate_session(info)
        store.record_attendance(AttendanceRow(info.session_id, "maya", "present", start))
        store.record_attendance(AttendanceRow(info.session_id, "lin", "present", start, method=lin_method))
        end_session_complete(store, info.session_id, Actor("schedule", "k1"), start.replace(hour=10))
    code, out, _ = cli("attendance", "report", "--class", "CS101", "--out", str(tmp_path / "r.png"))
    assert code == 0, out
    assert "Lin Miranda\t3\t0\t0\t0\t100%\t2" in out and "Maya Chen\t3\t0\t0\t0\t100%\t0" in out
    advice = out.split("should be re-enrolled", 1)[1]
    assert "lin\tLin Miranda\tmarked by hand 2 of 3 attended sessions" in advice and "maya" not in advice
