"""Staff say who a door attempt was (kiosk/staff/attempts.py): the mark through the one mark routine,
the door reference when the rule allows, in one transaction, and every refusal storing nothing.
Real SQLite file, real embeddings of the shared photos."""

from datetime import timedelta

import numpy as np
import pytest

from kiosk.config import Config
from kiosk.staff.attempts import (
    ALREADY_ENDED, NO_PICTURE, NOT_ON_ROSTER, NOT_YOURS, UNKNOWN_ATTEMPT, AttemptRefused, confirm_attempt,
    end_attempt, offers,
)
from kiosk.store import attempts as stored
from kiosk.store.audit import audit_entries
from kiosk.store.references import person_vectors
from kiosk.store.roll import session_roll
from kiosk.store.sqlite_store import SqliteStore
from tests.attempts_support import BOSS, NOW, OTHER, PROF, add_attempt, school


@pytest.fixture
def setup(data_dir, faces):
    store = SqliteStore.in_dir(data_dir)
    sid = school(store, faces)
    cfg = Config().replace("store", data_dir=str(data_dir)).replace("kiosk", id="door-7").replace(
        "vision", embedder="sface")
    yield cfg, store, sid
    store.close()


def _line(store, sid, pid):
    return next(line for line in session_roll(store, sid).lines if line.person_id == pid)


def _door_refs(store, pid):
    return [v for v in person_vectors(store, pid, "sface") if v.door]


def test_this_is_obama_marks_him_confirmed_and_learns_the_face(setup, faces):
    cfg, store, sid = setup
    attempt_id = add_attempt(store, sid, faces["obama2"])
    picture = stored.crop_path(store, stored.attempt(store, attempt_id).crop)
    done = confirm_attempt(cfg, store, attempt_id, "obama", PROF, NOW + timedelta(minutes=30))
    assert done.reference.added and "now one of their door references" in done.summary()
    line = _line(store, sid, "obama")
    assert (line.status, line.method, line.made_by) == ("present", "confirmed", "prof")  # present by the attempt's time
    refs = _door_refs(store, "obama")
    assert len(refs) == 1 and np.allclose(refs[0].vector, faces["obama2"]) and "attempt" in refs[0].source
    after = stored.attempt(store, attempt_id)
    assert (after.state, after.person_id, after.reference, after.crop) == ("confirmed", "obama", "added", None)
    assert stored.attempt_vector(store, attempt_id, "sface") is None and not picture.exists()
    assert audit_entries(store, "attempt_confirm")[0].detail.endswith("door reference added")


def test_a_face_unlike_the_enrolment_is_marked_but_never_learned(setup, faces):
    cfg, store, sid = setup
    attempt_id = add_attempt(store, sid, faces["biden"], at=NOW + timedelta(minutes=10))  # after the grace
    done = confirm_attempt(cfg, store, attempt_id, "obama", BOSS, NOW + timedelta(minutes=30))
    assert not done.reference.added and "does not match their enrolled photo" in done.reference.problem
    assert _line(store, sid, "obama").status == "late" and _door_refs(store, "obama") == []
    assert stored.attempt(store, attempt_id).reference.startswith("it does not match")


def test_a_student_awaiting_enrolment_is_marked_and_no_reference_is_made(setup, faces):
    cfg, store, sid = setup
    attempt_id = add_attempt(store, sid, faces["alex"])
    done = confirm_attempt(cfg, store, attempt_id, "newkid", PROF, NOW)
    assert "no enrolled photo" in done.reference.problem
    assert _line(store, sid, "newkid").method == "confirmed" and person_vectors(store, "newkid", "sface") == []


def test_a_face_as_much_like_someone_else_is_refused(setup, faces):
    cfg, store, sid = setup
    mixed = faces["obama"] + faces["biden"] * 0.9  # between two enrolled students
    attempt_id = add_attempt(store, sid, mixed / np.linalg.norm(mixed))
    done = confirm_attempt(cfg, store, attempt_id, "obama", PROF, NOW)
    assert "biden" in done.reference.problem and _door_refs(store, "obama") == []


@pytest.mark.parametrize("case, reason", [
    ("another instructor", NOT_YOURS), ("not on the list", NOT_ON_ROSTER), ("unknown attempt", UNKNOWN_ATTEMPT),
    ("twice", ALREADY_ENDED), ("picture gone", NO_PICTURE),
])
def test_refusals_store_nothing(setup, faces, case, reason):
    cfg, store, sid = setup
    attempt_id = add_attempt(store, sid, faces["obama2"])
    actor, person, target = PROF, "obama", attempt_id
    if case == "another instructor":
        actor = OTHER
    elif case == "not on the list":
        person = "alex"
    elif case == "unknown attempt":
        target = attempt_id + 99
    elif case == "twice":
        confirm_attempt(cfg, store, attempt_id, "obama", PROF, NOW)
    else:
        stored.crop_path(store, stored.attempt(store, attempt_id).crop).unlink()
    before = (len(audit_entries(store)), session_roll(store, sid).lines, len(person_vectors(store, "obama", "sface")))
    with pytest.raises(AttemptRefused) as refused:
        confirm_attempt(cfg, store, target, person, actor, NOW)
    assert refused.value.reason == reason
    assert (len(audit_entries(store)), session_roll(store, sid).lines,
            len(person_vectors(store, "obama", "sface"))) == before


def test_not_ours_and_dismiss_end_the_attempt_once(setup, faces):
    cfg, store, sid = setup
    first, second = add_attempt(store, sid, faces["alex"]), add_attempt(store, sid, faces["alex"])
    end_attempt(cfg, store, first, stored.NOT_OURS, PROF, NOW)
    end_attempt(cfg, store, second, stored.DISMISSED, BOSS, NOW)
    assert [stored.attempt(store, i).state for i in (first, second)] == ["not_ours", "dismissed"]
    assert not list(stored.attempts_dir(store).iterdir())  # both pictures went with their end
    with pytest.raises(AttemptRefused):
        end_attempt(cfg, store, first, stored.DISMISSED, PROF, NOW)
    assert {e.action for e in audit_entries(store)} >= {"attempt_not_ours", "attempt_dismissed"}


def test_references_are_capped_at_the_most_diverse(setup, faces):
    cfg, store, sid = setup
    from kiosk.enrolment.door import KEEP

    rng = np.random.default_rng(5)
    for i in range(KEEP + 2):
        noisy = faces["obama2"] + rng.normal(0, 0.02, faces["obama2"].shape).astype(np.float32)
        attempt_id = add_attempt(store, sid, noisy / np.linalg.norm(noisy))
        confirm_attempt(cfg, store, attempt_id, "obama", PROF, NOW)
    assert len(_door_refs(store, "obama")) == KEEP
    assert [v.door for v in person_vectors(store, "obama", "sface")][0] is False  # the enrolment stays


def test_the_overlay_offers_the_attempts_most_like_the_student_first(setup, faces):
    cfg, store, sid = setup
    a = add_attempt(store, sid, faces["alex"], candidates=(("lin", 0.3), ("obama", 0.2)))
    b = add_attempt(store, sid, faces["obama2"], candidates=(("obama", 0.42),))
    add_attempt(store, sid, faces["alex"], picture=False)
    assert [x.id for x in offers(store, sid, "obama")] == [b, a]
