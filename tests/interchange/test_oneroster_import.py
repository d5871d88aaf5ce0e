"""`import oneroster`: a school system's OneRoster bundle (written here, as a zip or a folder)
imported into a real SQLite file, again unchanged, then with the school system's changes; a
delta carrying only enrollments; what a bulk file no longer lists; people and classes that
were here before the first import; OneRoster 1.2 with roles.csv."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from oneroster_support import School, school, write_folder, write_zip

from kiosk.interchange.ids import derived_id
from kiosk.model import SessionInfo, session_id
from kiosk.store.oneroster import interchange_ids
from kiosk.store.people import EnrolmentCounts, enrolment_counts
from kiosk.store.sqlite_store import AttendanceRow, Person, SqliteStore

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=timezone.utc)
TEACHER1 = derived_id("staff/0001")


def summary(name: str, classes, users, enrollments, refused: int = 0, awaiting: int = 0) -> str:
    def part(kind, tally):
        waiting = f" ({awaiting} awaiting enrolment)" if kind == "users" and awaiting else ""
        return f"{kind} {tally[0]} added{waiting}, {tally[1]} updated, {tally[2]} removed, {tally[3]} unchanged"

    parts = "; ".join(part(k, t) for k, t in (("classes", classes), ("users", users), ("enrollments", enrollments)))
    return f"{name} (OneRoster 1.1): {parts}; {refused} line(s) refused\n"


@pytest.fixture
def store(data_dir):
    opened = []

    def open_store() -> SqliteStore:
        opened.append(SqliteStore.in_dir(data_dir))
        return opened[-1]

    yield open_store
    for s in opened:
        s.close()


def students_of(sis: School, class_sid: str) -> set[str]:
    return {e["userSourcedId"] for e in sis.enrollments if e["classSourcedId"] == class_sid and e["role"] == "student"
            and e.get("status") != "tobedeleted"}


def code_of(s: SqliteStore, class_sid: str) -> str:
    return next(code for code, sid in interchange_ids(s).classes.items() if sid == class_sid)


def held_session(s: SqliteStore, code: str, person_id: str) -> str:
    """A session of `code` a week ago, with `person_id` checked in: attendance history."""
    start = T0
    info = SessionInfo(session_id(code, start), code, code, "", start, start + timedelta(hours=1),
                       start - timedelta(minutes=10), "active")
    s.activate_session(info)
    s.record_attendance(AttendanceRow(info.session_id, person_id, "present", start + timedelta(minutes=2)))
    s.end_session(info.session_id)
    return info.session_id


def test_a_school_system_imports_again_unchanged_then_follows_its_changes(cli, store, tmp_path):
    sis = school()  # 2 schools, 30 classes, 600 users: 30 teachers and 570 students in two classes each
    code, out, err = cli("import", "oneroster", str(write_zip(tmp_path / "sis.zip", sis.files())))
    assert (code, err) == (0, "")
    assert out == summary("sis.zip", (30, 0, 0, 0), (600, 0, 0, 0), (1170, 0, 0, 0), awaiting=570)
    s = store()
    assert len(s.class_records()) == 30 and len(s.people()) == 600
    assert enrolment_counts(s) == EnrolmentCounts(0, 570, 0)  # every student awaits enrolment: no face yet
    english = s.class_record("ENG-001")
    assert (english.name, english.room, english.instructor_id) == ("English 1", "ROOM 101", TEACHER1)
    assert english.roster == students_of(sis, "class-001") and len(english.roster) == 38
    assert s.person(TEACHER1) == Person(TEACHER1, "Leo Teacher1", "instructor")
    ids = interchange_ids(s)
    assert ids.users["stu-0001"] == ("stu-0001", "10001") and ids.users[TEACHER1] == ("staff/0001", "T0001")
    assert ids.classes["ENG-001"] == "class-001"
    assert "stu-0001\tLeo Park\tstudent\tawaiting enrolment" in cli("person", "list")[1]
    assert "OneRoster stu-0001, identifier 10001" in cli("person", "list")[1]

    code, out, err = cli("import", "oneroster", str(write_zip(tmp_path / "sis.zip", sis.files())))
    assert (code, err) == (0, "")
    assert out == summary("sis.zip", (0, 0, 0, 30), (0, 0, 0, 600), (0, 0, 0, 1170))

    history = held_session(s, "ENG-001", "stu-0001")
    dropped = next(e for e in sis.enrollments
                   if e["userSourcedId"] == "stu-0001" and e["classSourcedId"] == "class-001")
    dropped["status"] = "tobedeleted"  # the student leaves English 1
    sis.classes[0]["title"] = "English Language 1"
    code, out, err = cli("import", "oneroster", str(write_zip(tmp_path / "sis.zip", sis.files())))
    assert (code, err) == (0, "")
    assert out == summary("sis.zip", (0, 1, 0, 29), (0, 0, 0, 600), (0, 0, 1, 1169))
    english = s.class_record("ENG-001")
    assert english.name == "English Language 1" and "stu-0001" not in english.roster and len(english.roster) == 37
    assert s.person("stu-0001") is not None  # still at school, in their other class
    exported = cli("attendance", "export", "--class", "ENG-001")[1]
    assert "stu-0001,Leo Park,ENG-001,2026-03-02" in exported  # their attendance history stays
    assert s.session_state(history) == "ended"
    imports = cli("audit", "list", "--kind", "import")[1]
    assert imports.count("oneroster_import") == 3 and "1 updated" in imports


def test_a_delta_bundle_may_carry_only_enrollments(cli, store, tmp_path):
    sis = school(users=40, classes=4)
    assert cli("import", "oneroster", str(write_zip(tmp_path / "bulk.zip", sis.files())))[0] == 0
    first = next(e for e in sis.enrollments if e["userSourcedId"] == "stu-0001")
    delta = School(modes={"enrollments": "delta"})
    delta.enrollments = [
        {"sourcedId": "enr-new", "status": "active", "dateLastModified": "2026-03-01T08:00:00Z",
         "classSourcedId": "class-003", "schoolSourcedId": "school-1", "userSourcedId": "stu-0001",
         "role": "student", "primary": "false"},
        {"sourcedId": first["sourcedId"], "status": "tobedeleted", "dateLastModified": "2026-03-01T08:00:00Z"},
        {"sourcedId": "enr-t003", "status": "active", "dateLastModified": "2026-03-01T08:00:00Z",
         "classSourcedId": "class-003", "schoolSourcedId": "school-1", "userSourcedId": "staff/0001",
         "role": "teacher", "primary": "true"},
    ]
    files = delta.files()
    assert set(files) == {"manifest.csv", "enrollments.csv"}
    code, out, err = cli("import", "oneroster", str(write_folder(tmp_path / "delta", files)))
    assert (code, err) == (0, "")
    assert "classes 0 added, 0 updated, 0 removed, 0 unchanged; users 0 added, 0 updated, 0 removed, 0 unchanged; " \
           "enrollments 1 added, 1 updated, 1 removed, 0 unchanged; 0 line(s) refused" in out
    s = store()
    assert "stu-0001" in s.class_record(code_of(s, "class-003")).roster
    assert "stu-0001" not in s.class_record(code_of(s, first["classSourcedId"])).roster
    assert s.class_record(code_of(s, "class-003")).instructor_id == TEACHER1  # the new primary teacher
    assert cli("import", "oneroster", str(tmp_path / "delta"))[1].endswith("0 added, 0 updated, 0 removed, "
                                                                         "3 unchanged; 0 line(s) refused\n")


def test_what_a_bulk_file_no_longer_lists_is_removed_and_history_stays(cli, store, tmp_path):
    sis = school(users=40, classes=4)
    assert cli("import", "oneroster", str(write_zip(tmp_path / "a.zip", sis.files())))[0] == 0
    s = store()
    closing = code_of(s, "class-003")
    history = held_session(s, closing, "stu-0002")
    sis.users = [u for u in sis.users if u["sourcedId"] != "stu-0002"]  # left the school
    sis.enrollments = [e for e in sis.enrollments if e["userSourcedId"] != "stu-0002"]
    sis.classes[2]["status"] = "tobedeleted"  # class-003 closes
    sis.enrollments = [e for e in sis.enrollments if e["classSourcedId"] != "class-003"]
    code, out, err = cli("import", "oneroster", str(write_zip(tmp_path / "a.zip", sis.files())))
    assert (code, err) == (0, "")
    assert "classes 0 added, 0 updated, 1 removed, 3 unchanged; users 0 added, 0 updated, 1 removed, " \
           "39 unchanged" in out
    assert s.class_record(closing) is None and s.class_known(closing)  # its sessions stay
    assert s.person("stu-0002") is not None  # not erased: only taken off the rosters
    assert not any("stu-0002" in c.roster for c in s.class_records())
    assert s.session_state(history) == "ended"
    assert "stu-0002" in cli("attendance", "export", "--class", closing)[1]
    assert interchange_ids(s).classes[closing] == "class-003"  # its history still exports under its sourcedId
    code, out, err = cli("import", "oneroster", str(write_zip(tmp_path / "a.zip", sis.files())))
    assert "classes 0 added, 0 updated, 0 removed, 4 unchanged; users 0 added, 0 updated, 0 removed, 39 unchanged" \
        in out  # class-003 is still listed (tobedeleted): unchanged; stu-0002, gone before, is not counted again


def test_people_and_classes_made_here_before_are_taken_over_and_hand_edits_kept(cli, store, tmp_path):
    sis = school(users=40, classes=4)
    s = store()
    s.add_person(Person("10001", "Leo Park", "student"), "sface", __import__("numpy").ones((1, 4), "float32"), ["a"])
    s.add_person(Person("visitor", "Vi Sitor", "student"), "sface", __import__("numpy").ones((1, 4), "float32"), ["b"])
    s.add_class("ENG-001", "English (old name)", ["visitor"], room="B12")
    cli("instructor", "add", TEACHER1, "--name", "Leo Teacher1", "--admin")
    code, out, err = cli("import", "oneroster", str(write_zip(tmp_path / "a.zip", sis.files())))
    assert (code, err) == (0, "")
    ids = interchange_ids(s)
    assert ids.users["10001"] == ("stu-0001", "10001")  # the student imported by number before: one person
    assert "stu-0001" not in {p.id for p in s.people()}
    english = s.class_record("ENG-001")
    assert english.name == "English 1" and "visitor" in english.roster and "10001" in english.roster
    assert s.person(TEACHER1).role == "admin"  # an admin who teaches stays admin
    assert cli("import", "oneroster", str(write_zip(tmp_path / "a.zip", sis.files())))[1].endswith(
        "0 added, 0 updated, 0 removed, 76 unchanged; 0 line(s) refused\n")
    assert "visitor" in s.class_record("ENG-001").roster  # added by hand: never removed by an import


def test_oneroster_1_2_takes_roles_from_roles_csv(cli, store, tmp_path):
    sis = school(users=40, classes=4, version="1.2")
    code, out, err = cli("import", "oneroster", str(write_folder(tmp_path / "v12", sis.files())))
    assert (code, err) == (0, "")
    assert "(OneRoster 1.2): classes 4 added" in out and "users 40 added (36 awaiting enrolment)" in out
    s = store()
    assert s.person(TEACHER1).role == "instructor" and s.person("stu-0001").role == "student"


def test_a_zip_of_a_folder_and_a_sourcedid_that_is_no_person_id(cli, store, tmp_path):
    sis = school(users=12, classes=2)
    long_id = "x" * 70
    sis.users[-1]["sourcedId"] = long_id
    for e in sis.enrollments:
        if e["userSourcedId"] == "stu-0010":
            e["userSourcedId"] = long_id
    code, out, err = cli("import", "oneroster", str(write_zip(tmp_path / "a.zip", sis.files(), folder="sis-export/")))
    assert (code, err) == (0, "")
    s = store()
    assert interchange_ids(s).users[derived_id(long_id)][0] == long_id
    assert len(derived_id(long_id)) <= 64 and s.person(derived_id(long_id)) is not None
