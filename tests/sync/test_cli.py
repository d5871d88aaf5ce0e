"""The command line with a central database: sync --once, fleet, and the admin path."""

from __future__ import annotations

import socket
from datetime import datetime, timedelta, timezone

import pytest
from sync_support import open_store, queue_checkins, seed_central

from kiosk.cli.main import main
from kiosk.sync.central import Central


@pytest.fixture
def run_cli(kiosk_cfg, monkeypatch, tmp_path, capsys):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[mongo]\ndatabase = "{kiosk_cfg.mongo.database}"\ntimeout_s = 1.0\n'
                    f'[kiosk]\nid = "{kiosk_cfg.kiosk.id}"\nroom = "{kiosk_cfg.kiosk.room}"\ntimezone = "Europe/London"\n',
                    encoding="utf-8")

    def run(*args: str, uri: str | None = None) -> tuple[int, str, str]:
        monkeypatch.setenv("KIOSK_MONGO_URI", uri or kiosk_cfg.mongo.uri)
        code = main(["--config", str(path), "--data-dir", str(kiosk_cfg.data_dir), *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_sync_once_exit_codes(kiosk_cfg, run_cli):
    seed_central(Central.open(kiosk_cfg.mongo))
    store = open_store(kiosk_cfg)
    queue_checkins(store, 12)
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        dead = f"mongodb://kiosk:hunter2@127.0.0.1:{probe.getsockname()[1]}/"
    code, out, err = run_cli("sync", "--once", uri=dead)
    assert code == 1 and len(err.strip().splitlines()) == 1
    assert "unreachable" in err and "12 check-in(s) queued" in err and "hunter2" not in err + out
    code, out, err = run_cli("sync", "--once")
    assert code == 0, err
    assert "0 left in the outbox" in out
    assert store.query("SELECT count(*) FROM outbox")[0][0] == 0


def test_malformed_central_data_is_a_warning_not_a_failure(kiosk_cfg, central_server, run_cli):
    seed_central(Central.open(kiosk_cfg.mongo))
    central_server.db().people.insert_one({"_id": "broken", "role": "wizard", "name": "X"})
    code, out, err = run_cli("sync", "--once")
    assert code == 0
    assert "warning: malformed people document skipped" in out and "broken" in out


def test_fleet_lists_kiosks_and_flags_stale_ones(kiosk_cfg, central_server, run_cli):
    seed_central(Central.open(kiosk_cfg.mongo))
    assert run_cli("sync", "--once")[0] == 0
    long_ago = datetime.now(timezone.utc) - timedelta(hours=3)
    central_server.db().kiosks.insert_one({"_id": "door-9", "room": "C1", "version": "0.1.0", "last_seen": long_ago})
    code, out, _ = run_cli("fleet")
    assert code == 0
    rows = {line.split("\t")[0]: line.split("\t") for line in out.splitlines()[1:-1]}
    assert rows["door-1"][1] == "B12" and rows["door-1"][-1] == "ok"
    assert rows["door-1"][5] == "0"  # queued check-ins
    assert rows["door-9"][-1] == "STALE"
    assert out.splitlines()[-1].startswith("2 kiosk(s), 1 stale")


def test_admin_commands_write_centrally_and_keep_the_local_store_consistent(kiosk_cfg, central_server, run_cli):
    seed_central(Central.open(kiosk_cfg.mongo))
    code, out, err = run_cli("class", "add", "BIO200", "--name", "Biology", "--students", "s1,s2", "--room", "B12")
    assert code == 0, err
    db = central_server.db()
    assert set(db.classes.find_one({"_id": "BIO200"})["roster"]) == {"s1", "s2"}
    assert open_store(kiosk_cfg).class_record("BIO200").roster == {"s1", "s2"}  # pulled at once
    code, out, err = run_cli("schedule", "add", "BIO200", "--start", "11:00", "--end", "12:00", "--days", "mon")
    assert code == 0, err
    assert db.schedules.count_documents({"class_code": "BIO200"}) == 1
    # Overlaps are checked against the central timetable: HAM101 meets in B12 on Mondays at 09:00.
    code, out, err = run_cli("schedule", "add", "BIO200", "--start", "09:30", "--end", "10:30", "--days", "mon")
    assert code == 1 and "overlaps" in err
    code, _, err = run_cli("class", "add", "X1", "--name", "X", "--students", "nobody")
    assert code == 1 and "unknown person id(s): nobody" in err
    assert db.classes.find_one({"_id": "X1"}) is None


def test_a_roster_imported_before_photo_day_lives_centrally_and_survives_enrolment(kiosk_cfg, central_server,
                                                                                   run_cli, shared, tmp_path):
    Central.open(kiosk_cfg.mongo).init_schema()
    assert run_cli("class", "add", "MA7B", "--name", "Maths 7B", "--room", "B12")[0] == 0
    roster = tmp_path / "sims.csv"
    roster.write_text("Student ID;Name\n1001;Lin-Manuel Miranda\n1002;Alex Lacamoire\n", encoding="utf-8")
    code, out, err = run_cli("class", "import-roster", "MA7B", str(roster))
    assert code == 0, err
    assert "MA7B: 2 added (2 new, awaiting enrolment)" in out
    doc = central_server.db().classes.find_one({"_id": "MA7B"})
    assert doc["roster"] == ["1001", "1002"]  # central: every door pulls it
    assert central_server.db().people.find_one({"_id": "1001"})["embeddings"] == []
    assert open_store(kiosk_cfg).class_record("MA7B").roster == {"1001", "1002"}  # and pulled here at once
    photo = str(shared / "face_recognition" / "lin-manuel-miranda.png")
    assert run_cli("enroll", "--id", "1001", "--name", "Lin-Manuel Miranda", "--consent-by", "self", photo)[0] == 0
    assert len(central_server.db().people.find_one({"_id": "1001"})["embeddings"]) == 1
    assert central_server.db().classes.find_one({"_id": "MA7B"})["roster"] == ["1001", "1002"]
    assert open_store(kiosk_cfg).class_record("MA7B").roster == {"1001", "1002"}
    assert "roster_import" in run_cli("audit", "list", "--kind", "roster")[1]
