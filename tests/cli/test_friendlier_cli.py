"""The command line as a new admin meets it: options where they are typed, a mistyped data
dir named, staff listed and removed, consent that can be required, past schedules and
unknown PIN holders named, and a progress bar that ends its line before an error."""

from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import pytest

from kiosk.cli.main import hoist_global_options, main
from kiosk.store.sqlite_store import Person, SqliteStore


def run(capsys, *argv):
    """main() without the cli fixture's leading --data-dir: the options come where a person types them."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def school(data_dir):
    store = SqliteStore.in_dir(data_dir)
    store.add_person(Person("maya", "Maya", "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.add_class("CS101", "Intro", ["maya"], room="B12")
    store.close()
    return data_dir


def test_global_options_may_follow_the_command(capsys, school, tmp_path):
    code, out, _ = run(capsys, "class", "list", "--data-dir", str(school))
    assert code == 0 and out.startswith("CS101\tIntro room B12")
    config = tmp_path / "k.toml"
    config.write_text('[kiosk]\nroom = "B12"\n')
    assert run(capsys, "doctor", "--skip-camera", f"--data-dir={school}", "--config", str(config))[0] == 0
    assert hoist_global_options(["enroll", "--id", "x", "--data-dir", "d", "a.jpg", "--", "--config"]) == \
        ["--data-dir", "d", "enroll", "--id", "x", "a.jpg", "--", "--config"]


@pytest.mark.parametrize("argv", [["class", "list", "--data-dir"], ["class", "list", "--config", "--data-dir", "d"]])
def test_a_global_option_with_no_value_is_named(capsys, argv):
    code, out, err = run(capsys, *argv)
    assert code == 2 and out == "" and err.count("\n") == 1
    assert f"{argv[2]} needs a value" in err


@pytest.mark.parametrize("argv", [["class", "list"], ["schedule", "list"], ["person", "list"], ["staff", "list"],
                                  ["attendance", "export"], ["verify-log"], ["audit", "list"], ["lookalikes"]])
def test_a_read_command_on_a_folder_with_no_database_names_the_path(capsys, tmp_path, argv):
    typo = tmp_path / "dta"
    code, out, err = run(capsys, *argv, "--data-dir", str(typo))
    assert code == 2 and out == ""
    assert f"no database in {typo}" in err and "check --data-dir" in err and err.count("\n") == 1
    assert not typo.exists()  # nothing created


def test_staff_are_listed_with_pins_and_removed(cli, school):
    cli("instructor", "add", "prof", "--name", "Dr Ada")
    cli("instructor", "add", "boss", "--name", "Ms Boss", "--admin")
    cli("pin", "set", "prof", stdin="4829\n")
    store = SqliteStore.in_dir(school)
    store.conn.execute("UPDATE classes SET instructor_id = 'prof'")
    store.close()
    out = cli("staff", "list")[1].splitlines()
    assert out == ["boss\tMs Boss\tadmin\tPIN no\tteaches: -", "prof\tDr Ada\tinstructor\tPIN yes\tteaches: CS101"]
    assert "prof\tDr Ada\tinstructor\tno face (staff)\tPIN yes" in cli("person", "list")[1]
    code, out, _ = cli("staff", "remove", "prof")
    assert code == 0 and out == "staff prof: PIN and staff role removed; they had no face enrolled, so they are removed\n"
    assert [line.split("\t")[0] for line in cli("staff", "list")[1].splitlines()] == ["boss"]
    code, _, err = cli("staff", "remove", "maya")
    assert code == 1 and "'maya' is a student, not a staff member; see 'staff list'" in err


@pytest.mark.parametrize("who, message", [("nobody", "no staff member 'nobody' here; add them with 'instructor add"),
                                          ("maya", "'maya' is a student; only instructors and admins have PINs")])
def test_pin_set_for_someone_who_cannot_have_one_names_the_problem_before_asking(cli, school, who, message):
    code, out, err = cli("pin", "set", who, stdin="")
    assert code == 1 and message in err and "no PIN on stdin" not in err and err.count("\n") == 1


def test_consent_can_be_required(cli, shared, tmp_path):
    config = tmp_path / "k.toml"
    config.write_text("[privacy]\nrequire_consent = true\n")
    photo = str(shared / "face_recognition" / "lin-manuel-miranda.png")
    code, _, err = cli("--config", str(config), "enroll", "--id", "lin", "--name", "Lin", photo)
    assert code == 1 and "consent is required here ([privacy] require_consent)" in err and "--consent-by self" in err
    assert cli("--config", str(config), "person", "list")[1].strip() == \
        "nobody yet; enrol people with 'enroll', or import a roster with 'class import-roster'"
    assert cli("--config", str(config), "enroll", "--id", "lin", "--name", "Lin", "--consent-by", "self", photo)[0] == 0


def test_a_schedule_wholly_in_the_past_is_added_with_a_warning(cli, school):
    yesterday = f"{datetime.now() - timedelta(days=1):%Y-%m-%d}"
    code, out, err = cli("schedule", "add", "CS101", "--start", "09:00", "--end", "10:00", "--date", yesterday)
    assert code == 0 and "schedule 1 added" in out
    assert f"warning: {yesterday} 10:00 has already passed, so this meeting will never open" in err
    code, _, err = cli("schedule", "add", "CS101", "--start", "09:00", "--end", "10:00", "--date", "tomorrow")
    assert code == 0 and err == ""


def test_the_progress_bar_ends_its_line_before_the_error(cli, shared, tmp_path):
    bad = tmp_path / "bad.jpg"
    bad.write_bytes(b"not an image")
    code, _, err = cli("enroll", "--id", "lin", "--name", "Lin", str(bad))
    assert code == 1
    bar, message = err.splitlines()[-2:]
    assert bar.endswith("1/1") and message.startswith("error: ") and "bad.jpg" in message
