"""Rosters from the school's system before photo day: people import as awaiting enrolment,
any usual CSV dialect reads, a bad line is named, and enrolling later keeps the rosters."""

from __future__ import annotations

import shutil

import pytest

from kiosk.store.audit import audit_entries
from kiosk.store.sessions import session_reconciliation
from kiosk.store.sqlite_store import SqliteStore

SCHOOL_EXPORT = "\ufeffStudent ID;First Name;Last Name;Form\n1001;Lin-Manuel;Miranda;7B\n1002;Alex;Lacamoire;7B\n"


@pytest.fixture
def maths(cli):
    assert cli("class", "add", "MA7B", "--name", "Maths 7B", "--room", "B12")[0] == 0


def _write(tmp_path, name: str, text: str, encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def test_a_school_system_export_imports_everyone_as_awaiting_enrolment(cli, maths, data_dir, tmp_path):
    code, out, err = cli("class", "import-roster", "MA7B", str(_write(tmp_path, "sims.csv", SCHOOL_EXPORT)))
    assert (code, err) == (0, "")
    assert "MA7B: 2 added (2 new, awaiting enrolment)" in out
    people = cli("person", "list")[1]
    assert "1001\tLin-Manuel Miranda\tstudent\tawaiting enrolment\tPIN no" in people
    store = SqliteStore.in_dir(data_dir)
    assert store.class_record("MA7B").roster == {"1001", "1002"}
    store.close()


@pytest.mark.parametrize("delimiter", [",", ";", "\t"])
def test_comma_semicolon_and_tab_files_read_the_same(cli, maths, tmp_path, delimiter):
    text = delimiter.join(["id", "name"]) + "\n" + delimiter.join(["1001", '"Miranda, Lin-Manuel"']) + "\n"
    code, out, _ = cli("class", "import-roster", "MA7B", str(_write(tmp_path, "r.csv", text)))
    assert code == 0 and "1 added" in out
    assert "1001\tMiranda, Lin-Manuel" in cli("person", "list")[1]


def test_bad_quoting_is_reported_with_its_line_and_the_rest_imports(cli, maths, tmp_path):
    text = 'id,name\n1001,"Lin-Manuel Miranda\n1002,Alex Lacamoire\n1003,"Ana "The" Ruiz"\n1004,Ben Okafor\n'
    code, out, err = cli("class", "import-roster", "MA7B", str(_write(tmp_path, "r.csv", text)))
    assert code == 1
    assert 'r.csv line 2: a quote (") is not closed' in err
    assert "r.csv line 4: bad quoting" in err
    assert "2 added (2 new, awaiting enrolment), 0 already on the roster, 2 bad row(s) skipped" in out


def test_the_summary_and_the_audit_row_count_the_same_bad_rows(cli, maths, data_dir, tmp_path):
    """Unreadable, refused by the id rules, refused by the import: all three are the import's bad rows."""
    text = 'id,name\n1001,Lin-Manuel Miranda\n10 02,Bad Id\n"1003,Open Quote\n1004,\n1005,Alex Lacamoire\n'
    code, out, err = cli("class", "import-roster", "MA7B", str(_write(tmp_path, "r.csv", text)))
    assert code == 1 and "MA7B: 2 added (2 new, awaiting enrolment), 0 already on the roster, 3 bad row(s) skipped" in out
    assert [line.split(":")[0] for line in err.splitlines()] == ["r.csv line 3", "r.csv line 4", "r.csv line 5"]
    store = SqliteStore.in_dir(data_dir)
    details = [e.detail for e in audit_entries(store, "roster_import")]
    store.close()
    assert details == ["r.csv: 2 added (2 awaiting enrolment), 0 already, 3 bad"]


def test_a_name_mismatch_warns_and_imports(cli, maths, tmp_path):
    cli("class", "import-roster", "MA7B", str(_write(tmp_path, "a.csv", "id,name\n1001,Lin-Manuel Miranda\n")))
    cli("class", "add", "EN7B", "--name", "English 7B", "--room", "B12")
    code, out, err = cli("class", "import-roster", "EN7B", str(_write(tmp_path, "b.csv", "id,name\n1001,L. Miranda\n")))
    assert code == 0 and "1 added" in out
    assert "b.csv line 2: warning: name 'L. Miranda' differs from 'Lin-Manuel Miranda'" in err


@pytest.mark.parametrize("content, message", [
    (b"", "is empty"),
    (b"Form;Tutor\n7B;Ms Ada\n", "needs a header row with column(s) id"),
    ("id,name\n1001,Jos\xe9\n".encode("latin-1"), "not UTF-8 text; save it as 'CSV UTF-8'"),
])
def test_a_file_that_cannot_be_used_is_one_line(cli, maths, tmp_path, content, message):
    path = tmp_path / "r.csv"
    path.write_bytes(content)
    code, out, err = cli("class", "import-roster", "MA7B", str(path))
    assert code == 2 and message in err and err.count("\n") == 1 and "Traceback" not in err


def test_enrolling_later_keeps_the_rosters_and_the_export_shows_who_waits(cli, maths, shared, data_dir, tmp_path):
    cli("class", "import-roster", "MA7B", str(_write(tmp_path, "sims.csv", SCHOOL_EXPORT)))
    photos = tmp_path / "photo-day"
    photos.mkdir()
    shutil.copyfile(shared / "face_recognition" / "lin-manuel-miranda.png", photos / "lin.png")
    shutil.copyfile(shared / "face_recognition" / "alex-lacamoire.png", photos / "alex.png")
    sheet = _write(photos, "people.csv", "id,name,photo,consent\n1001,Lin-Manuel Miranda,lin.png,yes\n"
                                         "1002,,alex.png,self\n"  # no name: the roster's stays
                                         "1003,Nobody Here,missing.png,self\n1004,No Consent,lin.png,no\n")
    code, out, err = cli("enroll", "--from-csv", str(sheet))
    assert code == 1
    assert "enrolled 1001 from 1 photo(s)" in out and "enrolled 1002 from 1 photo(s)" in out
    assert "no such photo" in err and "missing.png" in err
    assert "consent column says 'no'" in err
    assert "people.csv: 2 enrolled, 0 skipped, 2 photo(s) or row(s) rejected" in out
    store = SqliteStore.in_dir(data_dir)
    assert store.class_record("MA7B").roster == {"1001", "1002"}  # still on the roster, now with a face
    assert store.embedding_counts("sface") == {"1001": 1, "1002": 1}
    assert store.person("1002").name == "Alex Lacamoire"
    assert store.query("SELECT consent_by FROM people WHERE id = '1001'")[0][0] == "self"
    store.close()
    assert "1001\tLin-Manuel Miranda\tstudent\t1 embedding(s)" in cli("person", "list")[1]
    again = cli("enroll", "--from-csv", str(_write(photos, "again.csv", "id,photo\n1001,lin.png\n")))
    assert again[0] == 0 and "1001: already enrolled, skipped" in again[1]


def test_the_reconciliation_names_who_awaits_enrolment(cli, maths, data_dir, tmp_path):
    from datetime import datetime, timedelta, timezone

    from kiosk.model import SessionInfo

    cli("class", "import-roster", "MA7B", str(_write(tmp_path, "sims.csv", SCHOOL_EXPORT)))
    store = SqliteStore.in_dir(data_dir)
    start = datetime.now(timezone.utc).replace(microsecond=0)
    store.activate_session(SessionInfo("MA7B@now", "MA7B", "Maths 7B", "B12", start, start + timedelta(hours=1),
                                       start, "active"))
    summary = session_reconciliation(store, "MA7B@now")
    store.close()
    assert summary.awaiting == ("Alex Lacamoire", "Lin-Manuel Miranda") and summary.expected == 2
    rows = cli("attendance", "export", "--class", "MA7B", "--date", "today")[1].splitlines()
    assert rows[1].endswith(",not yet,,,,,,awaiting enrolment")
