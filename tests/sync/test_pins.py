"""PINs managed centrally: `pin set` writes the hash to the central `pins` collection, every kiosk pulls it."""

from __future__ import annotations

import io
import logging
import sys

import pytest
from sync_support import kiosk_config, open_store, seed_central, vectors

from kiosk.cli.main import main
from kiosk.errors import StoreError
from kiosk.store.pins import hash_pin, pin_holders, verify_pin
from kiosk.store.sqlite_store import Person
from kiosk.sync import central_writes as admin
from kiosk.sync.central import Central
from kiosk.sync.pull import pull


def _seed(central: Central) -> None:
    seed_central(central)
    admin.enroll_person(central, Person("prof", "Prof Ada", "instructor"), "sface", vectors(7), ["a.jpg", "b.jpg"])


@pytest.fixture
def pin_cli(kiosk_cfg, monkeypatch, tmp_path, capsys):
    path = tmp_path / "kiosk.toml"
    path.write_text(f'[mongo]\ndatabase = "{kiosk_cfg.mongo.database}"\ntimeout_s = 1.0\n'
                    f'[kiosk]\nid = "{kiosk_cfg.kiosk.id}"\n', encoding="utf-8")

    def run(*args: str, stdin: str) -> tuple[int, str, str]:
        monkeypatch.setenv("KIOSK_MONGO_URI", kiosk_cfg.mongo.uri)
        monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        code = main(["--config", str(path), "--data-dir", str(kiosk_cfg.data_dir), *args])
        out = capsys.readouterr()
        return code, out.out, out.err

    return run


def test_pin_set_writes_the_hash_centrally_and_it_works_at_every_door(
        kiosk_cfg, central_server, tmp_path, pin_cli, caplog):
    _seed(Central.open(kiosk_cfg.mongo))
    caplog.set_level(logging.DEBUG)
    code, out, err = pin_cli("pin", "set", "prof", stdin="4829\n4829\n")
    assert code == 0, err
    doc = central_server.db().pins.find_one({"_id": "prof"})
    central_hash = doc["pin_hash"]
    assert central_hash.startswith("scrypt$") and verify_pin("4829", central_hash)
    assert "4829" not in str(doc) and doc["deleted"] is False and doc["updated_at"]
    [(person, local_hash)] = pin_holders(open_store(kiosk_cfg), ["prof"])  # pulled here at once
    assert (person.id, local_hash) == ("prof", central_hash)
    # Another door pulls the same hash, so the instructor's PIN works there too.
    door2 = open_store(kiosk_config(tmp_path / "door-2", central_server, kiosk_id="door-2"))
    result = pull(door2, Central.open(kiosk_cfg.mongo))
    assert result.warnings == [] and result.changed["pins"] == 1
    [(_, door2_hash)] = pin_holders(door2, ["prof"])
    assert verify_pin("4829", door2_hash) and not verify_pin("4830", door2_hash)
    # Hashes never reach the output or the logs.
    salt, digest = central_hash.split("$")[4:]
    shown = out + err + caplog.text
    assert salt not in shown and digest not in shown and "4829" not in out + err


def test_a_pin_changed_or_removed_centrally_follows_on_the_next_pull(kiosk_cfg, central_server):
    central, store = Central.open(kiosk_cfg.mongo), open_store(kiosk_cfg)
    _seed(central)
    admin.set_pin_hash(central, "prof", hash_pin("4829"))
    pull(store, central)
    assert verify_pin("4829", pin_holders(store, ["prof"])[0][1])
    admin.set_pin_hash(central, "prof", hash_pin("7316"))  # central wins over the kiosk's copy
    assert pull(store, central).changed["pins"] == 1
    assert verify_pin("7316", pin_holders(store, ["prof"])[0][1])
    assert pull(store, central).changed["pins"] == 0  # unchanged: nothing rewritten
    admin.remove_pin(central, "prof")  # a tombstone, like the other collections
    assert pull(store, central).changed["pins"] == 1
    assert pin_holders(store, ["prof"]) == []
    assert store.person("prof") is not None


def test_bad_or_orphan_pin_documents_are_warnings_that_never_show_the_hash(kiosk_cfg, central_server):
    central, store = Central.open(kiosk_cfg.mongo), open_store(kiosk_cfg)
    _seed(central)
    secret = "plain-text-not-a-hash"
    central_server.db().pins.insert_many([{"_id": "prof", "pin_hash": secret},
                                          {"_id": "ghost", "pin_hash": hash_pin("4829")}])
    result = pull(store, central)
    assert any("pin 'prof'" in w and "not a salted scrypt hash" in w for w in result.warnings)
    assert any("pin ghost" in w and "not enrolled" in w for w in result.warnings)
    assert secret not in " ".join(result.warnings)
    assert store.query("SELECT count(*) FROM pins")[0][0] == 0


def test_central_pin_set_refuses_students_and_unknown_people(kiosk_cfg, central_server):
    central = Central.open(kiosk_cfg.mongo)
    _seed(central)
    with pytest.raises(StoreError, match="only instructors and admins"):
        admin.set_pin_hash(central, "s0", hash_pin("4829"))
    with pytest.raises(StoreError, match="unknown person 'nobody'"):
        admin.set_pin_hash(central, "nobody", hash_pin("4829"))
    assert central_server.db().pins.count_documents({}) == 0


def test_deleting_a_person_centrally_removes_their_pin_everywhere(kiosk_cfg, central_server):
    central, store = Central.open(kiosk_cfg.mongo), open_store(kiosk_cfg)
    _seed(central)
    admin.set_pin_hash(central, "prof", hash_pin("4829"))
    pull(store, central)
    admin.delete_person(central, "prof")
    assert central_server.db().pins.find_one({"_id": "prof"})["deleted"] is True
    pull(store, central)
    assert store.query("SELECT count(*) FROM pins")[0][0] == 0
