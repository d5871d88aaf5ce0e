"""The register without a kiosk from the command line (`attendance mark`), the exports an office
can use, and the bad input around them: each refused in one line, with nothing stored."""

from __future__ import annotations

import csv
import io
import shutil
from datetime import datetime, timedelta

import numpy as np
import pytest
from openpyxl import load_workbook

from kiosk.store import staff
from kiosk.store.sqlite_store import Person, SqliteStore

ZONE = "Europe/London"


@pytest.fixture
def school(data_dir, monkeypatch):
    """CS101 met yesterday 09:00-10:00 in room B12 (no kiosk held it), and meets again tomorrow."""
    monkeypatch.setenv("KIOSK_TIMEZONE", ZONE)
    store = SqliteStore.in_dir(data_dir)
    for pid, name in (("maya", "Maya Chen"), ("lin", "=HYPERLINK(\"http://evil\",\"Lin\")"), ("tom", "Tom Okafor")):
        store.add_person(Person(pid, name, "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    staff.add_staff(store, "prof", "Prof Ada")
    store.close()
    return data_dir


def run_setup(cli) -> str:
    yesterday = f"{datetime.now() - timedelta(days=1):%Y-%m-%d}"
    assert cli("class", "add", "CS101", "--name", "Intro", "--students", "maya,lin,tom", "--room", " b12 ")[0] == 0
    assert cli("schedule", "add", "CS101", "--start", "09:00", "--end", "10:00", "--date", yesterday)[0] == 0
    assert cli("schedule", "add", "CS101", "--start", "09:00", "--end", "10:00", "--date", "tomorrow")[0] == 0
    return yesterday


def rows_of(out: str) -> dict[str, dict]:
    return {r["person_id"]: r for r in csv.DictReader(io.StringIO(out))}


def test_a_meeting_no_kiosk_opened_is_marked_and_exported(cli, school):
    day = run_setup(cli)
    code, out, _ = cli("attendance", "mark", "--class", "CS101", "--date", "yesterday", "--person", "maya",
                       "--status", "present")
    assert code == 0 and "Maya Chen marked present in CS101" in out and "its register is now open" in out
    code, out, err = cli("attendance", "mark", "--class", "CS101", "--date", day, "--person", "tom",
                         "--status", "excused", "--reason", "illness")
    assert code == 0 and "register is now open" not in out, err
    _, out, _ = cli("attendance", "export", "--date", "yesterday")
    rows = rows_of(out)
    assert (rows["maya"]["status"], rows["maya"]["method"], rows["maya"]["made_by"]) == ("present", "manual",
                                                                                        rows["maya"]["made_by"])
    assert rows["maya"]["made_by"].startswith("cli")
    assert (rows["tom"]["status"], rows["tom"]["reason"]) == ("excused", "cli: illness")
    assert rows["lin"]["status"] == "not marked" and rows["lin"]["name"].startswith("'=")  # neutralised
    _, out, _ = cli("audit", "list", "--kind", "session")
    assert "manual_mark" in out


@pytest.mark.parametrize("args, words", [
    (["--status", "excused"], "say why Maya Chen is excused"),
    (["--status", "present", "--date", "tomorrow"], "opens at"),
    (["--status", "present", "--class", "NOPE"], "NOPE does not meet"),
    (["--status", "present", "--start", "11:00"], "does not meet on"),
])
def test_a_mark_the_rules_refuse_is_one_line_and_stores_nothing(cli, school, args, words):
    run_setup(cli)
    base = {"--class": "CS101", "--date": "yesterday", "--person": "maya"}
    for i in range(0, len(args), 2):
        base[args[i]] = args[i + 1]
    code, _, err = cli("attendance", "mark", *[x for pair in base.items() for x in pair])
    assert code == 2 and words in err and err.count("\n") == 1, err
    _, out, _ = cli("attendance", "export")
    assert out.count("\n") == 1  # the header alone: no session was opened, nothing stored


def test_an_unknown_status_is_refused_by_the_command_line(cli, school):
    run_setup(cli)
    code, _, err = cli("attendance", "mark", "--class", "CS101", "--date", "yesterday", "--person", "maya",
                       "--status", "sick")
    assert code == 2 and "invalid choice: 'sick'" in err


def test_the_export_format_follows_the_file_name_and_a_bom_is_there_for_excel(cli, school, tmp_path):
    run_setup(cli)
    cli("attendance", "mark", "--class", "CS101", "--date", "yesterday", "--person", "maya", "--status", "late")
    assert cli("attendance", "export", "--out", str(tmp_path / "a.xlsx"))[0] == 0
    sheet = load_workbook(tmp_path / "a.xlsx").active
    assert sheet["A1"].value == "person_id" and isinstance(sheet["D2"].value, datetime)
    code, _, err = cli("attendance", "export", "--format", "csv", "--out", str(tmp_path / "b.xlsx"))
    assert code == 2 and "make them agree" in err and not (tmp_path / "b.xlsx").exists()
    code, _, err = cli("attendance", "export", "--out", str(tmp_path / "c.txt"))
    assert code == 2 and "say --format csv or xlsx" in err
    assert cli("attendance", "export", "--out", str(tmp_path / "d.csv"), "--excel")[0] == 0
    assert (tmp_path / "d.csv").read_bytes().startswith(b"\xef\xbb\xbf")


def test_a_room_of_spaces_is_refused(cli, school):
    code, _, err = cli("class", "add", "X1", "--name", "X", "--room", "   ")
    assert code == 2 and "empty after trimming" in err


def test_consent_given_for_a_folder_applies_to_everyone_in_it(cli, shared, tmp_path):
    config = tmp_path / "k.toml"
    config.write_text("[privacy]\nrequire_consent = true\n")
    folder = tmp_path / "photos"
    for pid, photo in (("lin", "lin-manuel-miranda.png"), ("alex", "alex-lacamoire.png")):
        (folder / pid).mkdir(parents=True)
        shutil.copy(shared / "face_recognition" / photo, folder / pid / photo)
    code, out, err = cli("--config", str(config), "enroll", "--from-dir", str(folder), "--consent-by", "self")
    assert code == 0, err
    _, out, _ = cli("--config", str(config), "person", "list")
    assert out.count("consent: self") == 2


def test_a_weekly_class_cannot_open_a_register_years_back(cli, school):
    assert cli("class", "add", "GYM", "--name", "Gym", "--students", "maya", "--room", "G1")[0] == 0
    assert cli("schedule", "add", "GYM", "--start", "09:00", "--end", "10:00",
               "--days", "mon,tue,wed,thu,fri,sat,sun")[0] == 0
    code, _, err = cli("attendance", "mark", "--class", "GYM", "--date", "1999-01-04", "--person", "maya",
                       "--status", "present")
    assert code == 2 and "more than 62 days ago" in err and err.count("\n") == 1, err
    _, out, _ = cli("attendance", "export")
    assert out.count("\n") == 1  # nothing opened, nothing stored


def test_a_mark_made_without_a_reason_exports_no_reason(cli, school):
    run_setup(cli)
    assert cli("attendance", "mark", "--class", "CS101", "--date", "yesterday", "--person", "maya",
               "--status", "present")[0] == 0
    _, out, _ = cli("attendance", "export", "--date", "yesterday")
    assert rows_of(out)["maya"]["reason"] == ""  # not "cli": where it was made is in made_by
