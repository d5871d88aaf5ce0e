"""Every admin action from the command line is audited like the kiosk's; `audit list` shows
them (and failed live checks), and `verify-log` covers them."""

from __future__ import annotations

from datetime import datetime, timezone

from kiosk.store.spoof_events import SpoofEvent, record_spoof_event
from kiosk.store.sqlite_store import SqliteStore


def _actions(cli, *argv) -> list[str]:
    code, out, _ = cli("audit", "list", *argv)
    assert code == 0
    return [line.split("\t")[3] for line in out.splitlines() if "\t" in line]


def test_cli_admin_actions_are_audited_and_verified(cli, shared, data_dir, tmp_path):
    photos = shared / "face_recognition"
    assert cli("enroll", "--id", "lin", "--name", "Lin-Manuel Miranda", str(photos / "lin-manuel-miranda.png"))[0] == 0
    assert cli("instructor", "add", "prof", "--name", "Dr Ada")[0] == 0
    assert cli("pin", "set", "prof", stdin="4829\n")[0] == 0
    assert cli("class", "add", "HAM1", "--name", "Hamilton", "--students", "lin", "--room", "B12",
               "--instructor", "prof")[0] == 0
    assert cli("schedule", "add", "HAM1", "--start", "09:00", "--end", "10:00", "--days", "mon")[0] == 0
    assert cli("schedule", "cancel-date", "HAM1", "--date", "2030-01-07")[0] == 0
    roster = tmp_path / "r.csv"
    roster.write_text("id,name\n1001,Ana Ruiz\n")
    assert cli("class", "import-roster", "HAM1", str(roster))[0] == 0
    assert cli("class", "remove-students", "HAM1", "--students", "1001")[0] == 0
    assert cli("person", "erase", "1001", "--yes")[0] == 0
    assert cli("staff", "remove", "prof")[0] == 0

    assert _actions(cli) == ["enroll", "staff_add", "pin_set", "class_add", "schedule_add", "schedule_cancel",
                             "roster_import", "roster_remove", "person.erase", "staff_remove"]
    assert _actions(cli, "--kind", "schedule") == ["schedule_add", "schedule_cancel"]
    assert _actions(cli, "--kind", "pin", "--since", "today") == ["pin_set"]
    assert _actions(cli, "--since", "2999-01-01") == []
    line = next(x for x in cli("audit", "list", "--kind", "enrol")[1].splitlines())
    assert "\tcli:" in line and "\tlin\t" in line and "new: 1 embedding(s) added" in line
    code, out, _ = cli("verify-log")
    assert code == 0 and "(10 entries;" in out


def test_failed_live_checks_are_listed(cli, data_dir):
    store = SqliteStore.in_dir(data_dir)
    record_spoof_event(store, SpoofEvent(datetime.now(timezone.utc), "HAM1@x", "lin", "Lin", 0.71, 0.12,
                                         {"minifasnet": 0.05, "blink": None}, kiosk_id="door-7"))
    store.close()
    code, out, _ = cli("audit", "list", "--kind", "spoof")
    assert code == 0
    (line,) = out.splitlines()
    assert "\tdoor-7\t-\tspoof\tHAM1@x\tlin\tlive 0.12, match 0.71 (minifasnet 0.05)" in line


def test_an_empty_audit_says_so(cli, data_dir):
    SqliteStore.in_dir(data_dir).close()
    assert cli("audit", "list", "--kind", "staff")[1] == "no audit rows of kind staff\n"
