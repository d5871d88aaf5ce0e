"""The OneRoster import with a central database (SecantusDB over the wire): written centrally
through the admin path and pulled here at once; two doors pull the school system; a re-import
changes nothing; the school system's changes (a student dropped, a class renamed) reach both
doors; and a refused bundle writes nothing centrally."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from sync_support import kiosk_config, open_store

from kiosk.cli.main import main
from kiosk.interchange.ids import derived_id
from kiosk.store.oneroster import interchange_ids
from kiosk.sync.central import Central
from kiosk.sync.pull import pull

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))  # tests/: the bundles' writer
from oneroster_support import school, write_zip  # noqa: E402

LIVE = {"deleted": {"$ne": True}}


@pytest.fixture
def run_cli(kiosk_cfg, monkeypatch, tmp_path, capsys):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[mongo]\ndatabase = "{kiosk_cfg.mongo.database}"\ntimeout_s = 5.0\n'
                    f'[kiosk]\nid = "{kiosk_cfg.kiosk.id}"\nroom = "{kiosk_cfg.kiosk.room}"\n', encoding="utf-8")

    def run(*args: str) -> tuple[int, str, str]:
        monkeypatch.setenv("KIOSK_MONGO_URI", kiosk_cfg.mongo.uri)
        code = main(["--config", str(path), "--data-dir", str(kiosk_cfg.data_dir), *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def pulled_door(tmp_path, central_server, kiosk_id: str, room: str):
    """A door's own database after one pull from the central database."""
    cfg = kiosk_config(tmp_path / kiosk_id, central_server, kiosk_id=kiosk_id, room=room)
    store, central = open_store(cfg), Central.open(cfg.mongo)
    try:
        result = pull(store, central)
    finally:
        central.close()
    return store, result


def test_two_doors_pull_the_school_system_and_its_changes(kiosk_cfg, central_server, run_cli, tmp_path):
    Central.open(kiosk_cfg.mongo).init_schema()
    sis = school()  # 2 schools, 30 classes, 600 users
    code, out, err = run_cli("import", "oneroster", str(write_zip(tmp_path / "sis.zip", sis.files())))
    assert (code, err) == (0, "")
    assert "classes 30 added" in out and "users 600 added (570 awaiting enrolment)" in out
    db = central_server.db()
    assert db.classes.count_documents(LIVE) == 30 and db.people.count_documents(LIVE) == 600
    assert db.oneroster.count_documents({"kind": "enrollment", **LIVE}) == 1170
    english = db.classes.find_one({"_id": "ENG-001"})
    assert (english["name"], english["room"], english["instructor_id"]) == ("English 1", "ROOM 101",
                                                                            derived_id("staff/0001"))
    assert db.people.find_one({"_id": "stu-0001"})["embeddings"] == []  # awaiting enrolment everywhere
    assert open_store(kiosk_cfg).class_record("ENG-001").roster == set(english["roster"])  # pulled here at once

    doors = [pulled_door(tmp_path, central_server, "door-a", "ROOM 101"),
             pulled_door(tmp_path, central_server, "door-b", "ROOM 102")]
    for store, result in doors:
        assert result.warnings == [] and len(store.class_records()) == 30 and len(store.people()) == 600
        assert store.class_record("ENG-001").roster == set(english["roster"])
        ids = interchange_ids(store)
        assert ids.users["stu-0001"] == ("stu-0001", "10001") and ids.classes["ENG-001"] == "class-001"

    code, out, err = run_cli("import", "oneroster", str(write_zip(tmp_path / "sis.zip", sis.files())))
    assert (code, err) == (0, "")
    assert "classes 0 added, 0 updated, 0 removed, 30 unchanged; users 0 added, 0 updated, 0 removed, 600 unchanged; " \
           "enrollments 0 added, 0 updated, 0 removed, 1170 unchanged" in out

    next(e for e in sis.enrollments if (e["userSourcedId"], e["classSourcedId"]) == ("stu-0001", "class-001")) \
        ["status"] = "tobedeleted"
    sis.classes[0]["title"] = "English Language 1"
    code, out, err = run_cli("import", "oneroster", str(write_zip(tmp_path / "sis.zip", sis.files())))
    assert (code, err) == (0, "")
    assert "classes 0 added, 1 updated, 0 removed, 29 unchanged" in out and "enrollments 0 added, 0 updated, " \
           "1 removed, 1169 unchanged" in out
    for kiosk_id, room in (("door-a", "ROOM 101"), ("door-b", "ROOM 102")):
        store, result = pulled_door(tmp_path, central_server, kiosk_id, room)
        record = store.class_record("ENG-001")
        assert record.name == "English Language 1" and "stu-0001" not in record.roster
        assert store.person("stu-0001") is not None and result.changed["classes"] >= 1
    assert "oneroster_import" in run_cli("audit", "list", "--kind", "import")[1]


def test_a_refused_bundle_writes_nothing_centrally(kiosk_cfg, central_server, run_cli, tmp_path):
    Central.open(kiosk_cfg.mongo).init_schema()
    sis = school(users=12, classes=2)
    sis.enrollments[0]["classSourcedId"] = "class-404"
    code, out, err = run_cli("import", "oneroster", str(write_zip(tmp_path / "bad.zip", sis.files())))
    assert code == 1 and out == "" and "classSourcedId 'class-404' is not in classes.csv" in err
    db = central_server.db()
    assert db.people.count_documents({}) == 0 and db.classes.count_documents({}) == 0
    assert db.oneroster.count_documents({}) == 0


def test_erasing_a_person_erases_their_link_everywhere(kiosk_cfg, central_server, run_cli, tmp_path):
    Central.open(kiosk_cfg.mongo).init_schema()
    bundle = write_zip(tmp_path / "s.zip", school(users=12, classes=2).files())
    assert run_cli("import", "oneroster", str(bundle))[0] == 0
    door, _ = pulled_door(tmp_path, central_server, "door-a", "ROOM 101")
    assert "stu-0002" in interchange_ids(door).users
    assert run_cli("person", "erase", "stu-0002", "--yes")[0] == 0
    assert central_server.db().oneroster.find_one({"_id": "user:stu-0002"})["deleted"] is True
    assert "stu-0002" not in interchange_ids(open_store(kiosk_cfg)).users
    door, _ = pulled_door(tmp_path, central_server, "door-a", "ROOM 101")
    assert door.person("stu-0002") is None and "stu-0002" not in interchange_ids(door).users
