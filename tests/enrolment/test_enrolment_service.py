"""The enrolment service shared by the CLI and the kiosk, on real embeddings of the
shared photos and a real SQLite file: screening, the three modes, consent, audit."""

import numpy as np
import pytest
from enrol_support import lookalike_of

from kiosk.enrolment.service import DuplicateFace, Enrolment, NotThisPerson, enrol
from kiosk.errors import StoreError
from kiosk.model import Consent
from kiosk.store.audit import audit_entries
from kiosk.store.lookalikes import lookalike_pairs
from kiosk.store.sqlite_store import Person
from kiosk.vision.naming import lookalike_floor, same_face_score


def request(pid, name, *vectors, mode="new", **options) -> Enrolment:
    return Enrolment(Person(pid, name, "student"), np.stack(vectors), tuple(f"{pid}-{i}" for i in range(len(vectors))),
                     mode, **options)


def photos(store, pid) -> int:
    return store.embedding_counts("sface").get(pid, 0)


def test_new_person_with_consent(cfg, store, faces):
    result = enrol(cfg, store, request("lin", "Lin-Manuel Miranda", faces["lin"],
                                       consent=Consent("guardian", "Luz Miranda")))
    assert (result.stored, result.skipped, result.neighbours) == (1, 0, ())
    row = store.query("SELECT name, consent_by, guardian, consent_at FROM people WHERE id = 'lin'")[0]
    assert (row["name"], row["consent_by"], row["guardian"]) == ("Lin-Manuel Miranda", "guardian", "Luz Miranda")
    assert row["consent_at"] and audit_entries(store) == []  # the CLI path writes no audit row


def test_same_face_under_another_id_is_refused_then_allowed_and_audited(cfg, store, faces):
    enrol(cfg, store, request("obama", "Barack Obama", faces["obama"]))
    with pytest.raises(DuplicateFace) as refused:
        enrol(cfg, store, request("barack", "B", faces["obama2"]))
    assert refused.value.match.person_id == "obama" and "already enrolled as obama (Barack Obama" in str(refused.value)
    assert store.person("barack") is None
    result = enrol(cfg, store, request("barack", "B", faces["obama2"], allow_duplicate=True, actor="boss",
                                       kiosk_id="door-7"))
    (entry,) = audit_entries(store, "enroll_duplicate")
    assert (entry.actor_id, entry.kiosk_id, entry.target_id) == ("boss", "door-7", "barack")
    assert result.lookalikes == () and [(p.person_a, p.person_b) for p in lookalike_pairs(store)] == [("barack", "obama")]


def test_lookalike_is_stored_and_flagged(cfg, store, faces):
    enrol(cfg, store, request("lin", "Lin-Manuel Miranda", faces["lin"]))
    between = (lookalike_floor(cfg.vision) + same_face_score(cfg.vision)) / 2  # flagged, not a duplicate
    result = enrol(cfg, store, request("twin", "Twin", lookalike_of(faces["lin"], between), audited=True,
                                       actor="boss"))
    assert result.stored == 1 and [n.person_id for n in result.lookalikes] == ["lin"]
    assert [(p.person_a, p.person_b) for p in lookalike_pairs(store)] == [("lin", "twin")]
    (entry,) = audit_entries(store, "enroll")
    assert entry.actor_id == "boss" and entry.detail == "new: 1 embedding(s) added"


def test_extend_adds_new_faces_and_skips_a_photo_given_twice(cfg, store, faces):
    enrol(cfg, store, request("obama", "Barack Obama", faces["obama"]))
    added = enrol(cfg, store, request("obama", "", faces["obama2"], faces["obama"], mode="extend"))
    assert (added.stored, added.skipped) == (1, 1) and photos(store, "obama") == 2
    again = enrol(cfg, store, request("obama", "", faces["obama2"], mode="extend"))
    assert (again.stored, again.skipped) == (0, 1) and photos(store, "obama") == 2
    assert store.person("obama").name == "Barack Obama"  # extend keeps the name


def test_extend_refuses_a_photo_of_someone_else(cfg, store, faces):
    """Another face added to Lin would let that face check in as Lin."""
    enrol(cfg, store, request("lin", "Lin-Manuel Miranda", faces["lin"]))
    with pytest.raises(NotThisPerson, match=r"lin-0 does not look like lin as enrolled \(score -?0\.\d\d"):
        enrol(cfg, store, request("lin", "", faces["obama"], mode="extend"))
    assert photos(store, "lin") == 1


def test_replace_keeps_only_the_new_photos(cfg, store, faces):
    enrol(cfg, store, request("obama", "Barack Obama", faces["obama"], faces["obama2"]))
    enrol(cfg, store, request("obama", "Barack H. Obama", faces["obama2"], mode="replace"))
    assert photos(store, "obama") == 1 and store.person("obama").name == "Barack H. Obama"


@pytest.mark.parametrize("pid, name, mode, reason", [
    ("a b", "X", "new", "letters, digits"), ("", "X", "new", "id is empty"), ("x" * 65, "X", "new", "longer than 64"),
    ("-x", "X", "new", "starting with a letter"), ("ok", "  ", "new", "name is empty"),
    ("ghost", "", "extend", "unknown person 'ghost'"), ("lin", "Lin", "new", "already enrolled"),
])
def test_bad_requests_store_nothing(cfg, store, faces, pid, name, mode, reason):
    enrol(cfg, store, request("lin", "Lin-Manuel Miranda", faces["lin"]))
    before = store.query("SELECT count(*) FROM embeddings")[0][0]
    with pytest.raises(StoreError, match=reason):
        enrol(cfg, store, request(pid, name, faces["biden"], mode=mode))
    assert store.query("SELECT count(*) FROM embeddings")[0][0] == before


def test_every_models_vectors_are_stored_and_checked_on_the_model_everyone_has(cfg, store, faces):
    """An SFace-only gallery and a new enrolment on EdgeFace-S (with its SFace vectors): the duplicate
    check runs on SFace, where everyone is, so the same face under a new id is still refused."""
    from dataclasses import replace

    enrol(cfg, store, request("obama", "Barack Obama", faces["obama"]))
    edge = replace(cfg, vision=replace(cfg.vision, embedder="edgeface-s"))
    vector = np.eye(1, 512, dtype=np.float32)[0]
    with pytest.raises(DuplicateFace, match="already enrolled as obama"):
        enrol(edge, store, request("barack", "B", vector, others={"sface": faces["obama2"][None]}))
    enrol(edge, store, request("lin", "Lin-Manuel Miranda", vector, others={"sface": faces["lin"][None]}))
    assert store.embedding_counts("edgeface-s") == {"lin": 1}
    assert store.embedding_counts("sface") == {"lin": 1, "obama": 1}
