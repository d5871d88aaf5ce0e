"""Door references with a central database: written centrally first (then pulled), so every door of
the school learns the face; removed one by one centrally too. They travel in the people document's
embeddings, their source saying `door:`."""

from __future__ import annotations

from sync_support import kiosk_config, open_store

from kiosk.enrolment import door
from kiosk.enrolment.service import Enrolment, enrol
from kiosk.staff.school import School
from kiosk.store.references import person_vectors
from kiosk.store.sqlite_store import Person
from kiosk.sync.central import Central
from kiosk.sync.pull import pull


def test_a_door_reference_reaches_every_door_and_is_removed_everywhere(kiosk_cfg, central_server, faces, tmp_path):
    hub = Central.open(kiosk_cfg.mongo)
    hub.init_schema()
    store = open_store(kiosk_cfg)
    for pid, photo in (("obama", "obama"), ("biden", "biden")):
        enrol(kiosk_cfg, store, Enrolment(Person(pid, pid.title(), "student"), faces[photo][None], (f"{photo}.jpg",)))
    decision = door.decide(store, kiosk_cfg.vision, "obama", faces["obama2"])
    assert decision.added
    door.add(kiosk_cfg, store, "obama", faces["obama2"], "2026-11-25 09:03 door-1 attempt 7", decision)
    doc = central_server.db().people.find_one({"_id": "obama"})
    assert [e["source"] for e in doc["embeddings"]] == ["obama.jpg", "door:2026-11-25 09:03 door-1 attempt 7"]
    assert [v.door for v in person_vectors(store, "obama", "sface")] == [False, True]  # pulled here at once

    other_cfg = kiosk_config(tmp_path / "door-2", central_server, kiosk_id="door-2")
    other = open_store(other_cfg)
    pull(other, hub)
    (ref,) = [v for v in person_vectors(other, "obama", "sface") if v.door]
    assert ref.source.startswith("door:") and abs(float(ref.vector @ faces["obama2"]) - 1) < 1e-5

    mine = next(v for v in person_vectors(store, "obama", "sface") if v.door)
    School(store, kiosk_cfg, "cli:admin").remove_door_reference("obama", mine.id)
    doc = central_server.db().people.find_one({"_id": "obama"})
    assert [e["source"] for e in doc["embeddings"]] == ["obama.jpg"]
    pull(other, hub)
    assert [v.door for v in person_vectors(other, "obama", "sface")] == [False]
    store.close()
    other.close()
    hub.close()
