"""Door references on the command line: `person list` shows each with its date and number, `person
remove-reference` removes one (never an enrolment photo), and `audit list --kind door` shows it."""

from __future__ import annotations

from kiosk.config import Config
from kiosk.enrolment import door
from kiosk.store.references import person_vectors
from kiosk.store.sqlite_store import SqliteStore


def test_listed_with_their_date_and_removed_one_by_one(cli, shared, data_dir, faces):
    photos = shared / "face_recognition"
    assert cli("enroll", "--id", "obama", "--name", "Barack Obama", str(photos / "obama.jpg"))[0] == 0
    assert cli("enroll", "--id", "biden", "--name", "Joe Biden", str(photos / "biden.jpg"))[0] == 0
    store = SqliteStore.in_dir(data_dir)
    cfg = Config().replace("store", data_dir=str(data_dir)).replace("vision", embedder="sface")
    decision = door.decide(store, cfg.vision, "obama", faces["obama2"])
    door.add(cfg, store, "obama", faces["obama2"], "2026-11-25 09:03 door-7 attempt 4", decision)
    (ref,) = [v for v in person_vectors(store, "obama", "sface") if v.door]
    code, out, _ = cli("person", "list")
    assert code == 0
    assert f"\tdoor reference {ref.id}\tadded {ref.added_at[:10]}\tsface\t2026-11-25 09:03 door-7 attempt 4" in out
    assert "2 embedding(s)" in out  # the enrolment photo and the door reference

    enrolment = next(v for v in person_vectors(store, "obama", "sface") if not v.door)
    code, _, err = cli("person", "remove-reference", "obama", str(enrolment.id))
    assert code == 1 and "has no door reference" in err and "Traceback" not in err
    code, out, _ = cli("person", "remove-reference", "obama", str(ref.id))
    assert code == 0 and f"door reference {ref.id} of obama removed" in out
    assert [v.door for v in person_vectors(store, "obama", "sface")] == [False]
    code, out, _ = cli("audit", "list", "--kind", "door")
    assert "door_ref_remove" in out and "door:2026-11-25 09:03 door-7 attempt 4" in out
    store.close()
