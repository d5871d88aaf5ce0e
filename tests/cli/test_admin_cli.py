"""Admin commands through main(): output, one-line errors, exit codes, no half-writes."""

import numpy as np
import pytest

from kiosk.cli.main import main
from kiosk.store.sqlite_store import Person, SqliteStore


@pytest.fixture
def enrolled(data_dir):
    store = SqliteStore.in_dir(data_dir)
    for pid in ("maya", "lin"):
        store.add_person(Person(pid, pid.title(), "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.close()


def test_class_and_schedule_round_trip(cli, enrolled):
    assert cli("class", "add", "CS101", "--name", "Intro", "--students", "maya,lin")[0] == 0
    code, out, _ = cli("class", "list")
    assert code == 0 and "CS101" in out and "2 student(s)" in out
    code, out, _ = cli("schedule", "add", "CS101", "--start", "09:00", "--end", "10:30", "--days", "mon,wed",
                       "--timezone", "Europe/London")
    assert code == 0 and "every mon,wed" in out
    assert "09:00-10:30" in cli("schedule", "list")[1]


@pytest.mark.parametrize(
    "argv, message, exit_code",
    [
        (["schedule", "add", "NOPE", "--start", "09:00", "--end", "10:00", "--date", "2026-11-25"], "unknown class 'NOPE'", 1),
        (["schedule", "add", "CS101", "--start", "10:00", "--end", "09:00", "--date", "2026-11-25"], "must be after --start", 2),
        (["schedule", "add", "CS101", "--start", "9am", "--end", "10:00", "--date", "2026-11-25"], "not a time in HH:MM", 2),
        (["schedule", "add", "CS101", "--start", "09:00", "--end", "10:00", "--days", "funday"], "unknown weekday", 2),
        (["schedule", "add", "CS101", "--start", "09:00", "--end", "10:00", "--days", "monkey,tuesday"],
         "unknown weekday 'monkey'; use mon,tue,wed,thu,fri,sat,sun (or monday ... sunday, tues, weds, thur, thurs)", 2),
        (["schedule", "add", "CS101", "--start", "09:00", "--end", "10:00"], "one of the arguments --date --days is required", 2),
        (["class", "add", "MA201", "--name", "Calc", "--students", "maya,ghost"], "unknown person id(s): ghost", 1),
        (["attendance", "export", "--date", "someday"], "not a date in YYYY-MM-DD", 2),
        (["frobnicate"], "invalid choice", 2),
        (["run", "--exit-after", "-1"], "--exit-after must be a positive", 2),
    ],
)
def test_bad_input_is_one_line_and_writes_nothing(cli, enrolled, data_dir, argv, message, exit_code):
    cli("class", "add", "CS101", "--name", "Intro", "--students", "maya")
    code, out, err = cli(*argv)
    assert code == exit_code
    assert message in err and err.count("\n") == 1 and "Traceback" not in err
    store = SqliteStore.in_dir(data_dir)
    assert store.schedules() == [] and [c.code for c in store.class_records()] == ["CS101"]
    store.close()


def test_malformed_config_exits_2(tmp_path, capsys):
    bad = tmp_path / "k.toml"
    bad.write_text("[ui]\nfps = \n")
    assert main(["--config", str(bad), "class", "list"]) == 2
    assert "malformed TOML" in capsys.readouterr().err


def test_export_csv_columns(cli, enrolled):
    code, out, _ = cli("attendance", "export", "--format", "csv")
    assert code == 0
    assert out.splitlines() == [
        "person_id,name,class,session_start,status,checked_in_at,latency_ms,method,made_by,reason,enrolment"]


def test_run_with_missing_video_file_is_one_line(cli):
    code, _, err = cli("run", "--camera", "/no/such/clip.mp4", "--exit-after", "1")
    assert code == 2 and "no such video file" in err and err.count("\n") == 1
