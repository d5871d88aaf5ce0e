"""The OneRoster upload on the Classes page, and the attendance downloads in the office's
codes on the session and day pages (the real app, a real SQLite file, real zips)."""

from __future__ import annotations

import csv
import io
import json
import zipfile

import pytest
from oneroster_support import school, write_zip
from web_support import CS101

from kiosk.store.audit import audit_entries


def upload(client, path, token=None):
    token = token if token is not None else client.csrf("/classes")
    return client.post_files("/classes/oneroster", {"csrf": token}, [("bundle", path.name, path.read_bytes())])


def test_an_admin_imports_a_bundle_twice_and_then_a_change(boss, store, tmp_path):
    sis = school(users=60, classes=4)
    first = upload(boss, write_zip(tmp_path / "sis.zip", sis.files()))
    assert first.status == 200, first.text
    assert "sis.zip" in first.text and "nothing imported" not in first.text
    assert store.class_record("ENG-001").roster and store.person("stu-0001") is not None
    again = upload(boss, write_zip(tmp_path / "sis.zip", sis.files()))
    assert again.status == 200 and "unchanged" in again.text and "0 added" in again.text
    sis.enrollments = [e for e in sis.enrollments if e["userSourcedId"] != "stu-0001"]  # a student dropped
    changed = upload(boss, write_zip(tmp_path / "sis.zip", sis.files()))
    assert changed.status == 200 and "removed" in changed.text
    assert not any("stu-0001" in store.class_record(c).roster for c in store.classes())
    assert store.person("stu-0001") is not None  # taken off rosters, never erased
    assert len(audit_entries(store, "oneroster_import")) == 3


def test_a_refused_bundle_names_each_problem_and_imports_nothing(boss, store, tmp_path):
    files = school(users=20, classes=2).files()
    files["users.csv"] = files["users.csv"].replace("givenName", "firstName", 1)  # a wrong header
    del files["enrollments.csv"]  # a missing file the manifest declares
    reply = upload(boss, write_zip(tmp_path / "bad.zip", files))
    assert reply.status == 422 and "nothing imported" in reply.text and "users.csv" in reply.text
    assert "enrollments.csv" in reply.text and "Traceback" not in reply.text
    assert not any(code.startswith(("ENG", "SCI", "MAT")) for code in store.classes())


@pytest.mark.parametrize("member", ["../escape.csv", "/etc/passwd"])
def test_a_path_out_of_the_zip_is_refused(boss, tmp_path, member):
    files = school(users=20, classes=2).files()
    path = tmp_path / "evil.zip"
    with zipfile.ZipFile(path, "w") as archive:
        for name, text in files.items():
            archive.writestr(name, text)
        archive.writestr(member, "x")
    reply = upload(boss, path)
    assert reply.status == 422 and "nothing imported" in reply.text


def test_the_upload_needs_its_token_and_an_admin(web, boss, tmp_path):
    path = write_zip(tmp_path / "sis.zip", school(users=20, classes=2).files())
    assert upload(boss, path, token="forged").status == 403
    prof = web.client()
    prof.sign_in("prof")
    assert upload(prof, path, token=prof.csrf("/today")).status == 403
    assert boss.post_files("/classes/oneroster", {"csrf": boss.csrf("/classes")}, []).status == 400


def test_session_and_day_downloads_in_the_offices_codes(web, boss, cfg, clock):
    from web_support import check_in

    check_in(cfg, clock, "maya")
    session = boss.get(f"/session/{CS101}").text
    assert "attendance.oneroster.csv" in session and "attendance.edfi.json" in session
    today = boss.get("/today?date=2026-11-25").text
    assert "/day/2026-11-25/attendance.edfi.json" in today
    events = json.loads(boss.get("/day/2026-11-25/attendance.edfi.json").body)
    assert [(e["studentReference"]["studentUniqueId"], e["attendanceEventCategoryDescriptor"].split("#")[1])
            for e in events] == [("maya", "In Attendance")]  # the others are not marked yet: left out
    rows = list(csv.DictReader(io.StringIO(boss.get("/day/2026-11-25/attendance.oneroster.csv").text)))
    assert [(r["classSourcedId"], r["userSourcedId"], r["idSource"]) for r in rows] == [("CS101", "maya", "kiosk")]
    assert boss.get("/day/2026-11-25/attendance.csv").status == 200
    assert boss.get("/day/2026-11-25/attendance.xlsx").status == 200
    assert boss.get("/day/2026-13-01/attendance.csv").status == 400
    assert boss.get("/day/2026-11-25/attendance.exe").status == 404
    prof = web.client()
    prof.sign_in("prof")  # only CS101 is theirs
    mine = list(csv.DictReader(io.StringIO(prof.get("/day/2026-11-25/attendance.csv").text)))
    assert {r["class"] for r in mine} == {"CS101"}
