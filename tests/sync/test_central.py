"""`db init`: collections and indexes, idempotent, unique (session, person)."""

from __future__ import annotations

import pytest
from pymongo.errors import DuplicateKeyError

from kiosk.cli.main import main
from kiosk.sync.central import COLLECTIONS, Central


def test_db_init_creates_collections_and_indexes_and_is_harmless_twice(kiosk_cfg, central_server, capsys):
    central = Central.open(kiosk_cfg.mongo)
    try:
        first = central.init_schema()
        again = central.init_schema()
        assert central.missing_schema() == []
    finally:
        central.close()
    assert any("attendance.session_person" in line for line in first)
    assert again == []
    db = central_server.db()
    assert set(COLLECTIONS) <= set(db.list_collection_names())
    unique = [ix for ix in db.attendance.list_indexes() if ix["name"] == "session_person"]
    assert unique and unique[0].get("unique") and list(unique[0]["key"]) == ["session_id", "person_id"]
    db.attendance.insert_one({"session_id": "s", "person_id": "p"})
    with pytest.raises(DuplicateKeyError):
        db.attendance.insert_one({"session_id": "s", "person_id": "p"})


def test_db_init_command_twice(kiosk_cfg, monkeypatch, capsys):
    monkeypatch.setenv("KIOSK_MONGO_URI", kiosk_cfg.mongo.uri)
    args = ["--data-dir", str(kiosk_cfg.data_dir)]
    config = _config_file(kiosk_cfg, monkeypatch)
    assert main(["--config", config, *args, "db", "init"]) == 0
    assert f"{len(COLLECTIONS)} collections ready" in capsys.readouterr().out
    assert main(["--config", config, *args, "db", "init"]) == 0
    assert "(0 change(s))" in capsys.readouterr().out


def _config_file(cfg, monkeypatch) -> str:
    path = cfg.data_dir.parent / "kiosk.toml"
    path.write_text(f'[mongo]\ndatabase = "{cfg.mongo.database}"\ntimeout_s = 1.0\n[kiosk]\nid = "{cfg.kiosk.id}"\n'
                    f'room = "{cfg.kiosk.room}"\n', encoding="utf-8")
    return str(path)
