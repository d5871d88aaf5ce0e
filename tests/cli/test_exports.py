"""Exports and reports a school can use: every roster member with a status, unknown classes
refused everywhere, --date today|yesterday, row counts, bad paths in one line, the PNG table,
and --excel's byte-order mark on stdout as in a file."""

from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import numpy as np
import pytest

from kiosk.model import SessionInfo
from kiosk.store.sessions import Actor, end_session_complete, mark_manual
from kiosk.store.sqlite_store import AttendanceRow, Person, SqliteStore

REPO = Path(__file__).resolve().parents[2]
NOW = datetime.now(timezone.utc).replace(microsecond=0)


@pytest.fixture
def school(data_dir):
    """CS101 (maya, lin, tom): yesterday's session ended (maya present, lin late by hand, tom
    absent); today's runs now (maya checked in, lin and tom not yet)."""
    store = SqliteStore.in_dir(data_dir)
    for pid, name in (("maya", "Maya Chen"), ("lin", "Lin Miranda"), ("tom", "Tom Okafor")):
        store.add_person(Person(pid, name, "student"), "sface", np.ones((1, 4), np.float32), ["a"])
    store.add_class("CS101", "Intro", ["maya", "lin", "tom"], room="B12")
    for day, sid in ((-1, "CS101@yesterday"), (0, "CS101@today")):
        start = NOW + timedelta(days=day) - timedelta(minutes=5)
        store.activate_session(SessionInfo(sid, "CS101", "Intro", "B12", start, start + timedelta(hours=1), start,
                                           "active"))
        store.record_attendance(AttendanceRow(sid, "maya", "present", start + timedelta(minutes=1)))
    mark_manual(store, "CS101@yesterday", "lin", "late", Actor("prof"), NOW - timedelta(days=1))
    end_session_complete(store, "CS101@yesterday", Actor("schedule"), NOW - timedelta(days=1) + timedelta(hours=1))
    store.close()


def _rows(out: str) -> list[tuple[str, str]]:
    return [(r["person_id"], r["status"]) for r in csv.DictReader(io.StringIO(out))]


def test_every_roster_member_has_a_status_and_today_shows_who_is_not_here_yet(cli, school):
    code, out, err = cli("attendance", "export", "--date", "today")
    assert code == 0 and err == "3 row(s)\n"
    assert _rows(out) == [("maya", "present"), ("lin", "not yet"), ("tom", "not yet")]
    code, out, _ = cli("attendance", "export", "--date", "yesterday", "--class", "CS101")
    assert _rows(out) == [("maya", "present"), ("lin", "late"), ("tom", "absent")]
    assert len(_rows(cli("attendance", "export")[1])) == 6


@pytest.mark.parametrize("argv", [["attendance", "export", "--class", "NOPE"],
                                  ["attendance", "report", "--class", "NOPE", "--out", "r.png"]])
def test_an_unknown_class_is_an_error_everywhere(cli, school, argv):
    code, out, err = cli(*argv)
    assert code == 2 and out == ""
    assert "unknown class 'NOPE'; known classes: CS101" in err and err.count("\n") == 1


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_every_writer_reports_its_rows_and_refuses_a_bad_path_in_one_line(cli, school, tmp_path, fmt):
    good = tmp_path / f"a.{fmt}"
    code, out, _ = cli("attendance", "export", "--format", fmt, "--out", str(good))
    assert code == 0 and out == f"6 row(s) written to {good}\n" and good.stat().st_size > 0
    for bad, reason in ((tmp_path / "nonexistent" / f"a.{fmt}", "No such file or directory"),
                        (tmp_path, "Is a directory")):
        code, out, err = cli("attendance", "export", "--format", fmt, "--out", str(bad))
        assert code == 2 and reason in err and "folder that exists" in err
        assert err.count("\n") == 1 and "Traceback" not in err


def test_the_png_report_carries_the_per_student_table(cli, school, tmp_path):
    from PIL import Image

    out_png = tmp_path / "report.png"
    code, out, _ = cli("attendance", "report", "--class", "CS101", "--out", str(out_png))
    assert code == 0 and "a table of 3 student(s) written to" in out
    assert "lin\tLin Miranda\t0\t1\t0\t0\t100%\t1\t" in out
    width, height = Image.open(out_png).size
    assert height > 4.2 * 120  # the chart plus the table below it
    code, _, err = cli("attendance", "report", "--class", "CS101", "--out", str(tmp_path / "no" / "r.png"))
    assert code == 2 and "cannot write" in err and err.count("\n") == 1
    code, _, err = cli("attendance", "report", "--class", "CS101", "--out", str(tmp_path / "r.jpg"))
    assert code == 2 and "name it with .png" in err and not (tmp_path / "r.jpg").exists()


@pytest.mark.parametrize("fmt", ["csv", "oneroster-csv"])
def test_excel_gives_stdout_the_same_bytes_as_a_file_one_byte_order_mark_first(cli, school, tmp_path, fmt):
    path = tmp_path / "for-excel.csv"
    assert cli("attendance", "export", "--format", fmt, "--excel", "--out", str(path))[0] == 0
    code, out, _ = cli("attendance", "export", "--format", fmt, "--excel")
    assert code == 0 and path.read_bytes().startswith(b"\xef\xbb\xbf") and path.read_bytes().count(b"\xef\xbb\xbf") == 1
    assert out.encode("utf-8") == path.read_bytes()
    assert not cli("attendance", "export", "--format", fmt)[1].startswith("\ufeff")  # without --excel, none


def test_excel_on_a_real_stdout_is_utf8_with_its_mark_whatever_the_locale(school, data_dir):
    env = {**os.environ, "PYTHONIOENCODING": "latin-1"}
    done = subprocess.run([sys.executable, str(REPO / "main.py"), "--data-dir", str(data_dir), "attendance", "export",
                           "--excel"], cwd=REPO, env=env, capture_output=True, timeout=120)
    assert done.returncode == 0 and done.stdout.startswith(b"\xef\xbb\xbfperson_id,")
    assert b"Maya Chen" in done.stdout and b"Traceback" not in done.stderr


def test_out_is_named_as_typed_and_a_folder_is_called_one(cli, school, tmp_path):
    code, out, err = cli("attendance", "export", "--out", str(tmp_path))
    assert (code, out) == (2, "")
    assert err == f"error: cannot write {tmp_path}: Is a directory; give --out a file in a folder that exists\n"
    code, _, err = cli("attendance", "export", "--out", str(tmp_path / "a.txt"))
    assert code == 2 and err.startswith(f"error: --out {tmp_path / 'a.txt'}: say --format csv")
    code, _, err = cli("attendance", "export", "--out", str(tmp_path / "a.csv"), "--format", "xlsx")
    assert code == 2 and err.startswith(f"error: --out {tmp_path / 'a.csv'} ends in .csv but --format is xlsx")
